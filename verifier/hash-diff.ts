// Merges two key-ordered streams of (key, row hash) pages into the keys that differ, summing each side's digest
// on the way. Pure. Used when drift is widespread: both sides are read once with the row hash computed in the
// database, and only the rows of changed keys are fetched afterwards to name their columns. This loop runs for
// every row of both sides, so it reads the pages' typed arrays and compares integer keys as numbers.
import { SyncwatchError } from '../lib/errors.js';
import type { LogicalType } from './canonical/logical-type.js';
import type { ChunkDigest } from './digest.js';
import type { HashPage } from './hash-page.js';
import { compareKeys, type KeyTuple } from './key-range.js';

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

/**
 * Sums 64-bit row hashes mod 2^64 in two 32-bit halves held as JS numbers (exact below 2^53, i.e. for 2^21
 * rows per half), folded into a bigint every 2^20 rows and at the end: a BigInt per row would cost more than the merge.
 */
class HashSum {
  count = 0;
  #hi = 0;
  #lo = 0;
  #folded = 0n;

  add(page: HashPage, i: number): void {
    this.count += 1;
    this.#hi += page.hi[i] ?? 0;
    this.#lo += page.lo[i] ?? 0;
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

/**
 * Reads one side's pages, asking for the next page as soon as one arrives (so the database works on it while
 * this one is merged), and checks that keys strictly increase — a store whose order disagrees with
 * key-range.ts, or a duplicate key, would otherwise pair the wrong rows silently.
 */
class PageCursor {
  page: HashPage | null = null;
  i = 0;
  done = false;
  readonly sum = new HashSum();
  #next: Promise<IteratorResult<HashPage>> | undefined;
  #prevInt: number | null = null;
  #prevKey: KeyTuple | null = null;
  readonly #it: AsyncIterator<HashPage>;
  readonly #side: string;
  readonly #types: readonly LogicalType[];

  constructor(stream: AsyncIterable<HashPage>, side: string, types: readonly LogicalType[]) {
    this.#it = stream[Symbol.asyncIterator]();
    this.#side = side;
    this.#types = types;
  }

  get needsFill(): boolean {
    return !this.done && (this.page === null || this.i >= this.page.length);
  }

  async fill(): Promise<void> {
    while (this.needsFill) {
      if (this.page !== null && this.page.length > 0) this.#remember(this.page, this.page.length - 1);
      const next = await (this.#next ?? this.#it.next());
      this.#next = undefined;
      if (next.done === true) {
        this.done = true;
        this.page = null;
        return;
      }
      this.page = next.value;
      this.i = 0;
      this.#next = this.#it.next();
      // Awaited by the next fill (or by close); until then a rejection must not count as unhandled.
      this.#next.catch(() => undefined);
      if (this.page.length > 0) this.#checkOrder(this.page);
    }
  }

  #remember(page: HashPage, i: number): void {
    const n = page.ints?.[i];
    this.#prevInt = n ?? null;
    this.#prevKey = n === undefined ? page.key(i) : null;
  }

  /** Every row of a page above the one before it, and the first above the previous page's last. */
  #checkOrder(page: HashPage): void {
    const ints = page.ints;
    const fail = (i: number, prev: KeyTuple): never => {
      throw new SyncwatchError('SW_INTERNAL', `${this.#side} rows are not in strictly increasing key order at ${JSON.stringify(page.key(i))} (after ${JSON.stringify(prev)}); is the key unique?`);
    };
    if (ints !== null && this.#prevKey === null) {
      let prev = this.#prevInt ?? -Infinity;
      for (let i = 0; i < ints.length; i++) {
        const k = ints[i] ?? 0;
        if (k <= prev) fail(i, [String(prev)]);
        prev = k;
      }
      return;
    }
    let prev = this.#prevKey ?? (this.#prevInt === null ? null : [String(this.#prevInt)]);
    for (let i = 0; i < page.length; i++) {
      const k = page.key(i);
      if (prev !== null && compareKeys(prev, k, this.#types) >= 0) fail(i, prev);
      prev = k;
    }
  }

  async close(): Promise<void> {
    await this.#next?.catch(() => undefined);
    await this.#it.return?.(undefined);
  }
}

/** Merge-joins both streams by key; returns the differing keys and both sides' digests of everything read. */
export async function diffHashStreams(source: AsyncIterable<HashPage>, target: AsyncIterable<HashPage>, keyTypes: readonly LogicalType[]): Promise<HashDiffResult> {
  const s = new PageCursor(source, 'source', keyTypes);
  const t = new PageCursor(target, 'target', keyTypes);
  const mismatches: KeyMismatch[] = [];
  try {
    for (;;) {
      // Awaits happen only at page boundaries; rows within a page are merged synchronously.
      if (s.needsFill || t.needsFill) await Promise.all([s.fill(), t.fill()]);
      const sp = s.page;
      const tp = t.page;
      if (sp === null && tp === null) break;
      if (sp === null || tp === null) {
        // One side is exhausted: the rest of the other is missing (source) or extra (target).
        const [c, p, kind] = sp === null ? [t, tp, 'extra' as const] : [s, sp, 'missing' as const];
        if (p === null) break;
        for (; c.i < p.length; c.i++) {
          mismatches.push({ kind, key: p.key(c.i) });
          c.sum.add(p, c.i);
        }
        continue;
      }
      const si = sp.ints;
      const ti = tp.ints;
      while (s.i < sp.length && t.i < tp.length) {
        const a = s.i;
        const b = t.i;
        const c = si !== null && ti !== null ? (si[a] ?? 0) - (ti[b] ?? 0) : compareKeys(sp.key(a), tp.key(b), keyTypes);
        if (c < 0) {
          mismatches.push({ kind: 'missing', key: sp.key(a) });
          s.sum.add(sp, a);
          s.i += 1;
        } else if (c > 0) {
          mismatches.push({ kind: 'extra', key: tp.key(b) });
          t.sum.add(tp, b);
          t.i += 1;
        } else {
          if (sp.hi[a] !== tp.hi[b] || sp.lo[a] !== tp.lo[b]) mismatches.push({ kind: 'changed', key: sp.key(a) });
          s.sum.add(sp, a);
          t.sum.add(tp, b);
          s.i += 1;
          t.i += 1;
        }
      }
    }
    return { mismatches, source: s.sum.digest, target: t.sum.digest };
  } finally {
    await Promise.all([s.close(), t.close()]);
  }
}
