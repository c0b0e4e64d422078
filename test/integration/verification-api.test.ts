// The verifier service behind the HTTP API, on a real PostgreSQL database and embedded ClickHouse: roles, 4xx
// messages naming fields, no overlapping runs, persisted runs and classified differences, the hash chain, the
// `runs` live topic and the verification_drift alert fed by confirmed differences.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkChain } from '../../lib/integrity/hash-chain.js';
import { createTempPgDatabase, withPgClient, type TempDatabase } from '../support/services.js';
import { startVerifierHarness, type VerifierHarness } from '../support/verification-harness.js';

const ROWS = 2000;

describe('verification API', () => {
  let db: TempDatabase;
  let h: VerifierHarness;

  before(async () => {
    db = await createTempPgDatabase('sw_vapi');
    await withPgClient(db.url, async (c) => {
      for (const t of ['src', 'dst', 'same']) {
        await c.query(`CREATE TABLE ${t} (id integer PRIMARY KEY, name text NOT NULL, amount numeric(12,2))`);
        await c.query(`INSERT INTO ${t} SELECT g, 'row ' || g, g * 1.25 FROM generate_series(1, ${ROWS}) g`);
      }
      await c.query("UPDATE dst SET name = 'tampered' WHERE id = 10");
      await c.query('DELETE FROM dst WHERE id = 20');
      await c.query(`INSERT INTO dst VALUES (${ROWS + 1}, 'stray', 1)`);
    });
    const common = { schedule: '0 0 1 1 *', chunkRows: 100, checkpointChunks: 3, graceSeconds: 0.2, recheckRounds: 1 };
    h = await startVerifierHarness({
      verification: {
        pairs: [
          { name: 'drifted', source: { url: db.url, table: 'src' }, target: { url: db.url, table: 'dst' }, ...common, throttle: { rowsPerSecond: 8000 } },
          { name: 'same', source: { url: db.url, table: 'src' }, target: { url: db.url, table: 'same' }, ...common },
          { name: 'broken', source: { url: db.url, table: 'src' }, target: { url: db.url, table: 'missing_table' }, ...common },
        ],
      },
    });
  });

  after(async () => {
    await h.close();
    await db.drop();
  });

  const call = (method: 'GET' | 'POST', url: string, role: keyof VerifierHarness['tokens'] | null, body?: object) =>
    h.app.inject({ method, url, headers: role === null ? {} : { authorization: `Bearer ${h.tokens[role]}` }, ...(body === undefined ? {} : { payload: body }) });

  it('refuses a trigger without the admin role, or naming no or an unknown pair, saying which field is wrong', async () => {
    assert.equal((await call('POST', '/api/v1/verifications', null, { pair: 'drifted' })).statusCode, 401);
    for (const role of ['viewer', 'auditor', 'agent'] as const) assert.equal((await call('POST', '/api/v1/verifications', role, { pair: 'drifted' })).statusCode, 403, role);
    const missing = await call('POST', '/api/v1/verifications', 'admin', {});
    assert.equal(missing.statusCode, 400);
    assert.match(missing.json<{ error: { message: string } }>().error.message, /pair/);
    const unknown = await call('POST', '/api/v1/verifications', 'admin', { pair: 'nope' });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.json<{ error: { message: string } }>().error.message, /^body\.pair: unknown pair "nope"; configured: drifted, same, broken$/);
  });

  it('runs a pair on demand, never twice at once, and stores the verdict with classified differences', async () => {
    const started = await call('POST', '/api/v1/verifications', 'admin', { pair: 'drifted' });
    assert.equal(started.statusCode, 202, started.body);
    const { id } = started.json<{ id: string }>();
    const again = await call('POST', '/api/v1/verifications', 'admin', { pair: 'drifted' });
    assert.equal(again.statusCode, 409, again.body);
    const conflict = again.json<{ id: string; error: { code: string; message: string } }>();
    assert.equal(conflict.id, id);
    assert.equal(conflict.error.code, 'SW_VERIFICATION_RUNNING');
    assert.match(conflict.error.message, new RegExp(`already being verified by run ${id}`));
    await h.verifier.settled('drifted');

    const got = await call('GET', `/api/v1/verifications/${id}`, 'viewer');
    assert.equal(got.statusCode, 200, got.body);
    const run = got.json<{ run: Record<string, unknown> }>().run;
    assert.equal(run['status'], 'succeeded');
    assert.equal(run['verdict'], 'drift');
    assert.equal(run['differences'], 3);
    assert.equal(run['confirmed'], 3);
    assert.equal(run['inFlight'], 0);
    assert.equal(run['sourceRows'], ROWS);
    assert.equal(run['targetRows'], ROWS);
    assert.ok(Number(run['segments']) >= 6, `segments ${String(run['segments'])}`);
    assert.equal(run['segmentsDone'], run['segments']);
    assert.match(String(run['sourceRoot']), /^2000:[0-9a-f]{16}$/);
    assert.match(String(run['sourceSnapshot']), /^primary lsn [0-9A-F]+\/[0-9A-F]+$/);
    assert.match(String(run['configFingerprint']), /^[0-9a-f]{64}$/);
    assert.equal(run['attempt'], 1);
    assert.equal(run['chainSeq'], 1);

    const changed = (await call('GET', `/api/v1/verifications/${id}/differences?kind=changed`, 'auditor')).json<{ total: number; differences: { key: string[]; columns: string[]; class: string }[] }>();
    assert.equal(changed.total, 1);
    assert.deepEqual(changed.differences.map((d) => [d.key, d.columns, d.class]), [[['10'], ['name'], 'confirmed']]);
    const page = (await call('GET', `/api/v1/verifications/${id}/differences?class=confirmed&offset=1&limit=1`, 'viewer')).json<{ total: number; differences: { key: string[] }[] }>();
    assert.equal(page.total, 3);
    assert.deepEqual(page.differences.map((d) => d.key), [['20']]);
    const badKind = await call('GET', `/api/v1/verifications/${id}/differences?kind=odd`, 'viewer');
    assert.equal(badKind.statusCode, 400);
    assert.match(badKind.body, /kind/);

    assert.deepEqual(h.runEvents.filter((e) => e.run.id === id).map((e) => `${e.event}:${e.run.status}`), ['started:running', 'finished:succeeded']);
    const drift = h.alerting.listAlerts().find((a) => a.rule === 'drift' && a.labels['pair'] === 'drifted');
    assert.equal(drift?.state, 'firing');
  });

  it('lists runs newest first by pair with paging, for viewer, auditor and admin only', async () => {
    const second = (await call('POST', '/api/v1/verifications', 'admin', { pair: 'same' })).json<{ id: string }>();
    await h.verifier.settled('same');
    const same = (await call('GET', `/api/v1/verifications/${second.id}`, 'admin')).json<{ run: { verdict: string; confirmed: number } }>().run;
    assert.equal(same.verdict, 'consistent');
    for (const role of ['viewer', 'auditor', 'admin'] as const) assert.equal((await call('GET', '/api/v1/verifications', role)).statusCode, 200, role);
    assert.equal((await call('GET', '/api/v1/verifications', 'agent')).statusCode, 403);
    const all = (await call('GET', '/api/v1/verifications?limit=1', 'viewer')).json<{ runs: { id: string }[]; nextBefore: string | null }>();
    assert.deepEqual(all.runs.map((r) => r.id), [second.id]);
    assert.ok(all.nextBefore !== null);
    const older = (await call('GET', `/api/v1/verifications?limit=1&before=${encodeURIComponent(all.nextBefore)}`, 'viewer')).json<{ runs: { pair: string }[] }>();
    assert.deepEqual(older.runs.map((r) => r.pair), ['drifted']);
    const byPair = (await call('GET', '/api/v1/verifications?pair=same', 'viewer')).json<{ runs: { pair: string }[] }>();
    assert.deepEqual(byPair.runs.map((r) => r.pair), ['same']);
    const badBefore = await call('GET', '/api/v1/verifications?before=yesterday', 'viewer');
    assert.equal(badBefore.statusCode, 400);
    assert.match(badBefore.body, /querystring\.before/);
    const missing = await call('GET', '/api/v1/verifications/00000000-0000-0000-0000-000000000000', 'viewer');
    assert.equal(missing.statusCode, 404);
    assert.match(missing.body, /params\.id/);
  });

  it('fails a run with a clear reason on a permanent error, and records it', async () => {
    const { id } = (await call('POST', '/api/v1/verifications', 'admin', { pair: 'broken' })).json<{ id: string }>();
    await h.verifier.settled('broken');
    const run = (await call('GET', `/api/v1/verifications/${id}`, 'viewer')).json<{ run: { status: string; verdict: string; error: string; chainSeq: number } }>().run;
    assert.equal(run.status, 'failed');
    assert.equal(run.verdict, '');
    assert.match(run.error, /table missing_table not found/);
    assert.equal(run.chainSeq, 1);
    assert.deepEqual(h.runEvents.filter((e) => e.run.id === id).map((e) => `${e.event}:${e.run.status}`), ['started:running', 'finished:failed']);
  });

  it('chains finished runs per pair so that an edited run is detected', async () => {
    const { id } = (await call('POST', '/api/v1/verifications', 'admin', { pair: 'drifted' })).json<{ id: string }>();
    await h.verifier.settled('drifted');
    const chain = await h.verifier.runs.readChain('drifted');
    assert.deepEqual(chain.map((l) => l.run.chainSeq), [1, 2]);
    assert.equal(chain[1]?.run.id, id);
    assert.deepEqual(checkChain(chain), { intact: true, length: 2, head: chain.at(-1)?.hash });
    assert.equal((await h.verifier.runs.latestFinished('drifted', Date.now()))?.id, id);
    assert.equal(await h.verifier.runs.latestFinished('drifted', (chain[0]?.run.finishedAt ?? 0) - 1), undefined);
    assert.deepEqual(await h.verifier.runs.listPairs(), ['broken', 'drifted', 'same']);
    const edited = chain.map((l, i) => (i === 0 ? { ...l, record: { ...(l.record as object), confirmed: 0 } } : l));
    const check = checkChain(edited);
    assert.equal(check.intact, false);
  });
});
