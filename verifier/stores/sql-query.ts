// SQL text of the store queries, composed from a dialect's fragments: key order, range conditions, canonical
// select lists, row-hash fields and the bucket expression of a partition. No engine name appears here.
import { SyncwatchError } from '../../lib/errors.js';
import { encodeValue, type CanonicalField } from '../canonical/encode.js';
import { describeType } from '../canonical/logical-type.js';
import type { KeyRange, KeyTuple } from '../key-range.js';
import { partitionBounds, type Partition } from '../partition.js';
import type { CanonicalRow } from '../row-diff.js';
import type { ReadColumn, ReadSpec } from '../store.js';
import type { NativeHashDialect, SqlDialect } from './sql-dialect.js';

/** Bind parameters in the order their placeholders appear in the SQL text. */
export class Params {
  readonly values: unknown[] = [];
  readonly #dialect: SqlDialect;
  constructor(dialect: SqlDialect) {
    this.#dialect = dialect;
  }
  add(value: unknown): string {
    this.values.push(value);
    return this.#dialect.placeholder(this.values.length);
  }
}

export function canonicalOf(d: SqlDialect, rc: ReadColumn): string | null {
  return d.canonical(rc.column, rc.as);
}

/** The key's ordering expressions; a key column without a SQL canonical form cannot be ordered by bytes. */
export function keyOrders(d: SqlDialect, spec: ReadSpec): string[] {
  return spec.columns.slice(0, spec.keyCount).map((rc) => {
    const canon = canonicalOf(d, rc);
    if (canon === null) {
      throw new SyncwatchError('SW_VERIFY_SCHEMA_MISMATCH', `${spec.table}.${rc.column.name}: a ${describeType(rc.as)} column cannot be a verification key; choose another with --key`);
    }
    return d.keyOrder(rc.as, d.quoteIdent(rc.column.name), canon);
  });
}

export function tupleCompare(d: SqlDialect, spec: ReadSpec, op: '>=' | '<' | '>', key: KeyTuple, params: Params): string {
  const exprs = keyOrders(d, spec);
  const ps = exprs.map((_, i) => d.keyParam(spec.columns[i]?.as ?? { kind: 'text' }, params.add(key[i])));
  return exprs.length === 1 ? `${exprs[0] ?? ''} ${op} ${ps[0] ?? ''}` : `(${exprs.join(', ')}) ${op} (${ps.join(', ')})`;
}

/** The range bounds and the side's row filter, as WHERE conditions. */
export function rangeConditions(d: SqlDialect, spec: ReadSpec, range: KeyRange, params: Params): string[] {
  const out: string[] = spec.filter === undefined ? [] : [`(${spec.filter})`];
  if (range.lower !== null) out.push(tupleCompare(d, spec, '>=', range.lower, params));
  if (range.upper !== null) out.push(tupleCompare(d, spec, '<', range.upper, params));
  return out;
}

export function whereClause(conditions: readonly string[]): string {
  return conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
}

/** Select-list items c0..cN: the canonical expression where there is one, else the raw column. */
export function selectList(d: SqlDialect, spec: ReadSpec): string {
  return spec.columns.map((rc, i) => `${canonicalOf(d, rc) ?? d.raw(rc.column)} AS c${i}`).join(', ');
}

/** The row-text fields of the spec's columns; every column must have a SQL canonical form. */
export function hashFields(d: SqlDialect, spec: ReadSpec): string[] {
  return spec.columns.map((rc) => {
    const canon = canonicalOf(d, rc);
    if (canon === null) throw new SyncwatchError('SW_INTERNAL', `${spec.table}.${rc.column.name} has no SQL canonical form; stream this chunk instead`);
    return d.field(canon);
  });
}

/** The spec's native hash dialect; run.ts sets `rowHash` only after this store said it has that hash. */
function nativeOf(d: SqlDialect, spec: ReadSpec): NativeHashDialect | undefined {
  if (spec.rowHash === undefined) return undefined;
  if (d.native?.algo !== spec.rowHash) throw new SyncwatchError('SW_INTERNAL', `${d.kind} cannot compute the ${spec.rowHash} row hash`);
  return d.native;
}

/** The row-hash sum of the spec's rows: its native hash when set, else md5-64 of the canonical rows. */
export function hashSumOf(d: SqlDialect, spec: ReadSpec): string {
  const native = nativeOf(d, spec);
  return native === undefined ? d.hashSum(hashFields(d, spec)) : native.hashSum(spec.columns.map((rc) => rc.column));
}

