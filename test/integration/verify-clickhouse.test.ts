// The verifier with embedded ClickHouse (chdb) as source or target, against the real PostgreSQL and MariaDB:
// equal data is consistent with equal Merkle roots computed in each database, and planted differences are named
// exactly. The chdb databases live in this process's one chdb directory; the CLI test hands it to a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Diff } from '../../verifier/row-diff.js';
import { runVerify } from '../../verifier/run.js';
import { closeChdb } from '../support/chdb-temp.js';
import { uniqueName } from '../support/unique-name.js';
import { DDL, createSide, type Engine, type Side } from './verify.fixtures.js';

const N = 3_000;
const COLS = ['id', 'name', 'amount', 'note', 'created'];
const ROOT = new URL('../../', import.meta.url).pathname;

function rows(n: number): unknown[][] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    return [i, `name ${i}`, `${i}.${String(i % 1000).padStart(3, '0')}`, i % 3 === 0 ? null : `note ${i}`, `2024-01-01 00:00:00.${String(i).padStart(6, '0')}`];
  });
}

async function createOrders(side: Side, table: string): Promise<void> {
  const d = DDL[side.engine];
  await side.exec(`CREATE TABLE ${table} (id ${d.int} PRIMARY KEY, name ${d.text}, amount ${d.dec}, note ${d.text}, created ${d.ts})`);
  await side.insert(table, COLS, rows(N));
}

/** Plants one of each difference kind in `side`, in the engine's own DML (ClickHouse: mutations). */
async function plant(side: Side, table: string): Promise<void> {
  const ch = side.engine === 'clickhouse';
  const update = (set: string, where: string, params: unknown[] = []): Promise<void> =>
    side.exec(ch ? `ALTER TABLE ${table} UPDATE ${set} WHERE ${where}` : `UPDATE ${table} SET ${set} WHERE ${where}`, params);
  await update('name = ?', 'id = 10', ['name 10 ']); // trailing space only
  await update("note = ''", 'id = 21'); // NULL in the source, '' in the target
  await update('amount = ?', 'id = 1234', ['1234.235']); // last declared decimal digit
  await side.exec(`DELETE FROM ${table} WHERE id = 2500`);
  await side.exec(`INSERT INTO ${table} (id, name) VALUES (900001, 'new')`);
}

const PLANTED = ['changed 10 [name]', 'changed 21 [note]', 'changed 1234 [amount]', 'missing 2500', 'extra 900001'];

function summary(diffs: readonly Diff[]): string[] {
  return diffs.map((d) => `${d.kind} ${d.key.join(',')}${d.kind === 'changed' ? ` [${d.columns.join(',')}]` : ''}`);
}

const PAIRS: readonly (readonly [Engine, Engine])[] = [['postgres', 'clickhouse'], ['clickhouse', 'postgres'], ['mysql', 'clickhouse'], ['clickhouse', 'clickhouse']];

