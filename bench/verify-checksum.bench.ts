// Benchmark: `verify` against Percona pt-table-checksum (Debian `percona-toolkit`) on a real MariaDB primary →
// replica pair, with the physical limit (one in-database full-table aggregate-hash scan of each side, both at once)
// measured in the same run. First on identical tables (N rows loaded on the primary and replicated), then with one
// row changed on the replica only (sql_log_bin=0, so replication does not see it): pt-table-checksum must report
// the chunk holding it and verify must name the row. Each figure is the median of SYNCWATCH_BENCH_REPEAT
// repetitions; ratios are formed within one repetition (pt-table-checksum, verify, scan back to back).
// Run: node --import tsx bench/verify-checksum.bench.ts
//   SYNCWATCH_BENCH_CHECKSUM_ROWS (default 1000000), SYNCWATCH_BENCH_REPEAT (default 3), SYNCWATCH_BENCH_DRY=1
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { runVerify } from '../verifier/run.js';
import { openStore } from '../verifier/stores/registry.js';
import { MARIADB_PAIR_DATABASE, startMariaDbPair, type MariaDbPair } from '../test/support/replication/mariadb-pair.js';
import { fullScan } from './full-scan.js';
import { writeResultsSection } from './results-file.js';

const ROWS = Number(process.env['SYNCWATCH_BENCH_CHECKSUM_ROWS'] ?? 1_000_000);
const REPEAT = Number(process.env['SYNCWATCH_BENCH_REPEAT'] ?? 3);
const TABLE = 'bench';
/** The row changed on the replica: somewhere in the middle, so that it is not in an open-ended edge chunk. */
const CHANGED_ID = Math.max(1, Math.floor(ROWS * 0.37));
const PT = 'pt-table-checksum';
/** The pair's test default (16M) is far below any real server; both tools and the scan get the same pool. */
const BUFFER_POOL = process.env['SYNCWATCH_BENCH_BUFFER_POOL'] ?? '256M';

interface PtRun {
  readonly ms: number;
  readonly exit: number | string;
  /** The DIFFS and CHUNKS columns of its report line for the table, and its own TIME column (s). */
  readonly diffs: number;
  readonly chunks: number;
  readonly ownSeconds: number;
  readonly error: string;
}

interface Measured {
  readonly pt: PtRun;
  readonly verifyMs: number;
  readonly scanMs: number;
  /** pt-table-checksum's own per-row checksum expression as one full-table query on each side, both at once. */
  readonly ptScanMs: number;
  /** The row hash verify and the reference scan used. */
  readonly rowHash: string;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function withConn<T>(port: number, fn: (c: Connection) => Promise<T>): Promise<T> {
  const conn = await createConnection({ host: '127.0.0.1', port, user: 'root', database: MARIADB_PAIR_DATABASE, multipleStatements: true });
  try {
    return await fn(conn);
  } finally {
    await conn.end().catch(() => undefined);
  }
}

async function query(port: number, sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
  return withConn(port, async (c) => (await c.query<RowDataPacket[]>(sql, params))[0]);
}

/** Loads the table on the primary and waits until the replica has applied it (MASTER_GTID_WAIT). */
async function loadReplicated(pair: MariaDbPair): Promise<void> {
  const db = MARIADB_PAIR_DATABASE;
  await withConn(pair.primary.port, async (c) => {
    await c.query(`CREATE TABLE ${db}.${TABLE} (id bigint PRIMARY KEY, name varchar(64), amount decimal(12,2), created timestamp(6) NULL, note text)`);
    // Sequence engine: 1..N generated inside the server; one INSERT … SELECT is the fastest load without a file.
    await c.query(`SET time_zone = '+00:00'; INSERT INTO ${db}.${TABLE} SELECT seq, CONCAT('name ', seq), (seq % 100000) / 100.0,
      TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq SECOND, IF(seq % 7 = 0, NULL, MD5(seq)) FROM seq_1_to_${ROWS}`);
    // Where pt-table-checksum finds the replica (--recursion-method=dsn=…); replicated too, which does no harm.
    await c.query(`CREATE DATABASE percona; CREATE TABLE percona.dsns (id int NOT NULL AUTO_INCREMENT PRIMARY KEY, parent_id int NULL, dsn varchar(255) NOT NULL);
      INSERT INTO percona.dsns (dsn) VALUES (?)`, [`h=127.0.0.1,P=${pair.replica.port},u=root`]);
  });
  const [pos] = await query(pair.primary.port, 'SELECT @@gtid_binlog_pos AS pos');
  const [waited] = await query(pair.replica.port, 'SELECT MASTER_GTID_WAIT(?, 1800) AS r', [String(pos?.['pos'] ?? '')]);
  if (Number(waited?.['r']) !== 0) throw new Error(`replica did not reach the primary's GTID position ${String(pos?.['pos'])}`);
  const [count] = await query(pair.replica.port, `SELECT count(*) AS n FROM ${db}.${TABLE}`);
  if (Number(count?.['n']) !== ROWS) throw new Error(`replica has ${String(count?.['n'])} rows, expected ${ROWS}`);
}

function run(command: string, args: readonly string[]): Promise<{ code: number | string; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    child.on('error', (err) => { resolve({ code: `spawn error: ${err.message}`, stdout, stderr }); });
    child.on('close', (code, signal) => { resolve({ code: code ?? `signal ${String(signal)}`, stdout, stderr }); });
  });
}

