// File-tree store pieces: walk order (path bytes, subtrees placed at 'name/'), entry metadata, content hashes
// (whole-file and streamed agree with xxh64 of the bytes), order-keeping bounded concurrency, URL and table parsing.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import xxhash from 'xxhash-wasm';
import { rowText } from '../../../verifier/canonical/encode.js';
import { EMPTY_DIGEST, combineDigests, md5Row64 } from '../../../verifier/digest.js';
import { FULL_RANGE } from '../../../verifier/key-range.js';
import type { CanonicalRow } from '../../../verifier/row-diff.js';
import type { ReadSpec } from '../../../verifier/store.js';
import { openStore } from '../../../verifier/stores/registry.js';
import { hashFile, loadFileHasher, orderedMap } from '../../../verifier/stores/files-hash.js';
import { parseFileUrl, tableDir } from '../../../verifier/stores/files-store.js';
import { walkTree, type TreeEntry } from '../../../verifier/stores/files-walk.js';
import { keyHashesOf, type KeyHash } from '../../../verifier/hash-page.js';

const root = mkdtempSync(join(tmpdir(), 'sw-walk-'));

async function collect(bounds?: { lower: string | null; upper: string | null }): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  for await (const e of walkTree(root, bounds)) out.push(e);
  return out;
}

describe('file tree walk', () => {
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });
  for (const d of ['a', 'a/b', 'a-b', 'z']) mkdirSync(join(root, d), { recursive: true });
  for (const f of ['a.txt', 'a/b/c', 'a/b.x', 'a-b/1', 'B', 'é', 'z/€', 'z/😀', 'z/ｚ']) writeFileSync(join(root, f), f);
  chmodSync(join(root, 'B'), 0o4750);
  symlinkSync('/etc', join(root, 'z/link'));

  it('yields every entry in UTF-8 byte order of the whole path, not per directory', async () => {
    const paths = (await collect()).map((e) => e.path);
    const sorted = [...paths].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(paths, sorted);
    // '-' (0x2d) < '.' (0x2e) < '/' (0x2f): a's subtree comes after a-b and a.txt; U+FF5A (EF BD 9A) < 😀 (F0 …).
    assert.deepEqual(paths, ['B', 'a', 'a-b', 'a-b/1', 'a.txt', 'a/b', 'a/b.x', 'a/b/c', 'z', 'z/link', 'z/€', 'z/ｚ', 'z/😀', 'é']);
  });

  it('reports kind, size, mode and link text; symlinks are not followed', async () => {
    const byPath = new Map((await collect()).map((e) => [e.path, e]));
    assert.deepEqual({ ...byPath.get('B'), abs: '' }, { path: 'B', abs: '', kind: 'file', size: 1, mode: '4750', target: null });
    assert.equal(byPath.get('a')?.kind, 'dir');
    assert.equal(byPath.get('a')?.size, null);
    assert.deepEqual([byPath.get('z/link')?.kind, byPath.get('z/link')?.target, byPath.get('z/link')?.mode], ['symlink', '/etc', null]);
    assert.ok(![...byPath.keys()].some((p) => p.startsWith('z/link/')));
  });

  it('skips subtrees wholly outside the bounds', async () => {
    const paths = (await collect({ lower: 'a/b/', upper: 'z' })).map((e) => e.path);
    // Entries outside the bounds may still appear (the caller filters); subtrees a-b/ and z/ are not listed.
    assert.ok(paths.includes('a/b/c'));
    assert.ok(!paths.includes('a-b/1'));
    assert.ok(!paths.includes('z/€'));
  });
});

describe('file content hashes', () => {
  it('equal xxh64 of the bytes, whole-file and streamed; vanished files give undefined', async () => {
    const x = await xxhash();
    const dir = mkdtempSync(join(tmpdir(), 'sw-hash-'));
    try {
      const small = Buffer.from('hello');
      const big = Buffer.alloc((5 << 20) + 123, 7);
      writeFileSync(join(dir, 's'), small);
      writeFileSync(join(dir, 'b'), big);
      const hex = (buf: Buffer): string => x.h64Raw(buf).toString(16).padStart(16, '0');
      await loadFileHasher();
      const sync = hashFile(join(dir, 's'), small.length);
      assert.equal(sync, hex(small), 'a small file is hashed synchronously');
      const streamed = hashFile(join(dir, 'b'), big.length);
      assert.ok(streamed instanceof Promise);
      assert.equal(await streamed, hex(big));
      assert.equal(await hashFile(join(dir, 'b'), 10), hex(big), 'a file that grew since the walk is streamed whole');
      assert.equal(await hashFile(join(dir, 'gone'), 1), undefined);
      symlinkSync(join(dir, 's'), join(dir, 'l'));
      assert.equal(await hashFile(join(dir, 'l'), 5), undefined, 'a symlink is never opened');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('orderedMap keeps source order with at most `limit` calls in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    async function* src(): AsyncGenerator<number> {
      for (let i = 0; i < 50; i++) {
        await new Promise(setImmediate);
        yield i;
      }
    }
    const out: number[] = [];
    for await (const v of orderedMap(src(), 4, async (i) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, (50 - i) % 7));
      inFlight -= 1;
      return i * 2;
    })) out.push(v);
    assert.deepEqual(out, Array.from({ length: 50 }, (_, i) => i * 2));
    assert.ok(peak <= 4 && peak > 1, `peak ${peak}`);
  });
});

