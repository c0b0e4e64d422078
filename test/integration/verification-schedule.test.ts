// Verification pairs in the config file and on their cron schedule: validation at load and start-up naming the
// field, passwords kept out of stored runs and fingerprints, and a per-second schedule whose runs never overlap.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { validateConfig } from '../../lib/config/load.js';
import { isSyncwatchError } from '../../lib/errors.js';
import { createSilentLogger } from '../../lib/log.js';
import { pairFingerprint } from '../../verifier/service/fingerprint.js';
import { startVerifierService } from '../../verifier/service/service.js';
import { createTempPgDatabase, withPgClient, type TempDatabase } from '../support/services.js';
import { startVerifierHarness, verificationConfig, type VerifierHarness } from '../support/verification-harness.js';
import { waitFor } from '../support/wait-for.js';

const pair = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'orders', source: { url: 'postgres://verifier:s3cret@127.0.0.1:5432/app', table: 'orders' }, target: { url: 'postgres://127.0.0.1:5433/app' }, schedule: '*/5 * * * *', ...over,
});

function problemsOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isSyncwatchError(err) && err.code === 'SW_CONFIG_INVALID') return err.message;
    throw err;
  }
  assert.fail('expected SW_CONFIG_INVALID');
}

describe('verification config', () => {
  it('applies defaults to a pair', () => {
    const config = validateConfig({ verification: { pairs: [pair()] } }, 'test.yaml', {});
    const p = config.verification.pairs[0];
    assert.equal(p?.graceSeconds, 5);
    assert.equal(p.recheckRounds, 3);
    assert.equal(p.chunkRows, 10_000);
    assert.deepEqual(p.throttle, {});
    assert.deepEqual(validateConfig({}, 'test.yaml', {}).verification, { pairs: [] });
  });

  it('rejects a bad schedule, unknown keys and a missing table, naming each field', () => {
    const message = problemsOf(() => validateConfig({ verification: { pairs: [pair({ schedule: 'every minute', throttel: {} }), pair({ source: { url: 'postgres://h/db' } })] } }, 'test.yaml', {}));
    assert.match(message, /^verification\.pairs\[0\]\.schedule: /m);
    assert.match(message, /^verification\.pairs\[0\]\.throttel: unknown key/m);
    assert.match(message, /^verification\.pairs\[1\]\.source\.table: /m);
  });

  it('refuses to start with duplicate pair names, and explains a schedule node-cron cannot parse', async () => {
    const storage = undefined as never; // never reached: problems are found before storage is touched
    await assert.rejects(
      startVerifierService({ config: verificationConfig({ pairs: [pair(), pair()] }), storage, logger: createSilentLogger() }),
      (err: unknown) => isSyncwatchError(err) && err.message.includes('verification.pairs[1].name: duplicate of verification.pairs[0]'),
    );
    await assert.rejects(
      startVerifierService({ config: { pairs: [{ ...verificationConfig({ pairs: [pair()] }).pairs[0], schedule: '61 * * * *' } as never] }, storage, logger: createSilentLogger() }),
      (err: unknown) => isSyncwatchError(err) && err.message.includes('verification.pairs[0].schedule: not a valid cron expression "61 * * * *"'),
    );
  });

  it('keeps store passwords out of the fingerprint while still telling configurations apart', () => {
    const [a] = verificationConfig({ pairs: [pair()] }).pairs;
    const [b] = verificationConfig({ pairs: [pair({ source: { url: 'postgres://verifier:other@127.0.0.1:5432/app', table: 'orders' } })] }).pairs;
    const [c] = verificationConfig({ pairs: [pair({ graceSeconds: 9 })] }).pairs;
    assert.ok(a !== undefined && b !== undefined && c !== undefined);
    assert.equal(pairFingerprint(a), pairFingerprint(b), 'only the password differs');
    assert.notEqual(pairFingerprint(a), pairFingerprint(c));
  });
});

describe('verification schedule', () => {
  let db: TempDatabase;
  let h: VerifierHarness;

  before(async () => {
    db = await createTempPgDatabase('sw_vsched');
    await withPgClient(db.url, async (c) => {
      await c.query('CREATE TABLE a (id integer PRIMARY KEY, v text)');
      await c.query('CREATE TABLE b (id integer PRIMARY KEY, v text)');
      await c.query("INSERT INTO a SELECT g, 'v' || g FROM generate_series(1, 600) g");
      await c.query("INSERT INTO b SELECT g, 'v' || g FROM generate_series(1, 600) g");
    });
    // A password the server does not need (trust auth) must still never be stored.
    const url = db.url.replace('postgres://postgres@', 'postgres://postgres:hunter2@');
    h = await startVerifierHarness({
      verification: {
        // Every second, but each run is throttled to about 1.2 s, so a naive scheduler would overlap runs.
        pairs: [{ name: 'tick', source: { url, table: 'a' }, target: { url, table: 'b' }, schedule: '* * * * * *', chunkRows: 100, throttle: { rowsPerSecond: 500 }, recheckRounds: 0 }],
      },
    });
  });

  after(async () => {
    await h.close();
    await db.drop();
  });

  it('runs a pair every second without ever overlapping two runs, storing redacted URLs', async () => {
    const finished = await waitFor('two finished scheduled runs', async () => {
      const runs = (await h.verifier.runs.list({ pair: 'tick', limit: 100 })).filter((r) => r.status !== 'running');
      return runs.length >= 2 ? runs : undefined;
    }, { timeoutMs: 20_000 });
    const all = (await h.verifier.runs.list({ pair: 'tick', limit: 100 })).sort((x, y) => x.startedAt - y.startedAt);
    for (const [i, run] of all.entries()) {
      const previous = all[i - 1];
      if (previous !== undefined) assert.ok(run.startedAt >= previous.finishedAt && previous.finishedAt > 0, `run ${i} started ${run.startedAt} before run ${i - 1} finished ${previous.finishedAt}`);
    }
    for (const run of finished) {
      assert.equal(run.trigger, 'schedule');
      assert.equal(run.status, 'succeeded');
      assert.equal(run.verdict, 'consistent');
      assert.ok(run.finishedAt - run.startedAt >= 1000, `throttled run took ${run.finishedAt - run.startedAt} ms`);
      assert.ok(!run.sourceUrl.includes('hunter2') && run.sourceUrl.includes('***'), run.sourceUrl);
    }
    const stored = await h.storage.query<{ n: number }>(`SELECT count() AS n FROM ${h.database}.verification_runs WHERE source_url LIKE '%hunter2%' OR target_url LIKE '%hunter2%'`);
    assert.equal(Number(stored[0]?.n), 0);
  });
});
