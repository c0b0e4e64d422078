// Benchmark: `verify` against the physical limit measured in the same run — one in-database full-table
// aggregate-hash scan of each side (both sides at once, as verify runs them) — on identical tables, then with
// 1 changed row, 1% and 10% of rows changed at random (cumulative; every difference must be named).
// Each figure is the median of SYNCWATCH_BENCH_REPEAT repetitions, and each ratio is formed within one
// repetition (scan, identical verify, this verify back to back), because this machine is shared and noisy.
// Run: node --import tsx bench/verify.bench.ts
//   SYNCWATCH_BENCH_ROWS (default 200000), SYNCWATCH_BENCH_REPEAT (default 3),
//   SYNCWATCH_BENCH_PAIRS (default postgres-mysql,postgres-postgres,mysql-mysql)
// Runs above 1 000 000 rows write the "verify at scale" section of bench/RESULTS.md (10M: add --max-old-space-size=8192).
import { cpus, loadavg } from 'node:os';
import { createConnection } from 'mysql2/promise';
import { runVerify } from '../verifier/run.js';
import type { Store } from '../verifier/store.js';
import { openStore } from '../verifier/stores/registry.js';
import { fullScan } from './full-scan.js';
import { writeResultsSection } from './results-file.js';
import { createTempMysqlDatabase, createTempPgDatabase, withPgClient, type TempDatabase } from '../test/support/services.js';

const ROWS = Number(process.env['SYNCWATCH_BENCH_ROWS'] ?? 200_000);
const REPEAT = Number(process.env['SYNCWATCH_BENCH_REPEAT'] ?? 3);
const PAIRS = (process.env['SYNCWATCH_BENCH_PAIRS'] ?? 'postgres-mysql,postgres-postgres,mysql-mysql').split(',');
/** Row hashes measured for same-engine pairs: `native` (the default verify uses) and/or `portable` (md5-64). */
const HASHES = (process.env['SYNCWATCH_BENCH_HASHES'] ?? (ROWS > 1_000_000 ? 'native' : 'native,portable')).split(',');

const SCALE_PREAMBLE = `Same table, cases and method as the "verify" section above, at a larger row count
(\`SYNCWATCH_BENCH_ROWS=${ROWS} SYNCWATCH_BENCH_PAIRS=${PAIRS.join(',')} SYNCWATCH_BENCH_REPEAT=${REPEAT}\`; a run above
1 000 000 rows rewrites this section). Loading: PostgreSQL \`INSERT … SELECT … generate_series\` then the primary key;
MariaDB \`INSERT … SELECT … FROM seq_1_to_N\` (sequence engine), twice on the target (changed and identical copy).`;

interface Engine {
  create(): Promise<TempDatabase>;
  load(url: string, table: string): Promise<void>;
  /** Sets `note` to a new value on the rows with these ids. */
  change(url: string, ids: readonly number[]): Promise<void>;
}

async function mysql(url: string, sql: string, params: unknown[] = []): Promise<void> {
  const conn = await createConnection({ uri: url, multipleStatements: true });
  try {
    await conn.query(sql, params);
  } finally {
    await conn.end();
  }
}

const ENGINES: Readonly<Record<string, Engine>> = {
  postgres: {
    create: () => createTempPgDatabase('sw_bench'),
    load: (url, table) => withPgClient(url, async (c) => {
      // Bulk load: rows first, then the primary key built in one sort (faster than maintaining it per row at 10M).
      await c.query(`CREATE TABLE ${table} (id bigint NOT NULL, name varchar(64), amount numeric(12,2), created timestamptz, note text)`);
      await c.query(`INSERT INTO ${table} SELECT g, 'name ' || g, (g % 100000) / 100.0, timestamptz '2024-01-01 00:00:00Z' + g * interval '1 second', CASE WHEN g % 7 = 0 THEN NULL ELSE md5(g::text) END FROM generate_series(1, ${ROWS}) g`);
      await c.query(`ALTER TABLE ${table} ADD PRIMARY KEY (id)`);
      await c.query(`VACUUM ANALYZE ${table}`);
    }),
    change: (url, ids) => withPgClient(url, async (c) => {
      await c.query("UPDATE bench SET note = 'changed ' || id WHERE id = ANY($1::bigint[])", [ids]);
      await c.query('VACUUM ANALYZE bench');
    }),
  },
  mysql: {
    create: () => createTempMysqlDatabase('sw_bench'),
    load: (url, table) => mysql(url, `CREATE TABLE ${table} (id bigint PRIMARY KEY, name varchar(64), amount decimal(12,2), created timestamp(6) NULL, note text);
      SET time_zone = '+00:00';
      INSERT INTO ${table} SELECT seq, CONCAT('name ', seq), (seq % 100000) / 100.0, TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq SECOND, IF(seq % 7 = 0, NULL, MD5(seq)) FROM seq_1_to_${ROWS};
      ANALYZE TABLE ${table};`),
    change: async (url, ids) => {
      for (let i = 0; i < ids.length; i += 5_000) await mysql(url, "UPDATE bench SET note = CONCAT('changed ', id) WHERE id IN (?)", [ids.slice(i, i + 5_000)]);
    },
  },
};

