// Auditor reports: GET /api/v1/reports/consistency (auditor, admin) — a signed point-in-time report as JSON, CSV of
// its differences, or printable HTML; GET /api/v1/reports/chain (auditor, admin); GET /api/v1/reports/keys (public:
// verifying needs the public keys and nothing else); POST /api/v1/reports/keys/rotate (admin).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseIsoMs, type Clock } from '../../lib/clock.js';
import { SyncwatchError } from '../../lib/errors.js';
import type { Storage } from '../../lib/storage/storage.js';
import type { DiffClass } from '../../verifier/runs/run-types.js';
import type { PairConfig } from '../../verifier/service/config.js';
import { CHAIN_HEADS_FIELD, highestSeenHeads } from '../audit/chain-anchors.js';
import { chainStatus, type ChainStatus } from '../reports/chain-status.js';
import { buildConsistencyReport } from '../reports/consistency-report.js';
import { lagStats } from '../reports/lag-window.js';
import { CSV_HEADER, csvLine, diffCsvLine } from '../reports/report-csv.js';
import { renderReportHtml } from '../reports/report-html.js';
import type { ConsistencyReportBody } from '../reports/report-types.js';
import type { RunHistory } from '../reports/run-history.js';
import { signBody } from '../reports/signature.js';
import type { ReportKeyRing } from '../reports/signing-keys.js';

const PAIR = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' });
const ReportQuerySchema = Type.Object(
  {
    at: Type.Optional(Type.String({ maxLength: 64, description: 'ISO-8601 point in time, not in the future' })),
    pair: Type.Optional(PAIR),
    format: Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('html')], { default: 'json' }),
    diffLimit: Type.Integer({ minimum: 0, maximum: 10_000, default: 100, description: 'differences listed per class before the "more" link' }),
  },
  { additionalProperties: false },
);
const ChainQuerySchema = Type.Object({ pair: Type.Optional(PAIR) }, { additionalProperties: false });

/** Differences in one CSV at most; beyond that the CSV says where it stopped. */
const CSV_MAX_ROWS = 1_000_000;
const CSV_PAGE = 10_000;
const CLASSES: readonly DiffClass[] = ['confirmed', 'in_flight', 'suspected'];

export interface ReportRouteOptions {
  readonly keys: ReportKeyRing;
  readonly history: RunHistory;
  readonly storage: Storage;
  readonly pairs: readonly PairConfig[];
  readonly clock: Clock;
}

/** `at` as epoch ms; missing, malformed or future → 400 naming `at`. */
export function parseReportTime(text: string | undefined, nowMs: number): number {
  if (text === undefined || text === '') throw new SyncwatchError('SW_REQUEST_INVALID', 'querystring.at: is required, an ISO-8601 timestamp such as 2026-11-21T10:00:00Z');
  const ms = parseIsoMs(text);
  if (ms === undefined) throw new SyncwatchError('SW_REQUEST_INVALID', `querystring.at: ${JSON.stringify(text)} is not an ISO-8601 timestamp such as 2026-11-21T10:00:00Z`);
  if (ms > nowMs) throw new SyncwatchError('SW_REQUEST_INVALID', `querystring.at: ${text} is in the future (server time ${new Date(nowMs).toISOString()}); a report can only state what is known`);
  return ms;
}

async function diffsCsv(history: RunHistory, body: ConsistencyReportBody): Promise<string> {
  const out = [csvLine(CSV_HEADER)];
  let rows = 0;
  for (const p of body.pairs) {
    if (p.run === null) continue;
    for (const cls of CLASSES) {
      for (let offset = 0; rows < CSV_MAX_ROWS; offset += CSV_PAGE) {
        const page = await history.diffs(p.run.id, cls, offset, Math.min(CSV_PAGE, CSV_MAX_ROWS - rows));
        for (const d of page.diffs) out.push(diffCsvLine(p.pair, p.run.finishedAt, d));
        rows += page.diffs.length;
        if (page.diffs.length === 0 || offset + page.diffs.length >= page.total) break;
      }
    }
  }
  if (rows >= CSV_MAX_ROWS) out.push(csvLine([`# truncated at ${CSV_MAX_ROWS} rows; page through /api/v1/verifications/:id/differences for the rest`]));
  return out.join('');
}

