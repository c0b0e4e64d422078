// Benchmark: lag accuracy. On each real pipeline the apply side is stopped while the source keeps changing;
// when the injected lag reaches 2 s, 10 s and 60 s, the probe's reported lag is compared with the true lag
// (time since apply stopped, at the collection's timestamp). Goal: within ±1 interval (1 s, the default).
// Pipelines run side by side; probes are driven in-process at their interval, as the agent's runner does.
// Run: node --import tsx bench/lag-accuracy.bench.ts   (SYNCWATCH_BENCH_LAGS, default "2,10,60" seconds)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describeError } from '../lib/errors.js';
import { pointsOf } from '../test/support/probes.js';
import { filesScenario, kafkaScenario, mariadbScenario, postgresScenario, redisScenario, type LagScenario, type WatchedLag } from './lag-scenarios.js';
import { writeResultsSection } from './results-file.js';

const INJECTED_S = (process.env['SYNCWATCH_BENCH_LAGS'] ?? '2,10,60').split(',').map(Number);
const INTERVAL_MS = 1_000;
const SETTLE_TIMEOUT_MS = 120_000;

interface Reading {
  readonly pipeline: string;
  readonly metric: string;
  readonly injection: string;
  readonly injectedS: number;
  readonly trueS: number;
  readonly reportedS: number;
  readonly recoveryS: number;
}

interface Sample { readonly ts: number; readonly value: number | undefined }

/** One collection of `w`: the lag value and the timestamp of the point that carries it. */
async function sample(w: WatchedLag): Promise<Sample> {
  const at = Date.now();
  const points = await w.probe.collect(AbortSignal.timeout(10_000)).catch(() => []);
  const point = pointsOf(points, w.metric, w.labels).at(0);
  return { ts: point?.ts ?? at, value: point?.value };
}

/** Collects every watched probe once, then waits out the rest of the interval. */
async function tick(scenario: LagScenario): Promise<Sample[]> {
  const started = Date.now();
  const samples = await Promise.all(scenario.watched.map(sample));
  await delay(Math.max(0, INTERVAL_MS - (Date.now() - started)));
  return samples;
}

/** Collects until every watched lag is under one interval; resolves with the time that happened. */
async function settle(scenario: LagScenario): Promise<number> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const samples = await tick(scenario);
    if (samples.every((s) => s.value !== undefined && s.value < INTERVAL_MS / 1000)) return Math.max(...samples.map((s) => s.ts));
    if (Date.now() > deadline) throw new Error(`${scenario.pipeline}: lag not under 1 s within ${SETTLE_TIMEOUT_MS} ms: ${samples.map((s) => String(s.value)).join(', ')}`);
  }
}

async function measure(scenario: LagScenario): Promise<Reading[]> {
  const readings: Reading[] = [];
  for (const injectedS of INJECTED_S) {
    await settle(scenario);
    // Apply stops at a random moment between two collections, as a real stall would, while collections go on.
    let pausedAt: number | undefined;
    const pausing = delay(Math.random() * INTERVAL_MS).then(() => scenario.pause()).then(() => { pausedAt = Date.now(); });
    const taken = new Map<number, Sample>();
    while (taken.size < scenario.watched.length) {
      const samples = await tick(scenario);
      const since = pausedAt;
      if (since !== undefined) samples.forEach((s, i) => { if (!taken.has(i) && s.ts >= since + injectedS * 1000) taken.set(i, s); });
    }
    await pausing;
    const stoppedAt = pausedAt ?? 0;
    await scenario.resume();
    const resumedAt = Date.now();
    const recoveryS = (await settle(scenario) - resumedAt) / 1000;
    scenario.watched.forEach((w, i) => {
      const s = taken.get(i);
      readings.push({ pipeline: scenario.pipeline, metric: w.metric, injection: scenario.injection, injectedS, trueS: ((s?.ts ?? 0) - stoppedAt) / 1000, reportedS: s?.value ?? Number.NaN, recoveryS });
    });
    process.stderr.write(`${scenario.pipeline}: ${injectedS} s done\n`);
  }
  return readings;
}

function report(readings: readonly Reading[], notes: readonly string[]): string {
  const tolerance = INTERVAL_MS / 1000;
  const rows = readings.map((r) => {
    const error = r.reportedS - r.trueS;
    const ok = Math.abs(error) <= tolerance ? 'yes' : '**no**';
    return `| ${r.pipeline} | \`${r.metric}\` | ${r.injection} | ${r.injectedS} | ${r.trueS.toFixed(2)} | ${r.reportedS.toFixed(2)} | ${error >= 0 ? '+' : ''}${error.toFixed(2)} | ${ok} | ${r.recoveryS.toFixed(1)} |`;
  });
  const within = readings.filter((r) => Math.abs(r.reportedS - r.trueS) <= tolerance).length;
  return [
    'Real pairs on loopback, probes at the default 1 s interval and default timeouts, driven in-process at their interval. The source keeps',
    'changing (a write every 100 ms; heartbeat probes also write their beat each interval); the apply side is stopped, and the first collection',
    'at or after the injected lag is read. True lag = that collection\'s timestamp − the moment apply stopped. After each reading apply resumes',
    'and the last column says how long the reported lag took to fall back under 1 s. All pipelines ran at the same time.',
    '`node --import tsx bench/lag-accuracy.bench.ts`.',
    ...notes.map((n) => `\nNote: ${n}.`),
    '',
    '| pipeline | lag metric | injection | injected (s) | true lag at reading (s) | reported (s) | error (s) | within ±1 s | back under 1 s after resume (s) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `${within} of ${readings.length} readings within ±1 interval.`,
  ].join('\n');
}

const scratch = mkdtempSync(join(tmpdir(), 'sw-lag-bench-'));
const notes: string[] = [];
const starters: [string, () => Promise<LagScenario>][] = [
  ['PostgreSQL', postgresScenario], ['MariaDB', mariadbScenario], ['Redis', redisScenario], ['Kafka', kafkaScenario], ['files', () => filesScenario(scratch)],
];
process.stderr.write('starting PostgreSQL, MariaDB and Redis pairs and a Kafka broker…\n');
const started = await Promise.allSettled(starters.map(([, start]) => start()));
const scenarios: LagScenario[] = [];
started.forEach((s, i) => {
  if (s.status === 'fulfilled') scenarios.push(s.value);
  else notes.push(`${starters[i]?.[0] ?? '?'} could not start (${describeError(s.reason)}) and is not measured`);
});
try {
  if (scenarios.length === 0) throw new Error(`no pipeline could start: ${notes.join('; ')}`);
  const readings = (await Promise.all(scenarios.map(measure))).flat();
  const body = report(readings, notes);
  console.log(body);
  writeResultsSection('lag accuracy (`bench/lag-accuracy.bench.ts`)', body);
} finally {
  for (const s of scenarios) await s.stop().catch(() => undefined);
  rmSync(scratch, { recursive: true, force: true });
}
