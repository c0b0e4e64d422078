// The file-tree store end to end on real temporary directories: identical trees are consistent, and every kind
// of difference is named with the columns that differ. Symlinks are compared by their text, never followed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { isSyncwatchError } from '../../lib/errors.js';
import type { Diff } from '../../verifier/row-diff.js';
import { runVerify, type VerifyResult } from '../../verifier/run.js';
import { openStore } from '../../verifier/stores/registry.js';

const base = mkdtempSync(join(tmpdir(), 'sw-files-'));
let n = 0;

/** A file's content; a string starting with '->' is a symlink to the rest; null is a directory. */
type Tree = Record<string, string | Buffer | null>;

function build(tree: Tree): string {
  const root = join(base, `t${n++}`);
  mkdirSync(root);
  for (const [path, content] of Object.entries(tree)) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    if (content === null) {
      mkdirSync(abs, { recursive: true });
      chmodSync(abs, 0o755);
    } else if (typeof content === 'string' && content.startsWith('->')) {
      symlinkSync(content.slice(2), abs);
    } else {
      writeFileSync(abs, content);
      chmodSync(abs, 0o644);
    }
  }
  return root;
}

/** A 3 MiB file (read through the streaming hasher), optionally with one byte changed near its end. */
function bigFile(changeAt?: number): Buffer {
  const b = Buffer.alloc(3 << 20);
  for (let i = 0; i < b.length; i++) b[i] = (i * 31) & 0xff;
  if (changeAt !== undefined) b[changeAt] = (b[changeAt] ?? 0) ^ 0xff;
  return b;
}

const BASE_TREE: Tree = {
  'a': null,
  'a.txt': 'dot sorts before slash',
  'a/inner.txt': 'inside a',
  'docs/readme.md': '# readme\n',
  'docs/empty': '',
  'docs/ünïcödé €.txt': 'utf-8 name',
  'big.bin': bigFile(),
  'links/rel': '->../a.txt',
  'links/dangling': '->does/not/exist',
};

async function verify(source: string, target: string, extra: { table?: string; columns?: string[] } = {}): Promise<VerifyResult> {
  const s = openStore(pathToFileURL(source).href);
  const t = openStore(pathToFileURL(target).href);
  try {
    return await runVerify({ source: s, target: t, table: extra.table ?? '.', columns: extra.columns });
  } finally {
    await s.close();
    await t.close();
  }
}

function summary(diffs: readonly Diff[]): string[] {
  return diffs.map((d) => `${d.kind} ${d.key.join(',')}${d.kind === 'changed' ? ` [${d.columns.join(',')}]` : ''}`);
}

