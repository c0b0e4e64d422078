// In-flight vs drift. A difference seen while replication lags may be on its way: the differing keys (only those)
// are read again on both sides after a grace period, for a bounded number of rounds, and each difference ends as
//   in_flight  — the sides agreed at some re-check (it converged),
//   confirmed  — it persisted through every round and the source row stood still over the last grace period,
//   suspected  — it persisted, but the source row kept changing, so it was never stable long enough to judge.
// Re-checks read fresh (not the run's snapshot), because convergence happens after the snapshot.
import { sleep } from '../../lib/retry.js';
import type { ComparisonPlan } from '../plan.js';
import type { CanonicalRow, Diff } from '../row-diff.js';
import type { Store } from '../store.js';
import type { DiffClass } from '../runs/run-types.js';

export interface RecheckOptions {
  readonly source: Store;
  readonly target: Store;
  readonly plan: ComparisonPlan;
  /** Each difference with when it was first seen (epoch ms). */
  readonly diffs: readonly { readonly diff: Diff; readonly foundAt: number }[];
  readonly rounds: number;
  /** The grace before the next round, ms: at least the configured one, at least the pipeline's lag now. */
  graceMs(): Promise<number>;
  /** Wraps each read (e.g. to retry transient errors). */
  read?: (<T>(fn: () => Promise<T>) => Promise<T>) | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface ClassifiedDiff {
  readonly diff: Diff;
  readonly class: DiffClass;
  readonly firstSeen: number;
  /** When it was last seen differing (in_flight: when it was seen converged). */
  readonly lastSeen: number;
  readonly rounds: number;
}

export interface RecheckResult {
  readonly diffs: ClassifiedDiff[];
  /** The longest grace waited, ms. */
  readonly maxGraceMs: number;
}

const keyText = (key: readonly string[]): string => JSON.stringify(key);
const rowText = (row: CanonicalRow | undefined): string => (row === undefined ? '-' : JSON.stringify(row));

async function readRows(o: RecheckOptions, side: 'source' | 'target', keys: readonly (readonly string[])[]): Promise<Map<string, string>> {
  const spec = o.plan[side];
  const fetch = (): Promise<CanonicalRow[]> => o[side].fetchRows(spec, keys, { signal: o.signal });
  const rows = await (o.read === undefined ? fetch() : o.read(fetch));
  return new Map(rows.map((r) => [keyText(r.slice(0, spec.keyCount).map((v) => v ?? '')), rowText(r)]));
}

export async function recheck(o: RecheckOptions): Promise<RecheckResult> {
  interface Pending { readonly diff: Diff; readonly firstSeen: number; lastSeen: number; source: string; stable: boolean; rounds: number }
  const pending = new Map<string, Pending>();
  for (const { diff, foundAt } of o.diffs) pending.set(keyText(diff.key), { diff, firstSeen: foundAt, lastSeen: foundAt, source: '', stable: true, rounds: 0 });
  const out: ClassifiedDiff[] = [];
  let maxGraceMs = 0;
  if (pending.size > 0 && o.rounds > 0) {
    // The source rows as they stand now: the baseline against which "the source row kept changing" is judged.
    const baseline = await readRows(o, 'source', [...pending.values()].map((p) => p.diff.key));
    for (const [k, p] of pending) p.source = baseline.get(k) ?? '-';
  }
  for (let round = 1; round <= o.rounds && pending.size > 0; round++) {
    const grace = await o.graceMs();
    maxGraceMs = Math.max(maxGraceMs, grace);
    await sleep(grace, o.signal ?? new AbortController().signal);
    const keys = [...pending.values()].map((p) => p.diff.key);
    const [s, t] = await Promise.all([readRows(o, 'source', keys), readRows(o, 'target', keys)]);
    const now = Date.now();
    for (const [k, p] of [...pending]) {
      const sourceRow = s.get(k) ?? '-';
      p.rounds = round;
      if (sourceRow === (t.get(k) ?? '-')) {
        out.push({ diff: p.diff, class: 'in_flight', firstSeen: p.firstSeen, lastSeen: now, rounds: round });
        pending.delete(k);
        continue;
      }
      p.stable = sourceRow === p.source;
      p.source = sourceRow;
      p.lastSeen = now;
    }
  }
  for (const p of pending.values()) {
    out.push({ diff: p.diff, class: p.stable ? 'confirmed' : 'suspected', firstSeen: p.firstSeen, lastSeen: p.lastSeen, rounds: p.rounds });
  }
  return { diffs: out, maxGraceMs };
}
