// Branded ids so that a batch id cannot be passed where a run id is expected.
import { randomUUID } from 'node:crypto';

declare const BRAND: unique symbol;
type Brand<T, B extends string> = T & { readonly [BRAND]: B };

export type BatchId = Brand<string, 'BatchId'>;

/** A batch id is 1–128 characters of [A-Za-z0-9._:-]; it doubles as the ClickHouse dedup token. */
export const BATCH_ID_PATTERN = '^[A-Za-z0-9._:-]{1,128}$';

export function toBatchId(text: string): BatchId {
  if (!new RegExp(BATCH_ID_PATTERN).test(text)) throw new TypeError(`invalid batch id: ${JSON.stringify(text)}`);
  return text as BatchId;
}

export function newBatchId(agent: string): BatchId {
  return toBatchId(`${agent.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 60)}:${randomUUID()}`);
}
