// The collector is down for a minute (SYNCWATCH_OUTAGE_MS, default 60000) while agents keep producing; both
// agents are restarted half-way through the outage; the collector comes back on the same port and data dir.
// Then count: every point is stored exactly once. Two producers, both through the real spool and shipper:
//  - an in-process agent with the test sequence probe: exact counts per run (0 … n−1, once each);
//  - the real `syncwatch agent` process with a host probe: its per-collection `syncwatch_probe_up` series
//    has no duplicate and no hole, except the seconds the process was really down for its restart.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { createAgent, type Agent } from '../../agents/agent.js';
import { generateToken } from '../../lib/auth/tokens.js';
import { createSilentLogger } from '../../lib/log.js';
import { createStorage } from '../../lib/storage/create-storage.js';
import type { Storage } from '../../lib/storage/storage.js';
import { startAgentProcess, type AgentProcess } from '../support/agent-process.js';
import { fetchMetrics, sampleValue } from '../support/prometheus-text.js';
import { createSequenceProbe, SEQUENCE_METRIC, type SequenceProbe } from '../support/sequence-probe.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { waitFor } from '../support/wait-for.js';

const OUTAGE_MS = Number(process.env['SYNCWATCH_OUTAGE_MS'] ?? 60_000);
const SEQ_AGENT = 'outage-seq';
const REAL_AGENT = 'outage-real';
const REAL_HOST = 'outage-real-host';
const HOST_INTERVAL_MS = 500;
/** A segment holds at least 2 s of points (it is sealed by age or, during an outage, by size): losing one leaves a hole ≥ 2.5 s. */
const MAX_GAP_MS = 2_000;
/** The skew gauge compares send time with receive time; a resent spooled batch must not look minutes off. */
const MAX_SKEW_SECONDS = 5;

interface SequenceRun { readonly agent: Agent; readonly probe: SequenceProbe }

async function startSequenceRun(run: number, collectorUrl: string, token: string, spoolDir: string): Promise<SequenceRun> {
  const probe = createSequenceProbe(`run-${run}`, 10, 100);
  const agent = createAgent({
    collectorUrl,
    token,
    agentName: SEQ_AGENT,
    spoolDir,
    logger: createSilentLogger(),
    probes: [],
    probeInstances: [probe],
    spool: { segmentMaxAgeMs: 200 },
    shipper: { requestTimeoutMs: 5_000, backoff: { initialMs: 100, maxMs: 1_000 } },
  });
  await agent.start();
  return { agent, probe };
}

/** Halts production first, so that `produced` is exactly what reached the spool, then stops the agent. */
async function stopSequenceRun(run: SequenceRun): Promise<number> {
  run.probe.halt();
  await run.agent.stop();
  return run.probe.produced;
}

async function sequenceCounts(storage: Storage): Promise<{ source: string; total: number; distinct: number; lo: number; hi: number }[]> {
  return storage.query(
    `SELECT labels['source'] AS source, toFloat64(count()) AS total, toFloat64(uniqExact(value)) AS distinct, min(value) AS lo, max(value) AS hi
     FROM ${storage.database}.metric_points WHERE metric = {m:String} GROUP BY source ORDER BY source`,
    { m: SEQUENCE_METRIC },
  );
}

/** Epoch-ms timestamps of the real agent's host-probe health points, oldest first. */
async function hostProbeTimestamps(storage: Storage): Promise<number[]> {
  const rows = await storage.query<{ ts: number }>(
    `SELECT toFloat64(toUnixTimestamp64Milli(ts)) AS ts FROM ${storage.database}.metric_points
     WHERE metric = 'syncwatch_probe_up' AND agent = {a:String} AND labels['host'] = {h:String} AND labels['probe'] = 'host' ORDER BY ts`,
    { a: REAL_AGENT, h: REAL_HOST },
  );
  return rows.map((r) => r.ts);
}

/** Names of the spool's segments, sealed (`.seg`) or active (`.open`), without the extension. */
const segmentBases = (dir: string): string[] => readdirSync(dir).filter((f) => /\.(seg|open)$/.test(f)).map((f) => f.replace(/\.(seg|open)$/, ''));