describe('file-tree URLs and tables', () => {
  it('takes local absolute paths only; the table is . or a directory below the root', () => {
    assert.equal(parseFileUrl(new URL('file:///srv/data/')), '/srv/data');
    assert.equal(parseFileUrl(new URL('file://localhost/srv/a%20b')), '/srv/a b');
    for (const bad of ['file://otherhost/srv', 'file:///']) assert.throws(() => parseFileUrl(new URL(bad)), (e: { code?: string }) => e.code === 'SW_USAGE', bad);
    assert.equal(tableDir('/srv', '.'), '/srv');
    assert.equal(tableDir('/srv', 'sub/dir'), '/srv/sub/dir');
    for (const bad of ['/etc', '../x', 'a/../../b']) assert.throws(() => tableDir('/srv', bad), (e: { code?: string }) => e.code === 'SW_USAGE', bad);
  });
});

describe('in-process store operations (file tree)', () => {
  it('cut keys, chunk digests, partition digests and row hashes agree with the streamed rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-ops-'));
    const store = openStore(pathToFileURL(dir).href);
    try {
      for (let i = 0; i < 25; i++) writeFileSync(join(dir, `f${String(i).padStart(2, '0')}`), `content ${i}`);
      const desc = await store.describe('.');
      const spec: ReadSpec = { table: '.', keyCount: 1, columns: desc.columns.map((column) => ({ column, as: column.type })) };
      const rows: CanonicalRow[] = [];
      for await (const batch of store.streamRows(spec, FULL_RANGE, { batchSize: 7 })) rows.push(...batch);
      assert.equal(rows.length, 25);
      const cuts = await store.splitKeySpace(spec, FULL_RANGE, 10);
      assert.deepEqual(cuts, [['f10'], ['f20']]);
      const whole = await store.digestChunk(spec, FULL_RANGE);
      assert.equal(whole.count, 25);
      assert.equal(whole.hash, rows.reduce((acc, r) => (acc + md5Row64(rowText(r))) % (1n << 64n), 0n));
      const pieces = await store.digestPartition(spec, { kind: 'bounds', range: FULL_RANGE, bounds: cuts });
      assert.deepEqual(pieces.map((p) => p.count), [10, 10, 5]);
      assert.deepEqual(pieces.reduce(combineDigests, EMPTY_DIGEST), whole);
      const hashes: KeyHash[] = [];
      for await (const batch of store.streamRowHashes(spec, { lower: ['f20'], upper: null })) hashes.push(...keyHashesOf(batch));
      assert.deepEqual(hashes.map((h) => h.key[0]), ['f20', 'f21', 'f22', 'f23', 'f24']);
      assert.equal(BigInt(`0x${hashes[0]?.hash ?? ''}`), md5Row64(rowText(rows[20] ?? [])));
      assert.equal(store.canDigestInDatabase(spec), false);
      assert.deepEqual(await store.fetchRows(spec, [['f03'], ['nope'], ['../etc']]), [rows[3]]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives timers a turn while hashing many small files synchronously', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-yield-'));
    const store = openStore(pathToFileURL(dir).href);
    try {
      for (let i = 0; i < 3_000; i++) writeFileSync(join(dir, `f${i}`), `content ${i}`.repeat(50));
      const desc = await store.describe('.');
      const spec: ReadSpec = { table: '.', keyCount: 1, columns: desc.columns.map((column) => ({ column, as: column.type })) };
      let last = performance.now();
      let maxGap = 0;
      const timer = setInterval(() => {
        const now = performance.now();
        maxGap = Math.max(maxGap, now - last);
        last = now;
      }, 1);
      const t0 = performance.now();
      let rows = 0;
      for await (const batch of store.streamRows(spec, FULL_RANGE, { batchSize: 100_000 })) rows += batch.length;
      const elapsed = performance.now() - t0;
      clearInterval(timer);
      maxGap = Math.max(maxGap, performance.now() - last);
      assert.equal(rows, 3_000);
      // Yields come every 10 ms of work; without them the whole hashing pass (most of the stream) is one gap.
      assert.ok(maxGap < Math.max(50, elapsed / 3), `longest gap between timer ticks ${maxGap.toFixed(0)} ms of ${elapsed.toFixed(0)} ms`);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
