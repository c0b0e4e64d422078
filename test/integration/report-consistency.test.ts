// Signed point-in-time consistency reports over real verification runs (PostgreSQL pair, embedded ClickHouse):
// the right run for each T across changing verdicts, offline verification by the CLI (one changed byte fails),
// CSV and HTML, key rotation, and the run chain broken by editing and by deleting a run in ClickHouse.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ConsistencyReportBody } from '../../collector/reports/report-types.js';
import { qualified, TABLES } from '../../lib/storage/tables.js';
import { createTempPgDatabase, withPgClient, type TempDatabase } from '../support/services.js';
import { startReportServer, waitForRun, type ReportServer } from './report-harness.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'syncwatch');
const ROWS = 300;
interface Doc { body: ConsistencyReportBody; signature: { keyId: string; algorithm: string; signature: string } }

function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** For commands that call this process's server: spawnSync would block the event loop that has to answer them. */
function cliAsync(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr });
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('consistency reports', () => {
  let db: TempDatabase;
  let h: ReportServer;
  let work: string;
  const runIds: string[] = [];
  /** T0 before any run; T[i] right after run i finished (1-based). */
  const T: string[] = [];

  const report = async (query: string, role: 'auditor' | 'admin' = 'auditor'): Promise<Doc> => {
    const res = await h.api('GET', `/api/v1/reports/consistency?${query}`, role);
    assert.equal(res.statusCode, 200, res.body);
    return res.json<Doc>();
  };
  const pairOf = (doc: Doc, name: string) => {
    const p = doc.body.pairs.find((x) => x.pair === name);
    assert.ok(p !== undefined, `pair ${name} in ${JSON.stringify(doc.body.pairs.map((x) => x.pair))}`);
    return p;
  };

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'sw-report-files-'));
    db = await createTempPgDatabase('sw_report');
    await withPgClient(db.url, async (c) => {
      for (const t of ['src', 'dst']) {
        await c.query(`CREATE TABLE ${t} (id integer PRIMARY KEY, name text NOT NULL)`);
        await c.query(`INSERT INTO ${t} SELECT g, 'row ' || g FROM generate_series(1, ${ROWS}) g`);
      }
    });
    const common = { schedule: '0 0 1 1 *', chunkRows: 50, graceSeconds: 0.1, recheckRounds: 1 };
    h = await startReportServer({
      config: {
        verification: {
          pairs: [
            { name: 'orders', pipeline: 'orders-pipe', source: { url: db.url, table: 'src' }, target: { url: db.url, table: 'dst' }, columns: ['id', 'name'], ...common },
            { name: 'idle', source: { url: db.url, table: 'src' }, target: { url: db.url, table: 'src' }, ...common },
          ],
        },
      },
    });
    // Lag points of the pair's pipeline, so the report has a lag window to summarise (small: the verifier waits
    // at least the measured lag before re-checking a difference).
    const now = Date.now();
    const points = Array.from({ length: 20 }, (_v, i) => ({ ts: now - 60_000 + i * 1000, metric: 'pg_replay_lag_seconds', labels: { pipeline: 'orders-pipe', host: 'db2' }, value: i / 100 }));
    const ingest = await h.api('POST', '/api/v1/ingest', 'agent', { agent: 'test', batchId: 'report-lag-1', points });
    assert.equal(ingest.statusCode, 200, ingest.body);
    T.push(new Date(Date.now() - 1).toISOString());
    await sleep(5);
    // Four runs: consistent, drift (1 changed), drift (1 changed + 1 missing), consistent again.
    const steps = [
      [],
      ["UPDATE dst SET name = 'tampered' WHERE id = 7"],
      ['DELETE FROM dst WHERE id = 99'],
      ["UPDATE dst SET name = 'row 7' WHERE id = 7", "INSERT INTO dst VALUES (99, 'row 99')"],
    ];
    for (const sql of steps) {
      await withPgClient(db.url, async (c) => { for (const s of sql) await c.query(s); });
      const started = await h.api('POST', '/api/v1/verifications', 'admin', { pair: 'orders' });
      assert.equal(started.statusCode, 202, started.body);
      const { id } = started.json<{ id: string }>();
      const run = await waitForRun(h, id);
      assert.equal(run['status'], 'succeeded', JSON.stringify(run));
      runIds.push(id);
      await sleep(5);
      T.push(new Date(Date.now()).toISOString());
      await sleep(5);
    }
  });

  after(async () => {
    await h.close(true);
    await db.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('picks the newest run finished at or before T, for each T across changing verdicts', async () => {
    const expected = [
      { outcome: 'no-run', run: undefined, confirmed: 0 },
      { outcome: 'consistent', run: runIds[0], confirmed: 0 },
      { outcome: 'drift', run: runIds[1], confirmed: 1 },
      { outcome: 'drift', run: runIds[2], confirmed: 2 },
      { outcome: 'consistent', run: runIds[3], confirmed: 0 },
    ];
    for (const [i, at] of T.entries()) {
      const doc = await report(`at=${encodeURIComponent(at)}`);
      const want = expected[i];
      const orders = pairOf(doc, 'orders');
      assert.equal(orders.outcome, want?.outcome, `T${i}`);
      assert.equal(orders.run?.id, want?.run, `T${i}`);
      assert.equal(orders.run?.differences.confirmed.total ?? 0, want?.confirmed, `T${i}`);
      assert.equal(pairOf(doc, 'idle').outcome, 'no-run');
      assert.match(pairOf(doc, 'idle').message, /no run of pair idle finished with a verdict at or before/);
      assert.equal(doc.body.at, at);
      assert.equal(doc.body.requestedBy, 'test-auditor');
    }
  });

  it('states the evidence: rows, roots, chunks, coverage, spec version, digest path, read points, lag, chain', async () => {
    const doc = await report(`at=${encodeURIComponent(T[3] ?? '')}&pair=orders`);
    assert.deepEqual(doc.body.pairs.map((p) => p.pair), ['orders']);
    const run = pairOf(doc, 'orders').run;
    assert.ok(run !== null);
    assert.equal(run.source.rows, ROWS);
    assert.equal(run.target.rows, ROWS - 1);
    assert.match(run.source.merkleRoot, /^\d+:[0-9a-f]{16}$/);
    assert.notEqual(run.source.merkleRoot, run.target.merkleRoot);
    assert.ok(run.chunks.leaves > 1);
    assert.deepEqual(run.coverage.columns, ['id', 'name']);
    assert.equal(run.coverage.rowsCompared.source, ROWS);
    assert.ok(run.canonicalSpecVersion >= 1);
    assert.ok(['in-database', 'streamed'].includes(run.source.digestPath));
    assert.equal(typeof run.source.readPoint, 'string');
    assert.ok(!run.source.url.includes('@') || !/:[^/@]+@/.test(run.source.url.replace('postgres://', '')), run.source.url);
    assert.notEqual(run.configFingerprint, '');
    const kinds = run.differences.confirmed.first.map((d) => `${d.kind}:${d.key.join(',')}`).sort();
    assert.deepEqual(kinds, ['changed:7', 'missing:99']);
    const lag = run.lag.window.metrics.find((m) => m.metric === 'pg_replay_lag_seconds');
    assert.equal(run.lag.window.pipeline, 'orders-pipe');
    assert.equal(lag?.samples, 20);
    assert.equal(lag.max, 0.19);
    const chain = pairOf(doc, 'orders').chain;
    assert.equal(chain.intact, true);
    assert.equal(chain.length, 4);
    assert.equal(run.chainLink.seq, 3);
    assert.equal(doc.signature.algorithm, 'Ed25519');
  });

  it('lists the first N differences with a link that pages through the rest', async () => {
    const doc = await report(`at=${encodeURIComponent(T[3] ?? '')}&pair=orders&diffLimit=1`);
    const confirmed = pairOf(doc, 'orders').run?.differences.confirmed;
    assert.equal(confirmed?.first.length, 1);
    assert.ok(confirmed.more !== null);
    const page = await h.api('GET', confirmed.more, 'auditor');
    assert.equal(page.statusCode, 200, page.body);
    assert.equal(page.json<{ differences: unknown[] }>().differences.length, 1);
  });

  it('refuses a missing, malformed or future `at` with a 400 naming at', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    for (const q of ['', 'at=', 'at=last-tuesday', `at=${encodeURIComponent(future)}`]) {
      const res = await h.api('GET', `/api/v1/reports/consistency?${q}`, 'auditor');
      assert.equal(res.statusCode, 400, q);
      assert.match(res.json<{ error: { message: string } }>().error.message, /^querystring\.at: /, q);
    }
    assert.equal((await h.api('GET', `/api/v1/reports/consistency?at=${encodeURIComponent(T[1] ?? '')}&pair=nope`, 'auditor')).statusCode, 404);
    assert.equal((await h.api('GET', `/api/v1/reports/consistency?at=${encodeURIComponent(T[1] ?? '')}`, 'viewer')).statusCode, 403);
  });

  it('a saved report verifies offline with the CLI; one changed byte fails; usage errors exit 2', async () => {
    const res = await h.api('GET', `/api/v1/reports/consistency?at=${encodeURIComponent(T[2] ?? '')}`, 'auditor');
    const file = join(work, 'report.json');
    writeFileSync(file, res.body);
    const keys = join(work, 'keys.json');
    writeFileSync(keys, (await h.api('GET', '/api/v1/reports/keys', null)).body);
    const ok = cli(['report', 'verify', file, '--key', keys]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^VALID /);
    // One byte: the source row count 300 → 301 (still valid JSON, still a plausible report).
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf(`"rows": ${ROWS}`);
    assert.ok(at > 0);
    const tampered = join(work, 'tampered.json');
    writeFileSync(tampered, `${text.slice(0, at + 10)}1${text.slice(at + 11)}`);
    assert.equal(readFileSync(tampered).length, readFileSync(file).length);
    const bad = cli(['report', 'verify', tampered, '--key', keys]);
    assert.equal(bad.code, 1, bad.stdout);
    assert.match(bad.stderr, /INVALID .*signature does not match/);
    assert.equal(cli(['report', 'verify', file]).code, 2);
  });

  it('CSV lists every difference; HTML is self-contained, escaped and embeds a verifiable report', async () => {
    const csv = await h.api('GET', `/api/v1/reports/consistency?at=${encodeURIComponent(T[3] ?? '')}&format=csv`, 'auditor');
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    const lines = csv.body.trimEnd().split('\r\n');
    assert.equal(lines[0], 'pair,run_id,run_finished_at,class,kind,seq,key,columns,first_seen,last_seen,rounds');
    assert.equal(lines.length, 3);
    assert.ok(lines.slice(1).every((l) => l.startsWith(`orders,${runIds[2] ?? ''},`)));
    const html = await h.api('GET', `/api/v1/reports/consistency?at=${encodeURIComponent(T[3] ?? '')}&format=html`, 'auditor');
    assert.equal(html.statusCode, 200);
    assert.match(String(html.headers['content-type']), /^text\/html/);
    assert.doesNotMatch(html.body, /<script|<link|<img|src=|href=/i);
    assert.match(html.body, /DRIFT/);
    const file = join(work, 'report.html');
    writeFileSync(file, html.body);
    const keys = join(work, 'keys.json');
    writeFileSync(keys, (await h.api('GET', '/api/v1/reports/keys', null)).body);
    const ok = cli(['report', 'verify', file, '--key', keys]);
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('downloads with the CLI, and reports signed before a key rotation still verify against the server', async () => {
    const url = h.server.url;
    const out = join(work, 'cli.json');
    const dl = await cliAsync(['report', '--at', T[2] ?? '', '--server', url, '--out', out], { SYNCWATCH_AUDITOR_TOKEN: h.tokens.auditor });
    assert.equal(dl.code, 0, dl.stderr);
    assert.match(dl.stderr, /signature valid/);
    const before = JSON.parse(readFileSync(out, 'utf8')) as Doc;
    assert.equal(pairOf(before, 'orders').run?.id, runIds[1]);
    assert.equal((await cliAsync(['report', '--at', T[2] ?? '', '--server', url, '--token', h.tokens.viewer])).code, 2);

    const rotated = await h.api('POST', '/api/v1/reports/keys/rotate', 'admin');
    assert.equal(rotated.statusCode, 200, rotated.body);
    assert.equal((await h.api('POST', '/api/v1/reports/keys/rotate', 'auditor')).statusCode, 403);
    const keyList = (await h.api('GET', '/api/v1/reports/keys', null)).json<{ current: string; keys: { keyId: string; current: boolean }[] }>();
    assert.equal(keyList.keys.length, 2);
    assert.notEqual(keyList.current, before.signature.keyId);
    const old = await cliAsync(['report', 'verify', out, '--server', url]);
    assert.equal(old.code, 0, old.stderr);
    const fresh = await report(`at=${encodeURIComponent(T[2] ?? '')}`);
    assert.equal(fresh.signature.keyId, keyList.current);
  });

  it('the run chain shows an edited run, heals when the edit is undone, and shows the newest or a middle run deleted', async () => {
    const runs = qualified(h.server.storage.database, TABLES.verificationRuns);
    const chain = async () => (await h.api('GET', '/api/v1/reports/chain?pair=orders', 'auditor')).json<{ intact: boolean; pairs: { broken: { chainSeq: number; runId: string; reason: string } | null; length: number }[] }>();
    assert.equal((await chain()).intact, true);

    await h.server.storage.exec(`ALTER TABLE ${runs} UPDATE verdict = 'consistent', confirmed = 0 WHERE id = {id:String} SETTINGS mutations_sync = 2`, { id: runIds[1] ?? '' });
    const edited = await chain();
    assert.equal(edited.intact, false);
    assert.equal(edited.pairs[0]?.broken?.runId, runIds[1]);
    assert.equal(edited.pairs[0]?.broken?.chainSeq, 2);
    assert.match(edited.pairs[0].broken.reason, /edited/);
    const inReport = await report(`at=${encodeURIComponent(T[4] ?? '')}`);
    assert.equal(inReport.body.summary.chainsIntact, false);
    assert.equal(pairOf(inReport, 'orders').chain.intact, false);

    await h.server.storage.exec(`ALTER TABLE ${runs} UPDATE verdict = 'drift', confirmed = 1 WHERE id = {id:String} SETTINGS mutations_sync = 2`, { id: runIds[1] ?? '' });
    assert.equal((await chain()).intact, true);

    // The newest run deleted: what is left is a valid chain, but earlier reports (audit log) saw it reach seq 4.
    await h.server.storage.exec(`DELETE FROM ${runs} WHERE id = {id:String}`, { id: runIds[3] ?? '' });
    const truncated = await chain();
    assert.equal(truncated.intact, false);
    assert.equal(truncated.pairs[0]?.length, 3);
    assert.equal(truncated.pairs[0].broken?.chainSeq, 4);
    assert.match(truncated.pairs[0].broken.reason, /ends at seq 3, but at .* a report stated it reached seq 4: the newest runs were deleted/);

    // A run in the middle deleted: the gap names it.
    await h.server.storage.exec(`DELETE FROM ${runs} WHERE id = {id:String}`, { id: runIds[1] ?? '' });
    const deleted = await chain();
    assert.equal(deleted.intact, false);
    assert.equal(deleted.pairs[0]?.length, 2);
    assert.equal(deleted.pairs[0].broken?.chainSeq, 2);
    assert.match(deleted.pairs[0].broken.reason, /seq 2 is missing.*deleted/);
    // The report at T2 now answers with run 1 (run 2 is gone) — and says the chain is broken.
    const atT2 = await report(`at=${encodeURIComponent(T[2] ?? '')}&pair=orders`);
    assert.equal(pairOf(atT2, 'orders').run?.id, runIds[0]);
    assert.equal(pairOf(atT2, 'orders').chain.intact, false);
  });
});
