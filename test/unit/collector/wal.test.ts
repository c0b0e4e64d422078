import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Wal } from '../../../collector/routing/wal.js';

const item = (id: string, n = 1): { batch: { agent: string; batchId: string; points: { ts: number; metric: string; labels: Record<string, string>; value: number }[] }; receivedAt: number } => ({
  batch: { agent: 'a', batchId: id, points: Array.from({ length: n }, (_, i) => ({ ts: i, metric: 'm', labels: {}, value: i })) },
  receivedAt: 1,
});

describe('write-ahead log', () => {
  it('replays everything not released, in order, after a "crash" (no close)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-wal-'));
    const wal = new Wal({ dir });
    assert.deepEqual(wal.replay(), []);
    const segs = await Promise.all(['b1', 'b2', 'b3'].map((id) => wal.append(item(id))));
    wal.release(segs[0] ?? 0);
    const again = new Wal({ dir }).replay();
    // Releasing does not rewrite the segment: replay returns all three and the writer skips what is stored.
    assert.deepEqual(again.map((r) => r.batch.batchId), ['b1', 'b2', 'b3']);
  });

  it('group-commits concurrent appends and deletes a sealed segment once all its records are released', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-wal-'));
    const wal = new Wal({ dir, segmentBytes: 200 });
    wal.replay();
    const first = await Promise.all(Array.from({ length: 5 }, (_, i) => wal.append(item(`x${i}`))));
    assert.equal(new Set(first).size, 1, 'appends that arrive together share one segment (one write + fdatasync)');
    const later = await wal.append(item('y', 3));
    assert.notEqual(later, first[0], 'the next round rolls over to a new segment past the size bound');
    assert.equal(readdirSync(dir).length, 2);
    for (const s of first) wal.release(s);
    assert.equal(readdirSync(dir).length, 1, 'the sealed, fully released segment is gone');
    wal.release(later);
    assert.equal(readdirSync(dir).length, 1, 'the active segment stays until it rolls');
    await wal.close();
  });

  it('skips a torn last line left by a crash mid-write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-wal-'));
    const wal = new Wal({ dir });
    wal.replay();
    await wal.append(item('ok'));
    await wal.close();
    const [file] = readdirSync(dir);
    appendFileSync(join(dir, file ?? ''), '{"batch":{"agent":"a","batchId":"torn"');
    assert.deepEqual(new Wal({ dir }).replay().map((r) => r.batch.batchId), ['ok']);
  });
});
