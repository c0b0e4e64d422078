// The on-disk spool: sealing, ordering, stable batch ids, ack/reject, crash recovery and bounded drops.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FSYNC_POLICIES } from '../../../agents/agent-config.js';
import { openSpool, type Spool, type SpoolOptions } from '../../../agents/spool.js';
import { decodeSegment, encodePointLine } from '../../../agents/spool/segment-file.js';
import { createSilentLogger } from '../../../lib/log.js';
import type { Point } from '../../../lib/protocol/ingest-batch.js';

const points = (n: number, from = 0): Point[] =>
  Array.from({ length: n }, (_, i) => ({ ts: 1_700_000_000_000 + from + i, metric: 'test_value', labels: { seq: String(from + i) }, value: from + i }));
const seqs = (ps: readonly Point[]): number[] => ps.map((p) => p.value);
const signal = (): AbortSignal => AbortSignal.timeout(5_000);

describe('spool', () => {
  let dir: string;
  const open: Spool[] = [];
  const spoolAt = async (options: Partial<SpoolOptions> = {}): Promise<Spool> => {
    const spool = await openSpool({ dir, batchIdPrefix: 'agent one', logger: createSilentLogger(), segmentMaxPoints: 10, segmentMaxAgeMs: 60_000, ...options });
    open.push(spool);
    return spool;
  };
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'sw-spool-')); });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('seals at N points and hands out segments oldest first, with ids derived from the segment', async () => {
    const spool = await spoolAt();
    await spool.append(points(25));
    assert.deepEqual(spool.stats().segments, 3);
    const first = await spool.nextBatch(signal());
    assert.deepEqual(seqs(first.points), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.match(first.batchId, /^agent_one:000000000000-[0-9a-f]{8}$/);
    await spool.ack(first);
    const second = await spool.nextBatch(signal());
    assert.deepEqual(seqs(second.points), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    await spool.ack(second);
    assert.deepEqual(spool.stats().points, 5, 'the 5 newest points are still in the active segment');
    assert.deepEqual((await readdir(dir)).filter((f) => f !== 'rejected').length, 1);
  });

  it('seals the active segment once it is old enough, waking a waiting reader', async () => {
    const spool = await spoolAt({ segmentMaxAgeMs: 100 });
    const waiting = spool.nextBatch(signal());
    await spool.append(points(3));
    const started = Date.now();
    const batch = await waiting;
    assert.deepEqual(seqs(batch.points), [0, 1, 2]);
    assert.ok(Date.now() - started < 2_000);
  });

  it('stops waiting when the signal aborts', async () => {
    const spool = await spoolAt();
    const controller = new AbortController();
    const waiting = spool.nextBatch(controller.signal);
    controller.abort();
    await assert.rejects(waiting, { name: 'AbortError' });
  });

  it('caps segments by bytes as well as by points', async () => {
    const spool = await spoolAt({ segmentMaxPoints: 1_000, segmentMaxBytes: 1_000 });
    await spool.append(points(40));
    const batch = await spool.nextBatch(signal());
    const bytes = batch.points.map((p) => Buffer.byteLength(encodePointLine(p))).reduce((a, b) => a + b, 0);
    assert.ok(bytes <= 1_000 && batch.points.length > 1, `${batch.points.length} points, ${bytes} bytes`);
  });

  it('resends a segment under the same batch id after a restart', async () => {
    const first = await spoolAt();
    await first.append(points(12));
    const sent = await first.nextBatch(signal());
    await first.close(); // stopped before the collector answered
    const second = await spoolAt();
    const again = await second.nextBatch(signal());
    assert.equal(again.batchId, sent.batchId);
    assert.deepEqual(again.points, sent.points);
    await second.ack(again);
    const rest = await second.nextBatch(signal());
    assert.deepEqual(seqs(rest.points), [10, 11], 'the active segment was sealed by close()');
  });

  it('recovers from a crash: the torn last line is discarded and counted, the rest is kept', async () => {
    const lines = points(4).map(encodePointLine);
    await writeFile(join(dir, '000000000007-0a0b0c0d.seg'), lines.slice(0, 2).join(''));
    // The active segment of the crashed run: two whole lines and one cut off mid-write.
    await writeFile(join(dir, '000000000008-01020304.open'), lines.slice(2).join('') + (lines[0] ?? '').slice(0, 17));
    await writeFile(join(dir, '000000000009-05060708.open'), '{"ts":1,"met');
    const spool = await spoolAt();
    assert.deepEqual(spool.stats().droppedPoints.torn, 2);
    assert.deepEqual(spool.stats().points, 4);
    const a = await spool.nextBatch(signal());
    assert.equal(a.batchId, 'agent_one:000000000007-0a0b0c0d');
    await spool.ack(a);
    const b = await spool.nextBatch(signal());
    assert.equal(b.batchId, 'agent_one:000000000008-01020304');
    assert.deepEqual(seqs(b.points), [2, 3]);
    assert.deepEqual((await readdir(dir)).sort(), ['000000000008-01020304.seg', 'rejected']);
    await spool.append(points(1));
    await spool.close();
    assert.ok((await readdir(dir)).some((f) => /^000000000010-[0-9a-f]{8}\.seg$/.test(f)), 'new segments continue the sequence');
  });

  it('drops the oldest segments when full, counts every dropped point, and spares the one in flight', async () => {
    const spool = await spoolAt({ maxBytes: 4_000 });
    await spool.append(points(10));
    const inFlight = await spool.nextBatch(signal());
    for (let i = 10; i < 200; i += 10) await spool.append(points(10, i));
    const stats = spool.stats();
    assert.ok(stats.bytes <= 4_000, `spool holds ${stats.bytes} bytes`);
    assert.ok(stats.droppedPoints.spool_full > 0);
    assert.equal(stats.points + stats.droppedPoints.spool_full, 200, 'every point is either queued or counted as dropped');
    await spool.ack(inFlight);
    assert.deepEqual(seqs(inFlight.points), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const next = await spool.nextBatch(signal());
    assert.ok((next.points[0]?.value ?? 0) > 10, 'the oldest segments after the in-flight one were dropped');
  });

  it('refuses points the collector would reject, counting them', async () => {
    const spool = await spoolAt();
    await spool.append([
      { ts: 1, metric: 'bad metric name', labels: {}, value: 1 },
      { ts: 1, metric: 'ok_metric', labels: {}, value: Number.NaN },
      { ts: 1, metric: 'ok_metric', labels: {}, value: 2 },
    ]);
    assert.equal(spool.stats().droppedPoints.invalid, 2);
    assert.equal(spool.stats().points, 1);
  });

  it('moves a rejected batch to rejected/ with its reason, counted, never resent', async () => {
    const spool = await spoolAt();
    await spool.append(points(10));
    const batch = await spool.nextBatch(signal());
    await spool.reject(batch, 'HTTP 400: points/0/metric must match pattern');
    assert.deepEqual([spool.stats().rejectedBatches, spool.stats().rejectedPoints, spool.stats().segments], [1, 10, 0]);
    const rejected = (await readdir(join(dir, 'rejected'))).sort();
    assert.equal(rejected.length, 2);
    assert.match(await readFile(join(dir, 'rejected', rejected[1] ?? ''), 'utf8'), /HTTP 400/);
    assert.equal(decodeSegment(await readFile(join(dir, 'rejected', rejected[0] ?? ''), 'utf8')).points.length, 10);
  });

  for (const fsync of FSYNC_POLICIES) {
    it(`keeps every point under fsync=${fsync}`, async () => {
      const spool = await spoolAt({ fsync, fsyncIntervalMs: 10 });
      await Promise.all([spool.append(points(7)), spool.append(points(7, 7))]);
      await spool.close();
      const reopened = await spoolAt({ fsync });
      const batch = await reopened.nextBatch(signal());
      const rest = (await reopened.nextBatch(signal())).points;
      assert.deepEqual([...seqs(batch.points), ...seqs(rest)].sort((a, b) => a - b), Array.from({ length: 14 }, (_, i) => i));
    });
  }
});
