// Every Storage driver must pass this suite unchanged: same SQL, same schema, same dedup, same streaming, same errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isSyncwatchError } from '../../lib/errors.js';
import { insertBatch, querySeries } from '../../lib/storage/metric-points.js';
import { migrate } from '../../lib/storage/migrate.js';
import { applyRetention } from '../../lib/storage/retention.js';
import type { Storage } from '../../lib/storage/storage.js';
import { TABLES, qualified } from '../../lib/storage/tables.js';
import { uniqueName } from '../support/unique-name.js';

export function storageContract(name: string, open: (database: string) => Storage): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage;
    const database = uniqueName('sw_contract');

    before(async () => {
      storage = open(database);
      await migrate(storage);
    });
    after(async () => {
      await storage.exec(`DROP DATABASE IF EXISTS ${database}`);
      await storage.close();
    });

    it('migrations are recorded and re-running applies nothing', async () => {
      assert.deepEqual(await migrate(storage), []);
      const versions = await storage.query<{ version: number }>(`SELECT version FROM ${qualified(database, TABLES.schemaMigrations)} FINAL ORDER BY version`);
      assert.ok(versions.length >= 1);
      assert.equal(versions[0]?.version, 1);
    });

    it('ingest → series round trip, grouped by label set in time order', async () => {
      const t0 = Date.UTC(2026, 10, 1, 12, 0, 0);
      await insertBatch(storage, {
        agent: 'a1',
        batchId: uniqueName('b'),
        points: [
          { ts: t0 + 2000, metric: 'host_cpu_percent', labels: { host: 'h1' }, value: 30 },
          { ts: t0, metric: 'host_cpu_percent', labels: { host: 'h1' }, value: 10 },
          { ts: t0 + 1000, metric: 'host_cpu_percent', labels: { host: 'h2' }, value: 20.5 },
          { ts: t0 + 1000, metric: 'host_load1', labels: { host: 'h1' }, value: 1 },
        ],
      }, t0 + 5000);
      const all = await querySeries(storage, { metric: 'host_cpu_percent', from: t0, to: t0 + 10_000, maxPoints: 100 });
      assert.deepEqual(all, [
        { labels: { host: 'h1' }, points: [[t0, 10], [t0 + 2000, 30]] },
        { labels: { host: 'h2' }, points: [[t0 + 1000, 20.5]] },
      ]);
      const h2 = await querySeries(storage, { metric: 'host_cpu_percent', host: 'h2', from: t0, to: t0 + 10_000, maxPoints: 100 });
      assert.equal(h2.length, 1);
      const bounded = await querySeries(storage, { metric: 'host_cpu_percent', host: 'h1', from: t0, to: t0 + 10_000, maxPoints: 1 });
      assert.deepEqual(bounded[0]?.points, [[t0 + 2000, 30]]);
      const stepped = await querySeries(storage, { metric: 'host_cpu_percent', host: 'h1', from: t0, to: t0 + 10_000, stepMs: 10_000, maxPoints: 100 });
      assert.deepEqual(stepped[0]?.points, [[t0, 20]]);
    });

    it('long ranges read the one-minute rollups, with exact averages over coarser steps', async () => {
      const t0 = Date.UTC(2026, 9, 1, 0, 0, 0);
      const points = Array.from({ length: 240 }, (_, i) => ({ ts: t0 + i * 30_000, metric: 'rollup_probe', labels: { host: 'r1', pipeline: 'p' }, value: i }));
      await insertBatch(storage, { agent: 'a1', batchId: uniqueName('roll'), points }, t0);
      const hourly = await querySeries(storage, { metric: 'rollup_probe', from: t0, to: t0 + 2 * 3_600_000, stepMs: 3_600_000, maxPoints: 100 });
      // First hour holds values 0..119 (mean 59.5), second hour 120..239 (mean 179.5).
      assert.deepEqual(hourly, [{ labels: { host: 'r1', pipeline: 'p' }, points: [[t0, 59.5], [t0 + 3_600_000, 179.5]] }]);
      const rollupRows = await storage.query<{ c: number }>(`SELECT count() AS c FROM ${qualified(database, TABLES.metricRollup1m)} WHERE metric = 'rollup_probe'`);
      assert.ok((rollupRows[0]?.c ?? 0) <= 120, 'one rollup row per minute at most');
      const auto = await querySeries(storage, { metric: 'rollup_probe', pipeline: 'p', from: t0 - 29 * 86_400_000, to: t0 + 86_400_000, maxPoints: 1000 });
      // 30 days at <= 1000 points per series → automatic 44-minute buckets from the rollups: 2 hours of data fall in 3.
      const [first] = auto;
      assert.ok(first);
      assert.equal(first.points.length, 3);
      assert.ok(first.points.every(([ts]) => (ts / 60_000) % 44 === 0));
    });

    it('a batch retried with the same batch id is stored once, even across day partitions', async () => {
      const t0 = Date.UTC(2026, 10, 2, 23, 59, 59);
      const batch = {
        agent: 'a1',
        batchId: uniqueName('dup'),
        points: [
          { ts: t0, metric: 'dedup_probe', labels: {}, value: 1 },
          { ts: t0 + 2000, metric: 'dedup_probe', labels: {}, value: 2 },
        ],
      };
      await insertBatch(storage, batch, t0);
      await insertBatch(storage, batch, t0 + 1);
      const rows = await storage.query<{ c: number }>(`SELECT count() AS c FROM ${qualified(database, TABLES.metricPoints)} WHERE metric = 'dedup_probe'`);
      assert.equal(rows[0]?.c, 2);
    });

    it('streams rows in query order', async () => {
      const seen: number[] = [];
      for await (const row of storage.stream<{ n: number }>('SELECT toUInt32(number) AS n FROM numbers({k:UInt32})', { k: 25_000 })) seen.push(row.n);
      assert.equal(seen.length, 25_000);
      assert.equal(seen[24_999], 24_999);
    });

    it('a bad statement becomes a SyncwatchError naming the problem', async () => {
      await assert.rejects(storage.query('SELECT * FROM no_such_table_xyz'), (err: unknown) => {
        assert.ok(isSyncwatchError(err));
        assert.equal(err.code, 'SW_STORAGE_QUERY_FAILED');
        assert.match(err.message, /no_such_table_xyz/);
        return true;
      });
    });

    it('a failed insert becomes a SyncwatchError naming the table, and stores nothing', async () => {
      await assert.rejects(storage.insert(`${database}.no_such_table`, [{ a: 1 }]), (err: unknown) => {
        assert.ok(isSyncwatchError(err));
        assert.match(err.message, /no_such_table/);
        return true;
      });
      const table = qualified(database, TABLES.metricPoints);
      await assert.rejects(storage.insert(table, [{ ts: Date.UTC(2026, 0, 3), metric: 'bad_insert', value: 1 }, { ts: 'not a time', metric: 'bad_insert', value: 2 }]));
      const rows = await storage.query<{ c: number }>(`SELECT count() AS c FROM ${table} WHERE metric = 'bad_insert'`);
      assert.equal(rows[0]?.c, 0);
    });

    it('applies the configured retention only when it changed', async () => {
      assert.deepEqual(await applyRetention(storage, { pointsDays: 30, rollupDays: 400 }), []);
      assert.deepEqual(await applyRetention(storage, { pointsDays: 7, rollupDays: 400 }), [TABLES.metricPoints]);
      assert.deepEqual(await applyRetention(storage, { pointsDays: 7, rollupDays: 400 }), []);
    });

    it('check() reports the engine version', async () => {
      const health = await storage.check();
      assert.equal(health.ok, true);
    });
  });
}
