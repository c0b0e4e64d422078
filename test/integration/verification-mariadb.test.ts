// In-flight vs drift on a live MariaDB primary → replica pair with ~200 row writes/s on the primary during each
// run, each side read from one consistent snapshot (START TRANSACTION WITH CONSISTENT SNAPSHOT):
//   - a row changed on the replica only (sql_log_bin = 0: replication bypassed) → exactly that row confirmed;
//   - the replica's SQL thread stopped while the run reads, restarted during the re-checks → in flight, none confirmed;
//   - every verifier connection killed mid-run (KILL CONNECTION) → the run retries and reaches the same verdict.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConnection, type Connection } from 'mysql2/promise';
import { startMariaDbPair, type MariaDbPair } from '../support/replication/mariadb-pair.js';
import { startLiveVerifierHarness, type LiveVerifierHarness } from '../support/verification-harness.js';
import { waitFor } from '../support/wait-for.js';
import type { VerificationRun } from '../../verifier/runs/run-types.js';

const ROWS = 4000;
const WRITER_MAX_ID = 3000;
const BYPASSED_ID = 3500;

async function withConn<T>(url: string, fn: (c: Connection) => Promise<T>): Promise<T> {
  const c = await createConnection({ uri: url, connectTimeout: 3_000 });
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Connection ids of the writers, which the kill test spares. */
const writerIds = new Set<number>();

function startWriter(url: string): { stop(): Promise<number> } {
  const state = { stopped: false, writes: 0 };
  const loop = withConn(url, async (c) => {
    writerIds.add(c.threadId);
    while (!state.stopped) {
      const ids = Array.from({ length: 10 }, () => 1 + Math.floor(Math.random() * WRITER_MAX_ID));
      await c.query(`UPDATE orders SET v = v + 1, note = MD5(RAND()) WHERE id IN (${ids.join(',')})`);
      state.writes += ids.length;
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  return {
    async stop() {
      state.stopped = true;
      await loop;
      return state.writes;
    },
  };
}

describe('verification on a live MariaDB primary → replica pair', { timeout: 120_000 }, () => {
  let pair: MariaDbPair;
  let h: LiveVerifierHarness;
  const killed: number[] = [];

  const killVerifierConnections = async (url: string): Promise<void> => withConn(url, async (c) => {
    const [rows] = await c.query("SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = 'syncwatch_test' AND ID <> CONNECTION_ID() AND USER <> 'system user' AND COMMAND NOT LIKE 'Binlog Dump%'");
    for (const { id } of rows as { id: number }[]) {
      if (writerIds.has(id)) continue;
      await c.query(`KILL CONNECTION ${id}`).catch(() => undefined);
      killed.push(id);
    }
  });

  before(async () => {
    pair = await startMariaDbPair();
    await withConn(pair.primaryUrl, async (c) => {
      await c.query('CREATE TABLE orders (id INT PRIMARY KEY, v INT NOT NULL, note VARCHAR(64)) ENGINE=InnoDB');
      await c.query(`INSERT INTO orders SELECT seq, 0, MD5(seq) FROM seq_1_to_${ROWS}`);
    });
    await waitFor('the replica to have every row', () => withConn(pair.replicaUrl, async (c) => {
      const [rows] = await c.query('SELECT COUNT(*) AS n FROM orders').catch(() => [[{ n: 0 }]]);
      return Number((rows as { n: number | string }[])[0]?.n) === ROWS;
    }));
    const common = { source: { url: pair.primaryUrl, table: 'orders' }, target: { url: pair.replicaUrl }, schedule: '0 0 1 1 *', chunkRows: 250, checkpointChunks: 2 };
    h = await startLiveVerifierHarness(common, 'stopped', () => {
      void Promise.all([killVerifierConnections(pair.primaryUrl), killVerifierConnections(pair.replicaUrl)]);
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
    assert.equal(done.status, 'succeeded', `run ${done.status}: ${done.error}`);
    return done;
  };

  it('reports only the row changed on the replica as confirmed while ~200 writes/s run', async () => {
    await withConn(pair.replicaUrl, async (c) => {
      await c.query('SET SESSION sql_log_bin = 0');
      await c.query("UPDATE orders SET note = 'bypassed' WHERE id = ?", [BYPASSED_ID]);
    });
    const writer = startWriter(pair.primaryUrl);
    let done: VerificationRun;
    try {
      done = await run('live');
    } finally {
      assert.ok((await writer.stop()) > 100);
    }
    assert.equal(done.verdict, 'drift');
    assert.equal(done.confirmed, 1);
    const confirmed = await h.verifier.runs.listDiffs(done.id, { class: 'confirmed', offset: 0, limit: 10 });
    assert.deepEqual(confirmed.diffs.map((d) => [d.key, d.kind, d.columns]), [[[String(BYPASSED_ID)], 'changed', ['note']]]);
    assert.match(done.sourceSnapshot, /gtid \d+-\d+-\d+/);
    assert.match(done.targetSnapshot, /gtid \d+-\d+-\d+/);
  });

  it('classifies differences as in flight while the replica SQL thread is stopped and restarted during the re-checks', async () => {
    await withConn(pair.replicaUrl, async (c) => {
      await c.query('SET SESSION sql_log_bin = 0');
      await c.query('UPDATE orders SET note = MD5(id) WHERE id = ?', [BYPASSED_ID]);
      await c.query('STOP REPLICA SQL_THREAD');
    });
    const writer = startWriter(pair.primaryUrl);
    let done: VerificationRun;
    try {
      await new Promise((r) => setTimeout(r, 1000));
      done = await run('stopped', async () => {
        await new Promise((r) => setTimeout(r, 1500));
        await withConn(pair.replicaUrl, (c) => c.query('START REPLICA SQL_THREAD'));
      });
    } finally {
      await withConn(pair.replicaUrl, (c) => c.query('START REPLICA SQL_THREAD')).catch(() => undefined);
      await writer.stop();
    }
    assert.ok(done.differences >= 20, `only ${done.differences} differences while the SQL thread was stopped`);
    assert.ok(done.inFlight > 0);
    assert.equal(done.confirmed, 0, JSON.stringify(done));
    assert.equal(done.verdict, 'consistent');
  });
  it('reaches the same verdict when every verifier connection is killed mid-run', async () => {
    await withConn(pair.replicaUrl, async (c) => {
      await c.query('SET SESSION sql_log_bin = 0');
      await c.query("UPDATE orders SET note = 'bypassed again' WHERE id = ?", [BYPASSED_ID]);
    });
    h.armKill();
    const writer = startWriter(pair.primaryUrl);
    let done: VerificationRun;
    try {
      done = await run('killed');
    } finally {
      await writer.stop();
    }
    assert.ok(killed.length >= 2, `killed ${killed.length} connections`);
    assert.equal(done.segmentsDone, done.segments);
    assert.ok(done.sourceSnapshot.includes(';') && done.targetSnapshot.includes(';'), `one snapshot only: ${done.sourceSnapshot} / ${done.targetSnapshot}`);
    assert.equal(done.verdict, 'drift');
    const confirmed = await h.verifier.runs.listDiffs(done.id, { class: 'confirmed', offset: 0, limit: 10 });
    assert.deepEqual(confirmed.diffs.map((d) => d.key), [[String(BYPASSED_ID)]]);
    assert.equal(done.sourceRows, ROWS);
  });
});
