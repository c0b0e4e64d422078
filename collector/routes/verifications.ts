// POST /api/v1/verifications (admin): start a run of a configured pair now.
// GET /api/v1/verifications[?pair=&limit=&before=], /:id and /:id/differences (viewer, auditor, admin).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseIsoMs } from '../../lib/clock.js';
import { ERROR_CATALOGUE, SyncwatchError } from '../../lib/errors.js';
import { DIFF_CLASSES, DIFF_KINDS, omit, type StoredDiff, type VerificationRun } from '../../verifier/runs/run-types.js';
import type { VerifierService } from '../../verifier/service/service.js';

const PairName = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' });
const TriggerBodySchema = Type.Object({ pair: PairName }, { additionalProperties: false });
const ListQuerySchema = Type.Object(
  {
    pair: Type.Optional(PairName),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
    before: Type.Optional(Type.String({ description: 'ISO-8601: runs started before this time (the previous page\'s `nextBefore`)' })),
  },
  { additionalProperties: false },
);
const IdParamsSchema = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) });
const DiffQuerySchema = Type.Object(
  {
    kind: Type.Optional(Type.Union(DIFF_KINDS.map((k) => Type.Literal(k)))),
    class: Type.Optional(Type.Union(DIFF_CLASSES.map((c) => Type.Literal(c)))),
    offset: Type.Integer({ minimum: 0, default: 0 }),
    limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }),
  },
  { additionalProperties: false },
);

const iso = (ms: number): string | null => (ms > 0 ? new Date(ms).toISOString() : null);
const lagSeconds = (ms: number): number | null => (ms < 0 ? null : ms / 1000);

/** The API's view of a run: ISO times, seconds for lags, the segment cut keys left out (internal to resuming). */
function view(run: VerificationRun): Record<string, unknown> {
  const { heartbeatAt, startedAt, finishedAt, lagMinMs, lagMaxMs, lagAvgMs, graceMs } = run;
  const rest = omit(run, ['segmentBounds', 'owner', 'heartbeatAt', 'startedAt', 'finishedAt', 'lagMinMs', 'lagMaxMs', 'lagAvgMs', 'graceMs']);
  return {
    ...rest,
    startedAt: iso(startedAt),
    finishedAt: iso(finishedAt),
    heartbeatAt: iso(heartbeatAt),
    lag: { samples: run.lagSamples, minSeconds: lagSeconds(lagMinMs), maxSeconds: lagSeconds(lagMaxMs), avgSeconds: lagSeconds(lagAvgMs) },
    graceSeconds: graceMs / 1000,
  };
}

function diffView(d: StoredDiff): Record<string, unknown> {
  return { key: d.key, kind: d.kind, columns: d.columns, class: d.class, firstSeen: iso(d.firstSeen), lastSeen: iso(d.lastSeen), durationMs: d.durationMs, rounds: d.rounds };
}

export function verificationRoutes(app: FastifyInstance, opts: { verifier: VerifierService }): void {
  const { verifier } = opts;

  app.post<{ Body: Static<typeof TriggerBodySchema> }>(
    '/api/v1/verifications',
    { config: { permission: 'admin' }, schema: { body: TriggerBodySchema } },
    async (request, reply) => {
      const result = await verifier.trigger(request.body.pair, request.principal?.name ?? 'unknown');
      if (result.alreadyRunning) {
        const code = 'SW_VERIFICATION_RUNNING';
        return reply.code(ERROR_CATALOGUE[code].httpStatus).send({
          error: { code, message: `pair ${request.body.pair} is already being verified by run ${result.id}; runs of one pair never overlap — wait for it to finish` },
          id: result.id,
        });
      }
      return reply.code(202).send({ id: result.id, pair: request.body.pair, status: 'running' });
    },
  );

  app.get<{ Querystring: Static<typeof ListQuerySchema> }>(
    '/api/v1/verifications',
    { config: { permission: 'read' }, schema: { querystring: ListQuerySchema } },
    async (request) => {
      const q = request.query;
      const before = q.before === undefined ? undefined : parseIsoMs(q.before);
      if (q.before !== undefined && before === undefined) throw new SyncwatchError('SW_REQUEST_INVALID', 'querystring.before: must be an ISO-8601 timestamp such as 2026-11-21T10:00:00Z');
      const list = await verifier.runs.list({ pair: q.pair, before, limit: q.limit });
      const last = list.at(-1);
      return { runs: list.map(view), nextBefore: list.length === q.limit && last !== undefined ? iso(last.startedAt) : null };
    },
  );

  app.get<{ Params: Static<typeof IdParamsSchema> }>(
    '/api/v1/verifications/:id',
    { config: { permission: 'read' }, schema: { params: IdParamsSchema } },
    async (request) => {
      const run = await verifier.runs.get(request.params.id);
      if (run === undefined) throw new SyncwatchError('SW_NOT_FOUND', `params.id: no verification run with id ${request.params.id}`);
      return { run: view(run) };
    },
  );

  app.get<{ Params: Static<typeof IdParamsSchema>; Querystring: Static<typeof DiffQuerySchema> }>(
    '/api/v1/verifications/:id/differences',
    { config: { permission: 'read' }, schema: { params: IdParamsSchema, querystring: DiffQuerySchema } },
    async (request) => {
      const run = await verifier.runs.get(request.params.id);
      if (run === undefined) throw new SyncwatchError('SW_NOT_FOUND', `params.id: no verification run with id ${request.params.id}`);
      const q = request.query;
      const page = await verifier.runs.listDiffs(run.id, { kind: q.kind, class: q.class, offset: q.offset, limit: q.limit });
      return { runId: run.id, total: page.total, offset: q.offset, limit: q.limit, differences: page.diffs.map(diffView) };
    },
  );
}
