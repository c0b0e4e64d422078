// Every Store must pass this suite: describe, key order by bytes, splitting, streaming, and — the central
// contract — an in-database chunk digest equal to the in-process reference (encode.ts + md5-64) for the same rows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeValue, rowText, type RawValue } from '../../verifier/canonical/encode.js';
import { reconcileTypes, type LogicalType } from '../../verifier/canonical/logical-type.js';
import { DigestBuilder, createRowHasher, md5Row64, type ChunkDigest, type NativeRowHash } from '../../verifier/digest.js';
import { FULL_RANGE, compareBytes, splitRange } from '../../verifier/key-range.js';
import { boundsPartition, partitionRanges, widthPartition } from '../../verifier/partition.js';
import type { CanonicalRow } from '../../verifier/row-diff.js';
import type { ReadSpec, Store, TableDescription } from '../../verifier/store.js';
import { keyHashesOf, type KeyHash } from '../../verifier/hash-page.js';

/** One engine under test: how to make a scratch database, run setup SQL in it, open a Store on it, and its DDL types. */
export interface StoreUnderTest {
  readonly name: string;
  /** Creates a scratch database; returns its URL and a drop function. */
  createDatabase(): Promise<{ url: string; drop(): Promise<void> }>;
  /** Runs setup statements (DDL, inserts with `?` placeholders) in the database at `url`. */
  exec(url: string, sql: string, params?: readonly unknown[]): Promise<void>;
  open(url: string): Store;
  /** DDL type per matrix column, and the key column type for byte-ordered text keys. */
  readonly ddl: Readonly<Record<TypeColumn, string>> & { readonly textKey: string };
  /**
   * Edge values the engine's type cannot hold at all (e.g. ClickHouse Date32 ends in 2299): such a cell is
   * stored and expected as NULL, so every other value of the row is still checked. Absent: every value fits.
   */
  readonly cannotStore?: ((column: TypeColumn, value: RawValue) => boolean) | undefined;
  /** The native row hash the store computes for same-engine pairs; absent when it has none. */
  readonly nativeRowHash?: NativeRowHash | undefined;
}

export const MATRIX = {
  i: { kind: 'int' },
  d: { kind: 'decimal', scale: 4 },
  b: { kind: 'bool' },
  ts: { kind: 'timestamp' },
  dt: { kind: 'date' },
  tm: { kind: 'time' },
  tx: { kind: 'text' },
  bt: { kind: 'bytes' },
  u: { kind: 'uuid' },
  f: { kind: 'float', bits: 64 },
  j: { kind: 'json' },
} as const satisfies Record<string, LogicalType>;
export type TypeColumn = keyof typeof MATRIX;
const COLS = Object.keys(MATRIX) as TypeColumn[];