/** pair → newest chain seq stated, for the audit entry (the anchor a later check compares with). */
function heads(chains: readonly ChainStatus[]): Record<string, number> {
  return Object.fromEntries(chains.filter((c) => c.headSeq > 0).map((c) => [c.pair, c.headSeq]));
}

export function reportRoutes(app: FastifyInstance, opts: ReportRouteOptions): void {
  app.get('/api/v1/reports/keys', () => ({ algorithm: 'Ed25519', current: opts.keys.currentKeyId, keys: opts.keys.publicKeys() }));

  app.post('/api/v1/reports/keys/rotate', { config: { permission: 'admin' } }, (request) => {
    const key = opts.keys.rotate(new Date(opts.clock.now()));
    request.log.info({ keyId: key.keyId }, 'report signing key rotated');
    return { key, keys: opts.keys.publicKeys() };
  });

  app.get<{ Querystring: Static<typeof ReportQuerySchema> }>(
    '/api/v1/reports/consistency',
    { config: { permission: 'report' }, schema: { querystring: ReportQuerySchema } },
    async (request, reply) => {
      const nowMs = opts.clock.now();
      const atMs = parseReportTime(request.query.at, nowMs);
      const names = request.query.pair === undefined ? [...new Set([...opts.pairs.map((p) => p.name), ...(await opts.history.pairs())])] : [request.query.pair];
      const body = await buildConsistencyReport({
        seenHeads: await highestSeenHeads(opts.storage, names),
        history: opts.history,
        lag: (pipeline, from, to) => lagStats(opts.storage, pipeline, from, to),
        pairs: opts.pairs,
        atMs,
        pair: request.query.pair,
        nowMs,
        requestedBy: request.principal?.name ?? 'unknown',
        diffLimit: request.query.diffLimit,
      });
      request.auditDetail = { [CHAIN_HEADS_FIELD]: heads(body.pairs.map((p) => p.chain)) };
      const doc = signBody(body, opts.keys.currentKeyId, opts.keys.signingKey);
      const stamp = body.at.replace(/[:.]/g, '-');
      switch (request.query.format) {
        case 'json':
          return reply.header('content-type', 'application/json; charset=utf-8').send(`${JSON.stringify(doc, null, 2)}\n`);
        case 'csv':
          return reply
            .header('content-type', 'text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="differences-${stamp}.csv"`)
            .send(await diffsCsv(opts.history, body));
        case 'html':
          return reply
            .header('content-type', 'text/html; charset=utf-8')
            .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
            .header('content-disposition', `inline; filename="consistency-${stamp}.html"`)
            .send(renderReportHtml(doc, JSON.stringify(doc, null, 2)));
      }
    },
  );

  app.get<{ Querystring: Static<typeof ChainQuerySchema> }>(
    '/api/v1/reports/chain',
    { config: { permission: 'report' }, schema: { querystring: ChainQuerySchema } },
    async (request) => {
      const known = new Set([...opts.pairs.map((p) => p.name), ...(await opts.history.pairs())]);
      const { pair } = request.query;
      if (pair !== undefined && !known.has(pair)) throw new SyncwatchError('SW_NOT_FOUND', `querystring.pair: no pair named ${JSON.stringify(pair)} is configured or has runs`);
      const names = pair === undefined ? [...known].sort() : [pair];
      const seen = await highestSeenHeads(opts.storage, names);
      const pairs: ChainStatus[] = [];
      for (const name of names) pairs.push(chainStatus(name, await opts.history.chain(name), seen.get(name)));
      request.auditDetail = { [CHAIN_HEADS_FIELD]: heads(pairs) };
      return { intact: pairs.every((p) => p.intact), checkedAt: new Date(opts.clock.now()).toISOString(), pairs };
    },
  );
}
