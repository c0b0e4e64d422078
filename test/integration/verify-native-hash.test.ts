// Same-engine pairs hash rows with the engine's own function (PostgreSQL hash_record_extended, MariaDB
// CRC32 + CRC32C over raw values): equal data is consistent, every single-field change of the type matrix is
// still found, the classic collisions of a raw row text are not collisions, and any pair the native hash
// cannot cover exactly falls back to the portable md5-64.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeValue, type RawValue } from '../../verifier/canonical/encode.js';
import type { Diff } from '../../verifier/row-diff.js';
import { runVerify } from '../../verifier/run.js';
import { MATRIX, MATRIX_ROWS, type TypeColumn } from '../contract/store.contract.js';
import { uniqueName } from '../support/unique-name.js';
import { createSide, type Side } from './verify.fixtures.js';

/** The matrix columns a native hash covers (float and json always take the portable path). */
const NATIVE_COLS = ['i', 'd', 'b', 'ts', 'dt', 'tm', 'tx', 'bt', 'u'] as const satisfies readonly TypeColumn[];

const ENGINES = {
  postgres: {
    algo: 'pg-hash-record-64',
    ddl: { i: 'bigint', d: 'numeric(30,4)', b: 'boolean', ts: 'timestamptz', dt: 'date', tm: 'time(6)', tx: 'text', bt: 'bytea', u: 'uuid' },
  },
  mysql: {
    algo: 'mariadb-crc32-crc32c',
    ddl: { i: 'bigint', d: 'decimal(30,4)', b: 'tinyint(1)', ts: 'datetime(6)', dt: 'date', tm: 'time(6)', tx: 'mediumtext', bt: 'varbinary(100)', u: 'char(36)' },
  },
} as const;

function summary(diffs: readonly Diff[]): string[] {
  return diffs.map((d) => `${d.kind} ${d.key.join(',')}${d.kind === 'changed' ? ` [${d.columns.join(',')}]` : ''}`);
}

/** A value of column `c` whose canonical form differs from `v` (taken from the other matrix rows). */
function otherValue(c: TypeColumn, v: RawValue): RawValue {
  const canon = encodeValue(MATRIX[c], v);
  for (const row of MATRIX_ROWS) {
    if (encodeValue(MATRIX[c], row[c]) !== canon) return row[c];
  }
  throw new Error(`no other value for ${c}`);
}