/** Edge values per column, one per row; all engines receive the same values as bind parameters. */
export const MATRIX_ROWS: readonly Readonly<Record<TypeColumn, RawValue>>[] = [
  { i: '0', d: '0.0000', b: true, ts: '2024-02-29 23:59:59.123456', dt: '2024-02-29', tm: '00:00:00', tx: '', bt: Buffer.alloc(0), u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', f: '0', j: '{}' },
  { i: '-1', d: '1.5000', b: false, ts: '1969-12-31 23:59:59.999999', dt: '1900-03-01', tm: '23:59:59.999999', tx: ' ', bt: Buffer.from([0, 255]), u: null, f: '-0', j: '{"b": 1, "a": [1, 2]}' },
  { i: '9223372036854775807', d: '-12345678901234.5678', b: null, ts: '1900-01-01 00:00:00', dt: '1969-12-31', tm: '12:34:56.5', tx: 'a ', bt: null, u: '00000000-0000-0000-0000-000000000000', f: '1e308', j: null },
  { i: '-9223372036854775808', d: '0.0001', b: true, ts: '2038-01-19 03:14:08.000001', dt: '9999-12-31', tm: null, tx: 'Émoji 😀 e\u0301 ünï', bt: Buffer.from('abc'), u: 'ffffffff-ffff-ffff-ffff-ffffffffffff', f: '0.1', j: '[]' },
  { i: null, d: null, b: false, ts: null, dt: null, tm: '01:02:03', tx: null, bt: Buffer.from([1]), u: null, f: '2.2250738585072014e-308', j: '"s"' },
  { i: '42', d: '10', b: true, ts: '2000-01-01 00:00:00.5', dt: '2000-01-01', tm: '00:00:00.000001', tx: 'x'.repeat(5000), bt: Buffer.from([0]), u: null, f: null, j: '{"x": {"z": 1, "y": null}}' },
];

/** Keys whose byte order differs from case-insensitive, padded or UTF-16 order. */
export const TEXT_KEYS = ['a', 'B', 'b', 'a ', 'a\t', 'A', 'é', 'e\u0301', '😀', '\uFFFD', 'z', 'Z ', ''];

/** The read spec for `cols` (key first), each compared as its matrix type. */
function specFor(desc: TableDescription, cols: readonly string[], types: readonly LogicalType[], keyCount: number): ReadSpec {
  return {
    table: desc.table,
    keyCount,
    columns: cols.map((name, i) => {
      const column = desc.columns.find((c) => c.name === name);
      assert.ok(column, `column ${name} described`);
      const want = types[i] ?? { kind: 'text' };
      const as = reconcileTypes(column.type, want);
      assert.ok(as, `${name}: ${column.type.kind} comparable with ${want.kind}`);
      return { column, as: want.kind === 'float' ? want : as };
    }),
  };
}

async function collect(stream: AsyncIterable<readonly CanonicalRow[]>): Promise<CanonicalRow[]> {
  const out: CanonicalRow[] = [];
  for await (const batch of stream) out.push(...batch);
  return out;
}

async function referenceDigest(rows: readonly CanonicalRow[]): Promise<ChunkDigest> {
  const b = new DigestBuilder(await createRowHasher('md5-64'));
  for (const r of rows) b.add(r);
  return b.digest;
}

export function storeContract(sut: StoreUnderTest): void {
  describe(`Store contract: ${sut.name}`, () => {
    let db: { url: string; drop(): Promise<void> };
    let store: Store;
    const value = (row: (typeof MATRIX_ROWS)[number], c: TypeColumn): RawValue => (sut.cannotStore?.(c, row[c]) === true ? null : row[c]);
    const expected: CanonicalRow[] = MATRIX_ROWS.map((row, n) => [String(n + 1), ...COLS.map((c) => encodeValue(MATRIX[c], value(row, c)))]);
    const types: LogicalType[] = [{ kind: 'int' }, ...COLS.map((c) => MATRIX[c])];

    before(async () => {
      db = await sut.createDatabase();
      await sut.exec(db.url, `CREATE TABLE t_types (id INT PRIMARY KEY, ${COLS.map((c) => `${c} ${sut.ddl[c]}`).join(', ')})`);
      for (const [n, row] of MATRIX_ROWS.entries()) {
        await sut.exec(db.url, `INSERT INTO t_types (id, ${COLS.join(', ')}) VALUES (?${', ?'.repeat(COLS.length)})`, [n + 1, ...COLS.map((c) => value(row, c) ?? null)]);
      }
      await sut.exec(db.url, `CREATE TABLE t_keys (k ${sut.ddl.textKey} NOT NULL, n INT NOT NULL, v TEXT, PRIMARY KEY (k, n))`);
      for (const [i, k] of TEXT_KEYS.entries()) await sut.exec(db.url, 'INSERT INTO t_keys (k, n, v) VALUES (?, ?, ?), (?, ?, ?)', [k, 2, `v${i}`, k, 10, null]);
      await sut.exec(db.url, 'CREATE TABLE t_empty (id INT PRIMARY KEY, v TEXT)');
      await sut.exec(db.url, 'CREATE TABLE t_nokey (id INT, v TEXT)');
      store = sut.open(db.url);
    });
    after(async () => {
      // A failed before() may leave no store; the scratch database is dropped regardless.
      await (store as Store | undefined)?.close();
      await (db as typeof db | undefined)?.drop();
    });

    it('check() answers', async () => {
      const health = await store.check();
      assert.equal(health.ok, true, JSON.stringify(health));
    });

    it('describes columns, logical types and the primary key', async () => {
      const desc = await store.describe('t_types');
      assert.deepEqual(desc.primaryKey, ['id']);
      assert.deepEqual(desc.columns.map((c) => c.name), ['id', ...COLS]);
      for (const c of COLS) {
        const got = desc.columns.find((x) => x.name === c)?.type;
        assert.ok(got && reconcileTypes(got, MATRIX[c]), `${c}: ${JSON.stringify(got)} vs ${MATRIX[c].kind}`);
      }
      assert.deepEqual((await store.describe('t_keys')).primaryKey, ['k', 'n']);
      assert.deepEqual((await store.describe('t_nokey')).primaryKey, []);
      await assert.rejects(store.describe('no_such_table'), (e: { code?: string }) => e.code === 'SW_STORE_TABLE_NOT_FOUND');
    });

    it('streams every type in canonical form, equal to the in-process encoding', async () => {
      const desc = await store.describe('t_types');
      const spec = specFor(desc, ['id', ...COLS], types, 1);
      assert.equal(store.canDigestInDatabase(spec), false, 'float and json have no portable SQL form');
      const rows = await collect(store.streamRows(spec, FULL_RANGE, { batchSize: 4 }));
      assert.deepEqual(rows, expected);
    });

    it('the in-database digest equals the in-process md5-64 reference for the same canonical rows', async () => {
      const portable = COLS.filter((c) => c !== 'f' && c !== 'j');
      const spec = specFor(await store.describe('t_types'), ['id', ...portable], [{ kind: 'int' }, ...portable.map((c) => MATRIX[c])], 1);
      assert.equal(store.canDigestInDatabase(spec), true);
      const idx = [0, ...portable.map((c) => COLS.indexOf(c) + 1)];
      const rows = expected.map((r) => idx.map((i) => r[i] ?? null));
      assert.deepEqual(await store.digestChunk(spec, FULL_RANGE), await referenceDigest(rows));
      assert.deepEqual(await store.digestChunk(spec, { lower: ['3'], upper: ['5'] }), await referenceDigest(rows.slice(2, 4)));
      // Streamed row hashes of an integer key (binary pages where the engine has them) are the same md5-64 values.
      const hashes: KeyHash[] = [];
      for await (const batch of store.streamRowHashes(spec, FULL_RANGE, { batchSize: 4 })) hashes.push(...keyHashesOf(batch));
      assert.deepEqual(hashes, rows.map((r) => ({ key: r.slice(0, 1), hash: md5Row64(rowText(r)).toString(16).padStart(16, '0') })));
    });

    it('a native row hash (same-engine pairs) is self-consistent; float and json columns have none', async () => {
      const desc = await store.describe('t_types');
      const own = (cols: readonly string[]): ReadSpec => specFor(desc, cols, cols.map((c) => desc.columns.find((x) => x.name === c)?.type ?? { kind: 'text' }), 1);
      const portable = ['id', ...COLS.filter((c) => c !== 'f' && c !== 'j')];
      const algo = await store.nativeRowHash(own(portable));
      assert.equal(algo, sut.nativeRowHash ?? null);
      assert.equal(await store.nativeRowHash(own(['id', 'f'])), null);
      // MariaDB's JSON is LONGTEXT: it describes (and hashes) as text there.
      if (desc.columns.find((c) => c.name === 'j')?.type.kind === 'json') assert.equal(await store.nativeRowHash(own(['id', 'j'])), null);
      if (algo === null) return;
      const spec: ReadSpec = { ...own(portable), rowHash: algo };
      const hashes: KeyHash[] = [];
      for await (const batch of store.streamRowHashes(spec, FULL_RANGE, { batchSize: 4 })) hashes.push(...keyHashesOf(batch));
      assert.deepEqual(hashes.map((h) => h.key), expected.map((r) => r.slice(0, 1)));
      assert.ok(hashes.every((h) => /^[0-9a-f]{16}$/.test(h.hash)), JSON.stringify(hashes));
      assert.equal(new Set(hashes.map((h) => h.hash)).size, hashes.length, 'different rows, different hashes');
      const sum = (hs: readonly KeyHash[]): bigint => hs.reduce((a, h) => (a + BigInt(`0x${h.hash}`)) % (1n << 64n), 0n);
      assert.deepEqual(await store.digestChunk(spec, FULL_RANGE), { count: 6, hash: sum(hashes) });
      assert.deepEqual(await store.digestChunk(spec, { lower: ['3'], upper: ['5'] }), { count: 2, hash: sum(hashes.slice(2, 4)) });
      const p = widthPartition(FULL_RANGE, 1n, 6n, 4n);
      assert.deepEqual(await store.digestPartition(spec, p), await Promise.all(partitionRanges(p, [{ kind: 'int' }]).map((r) => store.digestChunk(spec, r))));
      assert.notDeepEqual(await store.digestChunk(spec, FULL_RANGE), await store.digestChunk(own(portable), FULL_RANGE), 'not md5-64');
    });

    it('orders and bounds string keys by bytes, composite keys column by column', async () => {
      const spec = specFor(await store.describe('t_keys'), ['k', 'n', 'v'], [{ kind: 'text' }, { kind: 'int' }, { kind: 'text' }], 2);
      const want = [...TEXT_KEYS].sort(compareBytes).flatMap((k) => [[k, '2'], [k, '10']]);
      const rows = await collect(store.streamRows(spec, FULL_RANGE, { batchSize: 3 }));
      assert.deepEqual(rows.map((r) => r.slice(0, 2)), want);
      const bounds = await store.splitKeySpace(spec, FULL_RANGE, 5);
      assert.deepEqual(bounds, [want[5], want[10], want[15], want[20], want[25]]);
      const pieces = splitRange(FULL_RANGE, bounds, [{ kind: 'text' }, { kind: 'int' }]);
      const digests = await Promise.all(pieces.map((p) => store.digestChunk(spec, p)));
      assert.deepEqual(digests.map((d) => d.count), [5, 5, 5, 5, 5, 1]);
      const total = await store.digestChunk(spec, FULL_RANGE);
      assert.equal(digests.reduce((a, d) => (a + d.hash) % (1n << 64n), 0n), total.hash);
      assert.deepEqual(total, await referenceDigest(rows));
    });

    it('an integer key: span by index lookups, int-width partitions digest each piece like its range query', async () => {
      const portable = COLS.filter((c) => c !== 'f' && c !== 'j');
      const spec = specFor(await store.describe('t_types'), ['id', ...portable], [{ kind: 'int' }, ...portable.map((c) => MATRIX[c])], 1);
      assert.equal(store.canSplitByArithmetic(spec), true);
      assert.deepEqual(await store.keySpan(spec, FULL_RANGE, { count: true }), { min: 1n, max: 6n, count: 6 });
      const estimated = await store.keySpan(spec, FULL_RANGE, { count: 'estimate' });
      assert.deepEqual([estimated.min, estimated.max], [1n, 6n]);
      assert.ok((estimated.count ?? 0) > 0, `statistics, or a count where there are none: ${String(estimated.count)}`);
      assert.equal((await store.keySpan({ ...spec, filter: 'id > 2' }, FULL_RANGE, { count: 'estimate' })).count, 4, 'a filtered side is counted');
      assert.deepEqual(await store.keySpan(spec, { lower: ['3'], upper: ['5'] }), { min: 3n, max: 4n, count: undefined });
      assert.deepEqual(await store.keySpan(spec, { lower: ['7'], upper: null }), { min: null, max: null, count: undefined });
      for (const width of [1n, 4n, 100n]) {
        const p = widthPartition(FULL_RANGE, 1n, 6n, width);
        const pieces = partitionRanges(p, [{ kind: 'int' }]);
        assert.deepEqual(await store.digestPartition(spec, p), await Promise.all(pieces.map((r) => store.digestChunk(spec, r))), `width ${width}`);
      }
      const text = specFor(await store.describe('t_keys'), ['k', 'n', 'v'], [{ kind: 'text' }, { kind: 'int' }, { kind: 'text' }], 2);
      assert.equal(store.canSplitByArithmetic(text), false);
    });

    it('bounds partitions: one grouped query gives every piece its digest', async () => {
      const spec = specFor(await store.describe('t_keys'), ['k', 'n', 'v'], [{ kind: 'text' }, { kind: 'int' }, { kind: 'text' }], 2);
      const types: LogicalType[] = [{ kind: 'text' }, { kind: 'int' }];
      const p = boundsPartition(FULL_RANGE, await store.splitKeySpace(spec, FULL_RANGE, 4), types);
      const pieces = partitionRanges(p, types);
      assert.equal(pieces.length, 7);
      assert.deepEqual(await store.digestPartition(spec, p), await Promise.all(pieces.map((r) => store.digestChunk(spec, r))));
    });

    it('row hashes stream in key order and equal the in-process md5-64; rows are fetched by exact key', async () => {
      const spec = specFor(await store.describe('t_keys'), ['k', 'n', 'v'], [{ kind: 'text' }, { kind: 'int' }, { kind: 'text' }], 2);
      const rows = await collect(store.streamRows(spec, FULL_RANGE));
      const hashes: KeyHash[] = [];
      for await (const batch of store.streamRowHashes(spec, FULL_RANGE, { batchSize: 7 })) hashes.push(...keyHashesOf(batch));
      assert.deepEqual(hashes, rows.map((r) => ({ key: r.slice(0, 2), hash: md5Row64(rowText(r)).toString(16).padStart(16, '0') })));
      const wanted = [['a ', '2'], ['😀', '10'], ['A', '2'], ['a', '99']];
      const fetched = await store.fetchRows(spec, wanted);
      const keyText = (r: readonly (string | null)[]): string => JSON.stringify(r.slice(0, 2));
      assert.deepEqual(fetched.map(keyText).sort(), wanted.slice(0, 3).map(keyText).sort(), 'exact bytes: no case or pad-space folding');
      for (const r of fetched) assert.deepEqual(r, rows.find((x) => keyText(x) === keyText(r)));
    });

    it('an empty table has an empty digest, no split keys and no rows', async () => {
      const spec = specFor(await store.describe('t_empty'), ['id', 'v'], [{ kind: 'int' }, { kind: 'text' }], 1);
      assert.deepEqual(await store.digestChunk(spec, FULL_RANGE), { count: 0, hash: 0n });
      assert.deepEqual(await store.splitKeySpace(spec, FULL_RANGE, 10), []);
      assert.deepEqual(await collect(store.streamRows(spec, FULL_RANGE)), []);
    });

    it('an aborted stream rejects and releases its connection', async () => {
      const spec = specFor(await store.describe('t_keys'), ['k', 'n', 'v'], [{ kind: 'text' }, { kind: 'int' }, { kind: 'text' }], 2);
      const ac = new AbortController();
      ac.abort();
      await assert.rejects(collect(store.streamRows(spec, FULL_RANGE, { signal: ac.signal })));
      assert.equal((await store.check()).ok, true);
    });
  });
}