describe('verify with ClickHouse (chdb)', () => {
  const sides = new Map<string, Side>();
  before(async () => {
    for (const name of ['postgres', 'mysql', 'clickhouse', 'clickhouse2']) sides.set(name, await createSide(name.replace(/2$/, '') as Engine));
  });
  after(async () => {
    for (const s of sides.values()) await s.close();
    await closeChdb(true);
  });
  const pick = (src: Engine, tgt: Engine): [Side, Side] => {
    const s = sides.get(src);
    const t = sides.get(src === tgt ? `${tgt}2` : tgt);
    assert.ok(s && t);
    return [s, t];
  };

  for (const [src, tgt] of PAIRS) {
    it(`${src} → ${tgt}: equal data is consistent (in-database digests on both sides); planted differences are named exactly`, async () => {
      const [s, t] = pick(src, tgt);
      const table = uniqueName('orders');
      await createOrders(s, table);
      await createOrders(t, table);
      const equal = await runVerify({ source: s.store, target: t.store, table, chunkRows: 400 });
      assert.equal(equal.verdict, 'consistent', JSON.stringify(equal.diffs.slice(0, 5)));
      assert.equal(equal.source.rows, N);
      assert.equal(equal.target.rows, N);
      assert.equal(equal.source.digestPath, 'in-database');
      assert.equal(equal.target.digestPath, 'in-database');
      assert.equal(equal.source.root, equal.target.root);

      await plant(t, table);
      const drift = await runVerify({ source: s.store, target: t.store, table, chunkRows: 400 });
      assert.equal(drift.verdict, 'drift');
      assert.deepEqual(summary(drift.diffs), PLANTED);
    });
  }

  it('a ReplacingMergeTree target is read with FINAL: superseded versions are not differences', async () => {
    const [s, t] = pick('postgres', 'clickhouse');
    const table = uniqueName('repl');
    await s.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, v varchar(20))`);
    await s.insert(table, ['id', 'v'], [[1, 'a'], [2, 'b2'], [3, 'c']]);
    await t.exec(`CREATE TABLE ${table} (id Int32, v String, version UInt32) ENGINE = ReplacingMergeTree(version) ORDER BY id`);
    // Two insert blocks → two parts, so the old version of id 2 stays on disk until a merge.
    await t.exec(`INSERT INTO ${table} VALUES (1, 'a', 1), (2, 'b', 1), (3, 'c', 1)`);
    await t.exec(`INSERT INTO ${table} VALUES (2, 'b2', 2)`);
    const r = await runVerify({ source: s.store, target: t.store, table, columns: ['v'] });
    assert.equal(r.verdict, 'consistent', JSON.stringify(r.diffs));
    assert.equal(r.target.rows, 3);
  });

  it('types across engines: bytea ↔ String as bytes, uuid, bool, Date32, float streamed', async () => {
    const [s, t] = pick('postgres', 'clickhouse');
    const table = uniqueName('types');
    await s.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, b bytea, u uuid, ok boolean, d date, f double precision)`);
    await t.exec(`CREATE TABLE ${table} (id Int32 PRIMARY KEY, b Nullable(String), u Nullable(UUID), ok Nullable(Bool), d Nullable(Date32), f Nullable(Float64))`);
    const values: unknown[][] = [
      [1, Buffer.from([0, 255, 10]), 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', true, '1900-03-01', 0.1],
      [2, Buffer.alloc(0), null, false, '2024-02-29', -1e-300],
      [3, null, '00000000-0000-0000-0000-000000000000', null, null, null],
    ];
    await s.insert(table, ['id', 'b', 'u', 'ok', 'd', 'f'], values);
    await t.insert(table, ['id', 'b', 'u', 'ok', 'd', 'f'], values);
    const r = await runVerify({ source: s.store, target: t.store, table });
    assert.equal(r.source.digestPath, 'streamed');
    assert.deepEqual(summary(r.diffs), []);
    await t.exec(`ALTER TABLE ${table} UPDATE b = ? WHERE id = 1`, [Buffer.from([0, 255, 11])]);
    const noFloat = await runVerify({ source: s.store, target: t.store, table, columns: ['b', 'u', 'ok', 'd'] });
    assert.equal(noFloat.target.digestPath, 'in-database');
    assert.deepEqual(summary(noFloat.diffs), ['changed 1 [b]']);
  });

  it('CLI: a chdb:// target in its own process (libchdb binds one directory per process); exit 1 naming the rows', async () => {
    const [s, t] = pick('postgres', 'clickhouse');
    const table = uniqueName('cli');
    for (const side of [s, t]) {
      await side.exec(`CREATE TABLE ${table} (id ${DDL[side.engine].int} PRIMARY KEY, name ${DDL[side.engine].text})`);
      await side.insert(table, ['id', 'name'], [[1, 'a'], [2, 'b'], [3, 'c']]);
    }
    await t.exec(`ALTER TABLE ${table} UPDATE name = 'B' WHERE id = 2`);
    // This process must let go of the directory before the child can open it.
    for (const name of ['clickhouse', 'clickhouse2']) await sides.get(name)?.store.close();
    await closeChdb(false);
    const r = spawnSync(process.execPath, ['bin/syncwatch', 'verify', '--source', s.db.url, '--target', t.db.url, '--table', table, '--format', 'json'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { diffs: unknown[]; target: { url: string; digestPath: string } };
    assert.deepEqual(out.diffs, [{ kind: 'changed', key: { id: '2' }, columns: ['name'] }]);
    assert.equal(out.target.digestPath, 'in-database');
    assert.ok(out.target.url.startsWith('chdb://'));
  });
});