/** Reads pt-table-checksum's report line for our table by its header (TS ERRORS DIFFS ROWS … TIME TABLE). */
function parseReport(stdout: string): { diffs: number; chunks: number; seconds: number } | undefined {
  const lines = stdout.split('\n').map((l) => l.trim().split(/\s+/));
  const header = lines.find((l) => l[0] === 'TS' && l.includes('DIFFS'));
  const line = lines.find((l) => l.at(-1) === `${MARIADB_PAIR_DATABASE}.${TABLE}`);
  if (header === undefined || line === undefined) return undefined;
  const col = (name: string): number => Number(line[header.indexOf(name)]);
  return { diffs: col('DIFFS'), chunks: col('CHUNKS'), seconds: col('TIME') };
}

async function runPt(pair: MariaDbPair): Promise<PtRun> {
  const primary = `h=127.0.0.1,P=${pair.primary.port},u=root`;
  const args = [primary, `--databases=${MARIADB_PAIR_DATABASE}`, `--tables=${TABLE}`,
    `--recursion-method=dsn=${primary},D=percona,t=dsns`,
    // The pair replicates with binlog_format=ROW; the tool sets STATEMENT for its own session, which is what
    // matters (the replica has no replicas of its own that would re-log the checksum statements as rows).
    '--no-check-binlog-format', '--no-version-check'];
  let out = { code: 0 as number | string, stdout: '', stderr: '' };
  const ms = await timed(async () => { out = await run(PT, args); });
  const report = parseReport(out.stdout);
  const error = report === undefined || out.code !== 0 && out.code !== 16
    ? `${PT} exit ${String(out.code)}: ${(out.stderr.trim() || out.stdout.trim()).split('\n').slice(-6).join(' / ')}`
    : '';
  return { ms, exit: out.code, diffs: report?.diffs ?? Number.NaN, chunks: report?.chunks ?? Number.NaN, ownSeconds: report?.seconds ?? Number.NaN, error };
}

/** The chunk(s) pt-table-checksum recorded as different on the replica (its documented check query). */
async function ptDiffChunks(pair: MariaDbPair): Promise<{ chunk: number; lower: string | null; upper: string | null }[]> {
  const rows = await query(pair.replica.port, `SELECT chunk, lower_boundary, upper_boundary FROM percona.checksums
    WHERE db = ? AND tbl = ? AND (master_cnt <> this_cnt OR master_crc <> this_crc OR ISNULL(master_crc) <> ISNULL(this_crc))`,
  [MARIADB_PAIR_DATABASE, TABLE]);
  return rows.map((r) => ({ chunk: Number(r['chunk']), lower: r['lower_boundary'] as string | null, upper: r['upper_boundary'] as string | null }));
}

