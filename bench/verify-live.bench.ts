// Benchmark: a scheduled-verification run (the service path: snapshots, segments, checkpoints in chdb, re-checks)
// of a PostgreSQL primary → hot standby pair, idle versus under ~200 row writes/s on the primary. Each repetition
// runs idle, then live, back to back, and forms the ratio within itself (shared, noisy machine); figures are medians.
// Database CPU: utime+stime of every process of both clusters (postmasters and their children) during the run;
// "added by the verifier" under load = CPU during the live run minus CPU of the writes alone over an equal window.
// Run: node --import tsx bench/verify-live.bench.ts   (SYNCWATCH_BENCH_ROWS default 200000, SYNCWATCH_BENCH_REPEAT 3)
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSilentLogger } from '../lib/log.js';
import { createStorage } from '../lib/storage/create-storage.js';
import { migrate } from '../lib/storage/migrate.js';
import { VerificationConfigSchema } from '../verifier/service/config.js';
import { startVerifierService } from '../verifier/service/service.js';
import { validateAgainst } from '../lib/config/load.js';
import type { VerificationRun } from '../verifier/runs/run-types.js';
import { startPgPair, type PgPair } from '../test/support/replication/postgres-pair.js';
import { startPgUpdateWriter } from '../test/support/pg-update-writer.js';
import { withPgClient } from '../test/support/services.js';
import { writeResultsSection } from './results-file.js';

const ROWS = Number(process.env['SYNCWATCH_BENCH_ROWS'] ?? 200_000);
const REPEAT = Number(process.env['SYNCWATCH_BENCH_REPEAT'] ?? 3);
const CLK_TCK = 100;

/** CPU seconds of the `roots` and every descendant process, including descendants that already exited. */
function treeCpuSeconds(roots: readonly number[]): number {
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(f[1]));
      // utime + stime, plus cutime + cstime: a backend that exited (a closed connection) is counted in its reaped parent.
      cpu.set(Number(entry), (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / CLK_TCK);
    } catch {
      // gone meanwhile
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid, depth = 0; p !== undefined && p > 1 && depth < 10; p = parent.get(p), depth++) if (roots.includes(p)) return true;
    return false;
  };
  let total = 0;
  for (const [pid, seconds] of cpu) if (inTree(pid)) total += seconds;
  return total;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

interface Sample { seconds: number; dbCpu: number; run: VerificationRun; writesPerSecond: number }

