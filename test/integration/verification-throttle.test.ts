// Throttling and lag-aware pacing of verification runs, with lag measured the real way: points ingested through
// POST /api/v1/ingest into ClickHouse and read back by the verifier. A run pauses while the pipeline's lag is above
// maxReplicaLagSeconds, waits at least the measured lag before re-checking, and reads no faster than rowsPerSecond.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createTempPgDatabase, withPgClient, type TempDatabase } from '../support/services.js';
import { startVerifierHarness, type VerifierHarness } from '../support/verification-harness.js';

const ROWS = 2000;

describe('verification throttle and lag', { timeout: 60_000 }, () => {
  let db: TempDatabase;
  let h: VerifierHarness;

  before(async () => {
    db = await createTempPgDatabase('sw_vthrottle');
    await withPgClient(db.url, async (c) => {
      await c.query('CREATE TABLE a (id integer PRIMARY KEY, v text)');
      await c.query('CREATE TABLE b (id integer PRIMARY KEY, v text)');
      await c.query(`INSERT INTO a SELECT g, md5(g::text) FROM generate_series(1, ${ROWS}) g`);
      await c.query(`INSERT INTO b SELECT g, md5(g::text) FROM generate_series(1, ${ROWS}) g`);
      await c.query("UPDATE b SET v = 'x' WHERE id = 7");
    });
    const sides = { source: { url: db.url, table: 'a' }, target: { url: db.url, table: 'b' }, schedule: '0 0 1 1 *', chunkRows: 250 };
    h = await startVerifierHarness({
      verification: {
        pairs: [
          { name: 'slow', ...sides, throttle: { rowsPerSecond: 1000 }, recheckRounds: 0 },
          { name: 'lagging', ...sides, pipeline: 'orders-replica', throttle: { maxReplicaLagSeconds: 2 }, graceSeconds: 0.1, recheckRounds: 1 },
        ],
      },
    });
  });

  after(async () => {
    await h.close();
    await db.drop();
  });

  const ingestLag = async (seconds: number): Promise<void> => {
    const res = await h.app.inject({
      method: 'POST', url: '/api/v1/ingest', headers: { authorization: `Bearer ${h.tokens.agent}` },
      payload: { agent: 'probe', batchId: `lag-${randomUUID()}`, points: [{ ts: Date.now(), metric: 'postgres_replay_lag_seconds', labels: { pipeline: 'orders-replica', host: 'standby' }, value: seconds }] },
    });
    assert.equal(res.statusCode, 200, res.body);
  };

  it('reads no faster than rowsPerSecond per side (within 10%)', async (t) => {
    const { id } = await h.verifier.trigger('slow');
    await h.verifier.settled('slow');
    const run = await h.verifier.runs.get(id);
    assert.ok(run !== undefined);
    assert.equal(run.status, 'succeeded', run.error);
    const seconds = (run.finishedAt - run.startedAt) / 1000;
    // Each side reads every row at least once (digests count the rows they cover): ROWS / 1000 s at the least.
    const rate = ROWS / seconds;
    t.diagnostic(`${ROWS} rows per side in ${seconds.toFixed(2)} s: ${rate.toFixed(0)} rows/s (limit 1000)`);
    assert.ok(rate <= 1000 * 1.1, `read ${rate.toFixed(0)} rows/s per side, limit 1000`);
    assert.ok(seconds < 12, `took ${seconds} s`);
  });

  it('pauses while the measured lag is above maxReplicaLagSeconds and waits at least that lag before re-checking', async () => {
    await ingestLag(10);
    const started = Date.now();
    const { id } = await h.verifier.trigger('lagging');
    await new Promise((r) => setTimeout(r, 1500));
    const during = await h.verifier.runs.get(id);
    assert.equal(during?.status, 'running', 'the run should be paused while lag is 10 s');
    assert.equal(during.segmentsDone, 0);
    await ingestLag(0.6);
    await h.verifier.settled('lagging');
    const run = await h.verifier.runs.get(id);
    assert.ok(run !== undefined);
    assert.equal(run.status, 'succeeded', run.error);
    assert.ok(run.finishedAt - started >= 1500, `finished ${run.finishedAt - started} ms after the trigger`);
    assert.equal(run.lagMaxMs, 10_000);
    assert.equal(run.lagMinMs, 600);
    assert.ok(run.lagSamples >= 2);
    assert.equal(run.graceMs, 600, 'the grace is the measured lag when it exceeds graceSeconds');
    assert.equal(run.confirmed, 1);
  });
});
