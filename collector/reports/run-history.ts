// The narrow view of persisted verification runs that reports need, over verifier/runs/run-store.ts.
import type { ChainLink } from '../../lib/integrity/hash-chain.js';
import type { Storage } from '../../lib/storage/storage.js';
import { TABLES, qualified } from '../../lib/storage/tables.js';
import { createRunStore, type RunStore } from '../../verifier/runs/run-store.js';
import type { DiffClass, StoredDiff, VerificationRun } from '../../verifier/runs/run-types.js';

export type ChainedRun = ChainLink & { readonly run: VerificationRun };

export interface RunHistory {
  /** Every pair with at least one stored run. */
  pairs(): Promise<string[]>;
  /** The pair's finished runs in chain order (oldest first), with their links. */
  chain(pair: string): Promise<ChainedRun[]>;
  diffs(runId: string, cls: DiffClass, offset: number, limit: number): Promise<{ total: number; diffs: StoredDiff[] }>;
}

export function runHistoryOver(storage: Storage, store: RunStore = createRunStore(storage)): RunHistory {
  const runs = qualified(storage.database, TABLES.verificationRuns);
  return {
    async pairs() {
      return (await storage.query<{ pair: string }>(`SELECT DISTINCT pair FROM ${runs} ORDER BY pair`)).map((r) => r.pair);
    },
    chain: (pair) => store.readChain(pair),
    diffs: (runId, cls, offset, limit) => store.listDiffs(runId, { class: cls, offset, limit }),
  };
}
