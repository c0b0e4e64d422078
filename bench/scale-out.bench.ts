// Scale-out benchmark: ingest throughput through Kafka with 1 and 2 collector processes (serve --roles collector)
// in front of one writer process (serve --roles writer, embedded chdb), side by side in one run — the scaling
// ratio — plus what one alerter process evaluates per second when it reads the same topic. Real processes and a
// real broker on this machine; the load generator runs in this process and shares the same 2 cores.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafka } from '../lib/kafka.js';
import { createSilentLogger } from '../lib/log.js';
import { startKafkaBroker } from '../test/support/kafka-broker.js';
import { startServe, type ServeProcess } from '../test/support/serve-process.js';
import { buildBodies, percentile, runLoad, type LoadResult } from './ingest-load.js';
import { readProcSample } from './proc-usage.js';
import { writeResultsSection } from './results-file.js';

const POINTS = Number(process.env['SYNCWATCH_BENCH_POINTS'] ?? 600_000);
const BATCH_POINTS = 2000;
const CONCURRENCY = 8;
const root = mkdtempSync(join(tmpdir(), 'sw-bench-scale-'));

/** Resolves with the time at which `groupId` has committed `topic` up to its end. */
async function caughtUp(brokers: readonly string[], groupId: string, topic: string, timeoutMs = 600_000): Promise<number> {
  const admin = createKafka({ brokers, clientId: 'bench', logger: createSilentLogger() }).admin();
  await admin.connect();
  try {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const done = ends.every((end) => {
        const c = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        return BigInt(c === '-1' ? end.low : c) >= BigInt(end.high);
      });
      if (done) return performance.now();
      if (performance.now() > deadline) throw new Error(`${groupId} did not catch up on ${topic} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
}

function configFile(topic: string): string {
  const file = join(root, `${topic}.yaml`);
  // A rule on one of the benchmark's metrics that never fires: the alerter's cost is evaluation, not notification.
  writeFileSync(file, [
    `kafka: { topic: ${topic}, partitions: 6 }`,
    'ingest: { rateLimitPerMinute: 0, maxGroupPoints: 200000 }',
    'localAgent: { enabled: false }',
    'alerts:',
    '  rules:',
    '    - { name: bench_high, kind: threshold, metric: bench_metric_0, op: ">", threshold: 1e15 }',
  ].join('\n'));
  return file;
}

interface Run {
  readonly collectors: number;
  readonly ackMs: number;
  readonly storedMs: number;
  readonly p50: number;
  readonly p99: number;
  readonly busy: number;
  /** CPU seconds the collector processes (together) and the writer spent on the run. */
  readonly collectorCpu: number;
  readonly writerCpu: number;
}

const cpuOf = (pids: readonly number[]): number => pids.reduce((n, pid) => n + readProcSample(pid).cpuSeconds, 0);

async function run(brokers: readonly string[], bodies: readonly Buffer[], collectors: number): Promise<{ result: Run; topic: string }> {
  const topic = `bench.scale.${collectors}.${Date.now()}`;
  const config = configFile(topic);
  const procs: ServeProcess[] = [];
  const serve = async (role: string, dir: string): Promise<ServeProcess> => {
    const p = await startServe({ dataDir: join(root, dir), localAgent: false, startTimeoutMs: 120_000, extraArgs: ['--config', config, '--roles', role, '--route', 'kafka', '--kafka-brokers', brokers.join(',')] });
    procs.push(p);
    return p;
  };
  try {
    const writer = await serve('writer', `writer-${collectors}`);
    const cs = await Promise.all(Array.from({ length: collectors }, (_, i) => serve('collector', `collector-${collectors}-${i}`)));
    const share = Math.ceil(bodies.length / collectors);
    const cpu0 = { collectors: cpuOf(cs.map((c) => c.pid)), writer: cpuOf([writer.pid]) };
    const t0 = performance.now();
    const loads: LoadResult[] = await Promise.all(cs.map((c, i) => runLoad(c.url, c.token, bodies.slice(i * share, (i + 1) * share), CONCURRENCY / collectors)));
    const ackMs = performance.now() - t0;
    const collectorCpu = cpuOf(cs.map((c) => c.pid)) - cpu0.collectors;
    const storedMs = (await caughtUp(brokers, 'syncwatch-writers', topic)) - t0;
    const writerCpu = cpuOf([writer.pid]) - cpu0.writer;
    const latencies = loads.flatMap((l) => l.latenciesMs);
    return { topic, result: { collectors, ackMs, storedMs, p50: percentile(latencies, 50), p99: percentile(latencies, 99), busy: loads.reduce((n, l) => n + l.busyRetries, 0), collectorCpu, writerCpu } };
  } finally {
    for (const p of procs) await p.stop();
  }
}

/** One alerter process reading a filled topic from its start: wall time and CPU seconds until it caught up. */
async function alerter(brokers: readonly string[], topic: string): Promise<{ ms: number; cpu: number }> {
  const p = await startServe({ dataDir: join(root, 'alerter'), localAgent: false, startTimeoutMs: 120_000, extraArgs: ['--config', configFile(topic), '--roles', 'alerter', '--route', 'kafka', '--kafka-brokers', brokers.join(',')] });
  try {
    const cpu0 = cpuOf([p.pid]);
    const t0 = performance.now();
    const ms = (await caughtUp(brokers, 'syncwatch-alerters', topic)) - t0;
    return { ms, cpu: cpuOf([p.pid]) - cpu0 };
  } finally {
    await p.stop();
  }
}

const bodies = buildBodies(POINTS, BATCH_POINTS);
const load0 = loadavg()[0] ?? 0;
const broker = await startKafkaBroker();
let one: Run;
let two: Run;
let alerterRun: { ms: number; cpu: number };
try {
  const first = await run(broker.brokers, bodies, 1);
  one = first.result;
  two = (await run(broker.brokers, bodies, 2)).result;
  alerterRun = await alerter(broker.brokers, first.topic);
} finally {
  await broker.stop();
  rmSync(root, { recursive: true, force: true });
}

const load1 = loadavg()[0] ?? 0;
const rate = (ms: number): number => Math.round(POINTS / (ms / 1000));
const perCpu = (cpuSeconds: number): string => Math.round(POINTS / Math.max(cpuSeconds, 0.001)).toLocaleString('en');
const fmt = (n: number): string => n.toLocaleString('en');
const line = (r: Run): string => `| ${r.collectors} | ${fmt(rate(r.ackMs))} | ${fmt(rate(r.storedMs))} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.busy} | ${perCpu(r.collectorCpu)} | ${perCpu(r.writerCpu)} |`;
const table = [
  `${fmt(POINTS)} points in ${bodies.length} gzip batches of ${BATCH_POINTS} (50 hosts, 10 pipelines, 6 partitions), ${CONCURRENCY} concurrent keep-alive HTTP clients in total, split over the collectors.`,
  `Every role is its own \`serve\` process; the broker, the processes and the load generator share this machine's ${cpus().length} cores (1-minute load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end: other work was running). Points per CPU-second (each role's own process CPU time) is the capacity figure that noise affects least.`,
  '`node --import tsx bench/scale-out.bench.ts` (points: `SYNCWATCH_BENCH_POINTS`).',
  '',
  '| collector processes | acknowledged points/s | stored points/s (1 writer) | ack p50 (ms) | ack p99 (ms) | 429 retries | collector points per CPU-s | writer points per CPU-s |',
  '|---|---|---|---|---|---|---|---|',
  line(one),
  line(two),
  '',
  `Scaling ratio, 2 collectors / 1 collector: **${(rate(two.ackMs) / rate(one.ackMs)).toFixed(2)}×** acknowledged, **${(rate(two.storedMs) / rate(one.storedMs)).toFixed(2)}×** stored.`,
  `One alerter process (consume + evaluate, from the topic's start, including its group join): **${fmt(rate(alerterRun.ms))} points/s**, ${perCpu(alerterRun.cpu)} points per CPU-s.`,
].join('\n');
console.log(table);
writeResultsSection('scale-out (`bench/scale-out.bench.ts`)', table);
