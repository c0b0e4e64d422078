// Local write-ahead log: an acknowledged batch survives kill -9 while ClickHouse is slow or down.
// Appends are group-committed (one write + fdatasync for everything that arrived meanwhile), so a busy collector
// pays one fsync per round, not per request. Segments roll at a size bound and are deleted once every record in
// them has been stored. Replay after a crash yields every record still on disk; the writer then drops the ones
// ClickHouse already has (storeGroup), so replay is safe whatever was stored before the crash.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReceivedBatch } from '../../lib/storage/metric-points.js';

export interface WalRecord extends ReceivedBatch {
  /** Segment the record lives in; released records let the segment go. */
  readonly segment: number;
}

export interface WalOptions {
  readonly dir: string;
  /** A segment rolls over once it is larger than this. @default 8 MiB */
  readonly segmentBytes?: number;
}

const NAME = /^wal-(\d{10})\.log$/;
const segmentName = (seq: number): string => `wal-${String(seq).padStart(10, '0')}.log`;

export class Wal {
  readonly #dir: string;
  readonly #segmentBytes: number;
  /** Unreleased record count per segment. */
  readonly #live = new Map<number, number>();
  #seq = 0;
  #file: FileHandle | undefined;
  #size = 0;
  #pending: { line: string; resolve: (segment: number) => void; reject: (err: unknown) => void }[] = [];
  #flushing = false;
  #bytes = 0;

  constructor(options: WalOptions) {
    this.#dir = options.dir;
    this.#segmentBytes = options.segmentBytes ?? 8 * 1024 * 1024;
    mkdirSync(this.#dir, { recursive: true });
  }

  /** Bytes on disk across segments (for back-pressure and metrics). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Every record left by an earlier process, oldest first; a torn last line (crash mid-write) is skipped. */
  replay(): WalRecord[] {
    const records: WalRecord[] = [];
    const seqs = readdirSync(this.#dir).flatMap((f) => { const m = NAME.exec(f); return m ? [Number(m[1])] : []; }).sort((a, b) => a - b);
    for (const seq of seqs) {
      const path = join(this.#dir, segmentName(seq));
      this.#bytes += statSync(path).size;
      let count = 0;
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        if (line === '') continue;
        try {
          const parsed = JSON.parse(line) as ReceivedBatch;
          records.push({ ...parsed, segment: seq });
          count += 1;
        } catch {
          // Only the unacknowledged tail of a crashed write can be torn; its client never got an ack and will resend.
        }
      }
      this.#seq = Math.max(this.#seq, seq);
      if (count === 0) this.#remove(seq);
      else this.#live.set(seq, count);
    }
    return records;
  }

  /** Appends durably; resolves with the segment number once the record is on disk. */
  append(item: ReceivedBatch): Promise<number> {
    const line = `${JSON.stringify(item)}\n`;
    return new Promise((resolve, reject) => {
      this.#pending.push({ line, resolve, reject });
      if (!this.#flushing) {
        this.#flushing = true;
        void this.#flushLoop();
      }
    });
  }

  /** Marks one record of `segment` stored; a finished, sealed segment is deleted. */
  release(segment: number): void {
    const left = (this.#live.get(segment) ?? 1) - 1;
    this.#live.set(segment, left);
    if (left <= 0 && segment !== this.#seq) this.#remove(segment);
  }

  async close(): Promise<void> {
    while (this.#flushing) await new Promise((r) => setImmediate(r));
    await this.#file?.close();
    this.#file = undefined;
  }

  /** Writes whatever arrived while the previous round was being synced: one write and one fdatasync per round. */
  async #flushLoop(): Promise<void> {
    while (this.#pending.length > 0) {
      const round = this.#pending;
      this.#pending = [];
      try {
        if (this.#file === undefined || this.#size >= this.#segmentBytes) await this.#roll();
        const file = this.#file as unknown as FileHandle;
        const buffer = Buffer.from(round.map((p) => p.line).join(''), 'utf8');
        await file.write(buffer);
        await file.datasync();
        this.#size += buffer.length;
        this.#bytes += buffer.length;
        this.#live.set(this.#seq, (this.#live.get(this.#seq) ?? 0) + round.length);
        for (const p of round) p.resolve(this.#seq);
      } catch (err) {
        for (const p of round) p.reject(err);
      }
    }
    this.#flushing = false;
  }

  async #roll(): Promise<void> {
    const previous = this.#seq;
    await this.#file?.close();
    this.#seq += 1;
    this.#file = await open(join(this.#dir, segmentName(this.#seq)), 'a');
    this.#size = 0;
    // The sealed segment may already be fully stored.
    if ((this.#live.get(previous) ?? 0) <= 0 && this.#live.has(previous)) this.#remove(previous);
  }

  #remove(seq: number): void {
    const path = join(this.#dir, segmentName(seq));
    try {
      this.#bytes -= statSync(path).size;
      rmSync(path);
    } catch {
      // Already gone: nothing to do.
    }
    this.#live.delete(seq);
  }
}