describe('verify: file trees', () => {
  let src: string;
  beforeEach(() => {
    src = build(BASE_TREE);
  });
  after(() => {
    rmSync(base, { recursive: true, force: true });
  });

  it('identical trees are consistent: every entry one row, both roots equal, path byte order', async () => {
    const r = await verify(src, build(BASE_TREE));
    assert.equal(r.verdict, 'consistent');
    assert.deepEqual(r.diffs, []);
    // a, a.txt, a/inner.txt, big.bin, docs, 3 docs files, links, 2 links
    assert.equal(r.source.rows, 11);
    assert.equal(r.source.root, r.target.root);
    assert.equal(r.source.digestPath, 'streamed');
    assert.equal(r.rowHash, 'xxh64');
    assert.deepEqual(r.key, ['path']);
    assert.deepEqual(r.columns, ['path', 'kind', 'size', 'mode', 'target', 'content']);
  });

  it('names missing, extra, changed content, changed mode and a changed symlink target', async () => {
    const tgt = build({ ...BASE_TREE, 'docs/readme.md': '# README\n', 'links/rel': '->../docs/empty', 'new.txt': 'only here' });
    rmSync(join(tgt, 'docs/empty'));
    chmodSync(join(tgt, 'a.txt'), 0o600);
    const r = await verify(src, tgt);
    assert.equal(r.verdict, 'drift');
    assert.deepEqual(summary(r.diffs), [
      'changed a.txt [mode]',
      'missing docs/empty',
      'changed docs/readme.md [content]',
      'changed links/rel [target]',
      'extra new.txt',
    ]);
  });

  it('finds a one-byte change in the last MiB of a big file (streamed hash) and a file that became a directory', async () => {
    const tgt = build({ ...BASE_TREE, 'big.bin': bigFile((3 << 20) - 10), 'docs/empty': null, 'docs/empty/child': 'x' });
    const r = await verify(src, tgt);
    assert.deepEqual(summary(r.diffs), ['changed big.bin [content]', 'changed docs/empty [kind,size,mode,content]', 'extra docs/empty/child']);
  });

  it('a symlink leaving the tree is one row with its text, never followed: changes outside do not count', async () => {
    const outside = build({ 'secret.txt': 'outside content', 'dir/f1': '1', 'dir/f2': '2' });
    const tree: Tree = { ...BASE_TREE, 'links/out-file': `->${join(outside, 'secret.txt')}`, 'links/out-dir': `->${join(outside, 'dir')}` };
    const a = build(tree);
    const b = build(tree);
    const first = await verify(a, b);
    assert.equal(first.verdict, 'consistent');
    assert.equal(first.source.rows, 13, 'the two links are rows; the directory they point to is not walked');
    writeFileSync(join(outside, 'secret.txt'), 'changed outside');
    writeFileSync(join(outside, 'dir/f3'), 'new outside');
    const again = await verify(a, b);
    assert.equal(again.verdict, 'consistent');
    assert.equal(again.source.root, first.source.root, 'the link rows do not depend on what they point to');
    // A link retargeted to another outside path is a difference of its text only.
    rmSync(join(b, 'links/out-dir'));
    symlinkSync(join(outside, 'dir/f1'), join(b, 'links/out-dir'));
    assert.deepEqual(summary((await verify(a, b)).diffs), ['changed links/out-dir [target]']);
  });

  it('--columns without content compares metadata only; a subdirectory is a table of its own', async () => {
    const tgt = build({ ...BASE_TREE, 'docs/readme.md': '# README\n' });
    chmodSync(join(tgt, 'docs/empty'), 0o640);
    const meta = await verify(src, tgt, { columns: ['kind', 'mode'] });
    assert.deepEqual(summary(meta.diffs), ['changed docs/empty [mode]']);
    const sub = await verify(src, tgt, { table: 'docs' });
    assert.equal(sub.source.rows, 3);
    assert.deepEqual(summary(sub.diffs), ['changed empty [mode]', 'changed readme.md [content]']);
  });

  it('a fifo is a row of kind fifo and is never opened (opening it would block)', async () => {
    const a = build(BASE_TREE);
    const b = build(BASE_TREE);
    for (const root of [a, b]) assert.equal(spawnSync('mkfifo', [join(root, 'docs/pipe')]).status, 0);
    const r = await verify(a, b);
    assert.equal(r.verdict, 'consistent');
    assert.equal(r.source.rows, 12);
    rmSync(join(b, 'docs/pipe'));
    writeFileSync(join(b, 'docs/pipe'), '');
    chmodSync(join(b, 'docs/pipe'), 0o644);
    const drift = await verify(a, b);
    assert.deepEqual(summary(drift.diffs), ['changed docs/pipe [kind,size,content]']);
  });

  it('a missing table directory is SW_STORE_TABLE_NOT_FOUND; a table escaping the root is SW_USAGE', async () => {
    await assert.rejects(verify(src, join(base, 'nope')), (e: unknown) => isSyncwatchError(e) && e.code === 'SW_STORE_TABLE_NOT_FOUND');
    await assert.rejects(verify(src, src, { table: '../x' }), (e: unknown) => isSyncwatchError(e) && e.code === 'SW_USAGE');
  });
});
