// The shipper and the agent against a real HTTP endpoint that fails on purpose: 503s, connection resets
// (before and after the batch was stored), refused connections, an agent restart in mid-outage.
// The endpoint is a node:http server written here because the collector is built at the same time; it
// validates bodies with the same schema the collector uses and dedups by batch id as the collector must.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { createAgent } from '../../agents/agent.js';
import type { Probe } from '../../agents/probe.js';
import { createShipper } from '../../agents/shipper.js';
import { openSpool } from '../../agents/spool.js';
import { createSilentLogger } from '../../lib/log.js';
import { IngestBatchSchema, type IngestBatch, type Point } from '../../lib/protocol/ingest-batch.js';
import { waitFor } from '../support/wait-for.js';

const TOKEN = 'test-agent-token';
const BATCH = TypeCompiler.Compile(IngestBatchSchema);
const FAST_BACKOFF = { initialMs: 10, maxMs: 100 };

/** What the endpoint does with one request. */
type Reply = 'store' | '503' | 'reset-before-store' | 'reset-after-store' | '400' | 'hang';

interface FakeCollector {
  readonly url: string;
  /** batch id → points, stored once per batch id (the dedup the real collector does with its token). */
  readonly stored: Map<string, Point[]>;
  /** Every request's batch id and the reply it got, in arrival order. */
  readonly requests: { batchId: string; reply: Reply }[];
  setPlan(plan: (request: number, batch: IngestBatch) => Reply): void;
  listen(): Promise<void>;
  close(): Promise<void>;
}

async function fakeCollector(): Promise<FakeCollector> {
  const stored = new Map<string, Point[]>();
  const requests: { batchId: string; reply: Reply }[] = [];
  let plan: (request: number, batch: IngestBatch) => Reply = () => 'store';
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    assert.equal(req.url, '/api/v1/ingest');
    assert.equal(req.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(req.headers['content-encoding'], 'gzip');
    assert.equal(req.headers['content-type'], 'application/json');
    const body: unknown = JSON.parse(gunzipSync(Buffer.concat(chunks)).toString('utf8'));
    assert.ok(BATCH.Check(body), `schema: ${JSON.stringify(BATCH.Errors(body).First())}`);
    const reply = plan(requests.length, body);
    requests.push({ batchId: body.batchId, reply });
    if (reply === 'store' || reply === 'reset-after-store') {
      if (!stored.has(body.batchId)) stored.set(body.batchId, body.points);
    }
    switch (reply) {
      case 'store':
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ batchId: body.batchId, accepted: body.points.length }));
        return;
      case '503':
        res.writeHead(503, { 'retry-after': '0' }).end('storage unavailable');
        return;
      case '400':
        res.writeHead(400).end('points/0: bad');
        return;
      case 'reset-before-store':
      case 'reset-after-store':
        req.socket.destroy();
        return;
      case 'hang':
        return; // never answers; the shipper's request timeout has to fire
    }
  };
  const server: Server = createServer((req, res) => { handle(req, res).catch(() => req.socket.destroy()); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stored,
    requests,
    setPlan: (next) => { plan = next; },
    listen: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
    close: () => new Promise<void>((resolve) => {
      server.close(() => { resolve(); });
      server.closeAllConnections();
    }),
  };
}

/** A probe that yields the values [from, to) one per collection, then nothing. */
function countingProbe(name: string, from: number, to: number): Probe & { produced: number[] } {
  const produced: number[] = [];
  let next = from;
  return {
    kind: 'test',
    name,
    intervalMs: 20,
    produced,
    collect: () => {
      if (next >= to) return Promise.resolve([]);
      produced.push(next);
      return Promise.resolve([{ ts: Date.now(), metric: 'test_counter', labels: { probe: name }, value: next++ }]);
    },
    check: () => Promise.resolve({ ok: true }),
    close: () => Promise.resolve(),
  };
}

