// Scale-out under faults, with real processes on one machine: 2 collectors + 1 writer + 2 alerters over a real
// Kafka broker, the writer on chdb. Agents ingest steadily; lag "waves" make alerts fire and resolve again and
// again on 8 pipelines; one alerter is killed with -9 and a collector is killed and restarted mid-stream. Then
// count: every point stored once (chdb opened after the writer exited), every alert transition notified (distinct
// idempotency keys = expected transitions, exactly; repeats of a key are at-least-once delivery and reported).
// Second part: two verifier-lease processes on the same pair never run it at the same time.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { generateToken } from '../../lib/auth/tokens.js';
import { createKafka } from '../../lib/kafka.js';
import { createSilentLogger } from '../../lib/log.js';
import { createStorage } from '../../lib/storage/create-storage.js';
import { ALERTER_GROUP, ALERT_NOTIFY_TOPIC, NOTIFIER_GROUP } from '../../collector/routing/alerter-topics.js';
import { countSequencePoints, startSequenceAgents, type SequenceAgents } from '../support/ingest-agents.js';
import { startKafkaBroker, type KafkaBroker } from '../support/kafka-broker.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { trackChild, type TrackedChild } from '../support/tracked-child.js';
import { waitFor } from '../support/wait-for.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const ROOT = new URL('../..', import.meta.url).pathname;
/** The same files docker-compose.yml runs (test/unit/compose.test.ts checks that). */
const CONFIG_FILE = join(ROOT, 'deploy', 'syncwatch.yaml');
const ROLES = JSON.parse(readFileSync(join(ROOT, 'deploy', 'roles.json'), 'utf8')) as Record<'collector' | 'writer' | 'alerter', string[]>;
const RUN_MS = Number(process.env['SYNCWATCH_SCALEOUT_RUN_MS'] ?? 24_000);
const INGEST_TOPIC = 'syncwatch.ingest';
const WAVE_METRIC = 'pg_replay_lag_seconds';
const WAVE_RULE = 'replication_lag_high';
const SECRET = 'scale-out-test-secret-0123456789';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The deploy config with only the receiver URL pointed at this test's receiver. */
function testConfig(dir: string, receiverUrl: string): string {
  const doc = parse(readFileSync(CONFIG_FILE, 'utf8')) as { alerts: { receivers: { url: string }[] } };
  for (const r of doc.alerts.receivers) r.url = `${receiverUrl}/alerts`;
  const file = join(dir, 'syncwatch.yaml');
  writeFileSync(file, stringify(doc));
  return file;
}

/** True once `groupId` has committed every partition of `topic` up to its end. */
async function groupCaughtUp(brokers: readonly string[], groupId: string, topic: string): Promise<boolean> {
  const admin = createKafka({ brokers, clientId: 'scale-out-test', logger: createSilentLogger() }).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return ends.every((end) => {
      const c = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      return BigInt(c === '-1' ? end.low : c) >= BigInt(end.high);
    });
  } finally {
    await admin.disconnect();
  }
}

/** The partitions in an alerter's last "alerter partitions assigned" log line. */
function assignedOf(output: string): number[] | undefined {
  let last: number[] | undefined;
  for (const line of output.split('\n')) {
    if (!line.includes('"alerter partitions assigned"')) continue;
    try {
      last = (JSON.parse(line) as { partitions: number[] }).partitions;
    } catch {
      // a line cut by the output tail
    }
  }
  return last;
}

/** The "alert state restored" lines of an alerter, in order. */
function restoredOf(output: string): { partition: number; alerts: number }[] {
  return output.split('\n').flatMap((line) => {
    if (!line.includes('"alert state restored"')) return [];
    try {
      const r = JSON.parse(line) as { partition: number; alerts: number };
      return [{ partition: r.partition, alerts: r.alerts }];
    } catch {
      return [];
    }
  });
}

interface Wave {
  /** Expected transitions: `pipeline|firing|startsAt` and `pipeline|resolved|endsAt`. */
  readonly expected: Set<string>;
  stop(): Promise<void>;
}

/**
 * Per pipeline, batches of 5 lag points every 250 ms: 20 points at 0 s, 20 at 60 s, … (fires above 30, resolves at
 * 20 or below). Each pipeline sends in order, retrying a batch (same id) on the other collector when one is down;
 * it stops after a low block, so every episode ends resolved.
 */
