// Whether a pair's chain of finished runs is intact, and if not, which run breaks it and how.
import { checkChain } from '../../lib/integrity/hash-chain.js';
import type { SeenHead } from '../audit/chain-anchors.js';
import type { ChainedRun } from './run-history.js';

export interface ChainStatus {
  readonly pair: string;
  readonly intact: boolean;
  /** Finished runs in the chain as stored. */
  readonly length: number;
  /** record_hash of the newest run: a filed report pins it, so a later rewrite of the whole chain shows. */
  readonly head: string | null;
  readonly headSeq: number;
  readonly broken: { readonly chainSeq: number; readonly runId: string; readonly reason: string } | null;
}

/** `seen`: the newest head an earlier report stated (audit log), to notice the newest runs being deleted. */
export function chainStatus(pair: string, links: readonly ChainedRun[], seen?: SeenHead): ChainStatus {
  const last = links[links.length - 1];
  // A seq gap names the removed run exactly; the hash check below catches it too, one link later.
  const gap = links.findIndex((l, i) => l.run.chainSeq !== i + 1);
  const check = checkChain(links);
  const hashAt = check.intact ? -1 : check.brokenAt;
  let broken: ChainStatus['broken'] = null;
  if (gap !== -1 && (hashAt === -1 || gap <= hashAt)) {
    const next = links[gap]?.run;
    broken = { chainSeq: gap + 1, runId: '', reason: `the run with chain seq ${gap + 1} is missing (the next stored run, ${next?.id ?? '?'}, has seq ${next?.chainSeq ?? '?'}): a run was deleted` };
  } else if (!check.intact) {
    const run = links[check.brokenAt]?.run;
    broken = { chainSeq: run?.chainSeq ?? check.brokenAt + 1, runId: run?.id ?? '', reason: check.reason };
  }
  const headSeq = last?.run.chainSeq ?? 0;
  if (broken === null && seen !== undefined && seen.seq > headSeq) {
    broken = { chainSeq: headSeq + 1, runId: '', reason: `the chain ends at seq ${headSeq}, but at ${new Date(seen.at).toISOString()} a report stated it reached seq ${seen.seq}: the newest runs were deleted` };
  }
  return { pair, intact: broken === null, length: links.length, head: last?.hash ?? null, headSeq, broken };
}