const values = (points: Iterable<Point[]>, metric: string): number[] =>
  [...points].flat().filter((p) => p.metric === metric).map((p) => p.value).sort((a, b) => a - b);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('shipper against a failing endpoint', () => {
  const dirs: string[] = [];
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'sw-agent-'));
    dirs.push(dir);
    return dir;
  };
  after(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

  it('delivers every point exactly once through refusals, 503s and resets, resending under the same batch id', async () => {
    const collector = await fakeCollector();
    await collector.close(); // the collector is down at first: connections are refused
    const spool = await openSpool({ dir: await tempDir(), batchIdPrefix: 'a1', logger: createSilentLogger(), segmentMaxPoints: 100 });
    const produced = range(2_000).map((i): Point => ({ ts: 1_700_000_000_000 + i, metric: 'test_seq', labels: {}, value: i }));
    for (let i = 0; i < produced.length; i += 250) await spool.append(produced.slice(i, i + 250));
    const shipper = createShipper({ spool, collectorUrl: collector.url, token: TOKEN, agentName: 'a1', logger: createSilentLogger(), backoff: FAST_BACKOFF, requestTimeoutMs: 300 });
    const controller = new AbortController();
    const shipping = shipper.run(controller.signal);

    await waitFor('refused connections to be retried', () => shipper.stats().sendFailures >= 3);
    assert.match(shipper.stats().lastError ?? '', /ECONNREFUSED/);
    const cycle: Reply[] = ['503', 'reset-before-store', 'store', 'reset-after-store', '503', 'store'];
    collector.setPlan((n) => (n === 0 ? 'hang' : cycle[n % cycle.length] ?? 'store'));
    await collector.listen();
    await waitFor('all 20 batches to be acknowledged', () => spool.stats().segments === 0 && shipper.stats().batchesSent === 20, { timeoutMs: 30_000 });
    controller.abort();
    await shipping;
    await spool.close();
    await collector.close();

    assert.deepEqual(values(collector.stored.values(), 'test_seq'), range(2_000), 'distinct points received == produced, none twice');
    const failed = collector.requests.filter((r) => r.reply !== 'store').map((r) => r.batchId);
    assert.ok(failed.length > 10);
    for (const batchId of failed) assert.ok(collector.stored.has(batchId), `${batchId} was retried under the same id and stored`);
    assert.ok(collector.requests.length > collector.stored.size, 'some batches were sent more than once');
    assert.equal(collector.stored.size, 20);
    assert.equal(collector.requests[0]?.reply, 'hang', 'the first request hung and timed out');
  });

  it('quarantines a batch refused with 400 and goes on with the rest', async () => {
    const collector = await fakeCollector();
    const dir = await tempDir();
    const spool = await openSpool({ dir, batchIdPrefix: 'a2', logger: createSilentLogger(), segmentMaxPoints: 10 });
    await spool.append(range(30).map((i) => ({ ts: 1, metric: 'test_seq', labels: {}, value: i })));
    collector.setPlan((_, batch) => (batch.points[0]?.value === 10 ? '400' : 'store'));
    const shipper = createShipper({ spool, collectorUrl: collector.url, token: TOKEN, agentName: 'a2', logger: createSilentLogger(), backoff: FAST_BACKOFF });
    const controller = new AbortController();
    const shipping = shipper.run(controller.signal);
    await waitFor('two batches stored and one rejected', () => collector.stored.size === 2 && shipper.stats().batchesRejected === 1 && spool.stats().segments === 0);
    controller.abort();
    await shipping;
    await spool.close();
    await collector.close();
    assert.equal(collector.requests.filter((r) => r.reply === '400').length, 1, 'a rejected batch is not resent');
    assert.deepEqual([spool.stats().rejectedBatches, spool.stats().rejectedPoints], [1, 10]);
    assert.equal((await readdir(join(dir, 'rejected'))).filter((f) => f.endsWith('.seg')).length, 1);
  });

  it('an agent restarted mid-outage resumes from the spool; every point arrives once', async () => {
    const collector = await fakeCollector();
    collector.setPlan(() => '503');
    const spoolDir = await tempDir();
    const common = {
      collectorUrl: collector.url,
      token: TOKEN,
      agentName: 'edge-1',
      spoolDir,
      logger: createSilentLogger(),
      probes: [],
      hostLabel: 'edge-host',
      spool: { segmentMaxAgeMs: 100 },
      shipper: { backoff: FAST_BACKOFF },
    };
    const probeA = countingProbe('counter', 0, 40);
    const agentA = createAgent({ ...common, probeInstances: [probeA] });
    await agentA.start();
    await waitFor('agent A to produce its points and hit the outage', () => probeA.produced.length === 40 && collector.requests.length >= 3);
    await agentA.stop();
    const seenDuringOutage = new Set(collector.requests.map((r) => r.batchId));
    assert.ok((agentA.stats().spool?.segments ?? 0) > 0, 'points wait in the spool');

    let request = 0;
    collector.setPlan(() => (request++ === 0 ? 'reset-after-store' : 'store'));
    const probeB = countingProbe('counter', 40, 80);
    const agentB = createAgent({ ...common, probeInstances: [probeB] });
    await agentB.start();
    await waitFor('all 80 counter points to arrive', () => values(collector.stored.values(), 'test_counter').length >= 80, { timeoutMs: 20_000 });
    await agentB.stop();
    await collector.close();

    assert.deepEqual(values(collector.stored.values(), 'test_counter'), range(80), 'all points arrive once after dedup by batch id');
    for (const batchId of seenDuringOutage) assert.ok(collector.stored.has(batchId), `${batchId} (sent by agent A) was resent by agent B under the same id`);
    const stored = [...collector.stored.values()].flat();
    assert.ok(stored.some((p) => p.metric === 'syncwatch_probe_up' && p.labels['probe'] === 'counter' && p.value === 1));
    assert.ok(stored.some((p) => p.metric === 'syncwatch_agent_spool_dropped_points_total' && p.labels['reason'] === 'spool_full'));
    assert.ok(stored.every((p) => p.labels['host'] === 'edge-host'));
    assert.deepEqual(agentB.stats().spool?.droppedPoints, { spool_full: 0, invalid: 0, torn: 0, corrupt: 0, write_failed: 0, unreadable: 0 });
  });
});
