// Issue 7: "throttle honoured within 10% over a 30 s run". A real PostgreSQL pair of 3,000 identical rows is verified
// by the verifier service at 100 rows/s per side, so the run lasts about 30 s. The short runs of
// verification-throttle.test.ts only bound the rate from above (their start-up and re-check time weigh a lot in 2 s);
// here the run is long enough for the rate to be held to ±10% both ways.
//
// What is measured, and why:
// - The overall rate is rows per side / the run's own start-to-finish time (startedAt..finishedAt as recorded), not
//   the test's wall clock: that is the time the pacer governs, and a loaded machine (CI runs alongside) only delays
//   the trigger and the settling around it.
// - Bursts: the reads are watched from PostgreSQL itself. Each leaf is one `SELECT COUNT(*) AS n, …` range query of
//   exactly CHUNK rows (integer keys 1..ROWS, so the leaves are equal-width), and pg_stat_activity shows when each one
//   started on each side's session. Counting those starts in every 5 s window bounds the rows read in it. The poll may
//   miss a start (two within one poll interval), which can only under-count, so the test also requires that most
//   leaves were seen, so that the window check cannot pass vacuously. The pacing itself is checked by this count,
//   not by wall-clock gaps, which a loaded machine stretches.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { isAborted } from '../../lib/retry.js';
import { createTempPgDatabase, withPgClient, type TempDatabase } from '../support/services.js';
import { startVerifierHarness, type VerifierHarness } from '../support/verification-harness.js';

const ROWS = 3000;
const RATE = 100;
/** Rows per leaf: a quarter of a second's worth, so one leaf read ahead of its wait is a small burst. */
const CHUNK = 25;
const LEAVES = ROWS / CHUNK;
const WINDOW_MS = 5000;
const POLL_MS = 20;
const SAME_QUERY_MS = 5;

/** Start times (epoch ms) of the leaf digest queries on each table, from pg_stat_activity. */
async function watchLeafQueries(url: string, tables: readonly string[]): Promise<{ stop(): Promise<Map<string, { raw: number; starts: number[] }>> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const seen = new Map<string, Set<number>>(tables.map((t) => [t, new Set<number>()]));
  const halt = new AbortController();
  const loop = (async (): Promise<void> => {
    while (!isAborted(halt.signal)) {
      const res = await client.query<{ query: string; started: string }>(
        `SELECT query, (extract(epoch FROM query_start) * 1000)::float8 AS started FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'SELECT COUNT(*) AS n, %'`,
      );
      for (const row of res.rows) {
        // keySpan also selects COUNT(*) but starts with MIN(...): only the leaf digests match the prefix above.
        const table = tables.find((t) => row.query.includes(`"${t}"`));
        if (table !== undefined) seen.get(table)?.add(Number(row.started));
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  })();
  return {
    async stop() {
      halt.abort();
      await loop;
      await client.end();
      return new Map([...seen].map(([t, s]) => [t, { raw: s.size, starts: distinctStarts([...s]) }]));
    },
  };
}

/**
 * One start per query: PostgreSQL restamps query_start at each extended-protocol message (parse, bind, execute), so a
 * poll landing between them sees one query twice, microseconds to milliseconds apart. Starts closer than
 * SAME_QUERY_MS to the first of a group are that group's; the poll cannot tell queries that close apart anyway.
 */
function distinctStarts(starts: number[]): number[] {
  const out: number[] = [];
  for (const s of starts.sort((a, b) => a - b)) if (out.length === 0 || s - (out.at(-1) ?? 0) >= SAME_QUERY_MS) out.push(s);
  return out;
}

/** The most leaf queries started within any WINDOW_MS-long window. */
function busiestWindow(starts: readonly number[]): number {
  let most = 0;
  let j = 0;
  for (let i = 0; i < starts.length; i++) {
    while ((starts[i] ?? 0) - (starts[j] ?? 0) >= WINDOW_MS) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('verification throttle over a 30 s run', { timeout: 60_000 }, () => {
  let db: TempDatabase;
  let h: VerifierHarness;

  before(async () => {
    db = await createTempPgDatabase('sw_vthrottle30');
    await withPgClient(db.url, async (c) => {
      for (const t of ['paced_src', 'paced_dst']) {
        await c.query(`CREATE TABLE ${t} (id integer PRIMARY KEY, v text)`);
        await c.query(`INSERT INTO ${t} SELECT g, md5(g::text) FROM generate_series(1, ${ROWS}) g`);
      }
    });
    h = await startVerifierHarness({
      verification: {
        pairs: [{
          name: 'paced30', source: { url: db.url, table: 'paced_src' }, target: { url: db.url, table: 'paced_dst' }, schedule: '0 0 1 1 *',
          // One checkpoint segment for the whole table: with several, cutting the segments is charged to the source
          // as a scan of the whole key space (execute-run.ts), which would double the source's time.
          chunkRows: CHUNK, checkpointChunks: Math.ceil(ROWS / CHUNK) + 1, throttle: { rowsPerSecond: RATE }, recheckRounds: 0,
        }],
      },
    });
  });

  after(async () => {
    await h.close();
    await db.drop();
  });

  it(`reads ${ROWS} rows per side at ${RATE} rows/s within 10%, and never above ${Math.round(RATE * 1.1)} rows/s in any 5 s window`, async (t) => {
    const watch = await watchLeafQueries(db.url, ['paced_src', 'paced_dst']);
    let starts: Map<string, { raw: number; starts: number[] }>;
    try {
      const { id } = await h.verifier.trigger('paced30');
      await h.verifier.settled('paced30');
      const run = await h.verifier.runs.get(id);
      assert.ok(run !== undefined);
      assert.equal(run.status, 'succeeded', run.error);
      assert.equal(run.verdict, 'consistent');
      assert.equal(run.sourceRows, ROWS);
      assert.equal(run.targetRows, ROWS);
      assert.equal(run.leaves, LEAVES);
      const seconds = (run.finishedAt - run.startedAt) / 1000;
      const rate = ROWS / seconds;
      t.diagnostic(`${ROWS} rows per side in ${seconds.toFixed(2)} s (run start to finish): ${rate.toFixed(1)} rows/s, limit ${RATE}`);
      assert.ok(rate >= RATE * 0.9 && rate <= RATE * 1.1, `read ${rate.toFixed(1)} rows/s per side, limit ${RATE} ±10%`);
    } finally {
      starts = await watch.stop();
    }

    for (const [table, { raw, starts: s }] of starts) {
      const most = busiestWindow(s);
      const span = ((s.at(-1) ?? 0) - (s[0] ?? 0)) / 1000;
      t.diagnostic(`${table}: ${s.length}/${LEAVES} leaf queries seen (${raw} query_start stamps) over ${span.toFixed(2)} s; busiest 5 s: ${most} leaves = ${(most * CHUNK) / (WINDOW_MS / 1000)} rows/s`);
      assert.ok(s.length >= LEAVES / 2, `${table}: only ${s.length} of ${LEAVES} leaf queries seen; the window check would be vacuous`);
      assert.ok(most * CHUNK <= RATE * 1.1 * (WINDOW_MS / 1000), `${table}: ${most * CHUNK} rows read in one 5 s window, limit ${Math.round(RATE * 1.1 * (WINDOW_MS / 1000))}`);
    }
  });
});
