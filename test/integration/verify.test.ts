// The verifier end to end against the real PostgreSQL and MariaDB: equal tables are consistent, and every
// kind of drift is named exactly — including the classic false-difference traps (trailing spaces, NULL vs '',
// case-only key changes, decimal scale, time zones) — in both directions and across engines.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isSyncwatchError } from '../../lib/errors.js';
import type { Diff } from '../../verifier/row-diff.js';
import { runVerify } from '../../verifier/run.js';
import { uniqueName } from '../support/unique-name.js';
import { DDL, createSide, mysqlExecInZone, type Engine, type Side } from './verify.fixtures.js';

const N = 3_000;
const ORDER_COLS = ['id', 'name', 'amount', 'note', 'created'];

function orderRows(n: number): unknown[][] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    return [i, `name ${i}`, `${i}.${String(i % 1000).padStart(3, '0')}`, i % 3 === 0 ? null : `note ${i}`, `2024-01-01 00:00:00.${String(i).padStart(6, '0')}`];
  });
}

async function createOrders(side: Side, table: string, rows: unknown[][]): Promise<void> {
  const d = DDL[side.engine];
  await side.exec(`CREATE TABLE ${table} (id ${d.int} PRIMARY KEY, name ${d.text}, amount ${d.dec}, note ${d.text}, created ${d.ts})`);
  await side.insert(table, ORDER_COLS, rows);
}

function summary(diffs: readonly Diff[]): string[] {
  return diffs.map((d) => `${d.kind} ${d.key.join(',')}${d.kind === 'changed' ? ` [${d.columns.join(',')}]` : ''}`);
}

const PAIRS: readonly (readonly [Engine, Engine])[] = [['postgres', 'mysql'], ['mysql', 'postgres'], ['postgres', 'postgres'], ['mysql', 'mysql']];

