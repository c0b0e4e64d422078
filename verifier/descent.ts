// The in-database path of one comparison: cut the key space into leaves, digest them on both sides inside the
// databases, compare the Merkle trees, and descend into the mismatching leaves.
//
//   integer key: leaves by key arithmetic, digested in key order by indexed range queries (`concurrency` at a time);
//                while most of the last few leaves mismatch ─▶ stream the next ones instead (no digest pass)
//   other keys:  leaves at sampled keys, all digested by ONE grouped query per side
//                                  ▼
//   mismatching leaves: many → stream (key, row hash) from both sides, fetch only the changed rows
//                       few  → bisect (split, digest the pieces, recurse) until small → compare rows
import { DEFAULT_BISECT_POLICY, decideChunk, shouldStream, type BisectPolicy } from './bisect.js';
import { EMPTY_DIGEST, combineDigests, digestsEqual, type ChunkDigest } from './digest.js';
import { FULL_RANGE, type KeyRange } from './key-range.js';
import { mapLimit } from './map-limit.js';
import { buildTree, compareTrees } from './merkle.js';
import { PairReader, type Pair } from './pair-reader.js';
import { partitionRanges } from './partition.js';
import type { ComparisonPlan } from './plan.js';
import type { Diff } from './row-diff.js';
import type { Store } from './store.js';

/** The drift window: about this share of the leaves (at least 2, at most MAX_WINDOW). */
const PROBE_SHARE = 1 / 16;
const MAX_WINDOW = 16;

export interface DescentContext {
  readonly source: Store;
  readonly target: Store;
  readonly plan: ComparisonPlan;
  readonly policy?: BisectPolicy | undefined;
  /** Rows per leaf (about). */
  readonly chunkRows: number;
  /** `chunkRows` is the default, not the caller's: large integer-key tables may get wider leaves (pair-reader.ts). */
  readonly autoLeaves?: boolean | undefined;
  /** Digest queries (or streamed leaves) in flight per side. */
  readonly concurrency: number;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
  /** Streams both sides' full rows over a small range and names the differences. */
  compareRows(range: KeyRange): Promise<Diff[]>;
}

export interface DescentEvidence {
  readonly leaves: number;
  readonly mismatchedLeaves: number;
  readonly nodesCompared: number;
  readonly rangesBisected: number;
  readonly rangesStreamed: number;
}

export interface DescentResult {
  readonly roots: readonly [ChunkDigest, ChunkDigest];
  /** In key order. */
  readonly diffs: readonly Diff[];
  readonly evidence: DescentEvidence;
}

