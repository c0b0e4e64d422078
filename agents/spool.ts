// The agent's bounded on-disk queue of points. Probes append; the shipper takes sealed segments one at a
// time and acknowledges (deletes) or rejects (quarantines) them. Nothing is lost without being counted:
// every point that does not reach a segment the shipper will send is added to a drop counter by reason.
//
//   append ─▶ [active .open] ──seal (N points, B bytes or age T)──▶ [.seg] [.seg] … ─▶ nextBatch ─▶ ack/reject
//                                       when over maxBytes, the oldest .seg not in flight is dropped ──┘
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BatchId } from '../lib/ids.js';
import type { Logger } from '../lib/log.js';
import { MAX_POINTS_PER_BATCH, type Point } from '../lib/protocol/ingest-batch.js';
import { DEFAULT_MAX_SPOOL_BYTES, type FsyncPolicy } from './agent-config.js';
import { DiskSpool } from './spool/disk-spool.js';
import { REJECTED_DIR } from './spool/rejected.js';
import { resumeSpoolDir } from './spool/resume.js';

/** Why points were dropped; `spool_full` is the only drop the configuration asks for. */
export const DROP_REASONS = ['spool_full', 'invalid', 'torn', 'corrupt', 'write_failed', 'unreadable'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** SpoolOptions with every default filled in. */
export type ResolvedSpoolOptions = Readonly<Required<Omit<SpoolOptions, 'logger'>>>;

export interface SpoolOptions {
  readonly dir: string;
  /** Prepended to segment names to form batch ids (`agent:000000000042-9f2c1ab3`); sanitised and cut to 60 chars. */
  readonly batchIdPrefix: string;
  readonly logger: Logger;
  /** Upper bound on the bytes of all queued segments. @default 128 MiB */
  readonly maxBytes?: number;
  /** A segment is sealed at this many points; it is the batch size. @default 5000 */
  readonly segmentMaxPoints?: number;
  /** A segment is sealed at this many bytes, keeping batches under the collector's body limit. @default 2 MiB */
  readonly segmentMaxBytes?: number;
  /** The active segment is sealed for shipping once it is this old (and the shipper is idle). @default 100 */
  readonly segmentMaxAgeMs?: number;
  /** @default 'interval' */
  readonly fsync?: FsyncPolicy;
  /** Period of the `interval` fsync policy. @default 1000 */
  readonly fsyncIntervalMs?: number;
  /** Rejected segments kept for inspection in `rejected/`; older ones are deleted. @default 100 */
  readonly maxRejectedSegments?: number;
}

/** One sealed segment handed to the shipper; the same segment always yields the same batch id. */
export interface SpoolBatch {
  readonly segment: string;
  readonly batchId: BatchId;
  readonly points: readonly Point[];
}

export interface SpoolStats {
  readonly bytes: number;
  readonly segments: number;
  readonly points: number;
  readonly droppedPoints: Readonly<Record<DropReason, number>>;
  readonly rejectedBatches: number;
  readonly rejectedPoints: number;
}

export interface Spool {
  /** Validates and appends points; resolves once written (and fsynced under the `always` policy). */
  append(points: readonly Point[]): Promise<void>;
  /** Waits for the oldest ready segment and leases it to the caller; rejects with an AbortError on abort. */
  nextBatch(signal: AbortSignal): Promise<SpoolBatch>;
  /** The collector stored the batch: delete its segment. */
  ack(batch: SpoolBatch): Promise<void>;
  /** The collector refused the batch for good: move it to `rejected/` with the reason, and count it. */
  reject(batch: SpoolBatch, reason: string): Promise<void>;
  /** Gives a leased batch back unsent (e.g. on stop); it will be offered again. */
  release(batch: SpoolBatch): void;
  stats(): SpoolStats;
  /** Seals the active segment and stops; queued segments stay on disk for the next start. */
  close(): Promise<void>;
}

/** Opens (creating if needed) the spool in `options.dir`, resuming whatever an earlier run left there. */
export async function openSpool(options: SpoolOptions): Promise<Spool> {
  const resolved: ResolvedSpoolOptions = Object.freeze({
    dir: options.dir,
    batchIdPrefix: options.batchIdPrefix.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 60),
    maxBytes: options.maxBytes ?? DEFAULT_MAX_SPOOL_BYTES,
    segmentMaxPoints: options.segmentMaxPoints ?? 5_000,
    segmentMaxBytes: options.segmentMaxBytes ?? 2 * 1024 * 1024,
    segmentMaxAgeMs: options.segmentMaxAgeMs ?? 100,
    fsync: options.fsync ?? 'interval',
    fsyncIntervalMs: options.fsyncIntervalMs ?? 1_000,
    maxRejectedSegments: options.maxRejectedSegments ?? 100,
  });
  if (resolved.segmentMaxPoints < 1 || resolved.segmentMaxPoints > MAX_POINTS_PER_BATCH) {
    throw new RangeError(`segmentMaxPoints must be 1–${MAX_POINTS_PER_BATCH}, got ${resolved.segmentMaxPoints}`);
  }
  await mkdir(join(resolved.dir, REJECTED_DIR), { recursive: true });
  const resumed = await resumeSpoolDir(resolved.dir, resolved.fsync !== 'never');
  const dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
  const spool = new DiskSpool(resolved, options.logger, resumed.segments, resumed.nextSeq, dropped);
  spool.countResumeLosses(resumed.tornLines, resumed.corruptLines);
  return spool;
}
