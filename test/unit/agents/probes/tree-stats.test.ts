// Tree walking for the file-tree probe (on a scratch directory), and the heartbeat file round trip.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readHeartbeatFile, writeHeartbeatFile } from '../../../../agents/probes/files/heartbeat-file.js';
import { treeStats } from '../../../../agents/probes/files/tree-stats.js';

describe('treeStats', () => {
  let root: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'sw-tree-'));
    await mkdir(join(root, 'a', 'b'), { recursive: true });
    await writeFile(join(root, 'one.txt'), '12345');
    await writeFile(join(root, 'a', 'two.bin'), Buffer.alloc(100));
    await writeFile(join(root, 'a', 'b', 'three'), '');
    await writeFile(join(root, '.hb'), 'excluded');
    await symlink(join(root, 'one.txt'), join(root, 'link'));
  });

  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('counts regular files and their bytes, not symlinks or excluded paths', async () => {
    assert.deepEqual(await treeStats(root, { exclude: new Set(['.hb']) }), { files: 3, bytes: 105, truncated: false });
    assert.deepEqual(await treeStats(root), { files: 4, bytes: 113, truncated: false });
  });

  it('stops at maxEntries and says so', async () => {
    const stats = await treeStats(root, { maxEntries: 2 });
    assert.equal(stats.truncated, true);
    assert.ok(stats.files <= 2);
  });

  it('rejects when the root is missing, and when aborted', async () => {
    await assert.rejects(treeStats(join(root, 'missing')), { code: 'ENOENT' });
    await assert.rejects(treeStats(root, { signal: AbortSignal.abort() }), { name: 'AbortError' });
  });

  it('writes and reads back a heartbeat file; a missing one is undefined', async () => {
    const path = join(root, '.hb2');
    assert.equal(await readHeartbeatFile(path, 'p'), undefined);
    await writeHeartbeatFile(path, 'p', { seq: 9, ts: 123 });
    assert.deepEqual(await readHeartbeatFile(path, 'p'), { seq: 9, ts: 123 });
    assert.equal(await readHeartbeatFile(path, 'other'), null);
  });
});
