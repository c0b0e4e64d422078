// The agent → collector wire contract. The agent encodes with these types; the collector validates with
// the same schema, so the two can never disagree.
import { Type, type Static } from '@sinclair/typebox';
import { BATCH_ID_PATTERN } from '../ids.js';

/** Metric names follow Prometheus/ClickHouse convention: snake_case with optional dots for namespaces. */
export const METRIC_NAME_PATTERN = '^[a-zA-Z_][a-zA-Z0-9_.:]{0,199}$';
export const LABEL_NAME_PATTERN = '^[a-zA-Z_][a-zA-Z0-9_]{0,99}$';
/** Upper bound of any epoch-ms field (year 3000); the collector narrows point times further (ingest-window.ts). */
const MAX_EPOCH_MS = 32_503_680_000_000;

export const PointSchema = Type.Object(
  {
    ts: Type.Integer({ minimum: 0, maximum: MAX_EPOCH_MS, description: 'epoch milliseconds (agent clock)' }),
    metric: Type.String({ pattern: METRIC_NAME_PATTERN }),
    // additionalProperties: a Record with a key pattern becomes patternProperties, which alone lets any other key
    // through unchecked; this makes the label-name pattern binding.
    labels: Type.Record(Type.String({ pattern: LABEL_NAME_PATTERN }), Type.String({ maxLength: 1000 }), {
      maxProperties: 32,
      additionalProperties: false,
    }),
    value: Type.Number(),
  },
  { additionalProperties: false },
);

export const MAX_POINTS_PER_BATCH = 50_000;

export const IngestBatchSchema = Type.Object(
  {
    agent: Type.String({ minLength: 1, maxLength: 200 }),
    batchId: Type.String({ pattern: BATCH_ID_PATTERN }),
    /** Agent time when the batch was sent; lets the collector estimate clock skew. */
    sentAt: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_EPOCH_MS })),
    points: Type.Array(PointSchema, { maxItems: MAX_POINTS_PER_BATCH }),
  },
  { additionalProperties: false },
);

export type Point = Static<typeof PointSchema>;
export type IngestBatch = Static<typeof IngestBatchSchema>;

export const IngestAckSchema = Type.Object({
  batchId: Type.String(),
  /** Points taken by this request; 0 for a batch id that was already taken. */
  accepted: Type.Integer(),
  /** Present and true when this batch id had been taken before (a retry): nothing was stored again. */
  duplicate: Type.Optional(Type.Boolean()),
});
export type IngestAck = Static<typeof IngestAckSchema>;
