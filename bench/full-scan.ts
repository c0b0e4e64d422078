// The physical-limit reference of the verify benchmarks: one in-database full-table aggregate-hash query per side,
// both sides at once, with exactly the row hash verify would choose for this pair (md5-64 across engines, the
// engine's native hash for a same-engine pair).
import { FULL_RANGE } from '../verifier/key-range.js';
import { agreeOnNativeHash, withRowHash } from '../verifier/native-hash.js';
import { planComparison } from '../verifier/plan.js';
import type { Store } from '../verifier/store.js';

export interface ScanTiming {
  readonly ms: number;
  /** The row hash the scan (and verify) used. */
  readonly rowHash: string;
}

export async function fullScan(source: Store, target: Store, table: string, targetTable = table, portableHash = false): Promise<ScanTiming> {
  const [sDesc, tDesc] = await Promise.all([source.describe(table), target.describe(targetTable)]);
  const canonical = planComparison(sDesc, tDesc);
  const native = portableHash ? null : await agreeOnNativeHash(source, target, canonical);
  const plan = native === null ? canonical : withRowHash(canonical, native);
  const t0 = performance.now();
  await Promise.all([source.digestChunk(plan.source, FULL_RANGE), target.digestChunk(plan.target, FULL_RANGE)]);
  return { ms: performance.now() - t0, rowHash: native ?? 'md5-64' };
}