/** Runs the in-database comparison; the caller has checked that both sides can digest in the database. */
export async function descend(ctx: DescentContext): Promise<DescentResult> {
  const policy = ctx.policy ?? DEFAULT_BISECT_POLICY;
  const keyTypes = ctx.plan.layout.keyTypes;
  const io = new PairReader(ctx.source, ctx.target, ctx.plan, ctx.concurrency, ctx.signal);
  let bisected = 0;
  let streamed = 0;
  const streamRange = (range: KeyRange): Promise<{ pair: Pair; diffs: Promise<Diff[]> }> => {
    streamed += 1;
    return io.streamCompare(range);
  };

  const bisect = async (range: KeyRange, s: ChunkDigest, t: ChunkDigest): Promise<Diff[]> => {
    const action = decideChunk(s, t, policy);
    if (action.kind === 'equal') return [];
    if (action.kind === 'compare-rows') return ctx.compareRows(range);
    const partition = await io.splitForBisect(range, action, policy.fanout);
    const pieces = partitionRanges(partition, keyTypes);
    if (pieces.length < 2) return ctx.compareRows(range);
    bisected += 1;
    const digests = await io.digestPieces(partition, pieces);
    const bad = pieces.flatMap((p, i) => {
      const pair: Pair = digests[i] ?? [EMPTY_DIGEST, EMPTY_DIGEST];
      return digestsEqual(pair[0], pair[1]) ? [] : [{ p, pair }];
    });
    if (shouldStream(bad.length, pieces.length, policy)) return (await streamRange(range)).diffs;
    const out: Diff[] = [];
    for (const b of bad) out.push(...await bisect(b.p, b.pair[0], b.pair[1]));
    return out;
  };

  const leaves = await io.leafPartition(ctx.chunkRows, ctx.autoLeaves === true);
  const ranges = partitionRanges(leaves, keyTypes);
  const n = ranges.length;
  const pairs: (Pair | undefined)[] = new Array<Pair | undefined>(n);
  let done = 0;
  const progress = (k: number): void => {
    done += k;
    ctx.onProgress?.(done, n);
  };

  const perLeaf: (Promise<Diff[]> | undefined)[] = new Array<Promise<Diff[]> | undefined>(n);
  let digested = 0;
  // Whether each completed leaf mismatched, in completion order: drift is widespread while most of the last
  // `window` leaves mismatch. The decision is re-taken before every leaf, so a burst of drift is streamed and
  // the clean key space after it is digested again.
  const recent: boolean[] = [];
  const window = Math.max(2, Math.min(MAX_WINDOW, Math.ceil(n * PROBE_SHARE)));
  const widespread = (): boolean => n >= 8 && recent.length >= window && shouldStream(recent.slice(-window).filter(Boolean).length, window, policy);
  if (leaves.kind === 'int-width') {
    // Leaves in key order, `concurrency` at a time, each one range query per side that the key's index serves
    // (no GROUP BY: PostgreSQL would sort every row for it). While drift is widespread, leaves are streamed
    // instead of digested — a digest pass would only precede reading them again.
    await mapLimit(ranges, ctx.concurrency, async (range, i) => {
      if (widespread()) {
        const r = await streamRange(range);
        pairs[i] = r.pair;
        perLeaf[i] = r.diffs;
        recent.push(!digestsEqual(r.pair[0], r.pair[1]));
      } else {
        const pair = await io.digest(range);
        pairs[i] = pair;
        digested += 1;
        recent.push(!digestsEqual(pair[0], pair[1]));
      }
      progress(1);
    });
  } else {
    // One grouped query per side over the whole key space: a range condition on a byte-ordered text key cannot
    // use an index on every engine, so per-leaf queries could each cost a full scan.
    (await io.digestPieces(leaves, ranges)).forEach((pair, i) => (pairs[i] = pair));
    digested = n;
    progress(n);
  }
  // Leaves digested (not streamed) whose digests differ: stream them all when drift is widespread, else bisect.
  const bad = ranges.flatMap((_, i) => {
    const p = pairs[i];
    return perLeaf[i] === undefined && p !== undefined && !digestsEqual(p[0], p[1]) ? [i] : [];
  });
  const streamBad = shouldStream(bad.length, digested, policy);
  await mapLimit(bad, ctx.concurrency, async (i) => {
    const range = ranges[i] ?? FULL_RANGE;
    const pair = pairs[i] ?? [EMPTY_DIGEST, EMPTY_DIGEST];
    perLeaf[i] = streamBad ? (await streamRange(range)).diffs : Promise.resolve(await bisect(range, pair[0], pair[1]));
  });

  const complete = Array.from(pairs, (p) => p ?? ([EMPTY_DIGEST, EMPTY_DIGEST] as const));
  const { mismatched, nodesCompared } = compareTrees(buildTree(complete.map((p) => p[0])), buildTree(complete.map((p) => p[1])));
  const root = (k: 0 | 1): ChunkDigest => complete.reduce((acc, p) => combineDigests(acc, p[k]), EMPTY_DIGEST);
  return {
    roots: [root(0), root(1)],
    diffs: (await Promise.all(Array.from(perLeaf, (d) => d ?? Promise.resolve([])))).flat(),
    evidence: { leaves: n, mismatchedLeaves: mismatched.length, nodesCompared, rangesBisected: bisected, rangesStreamed: streamed },
  };
}
