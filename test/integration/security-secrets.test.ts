// Secrets never leak: a server configured with DSN passwords (a pair that verifies, one that cannot connect, a
// pipeline), role tokens and a webhook signing secret is exercised through every GET route, error paths, runs that
// succeed and fail, alerts with webhook attempts, reports in every format and the audit log; then the responses,
// the captured pino log and the stored runs are searched for every secret.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { REDACT_PATHS } from '../../lib/log.js';
import { TABLES, qualified } from '../../lib/storage/tables.js';
import { createTempPgDatabase, withPgClient, type TempDatabase } from '../support/services.js';
import { startReportServer, waitForRun, type ReportServer } from './report-harness.js';

const secret = (label: string): string => `${label}S3cret${randomBytes(6).toString('hex')}`;
const PG_PASSWORD = secret('pgpw');
const UNREACHABLE_PASSWORD = secret('downpw');
const PIPELINE_PASSWORD = secret('pipepw');
const WEBHOOK_SECRET = secret('hook');
const WEBHOOK_ENV = `SW_TEST_HOOK_${randomBytes(3).toString('hex').toUpperCase()}`;

describe('secrets stay out of responses, logs, reports and errors', () => {
  let db: TempDatabase;
  let h: ReportServer;
  const log: string[] = [];
  const seen: { what: string; text: string }[] = [];
  const keep = <R extends { statusCode: number; body: string; headers: Record<string, unknown> }>(what: string, res: R): R => {
    seen.push({ what: `${what} → ${res.statusCode}`, text: `${JSON.stringify(res.headers)}\n${res.body}` });
    return res;
  };

  before(async () => {
    db = await createTempPgDatabase('sw_secrets');
    await withPgClient(db.url, async (c) => {
      await c.query('CREATE TABLE t (id integer PRIMARY KEY, v text)');
      await c.query("INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 50) g");
      await c.query('CREATE TABLE u (id integer PRIMARY KEY, v text)');
      await c.query("INSERT INTO u SELECT g, 'v' || g FROM generate_series(1, 49) g");
    });
    // Local PostgreSQL trusts loopback, so a URL with a password still connects: the password travels everywhere a URL does.
    const withPassword = new URL(db.url);
    withPassword.username = 'postgres';
    withPassword.password = PG_PASSWORD;
    const down = `postgres://verifier:${UNREACHABLE_PASSWORD}@127.0.0.1:1/none`;
    process.env[WEBHOOK_ENV] = WEBHOOK_SECRET;
    const logger = pino({ level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, new Writable({
      write(chunk: Buffer, _enc, done) { log.push(chunk.toString('utf8')); done(); },
    }));
    h = await startReportServer({
      logger,
      config: {
        pipelines: [{ name: 'orders', source: { url: `postgres://app:${PIPELINE_PASSWORD}@db1:5432/app` }, target: { url: 'postgres://app@db2:5432/app' } }],
        alerts: {
          sweepIntervalMs: 200,
          rules: [{ kind: 'threshold', name: 'lag_high', metric: 'test_lag_seconds', op: '>', threshold: 10 }],
          receivers: [{ name: 'dead', url: 'http://127.0.0.1:1/hook', secretEnv: WEBHOOK_ENV, timeoutMs: 300, giveUpAfterMs: 1500, backoff: { initialMs: 100, maxMs: 200 } }],
          route: { receivers: ['dead'], groupWaitMs: 0, groupIntervalMs: 0 },
        },
        verification: {
          pairs: [
            { name: 'good', source: { url: withPassword.toString(), table: 't' }, target: { url: withPassword.toString(), table: 'u' }, schedule: '0 0 1 1 *', graceSeconds: 0, recheckRounds: 0 },
            { name: 'down', source: { url: down, table: 't' }, target: { url: down, table: 't' }, schedule: '0 0 1 1 *' },
          ],
        },
      },
      env: { ...process.env, [WEBHOOK_ENV]: WEBHOOK_SECRET },
    });
  });

  after(async () => {
    await h.close(true);
    await db.drop();
    Reflect.deleteProperty(process.env, WEBHOOK_ENV);
  });

  it('exercises the API, and no secret appears anywhere', async () => {
    keep('ingest', await h.api('POST', '/api/v1/ingest', 'agent', { agent: 'a', batchId: 'secrets-1', points: [{ ts: Date.now(), metric: 'test_lag_seconds', labels: { pipeline: 'orders' }, value: 99 }] }));
    const runs: Record<string, string> = {};
    for (const pair of ['good', 'down']) {
      const res = keep(`trigger ${pair}`, await h.api('POST', '/api/v1/verifications', 'admin', { pair }));
      assert.equal(res.statusCode, 202, res.body);
      runs[pair] = res.json<{ id: string }>().id;
    }
    const good = await waitForRun(h, runs['good'] ?? '');
    const down = await waitForRun(h, runs['down'] ?? '');
    assert.equal(good['status'], 'succeeded', JSON.stringify(good));
    assert.equal(good['verdict'], 'drift');
    assert.equal(down['status'], 'failed');
    assert.notEqual(down['error'], '');
    assert.match(String(good['sourceUrl']), /\*\*\*/);
    // Let the webhook outbox try (and fail) a few times.
    await new Promise((r) => setTimeout(r, 1500));

    const at = encodeURIComponent(new Date().toISOString());
    for (const route of h.server.app.routeCatalogue) {
      if (route.method !== 'GET' || route.url === '/ws' || route.url.includes('*')) continue;
      const ids = route.url.includes('/verifications/:id') ? [runs['good'] ?? '', runs['down'] ?? ''] : ['0000000000000000'];
      for (const id of ids) {
        const query = route.url === '/api/v1/reports/consistency' ? `?at=${at}` : route.url === '/api/v1/series' || route.url === '/api/v1/latest' ? '?metric=test_lag_seconds' : '';
        keep(`GET ${route.url}`, await h.api('GET', `${route.url.replace(':id', id)}${query}`, 'admin'));
      }
    }
    for (const format of ['json', 'csv', 'html']) {
      const res = keep(`report ${format}`, await h.api('GET', `/api/v1/reports/consistency?at=${at}&format=${format}`, 'auditor'));
      assert.equal(res.statusCode, 200, res.body);
    }
    const report = seen.find((s) => s.what.startsWith('report json'))?.text ?? '';
    assert.match(report, /"verdict": "drift"/);
    // Error paths: unknown token, wrong role, bad JSON, bad query, unknown pair, unknown route.
    keep('unknown token', await h.server.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: { authorization: `Bearer ${PG_PASSWORD}` } }));
    keep('wrong role', await h.api('POST', '/api/v1/silences', 'viewer', { matchers: ['a="b"'], durationMs: 60_000 }));
    keep('bad json', await h.server.app.inject({ method: 'POST', url: '/api/v1/silences', headers: { authorization: `Bearer ${h.tokens.admin}`, 'content-type': 'application/json' }, payload: '{"matchers": [' }));
    keep('bad query', await h.api('GET', '/api/v1/reports/consistency?at=never', 'auditor'));
    keep('unknown pair', await h.api('POST', '/api/v1/verifications', 'admin', { pair: 'nope' }));
    keep('no route', await h.api('GET', '/api/v1/nothing-here', 'admin'));
    keep('audit', await h.api('GET', '/api/v1/audit?limit=10000', 'admin'));
    const stored = await h.server.storage.query<Record<string, unknown>>(`SELECT * FROM ${qualified(h.server.storage.database, TABLES.verificationRuns)}`);
    seen.push({ what: 'verification_runs rows', text: JSON.stringify(stored) });
    const deliveries = await h.server.storage.query<Record<string, unknown>>(`SELECT * FROM ${qualified(h.server.storage.database, TABLES.webhookDeliveries)}`);
    seen.push({ what: 'webhook_deliveries rows', text: JSON.stringify(deliveries) });
    seen.push({ what: 'pino log', text: log.join('') });

    // The search can find things: the log holds the failed run and the webhook attempts, the runs their redacted URLs.
    assert.ok(log.some((l) => l.includes('verification failed')), 'log has the failed run');
    assert.ok(deliveries.length > 0, 'a webhook delivery was attempted');
    assert.ok(seen.length > 40, `${seen.length} texts searched`);
    const tokens = Object.values(h.tokens);
    for (const value of [PG_PASSWORD, UNREACHABLE_PASSWORD, PIPELINE_PASSWORD, WEBHOOK_SECRET, ...tokens]) {
      for (const s of seen) {
        assert.ok(!s.text.includes(value) && !s.text.includes(encodeURIComponent(value)), `a secret (${value.slice(0, 8)}…) appears in ${s.what}`);
      }
    }
    // The unknown-token request carried a password as its token: it is not echoed or logged either (checked above).
  });
});