function startWave(collectors: () => readonly string[], token: string, pipelines: number): Wave {
  const expected = new Set<string>();
  let stopping = false;
  const runs = Array.from({ length: pipelines }, async (_, k) => {
    const pipeline = `scale-pipe-${k}`;
    const base = Date.now();
    let firing = false;
    for (let i = 0, batch = 0; !(stopping && i % 40 === 20); batch++) {
      const points = [];
      for (let j = 0; j < 5; j++, i++) {
        const value = Math.floor(i / 20) % 2 === 1 ? 60 : 0;
        const ts = base + i * 10;
        if (value > 30 && !firing) expected.add(`${pipeline}|firing|${new Date(ts).toISOString()}`);
        if (value <= 20 && firing) expected.add(`${pipeline}|resolved|${new Date(ts).toISOString()}`);
        firing = value > 30 ? true : value <= 20 ? false : firing;
        points.push({ ts, metric: WAVE_METRIC, labels: { pipeline }, value });
      }
      const body = JSON.stringify({ agent: 'wave', batchId: `wave-${k}-${base}-${batch}`, points });
      for (let attempt = 0; ; attempt++) {
        const urls = collectors();
        const url = urls[(k + attempt) % urls.length] ?? '';
        const ok = await fetch(`${url}/api/v1/ingest`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000) })
          .then((r) => r.ok, () => false);
        if (ok) break;
        await sleep(100);
      }
      await sleep(250);
    }
  });
  return {
    expected,
    async stop() {
      stopping = true;
      await Promise.all(runs);
    },
  };
}

let broker: KafkaBroker | undefined;
before(async () => { broker = await startKafkaBroker(); });
after(async () => { await broker?.stop(); });
const brokersOf = (): readonly string[] => {
  assert.ok(broker !== undefined, 'the broker started');
  return broker.brokers;
};

const LEASE_CHILD = `
import { appendFileSync } from 'node:fs';
import { KafkaPairLease } from ${JSON.stringify(join(ROOT, 'collector/lease/pair-lease.ts'))};
import { createKafka } from ${JSON.stringify(join(ROOT, 'lib/kafka.ts'))};
import { createSilentLogger } from ${JSON.stringify(join(ROOT, 'lib/log.ts'))};
const [brokers, pair, log, id] = process.argv.slice(2);
const logger = createSilentLogger();
const lease = new KafkaPairLease({ kafka: createKafka({ brokers: brokers.split(','), clientId: 'lease-' + id, logger }), logger, sessionTimeoutMs: 6000 });
await lease.start();
process.stdout.write('lease ready\\n');
for (;;) {
  if (await lease.acquire(pair)) {
    const signal = lease.signal(pair);
    appendFileSync(log, Date.now() + ' start ' + id + '\\n');
    for (let i = 0; i < 20 && !signal.aborted; i++) await new Promise((r) => setTimeout(r, 20));
    appendFileSync(log, Date.now() + (signal.aborted ? ' abort ' : ' end ') + id + '\\n');
    lease.release(pair);
  }
  await new Promise((r) => setTimeout(r, 50));
}
`;

interface Interval { readonly id: string; readonly start: number; end: number }

function intervalsOf(log: string, killedAt: ReadonlyMap<string, number>): Interval[] {
  const open = new Map<string, Interval>();
  const out: Interval[] = [];
  for (const line of log.split('\n')) {
    const [at = '', kind = '', id = ''] = line.split(' ');
    if (kind === 'start') open.set(id, { id, start: Number(at), end: Number.POSITIVE_INFINITY });
    else if (kind === 'end' || kind === 'abort') {
      const i = open.get(id);
      if (i !== undefined) { i.end = Number(at); out.push(i); open.delete(id); }
    }
  }
  for (const i of open.values()) { i.end = killedAt.get(i.id) ?? Number.POSITIVE_INFINITY; out.push(i); }
  return out;
}

