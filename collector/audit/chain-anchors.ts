// The newest run chain heads that reports and chain checks have seen, as recorded in their audit entries. A run chain
// whose newest runs were deleted is still a valid chain; these anchors show that it once went further.
import type { Storage } from '../../lib/storage/storage.js';
import { TABLES, qualified } from '../../lib/storage/tables.js';

export interface SeenHead {
  readonly seq: number;
  /** When a report or chain check stated it, epoch ms. */
  readonly at: number;
}

/** The detail field the audit hook stores: pair → newest chain seq the answer stated. */
export const CHAIN_HEADS_FIELD = 'chainHeads';

export async function highestSeenHeads(storage: Storage, pairs: readonly string[]): Promise<Map<string, SeenHead>> {
  const out = new Map<string, SeenHead>();
  if (pairs.length === 0) return out;
  const rows = await storage.query<{ pair: string; top: number | string; at: number | string }>(
    `SELECT pair, max(head_seq) AS top, argMax(toUnixTimestamp64Milli(ts), head_seq) AS at FROM (
       SELECT ts, arrayJoin({pairs:Array(String)}) AS pair, JSONExtractUInt(detail, '${CHAIN_HEADS_FIELD}', pair) AS head_seq
       FROM ${qualified(storage.database, TABLES.auditLog)}
       WHERE action IN ('report.download', 'report.chain-check') AND position(detail, '${CHAIN_HEADS_FIELD}') > 0
     ) WHERE head_seq > 0 GROUP BY pair`,
    { pairs: [...pairs] },
  );
  for (const r of rows) out.set(r.pair, { seq: Number(r.top), at: Number(r.at) });
  return out;
}
