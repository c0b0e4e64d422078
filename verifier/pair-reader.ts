// The reads of one comparison, on both sides at once: digests, partitions, and the streamed comparison of a
// range by row hashes. descent.ts decides what to read; this file knows how (and nothing about the tree).
import type { ChunkAction } from './bisect.js';
import { EMPTY_DIGEST, type ChunkDigest } from './digest.js';
import { diffHashStreams, type KeyMismatch } from './hash-diff.js';
import { FULL_RANGE, type KeyRange } from './key-range.js';
import { mapLimit } from './map-limit.js';
import { boundsPartition, pieceWidth, widthPartition, type Partition } from './partition.js';
import type { ComparisonPlan } from './plan.js';
import { changedColumns, type CanonicalRow, type Diff } from './row-diff.js';
import type { Store } from './store.js';

/** Integer-key leaves cost one indexed range query each; more of them make the first comparison finer. */
const MAX_WIDTH_LEAVES = 10_000;
/**
 * Without an explicit leaf size, a large integer-key table gets about this many leaves (wider than the default
 * 10 000 rows, up to AUTO_MAX_ROWS): every leaf is a range query with a fixed cost, and PostgreSQL's range scans
 * measured 15–20% faster per row at 40 000-row leaves than at 10 000.
 */
const AUTO_LEAVES = 256;
/** Larger leaf queries start paying PostgreSQL's JIT compilation (measured slower at 100 000 rows). */
const AUTO_MAX_ROWS = 50_000;
/** Sampled-key leaves are found by a CASE tree per row, whose cost grows with depth: keep it at most 8 deep. */
const MAX_BOUND_LEAVES = 256;

/** Rows per integer-key leaf for a table of `rows` rows: `chunkRows`, or with `auto` about AUTO_LEAVES leaves within [chunkRows, AUTO_MAX_ROWS]. */
export function leafRows(rows: number, chunkRows: number, auto: boolean): number {
  return auto ? Math.max(chunkRows, Math.min(AUTO_MAX_ROWS, Math.ceil(rows / AUTO_LEAVES))) : chunkRows;
}

/** A range's digests: [source, target]. */
export type Pair = readonly [ChunkDigest, ChunkDigest];

const ceilDiv = (a: bigint, b: bigint): bigint => (a + b - 1n) / b;

export class PairReader {
  /** Whether both sides cut the key space by arithmetic (a single integer key). */
  readonly arithmetic: boolean;
  readonly #source: Store;
  readonly #target: Store;
  readonly #plan: ComparisonPlan;
  readonly #signal: AbortSignal | undefined;
  readonly #concurrency: number;

  constructor(source: Store, target: Store, plan: ComparisonPlan, concurrency: number, signal?: AbortSignal) {
    this.#source = source;
    this.#target = target;
    this.#plan = plan;
    this.#concurrency = concurrency;
    this.#signal = signal;
    this.arithmetic = source.canSplitByArithmetic(plan.source) && target.canSplitByArithmetic(plan.target);
  }