/** Deterministic pseudo-random ids (xorshift), so that runs are comparable. */
function randomIds(count: number, seed: number): number[] {
  let x = seed;
  const out = new Set<number>();
  while (out.size < count) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.add(1 + ((x >>> 0) % ROWS));
  }
  return [...out];
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Times one verify and checks that it named exactly `expected` differences. */
async function verifyOnce(source: Store, target: Store, targetTable: string, expected: number, what: string, portableHash: boolean): Promise<number> {
  let diffs = -1;
  const ms = await timed(async () => {
    diffs = (await runVerify({ source, target, table: 'bench', targetTable, portableHash })).diffs.length;
  });
  if (diffs !== expected) throw new Error(`${what}: expected ${expected} diffs, got ${diffs}`);
  return ms;
}

/** One case under one row hash: REPEAT × (reference scan, identical verify, this case's verify), as a table row. */
async function measureCase(source: Store, target: Store, pair: string, label: string, expected: number, portable: boolean): Promise<string[]> {
  const scans: number[] = [];
  const sames: number[] = [];
  const runs: number[] = [];
  const toScan: number[] = [];
  const toSame: number[] = [];
  let rowHash = '';
  for (let r = 0; r < REPEAT; r++) {
    const timing = await fullScan(source, target, 'bench', 'bench', portable);
    rowHash = timing.rowHash;
    const same = await verifyOnce(source, target, 'bench_same', 0, `${pair} identical`, portable);
    const run = await verifyOnce(source, target, 'bench', expected, `${pair} ${label}`, portable);
    scans.push(timing.ms);
    sames.push(same);
    runs.push(run);
    toScan.push(run / timing.ms);
    toSame.push(run / same);
  }
  return [pair.replace('-', ' → '), label, rowHash, String(ROWS), median(scans).toFixed(0), median(sames).toFixed(0), median(runs).toFixed(0), median(toScan).toFixed(2), median(toSame).toFixed(2), String(expected)];
}

/**
 * One pair. The target holds two copies: `bench_same` stays identical to the source and `bench` receives the
 * changes, so that every repetition measures the reference scan, the identical case and the changed case
 * back to back — the ratios then compare runs made under the same machine load.
 */
async function benchPair(pair: string): Promise<string[][]> {
  const [srcName = '', tgtName = ''] = pair.split('-');
  const src = ENGINES[srcName];
  const tgt = ENGINES[tgtName];
  if (src === undefined || tgt === undefined) throw new Error(`unknown pair ${pair} (engines: ${Object.keys(ENGINES).join(', ')})`);
  const [sdb, tdb] = await Promise.all([src.create(), tgt.create()]);
  const out: string[][] = [];
  try {
    process.stderr.write(`${pair}: loading ${ROWS} rows (source) and twice ${ROWS} rows (target)…\n`);
    const loadMs = await timed(() => Promise.all([src.load(sdb.url, 'bench'), tgt.load(tdb.url, 'bench').then(() => tgt.load(tdb.url, 'bench_same'))]));
    process.stderr.write(`${pair}: loaded in ${(loadMs / 1000).toFixed(0)} s\n`);
    loadSeconds.push(`${pair.replace('-', ' → ')} ${(loadMs / 1000).toFixed(0)} s`);
    const source = openStore(sdb.url);
    const target = openStore(tdb.url);
    const changed = new Set<number>();
    const cases: [string, number[]][] = [['identical', []], ['1 changed row', [4242]], ['1% changed', randomIds(ROWS / 100, 7)], ['10% changed', randomIds(ROWS / 10, 11)]];
    // A same-engine pair is measured under its native row hash and, as the cross-engine reference, under md5-64.
    const hashes = srcName === tgtName ? HASHES : ['native'];
    for (const [label, ids] of cases) {
      const changeMs = await timed(() => tgt.change(tdb.url, ids));
      if (ids.length > 0) process.stderr.write(`  ${label}: changed on the target in ${(changeMs / 1000).toFixed(1)} s\n`);
      for (const id of ids) changed.add(id);
      for (const hash of hashes) {
        const row = await measureCase(source, target, pair, label, changed.size, hash === 'portable');
        out.push(row);
        process.stderr.write(`  ${row.join(' | ')}\n`);
      }
    }
    await Promise.all([source.close(), target.close()]);
  } finally {
    await Promise.all([sdb.drop(), tdb.drop()]);
  }
  return out;
}

const loadSeconds: string[] = [];
const started = performance.now();
const loadBefore = loadavg()[0] ?? 0;
const rows: string[][] = [];
for (const pair of PAIRS) rows.push(...await benchPair(pair));
const table = [
  '| pair | case | row hash | rows | full scan both sides (ms) | verify identical (ms) | verify this case (ms) | verify / scan | verify / identical verify | diffs named |',
  '|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');
const note = `${ROWS.toLocaleString('en-US')} rows, median${REPEAT === 1 ? ' of 1 repetition (single run)' : `s of ${REPEAT} repetitions`}; ` +
  `each ratio is taken within one repetition (scan, identical verify, this verify back to back). Load (both sides, target twice): ` +
  `${loadSeconds.join(', ')}. Whole run ${((performance.now() - started) / 60_000).toFixed(1)} min on ${cpus().length} cores, ` +
  `load average ${loadBefore.toFixed(1)} at the start and ${(loadavg()[0] ?? 0).toFixed(1)} at the end.`;
console.log(`${table}\n\n${note}`);
// The hand-annotated 200k / 1M figures live in the "verify" section; runs above 1M rows get their own section.
if (ROWS > 1_000_000) {
  writeResultsSection(`verify at scale (\`bench/verify.bench.ts\`, ${PAIRS.join(', ')})`, `${SCALE_PREAMBLE}\n\n${table}\n\n${note}`);
}
