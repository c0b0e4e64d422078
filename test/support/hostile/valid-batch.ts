// Valid ingest batches with awkward-but-legal content (unicode, quotes, NUL, `constructor` labels, extreme floats),
// the base that the hostile cases mutate, and the shapes both share.
import { gzipSync } from 'node:zlib';
import type { IngestBatch, Point } from '../../../lib/protocol/ingest-batch.js';
import type { SeededRandom } from '../seeded-random.js';

/** Every generated point uses this metric; its `origin` label says whether its batch was valid or hostile. */
export const MARKER_METRIC = 'hostile_marker';

export type Origin = 'valid' | 'hostile';

export interface GenContext {
  readonly rng: SeededRandom;
  /** The collector's clock at generation time, epoch ms. */
  readonly now: number;
  readonly bodyLimitBytes: number;
  /** A token per role, for the auth cases. */
  readonly tokens: { readonly agent: string; readonly viewer: string; readonly auditor: string };
  /** A fresh batch id. */
  nextBatchId(origin: Origin): string;
}

export type HttpMethod = 'POST' | 'GET' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS';

export interface IngestRequest {
  readonly method: HttpMethod;
  readonly url: string;
  /** Request headers besides Authorization (added with the agent token unless `ownAuth`). */
  readonly headers: Readonly<Record<string, string>>;
  readonly payload?: string | Buffer;
  readonly ownAuth?: boolean;
}

export const INGEST_URL = '/api/v1/ingest';
export const JSON_HEADERS = { 'content-type': 'application/json' } as const;
export const GZIP_HEADERS = { 'content-type': 'application/json', 'content-encoding': 'gzip' } as const;

const LABEL_NAMES = ['host', 'pipeline', 'region', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__', 'a', 'x'.repeat(100)];
const LABEL_VALUES = [
  '',
  'plain',
  'ünïcödé',
  '😀 emoji',
  'quote " and \\ backslash',
  'line\nbreak\ttab',
  'nul\u0000char',
  '\u2028\u2029',
  '{"json":"in a label"}',
  "'; DROP TABLE metric_points; --",
  'x'.repeat(1000),
];
const AWKWARD_VALUES = [0, -0, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_SAFE_INTEGER, 1e-300, 42.125];
const DAY_MS = 86_400_000;

function point(ctx: GenContext, origin: Origin): Point {
  const { rng, now } = ctx;
  const labels: Record<string, string> = { origin };
  for (let i = rng.int(0, 5); i > 0; i--) labels[rng.pick(LABEL_NAMES)] = rng.pick(LABEL_VALUES);
  // Mostly recent, some old (inside the 30-day retention) and some slightly ahead of the collector's clock.
  const ts = rng.chance(0.8) ? now - rng.int(0, 60_000) : rng.chance(0.7) ? now - rng.int(0, 28 * DAY_MS) : now + rng.int(0, 3_600_000);
  const value = rng.chance(0.5) ? rng.pick(AWKWARD_VALUES) : (rng.next() - 0.5) * 10 ** rng.int(-5, 12);
  return { ts, metric: MARKER_METRIC, labels, value };
}

/** A batch that must be accepted; 1–20 points, all labelled with `origin`. */
export function validBatch(ctx: GenContext, origin: Origin): IngestBatch {
  const points = Array.from({ length: ctx.rng.int(1, 20) }, () => point(ctx, origin));
  const batch: IngestBatch = { agent: ctx.rng.pick(['hostile-agent', 'agent ünï', 'a']), batchId: ctx.nextBatchId(origin), points };
  return ctx.rng.chance(0.5) ? { ...batch, sentAt: ctx.now } : batch;
}

/** The request that sends a valid batch: plain or gzip, with a content type an agent may legitimately send. */
export function validRequest(ctx: GenContext, batch: IngestBatch): IngestRequest {
  const text = JSON.stringify(batch);
  const contentType = ctx.rng.pick(['application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8']);
  return ctx.rng.chance(0.3)
    ? { method: 'POST', url: INGEST_URL, headers: { ...GZIP_HEADERS, 'content-type': contentType }, payload: gzipSync(text) }
    : { method: 'POST', url: INGEST_URL, headers: { 'content-type': contentType }, payload: text };
}

/** A JSON body with `placeholder` (a JSON string in the text) replaced by raw text such as NaN or an escape. */
export function withRawToken(text: string, placeholder: string, raw: string): string {
  const quoted = JSON.stringify(placeholder);
  if (!text.includes(quoted)) throw new Error(`placeholder ${quoted} not in the body`);
  return text.replace(quoted, () => raw);
}
