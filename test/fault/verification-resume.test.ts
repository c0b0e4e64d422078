// kill -9 `serve` in the middle of a (throttled) verification run, start it again over the same data: the run
// resumes from its last checkpointed segment (attempt 2) and reaches the verdict and Merkle roots of a run that
// was never interrupted.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTempPgDatabase, withPgClient, type TempDatabase } from '../support/services.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { waitFor } from '../support/wait-for.js';

const ROWS = 4000;

interface RunView {
  id: string; status: string; verdict: string; attempt: number; segments: number; segmentsDone: number;
  sourceRoot: string; targetRoot: string; confirmed: number; sourceRows: number; targetRows: number; trigger: string;
}

describe('verification resumes after the process is killed', { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sw-vresume-'));
  let db: TempDatabase;
  let serve: ServeProcess | undefined;

  before(async () => {
    db = await createTempPgDatabase('sw_vresume');
    await withPgClient(db.url, async (c) => {
      await c.query('CREATE TABLE src (id integer PRIMARY KEY, v text)');
      await c.query('CREATE TABLE dst (id integer PRIMARY KEY, v text)');
      await c.query(`INSERT INTO src SELECT g, md5(g::text) FROM generate_series(1, ${ROWS}) g`);
      await c.query(`INSERT INTO dst SELECT g, md5(g::text) FROM generate_series(1, ${ROWS}) g`);
      await c.query("UPDATE dst SET v = 'drifted' WHERE id = 3210");
    });
    writeFileSync(join(dataDir, 'syncwatch.yaml'), JSON.stringify({
      verification: {
        pairs: [{
          name: 'resumable', source: { url: db.url, table: 'src' }, target: { url: db.url, table: 'dst' }, schedule: '0 0 1 1 *',
          chunkRows: 200, checkpointChunks: 2, throttle: { rowsPerSecond: 2500 }, graceSeconds: 0.2, recheckRounds: 1,
        }],
      },
    }));
  });

  after(async () => {
    await serve?.stop();
    await db.drop();
  });

  const api = async (method: 'GET' | 'POST', path: string, body?: object): Promise<{ status: number; json: unknown }> => {
    const s = serve;
    assert.ok(s !== undefined);
    const res = await fetch(`${s.url}${path}`, {
      method, headers: { authorization: `Bearer ${s.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  };
  const getRun = async (id: string): Promise<RunView> => ((await api('GET', `/api/v1/verifications/${id}`)).json as { run: RunView }).run;
  const finished = (id: string): Promise<RunView> => waitFor(`run ${id} to finish`, async () => {
    const run = await getRun(id);
    return run.status === 'running' ? undefined : run;
  }, { timeoutMs: 60_000, intervalMs: 200 });

  it('resumes the interrupted run from its checkpoint with the verdict of an uninterrupted run', async () => {
    const extraArgs = ['--config', join(dataDir, 'syncwatch.yaml')];
    serve = await startServe({ dataDir, localAgent: false, extraArgs });
    const started = await api('POST', '/api/v1/verifications', { pair: 'resumable' });
    assert.equal(started.status, 202);
    const { id } = started.json as { id: string };
    const before = await waitFor('a few checkpointed segments', async () => {
      const run = await getRun(id);
      return run.segmentsDone >= 3 ? run : undefined;
    }, { timeoutMs: 30_000, intervalMs: 50 });
    assert.ok(before.segmentsDone < before.segments, `the run finished (${before.segmentsDone}/${before.segments}) before it could be killed`);
    await serve.kill9();

    serve = await startServe({ dataDir, localAgent: false, extraArgs });
    const resumed = await finished(id);
    assert.equal(resumed.status, 'succeeded');
    assert.equal(resumed.attempt, 2);
    assert.equal(resumed.segmentsDone, resumed.segments);

    const fresh = await api('POST', '/api/v1/verifications', { pair: 'resumable' });
    assert.equal(fresh.status, 202);
    const reference = await finished((fresh.json as { id: string }).id);
    assert.equal(reference.attempt, 1);
    for (const field of ['verdict', 'confirmed', 'sourceRoot', 'targetRoot', 'sourceRows', 'targetRows'] as const) {
      assert.equal(resumed[field], reference[field], `${field}: resumed ${String(resumed[field])}, uninterrupted ${String(reference[field])}`);
    }
    assert.equal(resumed.verdict, 'drift');
    assert.equal(resumed.confirmed, 1);
    assert.equal(resumed.sourceRows, ROWS);
  });
});