/** One row's hash as 16 lowercase hex digits, under the same algorithm as `hashSumOf`. */
export function rowHashHexOf(d: SqlDialect, spec: ReadSpec): string {
  const native = nativeOf(d, spec);
  return native === undefined ? d.rowHashHex(hashFields(d, spec)) : native.rowHashHex(spec.columns.map((rc) => rc.column));
}

/** One row's hash as the dialect's integer-key page carries it, or undefined where it has none. */
export function pageHashOf(d: SqlDialect, spec: ReadSpec): string | undefined {
  const native = nativeOf(d, spec);
  return native === undefined ? d.pageHash?.(hashFields(d, spec)) : native.pageHash?.(spec.columns.map((rc) => rc.column));
}

/** Select-list items c0..c(k-1) holding the canonical key texts. */
export function keySelectList(d: SqlDialect, spec: ReadSpec): string {
  return spec.columns.slice(0, spec.keyCount).map((rc, i) => `${canonicalOf(d, rc) ?? ''} AS c${i}`).join(', ');
}

/** Whether the key is one column of an integer type compared as an integer (key arithmetic, integer pages, `intKeyIn`). */
export function singleIntKey(spec: ReadSpec): boolean {
  const only = spec.columns[0];
  return spec.keyCount === 1 && only?.as.kind === 'int' && only.column.type.kind === 'int';
}

/** `key IN (…)` for a batch of keys, compared exactly as range bounds are (tuple form for composite keys). */
export function keyInList(d: SqlDialect, spec: ReadSpec, keys: readonly KeyTuple[], params: Params): string {
  const exprs = keyOrders(d, spec);
  if (d.intKeyIn !== undefined && singleIntKey(spec)) {
    return d.intKeyIn(exprs[0] ?? '', params.add(keys.map((k) => k[0] ?? '')));
  }
  const tuple = (key: KeyTuple): string => {
    const ps = exprs.map((_, i) => d.keyParam(spec.columns[i]?.as ?? { kind: 'text' }, params.add(key[i])));
    return exprs.length === 1 ? ps[0] ?? '' : `(${ps.join(', ')})`;
  };
  const lhs = exprs.length === 1 ? exprs[0] ?? '' : `(${exprs.join(', ')})`;
  return `${lhs} IN (${keys.map(tuple).join(', ')})`;
}

/**
 * The piece number of a row under `p`: a CASE tree that binary-searches the cut points (log2(pieces)
 * comparisons per row, each the same tuple comparison as a range bound).
 */
export function bucketExpr(d: SqlDialect, spec: ReadSpec, p: Partition, params: Params): string {
  const bounds = partitionBounds(p);
  const tree = (lo: number, hi: number): string => {
    if (lo === hi) return String(lo);
    const mid = (lo + hi) >> 1;
    // bounds[mid] separates piece mid from piece mid + 1; placeholders are added in SQL text order.
    const cond = tupleCompare(d, spec, '<', bounds[mid] ?? [], params);
    const left = tree(lo, mid);
    return `CASE WHEN ${cond} THEN ${left} ELSE ${tree(mid + 1, hi)} END`;
  };
  return tree(0, bounds.length);
}

export function asText(v: unknown): CanonicalField {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  // Binary-collated expressions come back as bytes; canonical expressions are always valid UTF-8 text.
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  throw new SyncwatchError('SW_INTERNAL', `a canonical SQL expression returned ${typeof v}`);
}

/**
 * The row mapper of a query's result: canonical SQL columns are taken as text, the others encoded in-process.
 * Built once per query — it runs per row, so nothing is derived again per value.
 */
export function canonicalRowMapper(d: SqlDialect, spec: ReadSpec): (row: Record<string, unknown>) => CanonicalRow {
  const cols = spec.columns.map((rc, i) => ({ alias: `c${i}`, as: rc.as, inSql: canonicalOf(d, rc) !== null }));
  return (row) => {
    const out: CanonicalField[] = [];
    for (const c of cols) {
      const v = row[c.alias];
      out.push(c.inSql ? asText(v) : encodeValue(c.as, v as Parameters<typeof encodeValue>[1]));
    }
    return out;
  };
}
