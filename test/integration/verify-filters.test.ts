// Row filters (--where, per side) against the real PostgreSQL and MariaDB: only the filtered rows are compared,
// on every read path (digests, bisection, streaming, row fetches), and a malformed filter fails before any query.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isSyncwatchError } from '../../lib/errors.js';
import { buildFixSql } from '../../verifier/fix-sql.js';
import type { Diff } from '../../verifier/row-diff.js';
import { runVerify } from '../../verifier/run.js';
import { openStore } from '../../verifier/stores/registry.js';
import { uniqueName } from '../support/unique-name.js';
import { createSide, type Side } from './verify.fixtures.js';

function summary(diffs: readonly Diff[]): string[] {
  return diffs.map((d) => `${d.kind} ${d.key.join(',')}${d.kind === 'changed' ? ` [${d.columns.join(',')}]` : ''}`);
}

const REGIONS = ['eu', 'us', 'ap'];

describe('verify: row filters', () => {
  let pg: Side;
  let my: Side;
  const table = uniqueName('regions');
  before(async () => {
    pg = await createSide('postgres');
    my = await createSide('mysql');
    const rows = Array.from({ length: 6_000 }, (_, i) => [i + 1, REGIONS[i % 3], `v${i + 1}`]);
    for (const side of [pg, my]) {
      await side.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, region varchar(5), v varchar(20))`);
      await side.insert(table, ['id', 'region', 'v'], rows);
    }
    // Drift only outside 'eu', plus one eu row changed, one eu row missing and widespread us drift.
    await my.exec(`UPDATE ${table} SET v = 'drift' WHERE region = 'us'`);
    await my.exec(`UPDATE ${table} SET v = 'eu drift' WHERE id = 3001`);
    await my.exec(`DELETE FROM ${table} WHERE id = 4`);
  });
  after(async () => {
    await pg.close();
    await my.close();
  });

  it('--where compares only the matching rows on both sides', async () => {
    const all = await runVerify({ source: pg.store, target: my.store, table, chunkRows: 500 });
    assert.equal(all.diffs.length, 2_002);
    const eu = await runVerify({ source: pg.store, target: my.store, table, chunkRows: 500, where: "region = 'eu'" });
    assert.deepEqual(summary(eu.diffs), ['missing 4', 'changed 3001 [v]']);
    assert.equal(eu.source.rows, 2_000);
    assert.equal(eu.source.where, "region = 'eu'");
    const us = await runVerify({ source: pg.store, target: my.store, table, chunkRows: 500, where: "region = 'us'" });
    assert.equal(us.diffs.length, 2_000, 'widespread drift under a filter: streamed, still exact');
    assert.ok(us.evidence.rangesStreamed > 0, JSON.stringify(us.evidence));
  });

  it('per-side filters override --where; a side may be filtered alone (a partial copy)', async () => {
    const copy = uniqueName('eu_copy');
    await my.exec(`CREATE TABLE ${copy} AS SELECT * FROM ${table} WHERE region = 'eu'`);
    await my.exec(`ALTER TABLE ${copy} ADD PRIMARY KEY (id)`);
    const r = await runVerify({ source: pg.store, target: my.store, table, targetTable: copy, where: "region = 'us'", sourceWhere: "region = 'eu'", targetWhere: '1 = 1' });
    assert.deepEqual(summary(r.diffs), ['missing 4', 'changed 3001 [v]']);
    assert.equal(r.target.where, '1 = 1');
  });

  it('fix SQL honours the filter and says so', async () => {
    const eu = await runVerify({ source: pg.store, target: my.store, table, where: "region = 'eu'" });
    const fix = await buildFixSql(eu, pg.store, my.store);
    assert.equal(fix.statements, 2);
    assert.match(fix.text, /-- source: .* WHERE region = 'eu'/);
  });

  it('a malformed filter is a usage error before any query runs', async () => {
    const unreachable = openStore('postgres://nobody@127.0.0.1:1/none');
    try {
      await assert.rejects(runVerify({ source: unreachable, target: my.store, table, where: "region = 'eu'; DELETE FROM x" }),
        (e) => isSyncwatchError(e) && e.code === 'SW_USAGE' && e.message.startsWith('--where:'));
      await assert.rejects(runVerify({ source: unreachable, target: my.store, table, targetWhere: 'a = 1) OR (1 = 1' }),
        (e) => isSyncwatchError(e) && e.code === 'SW_USAGE' && e.message.startsWith('--target-where:'));
    } finally {
      await unreachable.close();
    }
  });
});
