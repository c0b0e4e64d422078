// The spool's implementation: one active segment file being appended to, sealed segments waiting to be
// shipped, and the byte budget over all of them. The contract and the options are in ../spool.ts.
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describeError } from '../../lib/errors.js';
import { toBatchId } from '../../lib/ids.js';
import type { Logger } from '../../lib/log.js';
import { PointSchema, type Point } from '../../lib/protocol/ingest-batch.js';
import type { DropReason, ResolvedSpoolOptions, Spool, SpoolBatch, SpoolStats } from '../spool.js';
import { quarantineSegment } from './rejected.js';
import { syncFile, type ResumedSegment } from './resume.js';
import { decodeSegment, encodePointLine, newSegmentBase, segmentFileName } from './segment-file.js';
import { WakeUp } from './wake-up.js';

interface Segment {
  readonly base: string;
  readonly points: number;
  readonly bytes: number;
  corruptionCounted: boolean;
}

interface ActiveSegment {
  readonly base: string;
  readonly handle: Awaited<ReturnType<typeof open>>;
  readonly openedAtMs: number;
  points: number;
  bytes: number;
}

const POINT_CHECK = TypeCompiler.Compile(PointSchema);

/** The Spool over one directory; built by openSpool() after start-up recovery. */
export class DiskSpool implements Spool {
  readonly #o: ResolvedSpoolOptions;
  readonly #log: Logger;
  readonly #sealed: Segment[];
  readonly #leased = new Set<string>();
  readonly #dropped: Record<DropReason, number>;
  readonly #changed = new WakeUp();
  readonly #fsyncTimer: ReturnType<typeof setInterval> | undefined;
  #active: ActiveSegment | undefined;
  #nextSeq: number;
  #bytes: number;
  #rejected = { batches: 0, points: 0 };
  #dirty = false;
  #closed = false;
  /** Every file operation runs through this chain, so appends, seals, drops and acks never interleave. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: ResolvedSpoolOptions, log: Logger, segments: readonly ResumedSegment[], nextSeq: number, dropped: Record<DropReason, number>) {
    this.#o = options;
    this.#log = log;
    this.#sealed = segments.map((s) => ({ base: s.base, points: s.points, bytes: s.bytes, corruptionCounted: false }));
    this.#nextSeq = nextSeq;
    this.#bytes = segments.reduce((sum, s) => sum + s.bytes, 0);
    this.#dropped = dropped;
    this.#fsyncTimer =
      options.fsync === 'interval' ? setInterval(() => { this.#syncIfDirty(); }, options.fsyncIntervalMs).unref() : undefined;
  }

  /** Counts what start-up recovery had to discard. */
  countResumeLosses(tornLines: number, corruptLines: number): void {
    if (tornLines > 0) this.#drop('torn', tornLines);
    if (corruptLines > 0) this.#drop('corrupt', corruptLines);
  }

  append(points: readonly Point[]): Promise<void> {
    return this.#serial(async () => {
      if (this.#closed) throw new Error('the spool is closed');
      const lines = this.#encodeValid(points);
      let i = 0;
      while (i < lines.length) {
        const active = await this.#ensureActive();
        // Fill the active segment up to its point and byte caps; the rest goes to the next segment.
        let text = '';
        let bytes = 0;
        let n = 0;
        for (; i < lines.length && active.points + n < this.#o.segmentMaxPoints; i++, n++) {
          const line = lines[i] ?? '';
          const size = Buffer.byteLength(line);
          if (active.points + n > 0 && active.bytes + bytes + size > this.#o.segmentMaxBytes) break;
          text += line;
          bytes += size;
        }
        if (n > 0) await this.#write(active, text, bytes, n);
        if (n === 0 || active.points >= this.#o.segmentMaxPoints || active.bytes >= this.#o.segmentMaxBytes) await this.#seal();
      }
      this.#changed.notify();
    });
  }

  async nextBatch(signal: AbortSignal): Promise<SpoolBatch> {
    for (;;) {
      signal.throwIfAborted();
      const batch = await this.#serial(() => this.#takeReady());
      if (batch !== undefined) return batch;
      await this.#changed.wait(signal, this.#msUntilActiveIsReady());
    }
  }

  ack(batch: SpoolBatch): Promise<void> {
    return this.#serial(async () => {
      this.#leased.delete(batch.segment);
      const segment = this.#sealed.find((s) => s.base === batch.segment);
      if (segment === undefined) return;
      await unlinkIfPresent(this.#path(segment.base));
      this.#forget(segment);
    });
  }

