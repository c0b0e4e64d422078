// In-flight vs drift on a live PostgreSQL primary → hot standby pair with ~200 row writes/s on the primary during
// every run. Physical replication copies everything, so the "pipeline" under test is a trigger on the primary that
// keeps orders_copy equal to orders; the pair compares orders on the primary with orders_copy on the standby, i.e.
// the pipeline plus WAL replay. Bypassing the pipeline = changing orders_copy directly.
//   - writes running, one row changed in the copy only → exactly that row confirmed, the rest in flight at most;
//   - replay paused while the run reads, resumed during the re-checks → differences in flight, none confirmed;
//   - every verifier session killed mid-run (pg_terminate_backend) → the run retries and reaches the same verdict.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startPgUpdateWriter } from '../support/pg-update-writer.js';
import { withPgClient } from '../support/services.js';
import { startPgPair, type PgPair } from '../support/replication/postgres-pair.js';
import { startLiveVerifierHarness, type LiveVerifierHarness } from '../support/verification-harness.js';
import { waitFor } from '../support/wait-for.js';
import type { VerificationRun } from '../../verifier/runs/run-types.js';

const ROWS = 5000;
/** The writer never touches keys above this, so the bypassed row's source stands still. */
const WRITER_MAX_ID = 4000;
const BYPASSED_ID = 4500;

