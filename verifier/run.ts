// One comparison of a source and a target table — the only place where the pure algorithm meets the stores.
//
//   describe both ─▶ plan ─▶ in-database path? ──no──▶ stream both sides in key order, merge-diff (xxh64 evidence)
//                               │yes
//                               ▼
//   descent.ts: leaves, in-database digests, Merkle compare, bisection or row-hash streaming, row diff
import { CANONICAL_SPEC_VERSION } from './canonical/encode.js';
import { DEFAULT_BISECT_POLICY, validateBisectPolicy, type BisectPolicy } from './bisect.js';
import { descend, type DescentEvidence, type DescentResult } from './descent.js';
import { DigestBuilder, createRowHasher, formatDigest, type ChunkDigest, type RowHashAlgo } from './digest.js';
import { FULL_RANGE, type KeyRange } from './key-range.js';
import { planComparison, type ComparisonPlan } from './plan.js';
import { validateRowFilter } from './row-filter.js';
import { agreeOnNativeHash, withRowHash } from './native-hash.js';
import { diffRowStreams, type CanonicalRow, type Diff } from './row-diff.js';
import type { ReadSpec, Store } from './store.js';

export const DEFAULT_CHUNK_ROWS = 10_000;

export type Verdict = 'consistent' | 'drift';
export type DigestPath = 'in-database' | 'streamed';

export interface VerifyOptions {
  readonly source: Store;
  readonly target: Store;
  readonly table: string;
  /** The target's table name when it differs from the source's. */
  readonly targetTable?: string | undefined;
  readonly key?: readonly string[] | undefined;
  readonly columns?: readonly string[] | undefined;
  /** Row filter for both sides: trusted SQL from the operator (see row-filter.ts); the per-side ones override it. */
  readonly where?: string | undefined;
  readonly sourceWhere?: string | undefined;
  readonly targetWhere?: string | undefined;
  /** Rows per Merkle leaf (about). Default 10000, wider for large single-integer-key tables (about 256 leaves, at most 50000 rows each). */
  readonly chunkRows?: number | undefined;
  readonly policy?: BisectPolicy | undefined;
  /**
   * Always hash rows with the portable md5-64 of the canonical text, even for a same-engine pair that could use
   * its engine's faster native hash (e.g. to compare roots with runs against other engines).
   */
  readonly portableHash?: boolean | undefined;
  /** Digest queries (or streamed leaves) in flight per side. @default 2 */
  readonly concurrency?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Called as leaves are digested (or streamed) on both sides. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface SideResult {
  readonly url: string;
  readonly table: string;
  readonly rows: number;
  /** The Merkle root (count:hash16) — the whole table's digest under `rowHash`. */
  readonly root: string;
  readonly digestPath: DigestPath;
  /** The row filter applied on this side, or null. */
  readonly where: string | null;
}

export interface VerifyResult {
  readonly verdict: Verdict;
  readonly specVersion: number;
  readonly rowHash: RowHashAlgo;
  readonly key: readonly string[];
  readonly columns: readonly string[];
  readonly source: SideResult;
  readonly target: SideResult;
  readonly diffs: readonly Diff[];
  readonly evidence: DescentEvidence;
  readonly timing: { readonly totalMs: number };
  /** How both sides were read (specs, compare types); for follow-up work such as fix SQL. Not part of the JSON. */
  readonly plan: ComparisonPlan;
}

async function* tap(rows: AsyncIterable<readonly CanonicalRow[]>, into: DigestBuilder): AsyncGenerator<readonly CanonicalRow[]> {
  for await (const batch of rows) {
    for (const r of batch) into.add(r);
    yield batch;
  }
}

/** Runs one comparison and returns the verdict with every difference and the Merkle evidence. */
export async function runVerify(options: VerifyOptions): Promise<VerifyResult> {
  const started = performance.now();
  const { source, target, signal } = options;
  const policy = validateBisectPolicy(options.policy ?? DEFAULT_BISECT_POLICY);
  // Filters are checked before any query runs, so a mistyped --where fails fast with a usage error.
  const filter = (side: string | undefined, flag: string): string | undefined => {
    const text = side ?? options.where;
    return text === undefined ? undefined : validateRowFilter(text, side === undefined ? '--where' : flag);
  };
  const sourceWhere = filter(options.sourceWhere, '--source-where');
  const targetWhere = filter(options.targetWhere, '--target-where');
  const [sDesc, tDesc] = await Promise.all([source.describe(options.table, { signal }), target.describe(options.targetTable ?? options.table, { signal })]);
  const canonicalPlan = planComparison(sDesc, tDesc, { key: options.key, columns: options.columns, sourceWhere, targetWhere });
  const inDb = source.canDigestInDatabase(canonicalPlan.source) && target.canDigestInDatabase(canonicalPlan.target);
  const native = inDb && options.portableHash !== true ? await agreeOnNativeHash(source, target, canonicalPlan, { signal }) : null;
  const plan = native === null ? canonicalPlan : withRowHash(canonicalPlan, native);

  const compareRows = async (range: KeyRange, sTap?: DigestBuilder, tTap?: DigestBuilder): Promise<Diff[]> => {
    const s = source.streamRows(plan.source, range, { signal });
    const t = target.streamRows(plan.target, range, { signal });
    const out: Diff[] = [];
    for await (const d of diffRowStreams(sTap ? tap(s, sTap) : s, tTap ? tap(t, tTap) : t, plan.layout)) out.push(d);
    return out;
  };

  let outcome: DescentResult;
  if (inDb) {
    outcome = await descend({
      source, target, plan, policy, signal, compareRows: (range) => compareRows(range),
      chunkRows: options.chunkRows ?? DEFAULT_CHUNK_ROWS, autoLeaves: options.chunkRows === undefined, concurrency: options.concurrency ?? 2, onProgress: options.onProgress,
    });
  } else {
    // Some column has no portable SQL form: one streamed pass of each side, hashed in-process with xxh64.
    const hash = await createRowHasher('xxh64');
    const sb = new DigestBuilder(hash);
    const tb = new DigestBuilder(hash);
    const diffs = await compareRows(FULL_RANGE, sb, tb);
    outcome = {
      roots: [sb.digest, tb.digest],
      diffs,
      evidence: { leaves: 1, mismatchedLeaves: diffs.length > 0 ? 1 : 0, nodesCompared: 1, rangesBisected: 0, rangesStreamed: 1 },
    };
  }

  const side = (store: Store, spec: ReadSpec, d: ChunkDigest): SideResult => ({
    url: store.displayUrl, table: spec.table, rows: d.count, root: formatDigest(d), digestPath: inDb ? 'in-database' : 'streamed', where: spec.filter ?? null,
  });
  return {
    verdict: outcome.diffs.length === 0 ? 'consistent' : 'drift',
    specVersion: CANONICAL_SPEC_VERSION,
    rowHash: native ?? (inDb ? 'md5-64' : 'xxh64'),
    key: plan.keyColumns,
    columns: plan.layout.columnNames,
    source: side(source, plan.source, outcome.roots[0]),
    target: side(target, plan.target, outcome.roots[1]),
    diffs: outcome.diffs,
    evidence: outcome.evidence,
    timing: { totalMs: Math.round(performance.now() - started) },
    plan,
  };
}
