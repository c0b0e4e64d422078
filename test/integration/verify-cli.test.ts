// The `verify` command contract: exit 0 consistent, 1 drift, 2 error (one line); JSON shape; passwords never printed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { uniqueName } from '../support/unique-name.js';
import { createSide, type Side } from './verify.fixtures.js';

const ROOT = new URL('../../', import.meta.url).pathname;
// Mirrors cli/main's mapping (a thrown error becomes one line on stderr and exit 2), with the error code shown.
const SCRIPT = [
  "import { runVerify } from './cli/verify.ts';",
  'try { process.exitCode = await runVerify(process.argv.slice(1)); }',
  "catch (e) { process.stderr.write(`syncwatch: ${e.code ?? ''} ${e.message}\\n`); process.exitCode = 2; }",
].join(' ');

/** Runs cli/verify.ts in a child process. */
function verify(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT, '--', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

describe('syncwatch verify (CLI)', () => {
  let pg: Side;
  let my: Side;
  const table = uniqueName('cli');
  before(async () => {
    pg = await createSide('postgres');
    my = await createSide('mysql');
    for (const side of [pg, my]) {
      await side.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, name varchar(20))`);
      await side.insert(table, ['id', 'name'], [[1, 'a'], [2, 'b'], [3, 'c']]);
    }
  });
  after(async () => {
    await pg.close();
    await my.close();
  });

  it('exit 0 and a JSON verdict when consistent; the password is redacted', () => {
    // PostgreSQL here trusts loopback connections, so any password is accepted — and must never be printed.
    const r = verify(['--source', withPassword(pg.db.url, 'S3cretPw'), '--target', my.db.url, '--table', table, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { verdict: string; source: { rows: number; url: string; digestPath: string }; target: { rows: number }; diffs: unknown[]; specVersion: number };
    assert.equal(out.verdict, 'consistent');
    assert.equal(out.source.rows, 3);
    assert.equal(out.target.rows, 3);
    assert.equal(out.source.digestPath, 'in-database');
    assert.equal(out.specVersion, 1);
    assert.deepEqual(out.diffs, []);
    assert.ok(!r.stdout.includes('S3cretPw') && !r.stderr.includes('S3cretPw'));
    assert.ok(out.source.url.includes('***'));
  });

  it('a same-engine pair names its native row hash; --portable-hash gives md5-64', () => {
    const rowHash = (extra: string[]): string => {
      const r = verify(['--source', pg.db.url, '--target', pg.db.url, '--table', table, '--format', 'json', ...extra]);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { rowHash: string }).rowHash;
    };
    assert.equal(rowHash([]), 'pg-hash-record-64');
    assert.equal(rowHash(['--portable-hash']), 'md5-64');
  });

  it('exit 1 with each diff (kind, key as strings, columns)', async () => {
    await my.exec(`UPDATE ${table} SET name = 'B' WHERE id = 2`);
    await my.exec(`DELETE FROM ${table} WHERE id = 3`);
    const r = verify(['--source', pg.db.url, '--target', my.db.url, '--table', table, '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { verdict: string; diffs: unknown[] };
    assert.equal(out.verdict, 'drift');
    assert.deepEqual(out.diffs, [{ kind: 'changed', key: { id: '2' }, columns: ['name'] }, { kind: 'missing', key: { id: '3' }, columns: [] }]);
    const text = verify(['--source', pg.db.url, '--target', my.db.url, '--table', table]);
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^DRIFT/);
  });

  it('--where filters both sides; --emit-fix-sql writes the target-dialect statements and reports them in the JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-fix-'));
    const file = join(dir, 'fix.sql');
    const r = verify(['--source', pg.db.url, '--target', my.db.url, '--table', table, '--where', 'id >= 2', '--emit-fix-sql', file, '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { source: { where: string }; fixSql: { file: string; statements: number } };
    assert.equal(out.source.where, 'id >= 2');
    assert.deepEqual(out.fixSql, { file, statements: 2 });
    const sql = readFileSync(file, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    assert.match(sql, /^UPDATE `[a-z0-9_]+` SET `name` = 'b' WHERE `id` = 2;$/m);
    assert.match(sql, /^INSERT INTO `[a-z0-9_]+` \(`id`, `name`\) VALUES \(3, 'c'\);$/m);
    // A fix file that cannot be written is refused before the comparison runs: one line, exit 2, no file.
    const nowhere = join(dir, 'no-such-dir', 'fix.sql');
    const unwritable = verify(['--source', pg.db.url, '--target', my.db.url, '--table', table, '--emit-fix-sql', nowhere]);
    assert.equal(unwritable.code, 2);
    assert.match(unwritable.stderr, /^syncwatch: SW_USAGE --emit-fix-sql: cannot write \S+fix\.sql: its directory does not exist; name a file in an existing, writable directory\n$/);
    assert.equal(unwritable.stdout, '');
    const bad = verify(['--source', pg.db.url, '--target', my.db.url, '--table', table, '--where', 'id = 1; DROP TABLE x']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /SW_USAGE --where: contains ";"/);
  });

  it('errors are thrown as SyncwatchError with one clear message (exit 2 via cli/main)', () => {
    const missing = verify(['--source', pg.db.url, '--target', my.db.url]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--table is required/);
    const scheme = verify(['--source', 'oracle://x@h/db', '--target', my.db.url, '--table', table]);
    assert.match(scheme.stderr, /unsupported scheme oracle:/);
    const down = verify(['--source', 'postgres://u:TopSecret@127.0.0.1:1/db', '--target', my.db.url, '--table', table]);
    assert.equal(down.code, 2);
    assert.match(down.stderr, /SW_STORE_UNREACHABLE .*127\.0\.0\.1:1/);
    assert.equal(down.stderr.trim().split('\n').length, 1);
    assert.ok(!down.stderr.includes('TopSecret'));
  });
});