  reject(batch: SpoolBatch, reason: string): Promise<void> {
    return this.#serial(async () => {
      this.#leased.delete(batch.segment);
      const segment = this.#sealed.find((s) => s.base === batch.segment);
      if (segment === undefined) return;
      await quarantineSegment(this.#o.dir, segmentFileName(segment.base, true), reason, this.#o.maxRejectedSegments, this.#log);
      this.#forget(segment);
      this.#rejected = { batches: this.#rejected.batches + 1, points: this.#rejected.points + segment.points };
    });
  }

  release(batch: SpoolBatch): void {
    this.#leased.delete(batch.segment);
    this.#changed.notify();
  }

  stats(): SpoolStats {
    const active = this.#active?.points ? 1 : 0;
    return {
      bytes: this.#bytes,
      segments: this.#sealed.length + active,
      points: this.#sealed.reduce((sum, s) => sum + s.points, this.#active?.points ?? 0),
      droppedPoints: { ...this.#dropped },
      rejectedBatches: this.#rejected.batches,
      rejectedPoints: this.#rejected.points,
    };
  }

  close(): Promise<void> {
    return this.#serial(async () => {
      if (this.#closed) return;
      this.#closed = true;
      clearInterval(this.#fsyncTimer);
      await this.#seal();
      this.#changed.notify();
    });
  }

  /** Drops (and counts) points that the collector's schema would refuse, so one bad point cannot sink a batch. */
  #encodeValid(points: readonly Point[]): string[] {
    const lines: string[] = [];
    for (const point of points) {
      const metric = point.metric;
      if (POINT_CHECK.Check(point)) lines.push(encodePointLine(point));
      else {
        const problem = POINT_CHECK.Errors(point).First();
        this.#log.warn({ metric, problem: problem && `${problem.path}: ${problem.message}` }, 'invalid point not spooled');
        this.#drop('invalid', 1);
      }
    }
    return lines;
  }

  async #write(active: ActiveSegment, text: string, bytes: number, n: number): Promise<void> {
    if (!(await this.#makeRoom(bytes))) {
      this.#drop('spool_full', n);
      return;
    }
    try {
      const { bytesWritten } = await active.handle.write(text);
      if (bytesWritten !== bytes) throw new Error(`short write: ${bytesWritten} of ${bytes} bytes`);
    } catch (err) {
      // Cut the file back so a half-written line never sits in front of later appends.
      await active.handle.truncate(active.bytes).catch(() => undefined);
      this.#log.error({ err: describeError(err), segment: active.base }, 'spool write failed');
      this.#drop('write_failed', n);
      return;
    }
    active.points += n;
    active.bytes += bytes;
    this.#bytes += bytes;
    if (this.#o.fsync === 'always') await active.handle.datasync();
    else this.#dirty = true;
  }

  /** Drops the oldest sealed segments not in flight until `bytes` more fit; false when they cannot. */
  async #makeRoom(bytes: number): Promise<boolean> {
    while (this.#bytes + bytes > this.#o.maxBytes) {
      const victim = this.#sealed.find((s) => !this.#leased.has(s.base));
      if (victim === undefined) return false;
      await unlinkIfPresent(this.#path(victim.base));
      this.#forget(victim);
      this.#drop('spool_full', victim.points);
    }
    return true;
  }

  async #ensureActive(): Promise<ActiveSegment> {
    if (this.#active !== undefined) return this.#active;
    const base = newSegmentBase(this.#nextSeq++);
    const handle = await open(join(this.#o.dir, segmentFileName(base, false)), 'a');
    if (this.#o.fsync === 'always') await syncFile(this.#o.dir);
    this.#active = { base, handle, openedAtMs: performance.now(), points: 0, bytes: 0 };
    return this.#active;
  }

  /** Makes the active segment immutable and shippable. Renaming is the commit point: .seg files never change. */
  async #seal(): Promise<void> {
    const active = this.#active;
    if (active === undefined) return;
    this.#active = undefined;
    try {
      if (this.#o.fsync !== 'never' && active.points > 0) await active.handle.datasync();
    } finally {
      await active.handle.close();
    }
    const openPath = join(this.#o.dir, segmentFileName(active.base, false));
    if (active.points === 0) {
      await unlinkIfPresent(openPath);
      return;
    }
    await rename(openPath, this.#path(active.base));
    if (this.#o.fsync === 'always') await syncFile(this.#o.dir);
    this.#sealed.push({ base: active.base, points: active.points, bytes: active.bytes, corruptionCounted: false });
  }

  async #takeReady(): Promise<SpoolBatch | undefined> {
    for (;;) {
      const active = this.#active;
      if (!this.#sealed.some((s) => !this.#leased.has(s.base)) && active !== undefined && this.#msUntilActiveIsReady() === 0) {
        await this.#seal();
      }
      const segment = this.#sealed.find((s) => !this.#leased.has(s.base));
      if (segment === undefined) return undefined;
      let text: string;
      try {
        text = await readFile(this.#path(segment.base), 'utf8');
      } catch (err) {
        this.#log.error({ err: describeError(err), segment: segment.base }, 'spool segment unreadable');
        this.#forget(segment);
        this.#drop('unreadable', segment.points);
        continue;
      }
      const decoded = decodeSegment(text);
      const lost = decoded.corruptLines + (decoded.tornTail ? 1 : 0);
      if (lost > 0 && !segment.corruptionCounted) {
        segment.corruptionCounted = true;
        this.#drop('corrupt', lost);
      }
      if (decoded.points.length === 0) {
        await unlinkIfPresent(this.#path(segment.base));
        this.#forget(segment);
        continue;
      }
      this.#leased.add(segment.base);
      return { segment: segment.base, batchId: toBatchId(`${this.#o.batchIdPrefix}:${segment.base}`), points: decoded.points };
    }
  }

  /** 0 when the active segment is old enough to ship, the wait until then, or undefined without one. */
  #msUntilActiveIsReady(): number | undefined {
    const active = this.#active;
    if (active === undefined || active.points === 0) return undefined;
    return Math.max(0, Math.ceil(this.#o.segmentMaxAgeMs - (performance.now() - active.openedAtMs)));
  }

  #syncIfDirty(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    this.#serial(async () => {
      await this.#active?.handle.datasync();
    }).catch((err: unknown) => {
      this.#log.error({ err: describeError(err) }, 'spool fsync failed');
    });
  }

  #drop(reason: DropReason, points: number): void {
    this.#dropped[reason] += points;
    this.#log.warn({ event: 'SpoolPointsDropped', reason, points, intentional: reason === 'spool_full' }, 'spool dropped points');
  }

  #forget(segment: Segment): void {
    const index = this.#sealed.indexOf(segment);
    if (index < 0) return;
    this.#sealed.splice(index, 1);
    this.#bytes -= segment.bytes;
  }

  #path(base: string): string {
    return join(this.#o.dir, segmentFileName(base, true));
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn, fn);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}

async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