describe('verification on a live PostgreSQL primary → standby pair', { timeout: 180_000 }, () => {
  let pair: PgPair;
  let h: LiveVerifierHarness;
  const killed: number[] = [];

  before(async () => {
    pair = await startPgPair();
    await withPgClient(pair.primaryUrl, async (c) => {
      await c.query('CREATE TABLE orders (id integer PRIMARY KEY, v integer NOT NULL, note text)');
      await c.query('CREATE TABLE orders_copy (id integer PRIMARY KEY, v integer NOT NULL, note text)');
      await c.query(`CREATE FUNCTION copy_orders() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN DELETE FROM orders_copy WHERE id = OLD.id; RETURN OLD; END IF;
          INSERT INTO orders_copy VALUES (NEW.id, NEW.v, NEW.note) ON CONFLICT (id) DO UPDATE SET v = EXCLUDED.v, note = EXCLUDED.note;
          RETURN NEW;
        END $$`);
      await c.query('CREATE TRIGGER copy_orders AFTER INSERT OR UPDATE OR DELETE ON orders FOR EACH ROW EXECUTE FUNCTION copy_orders()');
      await c.query(`INSERT INTO orders SELECT g, 0, md5(g::text) FROM generate_series(1, ${ROWS}) g`);
    });
    await waitFor('the standby to have the copy', () => withPgClient(pair.standbyUrl, async (c) =>
      (await c.query<{ n: string }>('SELECT count(*) AS n FROM orders_copy').catch(() => ({ rows: [{ n: '0' }] }))).rows[0]?.n === String(ROWS)));
    const common = { source: { url: pair.primaryUrl, table: 'orders' }, target: { url: pair.standbyUrl, table: 'orders_copy' }, schedule: '0 0 1 1 *', chunkRows: 250, checkpointChunks: 2 };
    h = await startLiveVerifierHarness(common, 'paused', () => {
      for (const url of [pair.primaryUrl, pair.standbyUrl]) {
        void withPgClient(url, async (c) => {
          const { rows } = await c.query<{ pid: number }>("SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'syncwatch-verify-snapshot'");
          killed.push(...rows.map((r) => r.pid));
        });
      }
    });
  });

  after(async () => {
    await h.close();
    await pair.stop();
  });

  const run = async (name: string, during?: () => Promise<void>): Promise<VerificationRun> => {
    const { id } = await h.verifier.trigger(name);
    await during?.();
    await h.verifier.settled(name);
    const done = await h.verifier.runs.get(id);
    assert.ok(done !== undefined);
    assert.equal(done.status, 'succeeded', done.error);
    return done;
  };
  const confirmedKeys = async (id: string): Promise<string[]> =>
    (await h.verifier.runs.listDiffs(id, { class: 'confirmed', offset: 0, limit: 100 })).diffs.map((d) => d.key.join(','));

  it('reports only the row changed behind the pipeline as confirmed while ~200 writes/s run', async () => {
    await withPgClient(pair.primaryUrl, (c) => c.query("UPDATE orders_copy SET note = 'bypassed' WHERE id = $1", [BYPASSED_ID]));
    const writer = startPgUpdateWriter(pair.primaryUrl, WRITER_MAX_ID);
    let done: VerificationRun;
    try {
      done = await run('live');
    } finally {
      const writes = await writer.stop();
      assert.ok(writes > 100, `writer made ${writes} writes`);
    }
    assert.equal(done.verdict, 'drift');
    assert.equal(done.confirmed, 1);
    assert.deepEqual(await confirmedKeys(done.id), [String(BYPASSED_ID)]);
    assert.equal(done.differences, 1 + done.inFlight + done.suspected);
    assert.match(done.targetSnapshot, /^standby replay lsn /);
    assert.match(done.sourceSnapshot, /^primary lsn /);
  });

  it('classifies differences as in flight while replay is paused and resumed during the re-checks', async () => {
    await withPgClient(pair.primaryUrl, (c) => c.query('UPDATE orders_copy o SET note = s.note FROM orders s WHERE s.id = o.id AND o.id = $1', [BYPASSED_ID]));
    await withPgClient(pair.standbyUrl, (c) => c.query('SELECT pg_wal_replay_pause()'));
    const writer = startPgUpdateWriter(pair.primaryUrl, WRITER_MAX_ID);
    let done: VerificationRun;
    try {
      await new Promise((r) => setTimeout(r, 1000)); // writes pile up behind the paused replay
      done = await run('paused', async () => {
        await new Promise((r) => setTimeout(r, 1500));
        await withPgClient(pair.standbyUrl, (c) => c.query('SELECT pg_wal_replay_resume()'));
      });
    } finally {
      await withPgClient(pair.standbyUrl, (c) => c.query('SELECT pg_wal_replay_resume()')).catch(() => undefined);
      await writer.stop();
    }
    assert.ok(done.differences >= 20, `only ${done.differences} differences seen while replay was paused`);
    assert.ok(done.inFlight >= done.differences - done.suspected && done.inFlight > 0, JSON.stringify(done));
    assert.equal(done.confirmed, 0);
    assert.equal(done.verdict, 'consistent');
  });

  it('reaches the same verdict when every verifier session is killed mid-run', async () => {
    await withPgClient(pair.primaryUrl, (c) => c.query("UPDATE orders_copy SET note = 'bypassed again' WHERE id = $1", [BYPASSED_ID]));
    await waitFor('the standby to replay', () => withPgClient(pair.standbyUrl, async (c) =>
      (await c.query<{ note: string }>('SELECT note FROM orders_copy WHERE id = $1', [BYPASSED_ID])).rows[0]?.note === 'bypassed again'));
    h.armKill();
    const writer = startPgUpdateWriter(pair.primaryUrl, WRITER_MAX_ID);
    let done: VerificationRun;
    try {
      done = await run('killed');
    } finally {
      await writer.stop();
    }
    assert.ok(killed.length >= 1, 'no verifier session was killed');
    assert.equal(done.segmentsDone, done.segments);
    assert.ok(done.sourceSnapshot.includes(';') || done.targetSnapshot.includes(';'), `one snapshot only: ${done.sourceSnapshot} / ${done.targetSnapshot}`);
    assert.equal(done.verdict, 'drift');
    assert.deepEqual(await confirmedKeys(done.id), [String(BYPASSED_ID)]);
    assert.equal(done.sourceRows, ROWS);
    assert.equal(done.targetRows, ROWS);
  });
});
