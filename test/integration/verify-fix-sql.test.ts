// --emit-fix-sql end to end: drift of every kind and awkward values, the fix SQL written for the target's engine,
// applied with the target's own client, and a second verify that finds the tables consistent.
import assert from 'node:assert/strict';
import { createConnection } from 'mysql2/promise';
import { after, before, describe, it } from 'node:test';
import { buildFixSql } from '../../verifier/fix-sql.js';
import { runVerify } from '../../verifier/run.js';
import { chdbExecText, closeChdb } from '../support/chdb-temp.js';
import { withPgClient } from '../support/services.js';
import { uniqueName } from '../support/unique-name.js';
import { createSide, type Engine, type Side } from './verify.fixtures.js';

const COLS = ['id', 'name', 'amount', 'at', 'flag', 'data', 'u'];
const DDL: Readonly<Record<Engine, string>> = {
  postgres: 'id int PRIMARY KEY, name text, amount numeric(12,3), at timestamptz, flag boolean, data bytea, u uuid',
  mysql: 'id int PRIMARY KEY, name text, amount decimal(12,3), at datetime(6), flag tinyint(1), data varbinary(100), u char(36)',
  clickhouse: "id Int32 PRIMARY KEY, name Nullable(String), amount Nullable(Decimal(12,3)), at Nullable(DateTime64(6, 'UTC')), flag Nullable(Bool), data Nullable(String), u Nullable(UUID)",
};

const NAMES = ["it's", 'back\\slash', 'why? (really)', 'emoji 😀 e\u0301', 'trailing ', 'line\nbreak', '', 'Émile'];

function rows(): unknown[][] {
  return Array.from({ length: 60 }, (_, k) => [
    k + 1,
    NAMES[k % NAMES.length],
    k % 7 === 0 ? null : `${k}.${k % 10}5`,
    `2024-0${1 + (k % 9)}-1${k % 10} 12:34:56.${String(k).padStart(6, '0')}`,
    k % 5 === 0 ? null : k % 2 === 0,
    k % 6 === 0 ? null : Buffer.from([k, 0, 255, 39, 92]),
    `a0eebc99-9c0b-4ef8-bb6d-${String(k).padStart(12, '0')}`,
  ]);
}

/** Applies a fix file with the target engine's own client, as an operator would. */
async function apply(side: Side, text: string): Promise<void> {
  if (side.engine === 'postgres') {
    await withPgClient(side.db.url, (c) => c.query(text));
  } else if (side.engine === 'mysql') {
    const conn = await createConnection({ uri: side.db.url, charset: 'utf8mb4', multipleStatements: true });
    try {
      await conn.query(text);
    } finally {
      await conn.end();
    }
  } else {
    await chdbExecText(side.db.name, text);
  }
}

async function drift(side: Side, table: string): Promise<void> {
  const ch = side.engine === 'clickhouse';
  const update = (set: string, where: string, params: unknown[] = []): Promise<void> =>
    side.exec(ch ? `ALTER TABLE ${table} UPDATE ${set} WHERE ${where}` : `UPDATE ${table} SET ${set} WHERE ${where}`, params);
  await update('name = ?', 'id = 2', ['changed']);
  await update('name = NULL, amount = ?', 'id = 3', ['0.001']);
  await update('at = ?', 'id = 4', ['1999-12-31 23:59:59.999999']);
  await update('flag = NULL', 'id = 12');
  await update('data = ?', 'id = 13', [Buffer.from('zz')]);
  await update('u = ?', 'id = 14', ['00000000-0000-0000-0000-000000000000']);
  await side.exec(`DELETE FROM ${table} WHERE id IN (5, 6, 60)`);
  await side.exec(`INSERT INTO ${table} (id, name) VALUES (1000, 'extra'), (-1, 'extra too')`);
}

const PAIRS: readonly (readonly [Engine, Engine])[] = [['postgres', 'mysql'], ['mysql', 'postgres'], ['postgres', 'clickhouse']];

describe('verify --emit-fix-sql', () => {
  const sides = new Map<Engine, Side>();
  before(async () => {
    for (const e of ['postgres', 'mysql', 'clickhouse'] as const) sides.set(e, await createSide(e));
  });
  after(async () => {
    for (const s of sides.values()) await s.close();
    await closeChdb(true);
  });

  for (const [src, tgt] of PAIRS) {
    it(`${src} → ${tgt}: applying the fix SQL makes the tables consistent`, async () => {
      const s = sides.get(src);
      const t = sides.get(tgt);
      assert.ok(s && t);
      const table = uniqueName('fix');
      for (const side of [s, t]) {
        await side.exec(`CREATE TABLE ${table} (${DDL[side.engine]})`);
        await side.insert(table, COLS, rows());
      }
      assert.equal((await runVerify({ source: s.store, target: t.store, table })).verdict, 'consistent');
      await drift(t, table);
      const before = await runVerify({ source: s.store, target: t.store, table, chunkRows: 16 });
      assert.equal(before.diffs.length, 11, JSON.stringify(before.diffs));
      const fix = await buildFixSql(before, s.store, t.store);
      assert.equal(fix.statements, 11);
      assert.match(fix.text, /3 INSERT \(missing\), 6 UPDATE \(changed\), 2 DELETE \(extra\)/);
      await apply(t, fix.text);
      const after = await runVerify({ source: s.store, target: t.store, table, chunkRows: 16 });
      assert.deepEqual(after.diffs, [], fix.text);
      assert.equal(after.source.root, after.target.root);
    });
  }

  it('a consistent pair gives a file with nothing to do', async () => {
    const s = sides.get('postgres');
    const t = sides.get('mysql');
    assert.ok(s && t);
    const table = uniqueName('fixnone');
    for (const side of [s, t]) await side.exec(`CREATE TABLE ${table} (${DDL[side.engine]})`);
    const fix = await buildFixSql(await runVerify({ source: s.store, target: t.store, table }), s.store, t.store);
    assert.equal(fix.statements, 0);
    assert.match(fix.text, /nothing to do/);
  });
});