for (const [engine, spec] of Object.entries(ENGINES)) {
  describe(`native row hash: ${engine} → ${engine}`, () => {
    let s: Side;
    let t: Side;
    before(async () => {
      s = await createSide(engine as keyof typeof ENGINES);
      t = await createSide(engine as keyof typeof ENGINES);
    });
    after(async () => {
      await s.close();
      await t.close();
    });

    it('the type matrix: equal rows are consistent under the native hash; every single-field change is found', async () => {
      const table = uniqueName('native_types');
      const cols = NATIVE_COLS.map((c) => `${c} ${spec.ddl[c]}`).join(', ');
      const rows = MATRIX_ROWS.map((row, n) => [n + 1, ...NATIVE_COLS.map((c) => row[c] ?? null)]);
      for (const side of [s, t]) {
        await side.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, ${cols})`);
        await side.insert(table, ['id', ...NATIVE_COLS], rows);
      }
      const equal = await runVerify({ source: s.store, target: t.store, table });
      assert.equal(equal.rowHash, spec.algo);
      assert.equal(equal.verdict, 'consistent', JSON.stringify(equal.diffs));
      assert.equal(equal.source.root, equal.target.root);

      let checked = 0;
      for (const [n, row] of MATRIX_ROWS.entries()) {
        for (const c of NATIVE_COLS) {
          const changed = otherValue(c, row[c]);
          await t.exec(`UPDATE ${table} SET ${c} = ? WHERE id = ?`, [changed ?? null, n + 1]);
          const r = await runVerify({ source: s.store, target: t.store, table });
          assert.equal(r.rowHash, spec.algo);
          assert.deepEqual(summary(r.diffs), [`changed ${n + 1} [${c}]`], `row ${n + 1} column ${c}: ${JSON.stringify(row[c])} → ${JSON.stringify(changed)}`);
          assert.notEqual(r.source.root, r.target.root);
          await t.exec(`UPDATE ${table} SET ${c} = ? WHERE id = ?`, [row[c] ?? null, n + 1]);
          checked += 1;
        }
      }
      assert.equal(checked, MATRIX_ROWS.length * NATIVE_COLS.length);
      assert.equal((await runVerify({ source: s.store, target: t.store, table })).verdict, 'consistent');
    });

    it('no raw-text collisions: NULL vs empty vs space, a separator moved between columns, NULL vs 0', async () => {
      // One trap per comparison: a leaf whose digest differs is compared row by row, which would hide a collision.
      const traps: [unknown[], unknown[], string][] = [
        [[null, 'x', 1], ['', 'x', 1], 'a'],
        [['', 'x', 1], [' ', 'x', 1], 'a'],
        [['a,b', 'c', 1], ['a', 'b,c', 1], 'a,b'],
        [['p', '1', null], ['p', '1', 0], 'n'],
        [['q.r', null, 0], ['q', '.r', 0], 'a,b'],
        [['1', null, 0], [null, '1', 0], 'a,b'],
      ];
      for (const [source, target, columns] of traps) {
        const table = uniqueName('native_trap');
        for (const side of [s, t]) {
          await side.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, a varchar(20), b varchar(20), n int)`);
          await side.insert(table, ['id', 'a', 'b', 'n'], [[1, 'same', 'same', 7], [2, ...(side === s ? source : target)]]);
        }
        const r = await runVerify({ source: s.store, target: t.store, table });
        assert.equal(r.rowHash, spec.algo);
        assert.deepEqual(summary(r.diffs), [`changed 2 [${columns}]`], `${JSON.stringify(source)} vs ${JSON.stringify(target)}`);
      }
    });

    if (engine === 'mysql') {
      it('text columns of different character sets and collations hash together; a change is found', async () => {
        const table = uniqueName('native_coll');
        for (const side of [s, t]) {
          await side.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, a varchar(20) COLLATE utf8mb4_general_ci, b varchar(20) COLLATE utf8mb4_unicode_ci, l varchar(20) CHARACTER SET latin1)`);
        }
        await s.insert(table, ['id', 'a', 'b', 'l'], [[1, 'Ünï', 'x', 'é'], [2, 'p', 'q', 'r']]);
        await t.insert(table, ['id', 'a', 'b', 'l'], [[1, 'Ünï', 'x', 'é'], [2, 'p', 'Q', 'r']]);
        const r = await runVerify({ source: s.store, target: t.store, table });
        assert.equal(r.rowHash, spec.algo);
        assert.deepEqual(summary(r.diffs), ['changed 2 [b]']);
      });
    }

    it('widespread drift streams native row hashes: every changed row of 3000 is named', async () => {
      const table = uniqueName('native_wide');
      for (const side of [s, t]) await side.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, v varchar(30))`);
      const rows = Array.from({ length: 3000 }, (_, k) => [k + 1, `v ${k + 1}`]);
      await s.insert(table, ['id', 'v'], rows);
      await t.insert(table, ['id', 'v'], rows.map(([id, v]) => [id, Number(id) % 3 === 0 ? `${String(v)}!` : v]));
      const r = await runVerify({ source: s.store, target: t.store, table, chunkRows: 100 });
      assert.equal(r.rowHash, spec.algo);
      assert.equal(r.diffs.length, 1000);
      assert.ok(r.evidence.rangesStreamed > 0, 'the widespread path streamed (key, row hash) pages');
    });

    it('different declarations, or portableHash, use md5-64; the verdict is the same', async () => {
      const table = uniqueName('native_decl');
      const [sd, td] = engine === 'postgres' ? ['text', 'varchar(40)'] : ['decimal(12,2)', 'decimal(12,3)'];
      await s.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, v ${sd})`);
      await t.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, v ${td})`);
      await s.insert(table, ['id', 'v'], [[1, '1.5'], [2, '2.25']]);
      await t.insert(table, ['id', 'v'], [[1, engine === 'postgres' ? '1.5' : '1.500'], [2, '2.26']]);
      const r = await runVerify({ source: s.store, target: t.store, table });
      assert.equal(r.rowHash, 'md5-64');
      assert.deepEqual(summary(r.diffs), ['changed 2 [v]']);

      const same = uniqueName('native_portable');
      for (const side of [s, t]) {
        await side.exec(`CREATE TABLE ${same} (id int PRIMARY KEY, v varchar(10))`);
        await side.insert(same, ['id', 'v'], [[1, 'a'], [2, 'b']]);
      }
      const portable = await runVerify({ source: s.store, target: t.store, table: same, portableHash: true });
      assert.equal(portable.rowHash, 'md5-64');
      assert.equal(portable.verdict, 'consistent');
      const fast = await runVerify({ source: s.store, target: t.store, table: same });
      assert.equal(fast.rowHash, spec.algo);
      assert.notEqual(fast.source.root, portable.source.root, 'the two algorithms give different roots for the same rows');
    });
  });
}

describe('native row hash: a nondeterministic PostgreSQL collation takes md5-64', () => {
  let s: Side;
  let t: Side;
  before(async () => {
    s = await createSide('postgres');
    t = await createSide('postgres');
  });
  after(async () => {
    await s.close();
    await t.close();
  });

  it("a case-insensitive collation hashes 'a' and 'A' alike natively, so the pair uses md5-64 and finds the change", async () => {
    const table = uniqueName('native_ci');
    for (const side of [s, t]) {
      await side.exec("CREATE COLLATION IF NOT EXISTS ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)");
      await side.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, v text COLLATE ci)`);
    }
    await s.insert(table, ['id', 'v'], [[1, 'Apple'], [2, 'pear']]);
    await t.insert(table, ['id', 'v'], [[1, 'apple'], [2, 'pear']]);
    const r = await runVerify({ source: s.store, target: t.store, table });
    assert.equal(r.rowHash, 'md5-64');
    assert.deepEqual(summary(r.diffs), ['changed 1 [v]']);
  });
});
