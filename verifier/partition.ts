// A partition cuts one key range into consecutive pieces, so that both sides digest the same pieces.
// Pure: ranges and arithmetic only.
//
//   bounds:     range ──┬── b1 ──┬── b2 ──┬── …   pieces split at keys sampled from one side (any key type)
//   int-width:  range ──┬─ o+w ──┬─ o+2w ─┬── …   a single integer key: cut points by arithmetic from the
//                                                  smallest key o, so no scan is needed to find them
import type { LogicalType } from './canonical/logical-type.js';
import { splitRange, type KeyRange, type KeyTuple } from './key-range.js';

export type Partition =
  /** Pieces of `range` split at `bounds` (ascending, strictly inside the range). */
  | { readonly kind: 'bounds'; readonly range: KeyRange; readonly bounds: readonly KeyTuple[] }
  /**
   * `count` pieces of `range` cut at origin + i·width (i = 1 … count-1). The first and last pieces extend to
   * the range's own bounds, so keys outside [origin, origin + count·width) — e.g. rows written after the span
   * was read — still belong to exactly one piece.
   */
  | { readonly kind: 'int-width'; readonly range: KeyRange; readonly origin: bigint; readonly width: bigint; readonly count: number };

/** The bucket width that cuts `[min, max]` into about `pieces` pieces (at least 1). */
export function pieceWidth(min: bigint, max: bigint, pieces: number): bigint {
  const n = BigInt(Math.max(1, Math.floor(pieces)));
  const w = (max - min + 1n + n - 1n) / n;
  return w < 1n ? 1n : w;
}

/** The int-width partition of `range` with pieces of `width` keys, starting at the smallest key present. */
export function widthPartition(range: KeyRange, min: bigint, max: bigint, width: bigint): Partition {
  if (max < min || width < 1n) throw new RangeError(`bad span ${min}..${max} or width ${width}`);
  return { kind: 'int-width', range, origin: min, width, count: Number((max - min) / width) + 1 };
}

/** The cut points of `p`, ascending. */
export function partitionBounds(p: Partition): KeyTuple[] {
  if (p.kind === 'bounds') return [...p.bounds];
  return Array.from({ length: p.count - 1 }, (_, i) => [(p.origin + BigInt(i + 1) * p.width).toString()]);
}

/** The consecutive key ranges of the pieces; they cover `p.range` exactly. */
export function partitionRanges(p: Partition, keyTypes: readonly LogicalType[]): KeyRange[] {
  return splitRange(p.range, partitionBounds(p), keyTypes);
}

/** Number of pieces. */
export function pieceCount(p: Partition): number {
  return p.kind === 'bounds' ? p.bounds.length + 1 : p.count;
}

/** A bounds partition whose cut points are normalised by `splitRange` (duplicates and outside cuts dropped). */
export function boundsPartition(range: KeyRange, bounds: readonly KeyTuple[], keyTypes: readonly LogicalType[]): Partition {
  const pieces = splitRange(range, bounds, keyTypes);
  return { kind: 'bounds', range, bounds: pieces.slice(1).map((r) => r.lower ?? []) };
}
