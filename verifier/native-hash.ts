// Chooses the row hash of one in-database comparison: a same-engine pair whose compared columns are declared
// alike hashes rows with the engine's own function (several times cheaper than md5-64 over canonical text);
// every other pair uses the portable md5-64, so cross-engine digests stay comparable (canonical/SPEC.md).
import type { NativeRowHash } from './digest.js';
import type { ComparisonPlan } from './plan.js';
import type { CallOptions, Store } from './store.js';

/** The native row hash both sides agree on, or null when the pair must use md5-64. */
export async function agreeOnNativeHash(source: Store, target: Store, plan: ComparisonPlan, options?: CallOptions): Promise<NativeRowHash | null> {
  if (source.kind !== target.kind) return null;
  // Raw values hash alike only under the same declaration: decimal(12,2) and decimal(12,3) print differently.
  const alike = plan.source.columns.every((s, i) => {
    const t = plan.target.columns[i];
    return s.column.engineType.toLowerCase() === t?.column.engineType.toLowerCase() && s.column.hashTrait === t.column.hashTrait;
  });
  if (!alike) return null;
  const [s, t] = await Promise.all([source.nativeRowHash(plan.source, options), target.nativeRowHash(plan.target, options)]);
  return s !== null && s === t ? s : null;
}

/** The plan with both sides reading under `rowHash`. */
export function withRowHash(plan: ComparisonPlan, rowHash: NativeRowHash): ComparisonPlan {
  return { ...plan, source: { ...plan.source, rowHash }, target: { ...plan.target, rowHash } };
}