// The two parts share the broker and run side by side (the lease part is light), to keep the file's wall time down.
describe('scale-out over one Kafka broker', { concurrency: 2 }, () => {
  describe('scale-out: 2 collectors, 1 writer, 2 alerters over Kafka, with an alerter killed and a collector restarted', () => {
    const root = mkdtempSync(join(tmpdir(), 'sw-scale-out-'));
    const agentToken = generateToken('agent');
    let receiver: WebhookReceiver | undefined;
    const procs: (ServeProcess | undefined)[] = [];
    const agents: SequenceAgents[] = [];
    after(async () => {
      for (const a of agents) await a.stop();
      for (const p of procs) await p?.kill9();
      await receiver?.stop();
    });

    it('stores every point once and notifies every alert transition once', { timeout: RUN_MS + 300_000 }, async (t) => {
      const t0 = Date.now();
      const phase = (what: string): void => { t.diagnostic(`${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`); };
      receiver = await startWebhookReceiver({ secret: SECRET });
      const config = testConfig(root, receiver.url);
      const brokers = brokersOf();
      const env = { SYNCWATCH_AGENT_TOKEN: agentToken, SYNCWATCH_WEBHOOK_SECRET: SECRET };
      const role = (name: 'collector' | 'writer' | 'alerter', dir: string, port?: number): Promise<ServeProcess> =>
        startServe({ dataDir: join(root, dir), localAgent: false, env, startTimeoutMs: 120_000, ...(port === undefined ? {} : { port }), extraArgs: ['--config', config, ...ROLES[name], '--kafka-brokers', brokers.join(',')] });
      // The writer first: it creates the ingest topic the others use.
      const writer = await role('writer', 'writer');
      procs.push(writer);
      const [alerterA, alerterB, c1, c2first] = await Promise.all([role('alerter', 'alerter-a'), role('alerter', 'alerter-b'), role('collector', 'c1'), role('collector', 'c2')]);
      procs.push(alerterA, alerterB, c1, c2first);
      let c2: ServeProcess = c2first;
      const collectorUrls = (): string[] => [c1.url, c2.url];
      await waitFor('both alerters to own partitions', () => (assignedOf(alerterA.output())?.length ?? 0) > 0 && (assignedOf(alerterB.output())?.length ?? 0) > 0, { timeoutMs: 30_000, intervalMs: 250 })
        .catch((err: unknown) => { throw new Error(`${(err as Error).message}\nA:\n${alerterA.output().slice(-2000)}\nB:\n${alerterB.output().slice(-2000)}`); });

      // One group (its sources agent-0..2 are distinct only within a group), on the collector that is restarted;
      // the lag waves go to both collectors.
      agents.push(await startSequenceAgents({ count: 3, perTick: 10, collectorUrl: c2.url, token: agentToken, spoolRoot: join(root, 'agents') }));
      const wave = startWave(collectorUrls, agentToken, 8);
      phase('processes up, ingest started');

      const plannedEnd = Date.now() + RUN_MS;
      await sleep(RUN_MS * 0.3);
      const ownedByA = assignedOf(alerterA.output()) ?? [];
      const restoredBeforeKill = restoredOf(alerterB.output()).length;
      await alerterA.kill9();
      phase(`alerter A killed (it owned partitions ${ownedByA.join(',')})`);
      await sleep(RUN_MS * 0.2);
      const c2port = c2.port;
      await c2.kill9();
      await sleep(1000);
      c2 = await role('collector', 'c2', c2port);
      procs.push(c2);
      phase('collector 2 restarted');
      // A slow restart (a loaded machine) eats into the run rather than lengthening it.
      await sleep(Math.max(3000, plannedEnd - Date.now()));

      await wave.stop();
      phase('ingest stopped');
      let produced = 0;
      for (const a of agents) produced += await a.finish(90_000);
      assert.ok(produced > 1000, `expected sustained production, got ${produced}`);
      phase('agent spools drained');
      const lagged = (what: string, p: ServeProcess) => (err: unknown) => { throw new Error(`${(err as Error).message}\n${what} output:\n${p.output().slice(-3000)}`); };
      await waitFor('the writer to commit the ingest topic to its end', () => groupCaughtUp(brokers, 'syncwatch-writers', INGEST_TOPIC), { timeoutMs: 60_000, intervalMs: 500 }).catch(lagged('writer', writer));
      phase('writer caught up');
      await waitFor('the alerters to commit the ingest topic to its end', () => groupCaughtUp(brokers, ALERTER_GROUP, INGEST_TOPIC), { timeoutMs: 60_000, intervalMs: 500 }).catch(lagged('alerter B', alerterB));
      phase('alerters caught up');
      await waitFor('the notifiers to deliver every notification', () => groupCaughtUp(brokers, NOTIFIER_GROUP, ALERT_NOTIFY_TOPIC), { timeoutMs: 60_000, intervalMs: 500 }).catch(lagged('alerter B', alerterB));
      assert.deepEqual(assignedOf(alerterB.output()), [0, 1, 2, 3, 4, 5], 'the surviving alerter took every partition over');
      phase('every consumer group caught up');
      const takenOver = restoredOf(alerterB.output()).slice(restoredBeforeKill).filter((r) => ownedByA.includes(r.partition));
      assert.deepEqual([...new Set(takenOver.map((r) => r.partition))].sort(), [...ownedByA].sort(), 'B restored the state of every partition A owned');
      t.diagnostic(`alerts restored by B from A's partitions: ${takenOver.reduce((n, r) => n + r.alerts, 0)} active`);

      // Alert transitions: distinct idempotency keys against what the waves made.
      const waves = receiver.requests.filter((r) => (r.json as { groupLabels?: { alertname?: string } } | undefined)?.groupLabels?.alertname === WAVE_RULE);
      assert.ok(waves.every((r) => r.signatureOk), 'every webhook is signed with the shared secret');
      const counts = receiver.acceptedCounts();
      const firstByKey = new Map<string, string>();
      for (const r of waves) {
        const a = (r.json as { alerts: { status: string; labels: Record<string, string>; startsAt: string; endsAt: string }[] }).alerts[0];
        assert.ok(a !== undefined);
        firstByKey.set(r.key, `${a.labels['pipeline'] ?? ''}|${a.status}|${a.status === 'firing' ? a.startsAt : a.endsAt}`);
      }
      const received = [...firstByKey.values()];
      const delivered = [...firstByKey.keys()].reduce((n, k) => n + (counts.get(k) ?? 0), 0);
      t.diagnostic(`transitions expected ${wave.expected.size}, distinct keys received ${firstByKey.size}, deliveries ${delivered} (repeats of a key: ${delivered - firstByKey.size}); points produced ${produced}`);
      assert.equal(new Set(received).size, received.length, 'no transition was notified under two different keys');
      assert.deepEqual(new Set(received), wave.expected, 'every transition notified, none invented');
      assert.ok(wave.expected.size >= 40, `the waves made enough transitions (${wave.expected.size})`);

      for (const p of [alerterB, c1, c2]) await p.stop();
      await writer.stop();
      const storage = createStorage({ dataDir: join(root, 'writer') });
      try {
        assert.deepEqual(await countSequencePoints(storage), { total: produced, distinct: produced }, `produced ${produced}`);
      } finally {
        await storage.close();
      }
    });
  });

  describe('verifier lease: two processes configured with the same pair', () => {
    const root = mkdtempSync(join(tmpdir(), 'sw-lease-'));
    const children: TrackedChild[] = [];
    after(async () => {
      for (const c of children) await c.terminate('SIGKILL');
    });

    it('never run it at the same time, through a join and a kill -9', { timeout: 120_000 }, async () => {
      const script = join(root, 'lease-child.mts');
      writeFileSync(script, LEASE_CHILD);
      const log = join(root, 'runs.log');
      appendFileSync(log, '');
      const start = async (id: string): Promise<TrackedChild> => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, brokersOf().join(','), 'orders-pg-to-ch', log, id], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
        const tracked = trackChild(child);
        children.push(tracked);
        await waitFor(`lease process ${id} to start`, () => tracked.output().includes('lease ready'), { timeoutMs: 60_000, intervalMs: 100 })
          .catch((err: unknown) => { throw new Error(`${(err as Error).message}\n${tracked.output()}`); });
        return tracked;
      };
      const runsOf = (id: string): number => readFileSync(log, 'utf8').split('\n').filter((l) => l.endsWith(` start ${id}`)).length;
      const a = await start('a');
      await waitFor('process a to run the pair', () => runsOf('a') >= 3, { timeoutMs: 30_000, intervalMs: 100 });
      const b = await start('b');
      // The join rebalances the group: the pair's partition stays with a or moves to b.
      await sleep(5000);
      const lines = readFileSync(log, 'utf8').trim().split('\n');
      const holder = lines.at(-1)?.split(' ')[2] === 'b' ? 'b' : 'a';
      const other = holder === 'a' ? 'b' : 'a';
      const before = runsOf(other);
      const killedAt = Date.now();
      await (holder === 'a' ? a : b).terminate('SIGKILL');
      await waitFor(`process ${other} to take the pair over`, () => runsOf(other) > before + 2, { timeoutMs: 40_000, intervalMs: 100 });

      const intervals = intervalsOf(readFileSync(log, 'utf8'), new Map([[holder, killedAt]]));
      assert.ok(intervals.filter((i) => i.id === 'a').length > 0 && intervals.filter((i) => i.id === 'b').length > 0, 'both processes ran the pair at some time');
      for (const x of intervals) {
        for (const y of intervals) {
          if (x.id === y.id) continue;
          assert.ok(x.end <= y.start || y.end <= x.start, `runs overlap: ${x.id} ${x.start}–${x.end} and ${y.id} ${y.start}–${y.end}`);
        }
      }
    });
  });
});
