// `./bin/syncwatch verify` on the non-SQL stores: a file tree and a Redis pair, exit 0 consistent / 1 drift with the
// stable JSON shape, and --emit-fix-sql refused up front (exit 2, one line) since neither takes SQL.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { claimRedisDb, withRedis, type TempRedisDb } from '../support/redis-temp.js';
import { redisServerUrl } from '../support/services.js';

const ROOT = new URL('../../', import.meta.url).pathname;

function cli(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/syncwatch'), 'verify', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Out {
  verdict: string;
  source: { rows: number; digestPath: string };
  diffs: { kind: string; key: Record<string, string>; columns: string[] }[];
}

describe('syncwatch verify (CLI): file trees and Redis', () => {
  const base = mkdtempSync(join(tmpdir(), 'sw-cli-files-'));
  let a: TempRedisDb;
  let b: TempRedisDb;
  before(async () => {
    a = await claimRedisDb(redisServerUrl());
    b = await claimRedisDb(redisServerUrl());
  });
  after(async () => {
    rmSync(base, { recursive: true, force: true });
    await a.drop();
    await b.drop();
  });

  it('file trees: exit 0 when equal, exit 1 naming the changed file; --emit-fix-sql is exit 2 with one line', () => {
    for (const side of ['a', 'b']) {
      mkdirSync(join(base, side, 'd'), { recursive: true });
      writeFileSync(join(base, side, 'd', 'f.txt'), 'same');
    }
    const [src, tgt] = [pathToFileURL(join(base, 'a')).href, pathToFileURL(join(base, 'b')).href];
    const ok = cli(['--source', src, '--target', tgt, '--table', '.', '--format', 'json']);
    assert.equal(ok.code, 0, ok.stderr);
    const equal = JSON.parse(ok.stdout) as Out;
    assert.equal(equal.verdict, 'consistent');
    assert.equal(equal.source.rows, 2);
    assert.equal(equal.source.digestPath, 'streamed');
    writeFileSync(join(base, 'b', 'd', 'f.txt'), 'diff');
    const drift = cli(['--source', src, '--target', tgt, '--table', '.', '--format', 'json']);
    assert.equal(drift.code, 1, drift.stderr);
    assert.deepEqual((JSON.parse(drift.stdout) as Out).diffs, [{ kind: 'changed', key: { path: 'd/f.txt' }, columns: ['content'] }]);
    const fix = cli(['--source', src, '--target', tgt, '--table', '.', '--emit-fix-sql', join(base, 'fix.sql')]);
    assert.equal(fix.code, 2);
    assert.equal(fix.stdout, '');
    assert.match(fix.stderr, /^[^\n]*--emit-fix-sql: the target store \(file-tree\) takes no SQL statements[^\n]*\n$/);
  });

  it('a reader that closes the pipe early (`| head`): exit 1 as for any drift, nothing on stderr', () => {
    // 3 000 missing files make ~200 KB of JSON, more than a pipe holds: the write meets the pipe head closed (EPIPE).
    mkdirSync(join(base, 'many', 'd'), { recursive: true });
    mkdirSync(join(base, 'none'), { recursive: true });
    for (let i = 0; i < 3000; i++) writeFileSync(join(base, 'many', 'd', `file-${i}.txt`), String(i));
    const args = ['verify', '--source', pathToFileURL(join(base, 'many')).href, '--target', pathToFileURL(join(base, 'none')).href, '--table', '.', '--format', 'json'];
    // bash reports the left side's exit code; head reads 100 bytes and closes its end of the pipe.
    const r = spawnSync('bash', ['-c', '"$@" | head -c 100 > /dev/null; exit "${PIPESTATUS[0]}"', 'bash', process.execPath, join(ROOT, 'bin/syncwatch'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.stderr, '');
    assert.equal(r.status, 1);
  });

  it('Redis: exit 0 when equal, exit 1 naming the missing key', async () => {
    for (const db of [a, b]) await withRedis(db.url, async (c) => {
      await c.hset('cart:1', { sku: 'x', qty: '2' });
      await c.sadd('tags', 'p', 'q');
    });
    const ok = cli(['--source', a.url, '--target', b.url, '--table', '*', '--format', 'json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as Out).source.rows, 2);
    await withRedis(b.url, (c) => c.del('tags'));
    const drift = cli(['--source', a.url, '--target', b.url, '--table', '*']);
    assert.equal(drift.code, 1, drift.stderr);
    assert.match(drift.stdout, /^DRIFT/);
    assert.match(drift.stdout, /missing\s+bucket="\d+", key="tags"/);
  });
});