  /** One range's digest on both sides (two range queries at once). */
  digest(range: KeyRange): Promise<[ChunkDigest, ChunkDigest]> {
    const signal = this.#signal;
    return Promise.all([this.#source.digestChunk(this.#plan.source, range, { signal }), this.#target.digestChunk(this.#plan.target, range, { signal })]);
  }

  /**
   * Every piece's digests: int-width pieces by indexed range queries (`concurrency` at a time; no GROUP BY,
   * which PostgreSQL would answer by sorting every row), others by one grouped query per side.
   */
  async digestPieces(p: Partition, pieces: readonly KeyRange[]): Promise<Pair[]> {
    if (p.kind === 'bounds') {
      const signal = this.#signal;
      const [ds, dt] = await Promise.all([this.#source.digestPartition(this.#plan.source, p, { signal }), this.#target.digestPartition(this.#plan.target, p, { signal })]);
      return pieces.map((_, i) => [ds[i] ?? EMPTY_DIGEST, dt[i] ?? EMPTY_DIGEST]);
    }
    const out: Pair[] = [];
    await mapLimit(pieces, this.#concurrency, async (range, i) => {
      out[i] = await this.digest(range);
    });
    return out;
  }

  /**
   * Compares `range` by (key, row hash) streamed from both sides. The digests are known once both streams are
   * merged; the changed rows are fetched in the background (`diffs`), so that the next range can stream meanwhile.
   */
  async streamCompare(range: KeyRange): Promise<{ pair: Pair; diffs: Promise<Diff[]> }> {
    const signal = this.#signal;
    const r = await diffHashStreams(
      this.#source.streamRowHashes(this.#plan.source, range, { signal }),
      this.#target.streamRowHashes(this.#plan.target, range, { signal }),
      this.#plan.layout.keyTypes,
    );
    const diffs = this.#nameChanges(r.mismatches);
    // Awaited when the results are assembled; until then a rejection must not count as unhandled.
    diffs.catch(() => undefined);
    return { pair: [r.source, r.target], diffs };
  }

  /** Names the columns of changed keys by fetching just those rows from both sides. */
  async #nameChanges(mismatches: readonly KeyMismatch[]): Promise<Diff[]> {
    const { layout } = this.#plan;
    const changed = mismatches.filter((m) => m.kind === 'changed').map((m) => m.key);
    const keyCount = layout.keyTypes.length;
    // Runs per changed row: a single key is its own map key (key columns are never NULL).
    const idOf = keyCount === 1 ? (k: readonly (string | null)[]): string => k[0] ?? '' : (k: readonly (string | null)[]): string => JSON.stringify(k.slice(0, keyCount));
    const index = (rows: CanonicalRow[]): Map<string, CanonicalRow> => new Map(rows.map((row) => [idOf(row), row]));
    const signal = this.#signal;
    const [sRows, tRows] = changed.length === 0 ? [new Map<string, CanonicalRow>(), new Map<string, CanonicalRow>()]
      : (await Promise.all([this.#source.fetchRows(this.#plan.source, changed, { signal }), this.#target.fetchRows(this.#plan.target, changed, { signal })])).map(index);
    return mismatches.flatMap((m): Diff[] => {
      if (m.kind !== 'changed') return [{ kind: m.kind, key: m.key }];
      const id = idOf(m.key);
      const s = sRows?.get(id);
      const t = tRows?.get(id);
      // A row deleted or inserted since it was hashed reads as missing/extra now: report what is true now.
      if (s === undefined || t === undefined) return s === undefined && t === undefined ? [] : [{ kind: s === undefined ? 'extra' : 'missing', key: m.key }];
      const columns = changedColumns(s, t, layout);
      return columns.length === 0 ? [] : [{ kind: 'changed', key: m.key, columns }];
    });
  }

  /**
   * The leaves: equal-width buckets of an integer key sized from the source's row count, else sampled source keys.
   * `auto`: `chunkRows` is a default, and a large integer-key table gets wider leaves (about AUTO_LEAVES of them).
   */
  async leafPartition(chunkRows: number, auto = false): Promise<Partition> {
    const signal = this.#signal;
    const keyTypes = this.#plan.layout.keyTypes;
    if (this.arithmetic) {
      // The source's span sets the leaves (target rows outside it belong to the first or last leaf), so only the
      // source's rows are counted — unless it is empty, when the target's span and count set them instead.
      const s = await this.#source.keySpan(this.#plan.source, FULL_RANGE, { count: 'estimate', signal });
      const span = s.min !== null ? s : await this.#target.keySpan(this.#plan.target, FULL_RANGE, { count: 'estimate', signal });
      if (span.min === null || span.max === null) return { kind: 'bounds', range: FULL_RANGE, bounds: [] };
      const keys = span.max - span.min + 1n;
      const rows = Math.max(1, span.count ?? 1);
      let width = ceilDiv(keys * BigInt(leafRows(rows, chunkRows, auto)), BigInt(rows));
      if (width < 1n) width = 1n;
      if (ceilDiv(keys, width) > BigInt(MAX_WIDTH_LEAVES)) width = ceilDiv(keys, BigInt(MAX_WIDTH_LEAVES));
      return widthPartition(FULL_RANGE, span.min, span.max, width);
    }
    const bounds = await this.#source.splitKeySpace(this.#plan.source, FULL_RANGE, chunkRows, { signal });
    const step = Math.ceil((bounds.length + 1) / MAX_BOUND_LEAVES);
    return boundsPartition(FULL_RANGE, bounds.filter((_, i) => (i + 1) % step === 0), keyTypes);
  }

  /**
   * Cuts a mismatching range into about `fanout` pieces: by arithmetic over the keys present on either side
   * (so a sparse or skewed key space narrows at every level), else at keys sampled where the rows are.
   */
  async splitForBisect(range: KeyRange, action: ChunkAction & { kind: 'split' }, fanout: number): Promise<Partition> {
    const signal = this.#signal;
    if (this.arithmetic) {
      const spans = await Promise.all([this.#source.keySpan(this.#plan.source, range, { signal }), this.#target.keySpan(this.#plan.target, range, { signal })]);
      const mins = spans.flatMap((s) => (s.min === null ? [] : [s.min]));
      const maxs = spans.flatMap((s) => (s.max === null ? [] : [s.max]));
      if (mins.length === 0) return { kind: 'bounds', range, bounds: [] };
      const min = mins.reduce((a, b) => (a < b ? a : b));
      const max = maxs.reduce((a, b) => (a > b ? a : b));
      return widthPartition(range, min, max, pieceWidth(min, max, fanout));
    }
    const [store, spec] = action.sampleSide === 'source' ? [this.#source, this.#plan.source] : [this.#target, this.#plan.target];
    return boundsPartition(range, await store.splitKeySpace(spec, range, action.rowsPerPiece, { signal }), this.#plan.layout.keyTypes);
  }
}