describe('verify: PostgreSQL and MariaDB, every pairing', () => {
  const sides = new Map<string, Side>();
  before(async () => {
    for (const name of ['postgres', 'mysql', 'postgres2', 'mysql2']) sides.set(name, await createSide(name.startsWith('postgres') ? 'postgres' : 'mysql'));
  });
  after(async () => {
    for (const s of sides.values()) await s.close();
  });
  const pick = (src: Engine, tgt: Engine): [Side, Side] => {
    const s = sides.get(src);
    const t = sides.get(src === tgt ? `${tgt}2` : tgt);
    assert.ok(s && t);
    return [s, t];
  };

  for (const [src, tgt] of PAIRS) {
    it(`${src} → ${tgt}: equal data is consistent; changed, deleted and inserted rows are named exactly`, async () => {
      const [s, t] = pick(src, tgt);
      const table = uniqueName('orders');
      await createOrders(s, table, orderRows(N));
      await createOrders(t, table, orderRows(N));
      const equal = await runVerify({ source: s.store, target: t.store, table, chunkRows: 400 });
      assert.equal(equal.verdict, 'consistent', JSON.stringify(equal.diffs.slice(0, 5)));
      assert.equal(equal.source.rows, N);
      assert.equal(equal.target.rows, N);
      assert.equal(equal.source.digestPath, 'in-database');
      // Same engine: its own row hash (canonical/SPEC.md, "Native row hashes"); across engines the portable md5-64.
      assert.equal(equal.rowHash, src !== tgt ? 'md5-64' : src === 'postgres' ? 'pg-hash-record-64' : 'mariadb-crc32-crc32c');
      assert.equal(equal.source.root, equal.target.root);
      assert.equal(equal.evidence.leaves, Math.ceil(N / 400));

      await t.exec(`UPDATE ${table} SET name = ? WHERE id = 10`, ['name 10 ']); // trailing space only
      await t.exec(`UPDATE ${table} SET note = '' WHERE id = 21`); // NULL in the source, '' in the target
      await t.exec(`UPDATE ${table} SET amount = ? WHERE id = 1234`, ['1234.235']); // last declared decimal digit
      await t.exec(`DELETE FROM ${table} WHERE id = 2500`);
      await t.exec(`INSERT INTO ${table} (id, name) VALUES (900001, 'new')`);
      const drift = await runVerify({ source: s.store, target: t.store, table, chunkRows: 400 });
      assert.equal(drift.verdict, 'drift');
      assert.deepEqual(summary(drift.diffs), ['changed 10 [name]', 'changed 21 [note]', 'changed 1234 [amount]', 'missing 2500', 'extra 900001']);
      assert.equal(drift.evidence.mismatchedLeaves, 4);
    });
  }

  it('decimal scale: 1.5 at scale 1 equals 1.500 at scale 3; a change in the last digit is found', async () => {
    const [s, t] = pick('postgres', 'mysql');
    const table = uniqueName('dec');
    await s.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, v numeric(10,1))`);
    await t.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, v decimal(12,3))`);
    await s.insert(table, ['id', 'v'], [[1, '1.5'], [2, '-0.0'], [3, '100'], [4, '7.1']]);
    await t.insert(table, ['id', 'v'], [[1, '1.500'], [2, '0.000'], [3, '100.000'], [4, '7.101']]);
    const r = await runVerify({ source: s.store, target: t.store, table });
    assert.deepEqual(summary(r.diffs), ['changed 4 [v]']);
  });

  it('timestamps written in different time zones compare as the same instant; one microsecond is a change', async () => {
    const [s, t] = pick('postgres', 'mysql');
    const table = uniqueName('tz');
    await s.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, at timestamptz, local_at timestamp)`);
    await t.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, at timestamp(6) NULL, local_at datetime(6))`);
    await s.exec(`SET TIME ZONE 'America/New_York'; INSERT INTO ${table} VALUES (1, '2024-06-01 12:00:00.123456+02', '2024-02-29 23:59:59.999999'), (2, '1999-12-31 23:00:00-05', '1960-01-01 00:00:00'), (3, '2024-01-01 00:00:00Z', NULL)`.replace(/\?/g, ''));
    await mysqlExecInZone(t, '+05:00', `INSERT INTO ${table} VALUES (1, '2024-06-01 15:00:00.123456', '2024-02-29 23:59:59.999999'), (2, '2000-01-01 09:00:00', '1960-01-01 00:00:00'), (3, '2024-01-01 05:00:00.000001', NULL)`);
    const r = await runVerify({ source: s.store, target: t.store, table });
    assert.deepEqual(summary(r.diffs), ['changed 3 [at]']);
  });

  it('string keys are compared by bytes: a case-only key change is one missing and one extra row', async () => {
    const [s, t] = pick('postgres', 'mysql');
    const table = uniqueName('skey');
    await s.exec(`CREATE TABLE ${table} (k varchar(40) PRIMARY KEY, v int)`);
    await t.exec(`CREATE TABLE ${table} (k varchar(40) PRIMARY KEY, v int)`);
    const keys = ['Apple', 'banana', 'Cherry', 'date ', 'Émile', 'zebra', '😀'];
    await s.insert(table, ['k', 'v'], keys.map((k, i) => [k, i]));
    await t.insert(table, ['k', 'v'], keys.map((k, i) => [k === 'Apple' ? 'apple' : k, i]));
    const r = await runVerify({ source: s.store, target: t.store, table });
    assert.deepEqual(summary(r.diffs), ['missing Apple', 'extra apple']);
  });

  it('composite keys, renamed target table, selected columns', async () => {
    const [s, t] = pick('mysql', 'postgres');
    const table = uniqueName('comp');
    const renamed = uniqueName('comp_copy');
    await s.exec(`CREATE TABLE ${table} (region varchar(10), n int, v varchar(20), ignored int, PRIMARY KEY (region, n))`);
    await t.exec(`CREATE TABLE ${renamed} (region varchar(10), n int, v varchar(20), ignored int, PRIMARY KEY (region, n))`);
    const rows = ['eu', 'us', 'ap'].flatMap((r) => Array.from({ length: 50 }, (_, n) => [r, n, `${r}-${n}`, n]));
    await s.insert(table, ['region', 'n', 'v', 'ignored'], rows);
    await t.insert(renamed, ['region', 'n', 'v', 'ignored'], rows.map((r) => (r[0] === 'us' && r[1] === 9 ? [r[0], r[1], 'x', 0] : [r[0], r[1], r[2], 0])));
    const all = await runVerify({ source: s.store, target: t.store, table, targetTable: renamed, chunkRows: 20 });
    assert.equal(all.diffs.length, 147, 'every row whose ignored column differs (n = 0 rows have ignored = 0 on both sides)');
    const some = await runVerify({ source: s.store, target: t.store, table, targetTable: renamed, columns: ['v'], chunkRows: 20 });
    assert.deepEqual(summary(some.diffs), ['changed us,9 [v]']);
  });

  it('floats have no portable SQL form: both sides stream and hash in-process, edge values compare exactly', async () => {
    const [s, t] = pick('postgres', 'mysql');
    const table = uniqueName('flt');
    await s.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, f double precision)`);
    await t.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, f double)`);
    const values = ['0', '0.1', '1e308', '-1e-300', '2.2250738585072014e-308', '123456789.123456789', null];
    await s.insert(table, ['id', 'f'], values.map((v, i) => [i, v]));
    await t.insert(table, ['id', 'f'], values.map((v, i) => [i, i === 1 ? '0.10000000000000002' : v]));
    const r = await runVerify({ source: s.store, target: t.store, table });
    assert.equal(r.source.digestPath, 'streamed');
    assert.equal(r.rowHash, 'xxh64');
    assert.deepEqual(summary(r.diffs), ['changed 1 [f]']);
  });

  it('a table without a primary key needs --key; an unknown table is a clear error', async () => {
    const [s, t] = pick('postgres', 'mysql');
    const table = uniqueName('nokey');
    for (const side of [s, t]) {
      await side.exec(`CREATE TABLE ${table} (id int, v varchar(10))`);
      await side.insert(table, ['id', 'v'], [[1, 'a'], [2, 'b']]);
    }
    await assert.rejects(runVerify({ source: s.store, target: t.store, table }), (e) => isSyncwatchError(e) && e.code === 'SW_VERIFY_SCHEMA_MISMATCH' && e.message.includes('--key'));
    assert.equal((await runVerify({ source: s.store, target: t.store, table, key: ['id'] })).verdict, 'consistent');
    await assert.rejects(runVerify({ source: s.store, target: t.store, table: 'no_such_table' }), (e) => isSyncwatchError(e) && e.code === 'SW_STORE_TABLE_NOT_FOUND');
  });

  it('bisects a large mismatching chunk down to the row; widespread drift switches to streaming', async () => {
    const [s, t] = pick('postgres', 'mysql');
    const table = uniqueName('big');
    await createOrders(s, table, orderRows(20_000));
    await createOrders(t, table, orderRows(20_000));
    await t.exec(`UPDATE ${table} SET name = 'drift' WHERE id = 12345`);
    const one = await runVerify({ source: s.store, target: t.store, table, chunkRows: 10_000 });
    assert.deepEqual(summary(one.diffs), ['changed 12345 [name]']);
    assert.equal(one.evidence.rangesBisected, 1, JSON.stringify(one.evidence)); // 10 000 rows → 8 pieces of 1 250 ≤ rowThreshold
    assert.equal(one.evidence.rangesStreamed, 0);
    await t.exec(`UPDATE ${table} SET note = 'drift' WHERE id % 3 = 0`);
    const many = await runVerify({ source: s.store, target: t.store, table, chunkRows: 1_000 });
    assert.equal(many.diffs.length, Math.floor(20_000 / 3));
    assert.ok(many.evidence.rangesStreamed >= 20, JSON.stringify(many.evidence));
    assert.equal(many.evidence.rangesBisected, 0);
  });

  it('empty tables are consistent', async () => {
    const [s, t] = pick('postgres', 'mysql');
    const table = uniqueName('empty');
    for (const side of [s, t]) await side.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, v varchar(10))`);
    const r = await runVerify({ source: s.store, target: t.store, table });
    assert.equal(r.verdict, 'consistent');
    assert.equal(r.source.rows, 0);
  });
});