async function main(): Promise<void> {
  const pair: PgPair = await startPgPair();
  const dataDir = mkdtempSync(join(tmpdir(), 'sw-bench-vlive-'));
  const storage = createStorage({ dataDir, database: 'bench' });
  try {
    await withPgClient(pair.primaryUrl, async (c) => {
      await c.query('CREATE TABLE orders (id integer PRIMARY KEY, v integer NOT NULL, note text, amount numeric(12,2), created timestamptz)');
      await c.query(`INSERT INTO orders SELECT g, 0, md5(g::text), (g % 100000) / 100.0, timestamptz '2024-01-01Z' + g * interval '1 second' FROM generate_series(1, ${ROWS}) g`);
    });
    const lsn = await withPgClient(pair.primaryUrl, async (c) => (await c.query<{ l: string }>('SELECT pg_current_wal_lsn()::text AS l')).rows[0]?.l ?? '');
    for (;;) {
      const ok = await withPgClient(pair.standbyUrl, async (c) => (await c.query<{ ok: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [lsn])).rows[0]?.ok === true);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await migrate(storage);
    const config = validateAgainst(VerificationConfigSchema, {
      pairs: [{ name: 'live', source: { url: pair.primaryUrl, table: 'orders' }, target: { url: pair.standbyUrl, table: 'orders' }, schedule: '0 0 1 1 *', chunkRows: 10_000, checkpointChunks: 4, graceSeconds: 1, recheckRounds: 3 }],
    }, 'bench');
    const service = await startVerifierService({ config, storage, logger: createSilentLogger() });
    const pids = [pair.primary.pid, pair.standby.pid];
    const once = async (live: boolean): Promise<Sample> => {
      const writer = live ? startPgUpdateWriter(pair.primaryUrl, ROWS) : undefined;
      if (writer !== undefined) await new Promise((r) => setTimeout(r, 1000)); // a steady write rate first
      const cpu0 = treeCpuSeconds(pids);
      const t0 = performance.now();
      const { id } = await service.trigger('live');
      await service.settled('live');
      const seconds = (performance.now() - t0) / 1000;
      const dbCpu = treeCpuSeconds(pids) - cpu0;
      let writesPerSecond = 0;
      if (writer !== undefined) {
        // The writes alone over an equal window: their own database CPU, subtracted from the live run's.
        const w0 = treeCpuSeconds(pids);
        await new Promise((r) => setTimeout(r, seconds * 1000));
        const writesCpu = treeCpuSeconds(pids) - w0;
        const writes = await writer.stop();
        writesPerSecond = writes / (seconds * 2 + 1);
        const run = await service.runs.get(id);
        if (run === undefined) throw new Error('run not stored');
        return { seconds, dbCpu: dbCpu - writesCpu, run, writesPerSecond };
      }
      const run = await service.runs.get(id);
      if (run === undefined) throw new Error('run not stored');
      return { seconds, dbCpu, run, writesPerSecond };
    };
    const idle: Sample[] = [];
    const live: Sample[] = [];
    for (let i = 0; i < REPEAT; i++) {
      idle.push(await once(false));
      live.push(await once(true));
      const [a, b] = [idle.at(-1), live.at(-1)];
      console.log(`rep ${i + 1}: idle ${a?.seconds.toFixed(2)} s (db cpu ${a?.dbCpu.toFixed(2)} s), live ${b?.seconds.toFixed(2)} s (db cpu added ${b?.dbCpu.toFixed(2)} s), ` +
        `live diffs ${b?.run.differences} (in flight ${b?.run.inFlight}, suspected ${b?.run.suspected}, confirmed ${b?.run.confirmed}), ${b?.writesPerSecond.toFixed(0)} writes/s`);
    }
    await service.close();
    const ratios = idle.map((s, i) => (live[i]?.seconds ?? 0) / s.seconds);
    const row = (label: string, xs: Sample[]): string => {
      const r = (f: (s: Sample) => number): number => median(xs.map(f));
      return `| ${label} | ${r((s) => s.seconds).toFixed(2)} | ${r((s) => s.dbCpu).toFixed(2)} | ${r((s) => s.run.differences)} | ${r((s) => s.run.inFlight)} | ${r((s) => s.run.suspected)} | ${r((s) => s.run.confirmed)} | ${label === 'idle' ? '0' : r((s) => s.writesPerSecond).toFixed(0)} |`;
    };
    const body = `A service run (snapshots, ${ROWS.toLocaleString('en-US')} rows in segments of 40,000 checkpointed to chdb, grace 1 s, 3 re-check rounds)
of a PostgreSQL 15 primary → hot standby pair on this machine, idle and while ~200 row updates/s run on the primary
(10 random rows every 50 ms). Medians of ${REPEAT} repetitions; each repetition runs idle then live back to back.
Database CPU = CPU time of both clusters' processes during the run (live: minus the writes' own CPU over an equal
window). Load average ${loadavg().map((l) => l.toFixed(1)).join(', ')} on ${cpus().length} cores (shared machine).
\`node --import tsx bench/verify-live.bench.ts\` (\`SYNCWATCH_BENCH_ROWS\`, \`SYNCWATCH_BENCH_REPEAT\`).

| case | wall time (s) | database CPU (s) | differences seen | in flight | suspected | confirmed | writes/s |
|---|---|---|---|---|---|---|---|
${row('idle', idle)}
${row('~200 writes/s', live)}

Wall time under writes / idle (median of per-repetition ratios): **${median(ratios).toFixed(2)}×**. Differences seen
under writes are rows written between the two sides' snapshots; each is re-read after the grace (1 s), and the
columns above say how they ended. The rest of the added time is reading while the writes and the standby's replay
share the machine's two cores.`;
    writeResultsSection('verification under live writes (`bench/verify-live.bench.ts`)', body);
    console.log(body);
  } finally {
    await storage.close();
    await pair.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