describe('agent delivery across a collector outage and agent restarts', () => {
  const root = mkdtempSync(join(tmpdir(), 'sw-agent-outage-'));
  const dataDir = join(root, 'collector');
  const seqSpool = join(root, 'spool-seq');
  const realSpool = join(root, 'spool-real');
  const configFile = join(root, 'agent.yaml');
  const agentToken = generateToken('agent');
  const env = { SYNCWATCH_AGENT_TOKEN: agentToken };
  let serve: ServeProcess | undefined;
  let seq: SequenceRun | undefined;
  let real: AgentProcess | undefined;
  after(async () => {
    await seq?.agent.stop();
    await real?.stop();
    await serve?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it(`stores every point exactly once after a ${OUTAGE_MS / 1000} s outage`, { timeout: OUTAGE_MS + 240_000 }, async () => {
    writeFileSync(configFile, `hostLabel: ${REAL_HOST}\nprobes:\n  - kind: host\n    intervalMs: ${HOST_INTERVAL_MS}\n`);
    serve = await startServe({ dataDir, localAgent: false, env });
    const { port, url } = serve;
    const startReal = (): Promise<AgentProcess> => startAgentProcess({ collectorUrl: url, token: agentToken, configFile, spoolDir: realSpool, name: REAL_AGENT });
    real = await startReal();
    seq = await startSequenceRun(1, url, agentToken, seqSpool);
    const skewOf = async (agent: string): Promise<number | undefined> => {
      if (serve === undefined) return undefined;
      return sampleValue(await fetchMetrics(serve.url, serve.token), 'syncwatch_agent_clock_skew_seconds', { agent });
    };
    await waitFor('both agents delivering before the outage', async () => (await skewOf(SEQ_AGENT)) !== undefined && (await skewOf(REAL_AGENT)) !== undefined, { timeoutMs: 30_000 });

    // The outage. Holding it for a fixed time is the point of the test, hence the plain delays below.
    await serve.stop();
    serve = undefined;
    const outageStart = Date.now();
    const first = seq;
    await waitFor('the agent to notice the outage', () => (first.agent.stats().shipper?.sendFailures ?? 0) > 0, { timeoutMs: 10_000 });
    await delay(OUTAGE_MS / 2);

    // Both agents restart mid-outage over their spools.
    const produced1 = await stopSequenceRun(first);
    const queued = first.agent.stats().spool?.points ?? 0;
    assert.ok(queued > 0, 'the first run left its outage points in the spool');
    seq = await startSequenceRun(2, url, agentToken, seqSpool);
    assert.ok((seq.agent.stats().spool?.points ?? 0) >= queued, `the restarted agent resumed ${queued} spooled points`);
    const realStop = Date.now();
    await real.stop();
    real = await startReal();
    const realReady = Date.now();
    await delay(Math.max(0, outageStart + OUTAGE_MS - Date.now()));

    serve = await startServe({ dataDir, port, localAgent: false, env });
    const collectorBack = Date.now();
    const second = seq;
    // The sequence agent keeps producing while the real agent's backlog drains, then stops producing and drains too.
    // The real agent's backlog is every segment on disk now (the active one included): delivered once all are gone.
    const backlog = new Set(segmentBases(realSpool));
    await waitFor('the real agent to deliver its backlog', () => segmentBases(realSpool).every((b) => !backlog.has(b)), { timeoutMs: 120_000, intervalMs: 250 });
    second.probe.halt();
    await waitFor('the last collection to reach the spool', () => second.probe.settled, { timeoutMs: 10_000, intervalMs: 50 });
    await waitFor('the sequence agent to deliver its backlog', () => (second.agent.stats().spool?.points ?? 1) === 0, { timeoutMs: 120_000, intervalMs: 250 });
    for (const agent of [SEQ_AGENT, REAL_AGENT]) {
      const skew = await waitFor(`clock skew of ${agent} exposed after the restart`, () => skewOf(agent), { timeoutMs: 10_000 });
      assert.ok(Math.abs(skew) < MAX_SKEW_SECONDS, `clock skew of ${agent}: ${skew} s`);
    }
    const produced2 = await stopSequenceRun(second);
    seq = undefined;
    for (const run of [first, second]) assert.ok(Object.values(run.agent.stats().spool?.droppedPoints ?? {}).every((n) => n === 0), 'no point dropped');
    await real.stop();
    real = undefined;

    // A graceful stop flushes what the collector still queues; the data dir is read once it has exited.
    await serve.stop();
    serve = undefined;
    const storage = createStorage({ dataDir });
    try {
      assert.deepEqual(await sequenceCounts(storage), [
        { source: 'run-1', total: produced1, distinct: produced1, lo: 0, hi: produced1 - 1 },
        { source: 'run-2', total: produced2, distinct: produced2, lo: 0, hi: produced2 - 1 },
      ]);
      const stamps = await hostProbeTimestamps(storage);
      assert.equal(new Set(stamps).size, stamps.length, 'no host-probe point of the real agent stored twice');
      assert.ok((stamps[0] ?? Infinity) < outageStart && (stamps.at(-1) ?? 0) > collectorBack - MAX_GAP_MS, `the series spans the outage: ${stamps[0]} – ${stamps.at(-1)}`);
      const holes = stamps.slice(1).map((ts, i) => [stamps[i] ?? 0, ts] as const).filter(([a, b]) => b - a > MAX_GAP_MS);
      const outsideRestart = holes.filter(([a, b]) => a < realStop - MAX_GAP_MS || b > realReady + MAX_GAP_MS);
      assert.deepEqual(outsideRestart.map(([a, b]) => `${new Date(a).toISOString()} +${b - a} ms`), [], `holes outside the restart (${realStop}–${realReady})`);
    } finally {
      await storage.close();
    }
  });
});