/** The COUNT/BIT_XOR(CRC32(…)) select list of pt-table-checksum's chunk query for our table, from its --explain. */
async function ptExpression(pair: MariaDbPair): Promise<string> {
  const out = await run(PT, [`h=127.0.0.1,P=${pair.primary.port},u=root`, `--databases=${MARIADB_PAIR_DATABASE}`, `--tables=${TABLE}`,
    '--explain', '--recursion-method=none', '--no-check-binlog-format', '--no-version-check']);
  const line = out.stdout.split('\n').find((l) => l.includes('/*checksum chunk*/'));
  const expr = line === undefined ? undefined : /SELECT \?, \?, \?, \?, \?, \?, (.*) FROM `/.exec(line)?.[1];
  if (expr === undefined) throw new Error(`${PT} --explain printed no checksum query: ${out.stdout}${out.stderr}`);
  return expr;
}

async function ptScan(pair: MariaDbPair, expr: string): Promise<number> {
  return timed(() => Promise.all([pair.primary.port, pair.replica.port].map((port) => query(port, `SELECT ${expr} FROM ${TABLE}`))));
}

/** One verify with freshly opened stores (pt-table-checksum connects anew each run too); checks what it names. */
async function verifyOnce(pair: MariaDbPair, changedId: number | undefined): Promise<number> {
  const source = openStore(pair.primaryUrl);
  const target = openStore(pair.replicaUrl);
  try {
    let named = '';
    const ms = await timed(async () => {
      const result = await runVerify({ source, target, table: TABLE });
      named = result.diffs.map((d) => `${d.kind} ${d.key.join(',')}`).join('; ');
    });
    const expected = changedId === undefined ? '' : `changed ${changedId}`;
    if (named !== expected) throw new Error(`verify named [${named}], expected [${expected}]`);
    return ms;
  } finally {
    await Promise.all([source.close(), target.close()]);
  }
}

async function measureCase(pair: MariaDbPair, changedId: number | undefined, expr: string): Promise<Measured[]> {
  const out: Measured[] = [];
  for (let r = 0; r < REPEAT; r++) {
    const pt = await runPt(pair);
    const verifyMs = await verifyOnce(pair, changedId);
    const source = openStore(pair.primaryUrl);
    const target = openStore(pair.replicaUrl);
    const scan = await fullScan(source, target, TABLE).finally(() => Promise.all([source.close(), target.close()]));
    const scanMs = scan.ms;
    const ptScanMs = await ptScan(pair, expr);
    process.stderr.write(`  ${changedId === undefined ? 'identical' : '1 changed row'} #${r + 1}: ${PT} ${pt.ms.toFixed(0)} ms (exit ${String(pt.exit)}, ` +
      `diffs ${pt.diffs}, chunks ${pt.chunks}${pt.error === '' ? '' : `, ${pt.error}`}), verify ${verifyMs.toFixed(0)} ms, scan ${scanMs.toFixed(0)} ms, pt-expression scan ${ptScanMs.toFixed(0)} ms\n`);
    out.push({ pt, verifyMs, scanMs, ptScanMs, rowHash: scan.rowHash });
  }
  return out;
}

function row(label: string, ms: readonly Measured[], ptFound: string, verifyFound: string): string {
  const pt = (m: Measured): number => (m.pt.error === '' ? m.pt.ms : Number.NaN);
  const f0 = (x: number): string => (Number.isNaN(x) ? 'failed' : x.toFixed(0));
  const f2 = (x: number): string => (Number.isNaN(x) ? '—' : x.toFixed(2));
  const exits = [...new Set(ms.map((m) => String(m.pt.exit)))].join(', ');
  return `| ${label} | ${ROWS} | ${f0(median(ms.map(pt)))} | ${f2(median(ms.map((m) => m.pt.ownSeconds)))} | ${f0(median(ms.map((m) => m.pt.chunks)))} | ` +
    `${f0(median(ms.map((m) => m.verifyMs)))} | ${f0(median(ms.map((m) => m.scanMs)))} | ${f0(median(ms.map((m) => m.ptScanMs)))} | ${f2(median(ms.map((m) => m.verifyMs / pt(m))))} | ` +
    `${f2(median(ms.map((m) => m.verifyMs / m.scanMs)))} | ${exits} | ${ptFound} | ${verifyFound} |`;
}

const started = performance.now();
const loadBefore = loadavg()[0] ?? 0;
const version = await run(PT, ['--version']);
if (version.code !== 0) {
  // Without the tool there is nothing to compare against; keep the committed figures rather than write "failed".
  process.stderr.write(`${PT} not runnable (${String(version.code)}) — install it with: apt-get install percona-toolkit\n`);
  process.exit(1);
}
process.stderr.write(`${String(version.stdout.trim() || version.code)}; starting a MariaDB primary → replica pair…\n`);
const pair = await startMariaDbPair({ extraArgs: [`--innodb-buffer-pool-size=${BUFFER_POOL}`] });
const lines: string[] = [];
let rowHash = '';
const errors = new Set<string>();
let serverVersion = '';
try {
  const [server] = await query(pair.primary.port, 'SELECT VERSION() AS v, @@innodb_buffer_pool_size AS bp');
  serverVersion = `${String(server?.['v'])}, innodb_buffer_pool_size ${Number(server?.['bp']) / 2 ** 20} MiB`;
  process.stderr.write(`loading ${ROWS} rows on the primary and waiting for the replica…\n`);
  const loadMs = await timed(() => loadReplicated(pair));
  process.stderr.write(`loaded and replicated in ${(loadMs / 1000).toFixed(0)} s\n`);

  const expr = await ptExpression(pair);
  const same = await measureCase(pair, undefined, expr);
  rowHash = same[0]?.rowHash ?? '';
  for (const m of same) {
    if (m.pt.error !== '') errors.add(m.pt.error);
    else if (m.pt.diffs !== 0 || m.pt.exit !== 0) throw new Error(`${PT} on identical tables: exit ${String(m.pt.exit)}, ${m.pt.diffs} diffs`);
  }
  lines.push(row('identical', same, same.every((m) => m.pt.error === '') ? '0 diffs' : 'failed', '0 diffs'));

  await query(pair.replica.port, `SET SESSION sql_log_bin = 0; UPDATE ${MARIADB_PAIR_DATABASE}.${TABLE} SET note = 'changed on the replica only' WHERE id = ?`, [CHANGED_ID]);
  const changed = await measureCase(pair, CHANGED_ID, expr);
  let ptFound = 'failed';
  if (changed.every((m) => m.pt.error === '')) {
    const bad = changed.find((m) => m.pt.diffs !== 1 || (Number(m.pt.exit) & 16) === 0);
    if (bad !== undefined) throw new Error(`${PT} with 1 changed row: exit ${String(bad.pt.exit)}, ${bad.pt.diffs} diffs`);
    const chunks = await ptDiffChunks(pair);
    const hit = chunks.find((c) => (c.lower === null || Number(c.lower) <= CHANGED_ID) && (c.upper === null || CHANGED_ID <= Number(c.upper)));
    if (chunks.length !== 1 || hit === undefined) throw new Error(`${PT} recorded chunks ${JSON.stringify(chunks)}, none holding id ${CHANGED_ID}`);
    ptFound = `1 diff: chunk ${hit.chunk}, ids ${hit.lower ?? '−∞'}…${hit.upper ?? '+∞'}`;
  } else {
    for (const m of changed) if (m.pt.error !== '') errors.add(m.pt.error);
  }
  lines.push(row('1 changed row (replica only)', changed, ptFound, `changed ${CHANGED_ID}`));
} finally {
  await pair.stop();
}

