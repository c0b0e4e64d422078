// Merges two key-ordered streams of (key, row hash) into the keys that differ, summing each side's digest on the
// way. Pure. Used when drift is widespread: both sides are read once with the row hash computed in the database,
// and only the rows of changed keys are fetched afterwards to name their columns.
import { BatchCursor } from './batch-cursor.js';
import type { LogicalType } from './canonical/logical-type.js';
import type { ChunkDigest } from './digest.js';
import { compareKeys, type KeyTuple } from './key-range.js';
import type { KeyHash } from './store.js';

/** A key whose rows differ: only in the source, only in the target, or in both with different row hashes. */
export interface KeyMismatch {
  readonly kind: 'missing' | 'extra' | 'changed';
  readonly key: KeyTuple;
}

export interface HashDiffResult {
  /** In key order. */
  readonly mismatches: KeyMismatch[];
  /** Each side's (row count, row-hash sum mod 2^64) over everything read: the range's digest. */
  readonly source: ChunkDigest;
  readonly target: ChunkDigest;
}

const keyOf = (kh: KeyHash): KeyTuple => kh.key;

/** The 32-bit value of 8 lowercase hex digits at `from`, without allocating substrings (this runs per row). */
function hexWord(hex: string, from: number): number {
  let v = 0;
  for (let i = from; i < from + 8; i++) {
    const c = hex.charCodeAt(i);
    v = v * 16 + (c <= 57 ? c - 48 : c - 87);
  }
  return v;
}

/**
 * Sums 64-bit hex hashes mod 2^64 in two 32-bit halves held as JS numbers (exact below 2^53, i.e. for 2^21
 * rows per half), folded into a bigint only at the end: a BigInt parse per row would cost more than the merge.
 */
class HashSum {
  count = 0;
  #hi = 0;
  #lo = 0;
  #folded = 0n;

  add(hex: string): void {
    this.count += 1;
    this.#hi += hexWord(hex, 0);
    this.#lo += hexWord(hex, 8);
    if ((this.count & 0xfffff) === 0) this.#fold();
  }

  #fold(): void {
    this.#folded = (this.#folded + (BigInt(this.#hi) << 32n) + BigInt(this.#lo)) % (1n << 64n);
    this.#hi = 0;
    this.#lo = 0;
  }

  get digest(): ChunkDigest {
    this.#fold();
    return { count: this.count, hash: this.#folded };
  }
}

/** Merge-joins both streams by key; returns the differing keys and both sides' digests of everything read. */
export async function diffHashStreams(
  source: AsyncIterable<readonly KeyHash[]>,
  target: AsyncIterable<readonly KeyHash[]>,
  keyTypes: readonly LogicalType[],
): Promise<HashDiffResult> {
  const s = new BatchCursor(source, keyOf, 'source', keyTypes);
  const t = new BatchCursor(target, keyOf, 'target', keyTypes);
  const mismatches: KeyMismatch[] = [];
  const sSum = new HashSum();
  const tSum = new HashSum();
  try {
    for (;;) {
      // Awaits happen only at batch boundaries; rows within a batch are merged synchronously.
      if (s.needsFill || t.needsFill) await Promise.all([s.fill(), t.fill()]);
      const a = s.current;
      const b = t.current;
      if (a === undefined && b === undefined) break;
      const c = a === undefined ? 1 : b === undefined ? -1 : compareKeys(a.key, b.key, keyTypes);
      if (c < 0 && a !== undefined) {
        mismatches.push({ kind: 'missing', key: s.advance(a) });
        sSum.add(a.hash);
      } else if (c > 0 && b !== undefined) {
        mismatches.push({ kind: 'extra', key: t.advance(b) });
        tSum.add(b.hash);
      } else if (a !== undefined && b !== undefined) {
        if (a.hash !== b.hash) mismatches.push({ kind: 'changed', key: a.key });
        s.advance(a);
        t.advance(b);
        sSum.add(a.hash);
        tSum.add(b.hash);
      }
    }
    return { mismatches, source: sSum.digest, target: tSum.digest };
  } finally {
    await Promise.all([s.close(), t.close()]);
  }
}
