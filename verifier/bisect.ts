// Decisions of the descent from a mismatching chunk to rows. Pure; run.ts performs the queries they call for.
import type { ChunkDigest } from './digest.js';
import { digestsEqual } from './digest.js';

export interface BisectPolicy {
  /** A mismatching range with at most this many rows (on the larger side) is compared row by row. */
  readonly rowThreshold: number;
  /** How many pieces a larger mismatching range is split into. */
  readonly fanout: number;
  /**
   * When more than this share of a level's ranges mismatch, bisecting costs more than it saves: the
   * mismatching ranges are streamed from both sides in key order and merge-compared instead.
   */
  readonly streamShare: number;
}

export const DEFAULT_BISECT_POLICY: BisectPolicy = Object.freeze({ rowThreshold: 2_000, fanout: 8, streamShare: 0.5 });

/** Rejects nonsensical tuning up front, so a bad flag fails before any query runs. */
export function validateBisectPolicy(p: BisectPolicy): BisectPolicy {
  if (!Number.isInteger(p.rowThreshold) || p.rowThreshold < 1) throw new RangeError(`rowThreshold must be a positive integer, got ${p.rowThreshold}`);
  if (!Number.isInteger(p.fanout) || p.fanout < 2) throw new RangeError(`fanout must be an integer ≥ 2, got ${p.fanout}`);
  if (!(p.streamShare > 0 && p.streamShare <= 1)) throw new RangeError(`streamShare must be in (0, 1], got ${p.streamShare}`);
  return Object.freeze({ ...p });
}

/** What to do with one range given both sides' digests. */
export type ChunkAction =
  | { readonly kind: 'equal' }
  | { readonly kind: 'compare-rows' }
  /** Split into about `pieces` ranges of `rowsPerPiece` rows each, sampling keys on the `sampleSide`. */
  | { readonly kind: 'split'; readonly rowsPerPiece: number; readonly sampleSide: 'source' | 'target' };

export function decideChunk(source: ChunkDigest, target: ChunkDigest, policy: BisectPolicy): ChunkAction {
  if (digestsEqual(source, target)) return { kind: 'equal' };
  const larger = Math.max(source.count, target.count);
  if (larger <= policy.rowThreshold) return { kind: 'compare-rows' };
  return {
    kind: 'split',
    rowsPerPiece: Math.ceil(larger / policy.fanout),
    // Sample where the rows are: a range the source lacks entirely still splits on the target's keys.
    sampleSide: source.count >= target.count ? 'source' : 'target',
  };
}

/** Whether `mismatched` of `total` ranges is a large enough share to stop bisecting and stream. */
export function shouldStream(mismatched: number, total: number, policy: BisectPolicy): boolean {
  return total > 1 && mismatched / total > policy.streamShare;
}