const table = [
  `| case | rows | ${PT} (ms) | its own TIME (s) | its chunks | verify (ms) | full scan both sides (ms) | ${PT}'s expression, full scan both sides (ms) | verify / ${PT} | verify / scan | ${PT} exit | ${PT} found | verify named |`,
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...lines,
].join('\n');
const notes = [
  `${version.stdout.trim()} against MariaDB ${serverVersion} (primary → GTID replica, \`test/support/replication/mariadb-pair.ts\`: ` +
    'binlog_format=ROW, the same buffer pool on each). Table as in the "verify" section; rows loaded on the primary with one ' +
    '`INSERT … SELECT … FROM seq_1_to_N` and replicated; the changed row is updated on the replica with `sql_log_bin=0`.',
  `${PT} runs with its defaults (\`--chunk-time=0.5\`, CRC32 per chunk, results in \`percona.checksums\`), ` +
    '`--recursion-method=dsn=…,D=percona,t=dsns` (one row naming the replica), `--no-check-binlog-format` (the tool sets ' +
    'STATEMENT for its own session; the pair runs ROW globally) and `--no-version-check`. Its wall time includes start-up, ' +
    'replica discovery and waiting for the replica to apply each chunk\'s checksum statement (that is how it compares); ' +
    '"its own TIME" is the table time it reports. The chunk it found is read from `percona.checksums` on the replica.',
  'verify = `runVerify` with freshly opened stores for the primary and the replica URLs, default options; full scan = one ' +
    'in-database aggregate-hash query over the whole table on each side, both at once, with the row hash verify uses (the physical ' +
    `limit; here \`${rowHash}\`, the pair's row hash — canonical/SPEC.md). "${PT}'s expression" = the select list of its chunk query (from \`--explain\`: COUNT and BIT_XOR of ` +
    'CRC32 over CONCAT_WS of the raw columns) run the same way, over the whole table on each side at once.',
  `Medians of ${REPEAT} repetitions; ratios taken within one repetition (${PT}, verify, scan back to back). Whole run ` +
    `${((performance.now() - started) / 60_000).toFixed(1)} min on ${cpus().length} cores, load average ${loadBefore.toFixed(1)} at the ` +
    `start and ${(loadavg()[0] ?? 0).toFixed(1)} at the end.`,
  ...[...errors].map((e) => `${PT} failed: \`${e}\``),
].join('\n\n');
console.log(`${table}\n\n${notes}`);
// SYNCWATCH_BENCH_DRY=1: print only (trial runs at small sizes must not replace the committed figures).
// One section per table size and buffer pool, so that runs at several sizes stand side by side.
if (process.env['SYNCWATCH_BENCH_DRY'] !== '1') writeResultsSection(`verify vs pt-table-checksum, ${ROWS.toLocaleString('en-US')} rows, buffer pool ${BUFFER_POOL} (\`bench/verify-checksum.bench.ts\`)`,
  `\`SYNCWATCH_BENCH_CHECKSUM_ROWS=${ROWS} SYNCWATCH_BENCH_BUFFER_POOL=${BUFFER_POOL} SYNCWATCH_BENCH_REPEAT=${REPEAT} node --import tsx bench/verify-checksum.bench.ts\`\n\n${table}\n\n${notes}`);
