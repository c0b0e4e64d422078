// What differs between SQL engines, as data and tiny fragment functions; sql-store.ts composes them into the
// digest, split and stream queries. No engine name appears in the shared code (style practice 4).
import type { Column, LogicalType } from '../canonical/logical-type.js';
import type { NativeRowHash } from '../digest.js';
import type { FixSqlWriter } from '../store.js';

export interface SqlDialect {
  /** Store kind reported to users, e.g. `postgres`. */
  readonly kind: string;
  /** Quotes one identifier (a column, or one part of `schema.table`). */
  quoteIdent(name: string): string;
  /** The bind placeholder for the `index`-th parameter (1-based). */
  placeholder(index: number): string;
  /** SQL producing the canonical text of `column` compared as `as`, or null when the engine has no portable form. */
  canonical(column: Column, as: LogicalType): string | null;
  /** SQL selecting the column's raw value, for in-process canonical encoding. */
  raw(column: Column): string;
  /** Wraps a canonical expression into its self-delimiting row field: `N` for NULL, else `<bytes>:<text>`. */
  field(canonicalExpr: string): string;
  /** The aggregate of md5-64 over rows whose canonical row text is the concatenation of `fields`. */
  hashSum(fields: readonly string[]): string;
  /** One row's md5-64 as 16 lowercase hex digits (the first 8 bytes of MD5 of the row text). */
  rowHashHex(fields: readonly string[]): string;
  /** SQL ordering a key column by value (numbers) or by the bytes of its canonical text (everything else). */
  keyOrder(as: LogicalType, column: string, canonicalExpr: string): string;
  /** The bind parameter compared against `keyOrder` (e.g. cast to binary where the key is binary). */
  keyParam(as: LogicalType, placeholder: string): string;
  /** Lowercase hex of the UTF-8 bytes of a text expression (an ASCII-only form of any text). */
  hexOfText(expr: string): string;
  /**
   * An aggregate joining, in the order of the `orderBy` columns, each row's `parts` with ',' and the rows with
   * ';' into one text — so that a page of (key, row hash) rows crosses the wire and the driver as ONE value.
   */
  packRows(parts: readonly string[], orderBy: readonly string[]): string;
  /**
   * A cheaper page for a single integer key: the rows in input order, which need not be key order (pages are
   * sorted in-process), so the aggregate sorts nothing; `rowHash` is `pageHash`. `binary`: 16 bytes per row (the
   * key, then the row hash, each a big-endian int64); `hash-bytes`: the key's decimal text, ',' and the row hash's
   * 8 big-endian bytes, nothing between rows.
   */
  readonly intKeyPage?: { readonly format: 'binary' | 'hash-bytes'; pack(key: string, rowHash: string): string } | undefined;
  /** One row's md5-64 as `intKeyPage` carries it: a signed int64 (binary) or 8 bytes (hash-bytes); the bits of `rowHashHex`. */
  pageHash?(fields: readonly string[]): string;
  /** `column IN (keys)` for a single integer key as ONE array parameter, where the engine has arrays (fewer parameters to bind and parse). */
  intKeyIn?(column: string, placeholder: string): string;
  /** Decimal text of an integer expression (an aggregate such as MIN(c)). */
  intText(expr: string): string;
  /** A query whose one row's `n` is the table's estimated row count from statistics (`table` as given by the user). */
  rowEstimate?(table: string): { readonly sql: string; readonly params: readonly unknown[] };

  /** How fix SQL is written for this engine. */
  readonly fix: FixSqlFragments;
  /** The engine's own row hash for same-engine pairs (canonical/SPEC.md, "Native row hashes"), if it has one. */
  readonly native?: NativeHashDialect | undefined;
}

/** SQL of an engine-native 64-bit row hash over raw column values. */
export interface NativeHashDialect {
  readonly algo: NativeRowHash;
  /** A query whose one row's `ok` column is true (or 1) when the server has the functions; it never fails. */
  readonly probe: string;
  /** Whether the column, compared as `as`, can be part of the native row hash (equal hash ⇔ equal canonical text). */
  supports(column: Column, as: LogicalType): boolean;
  /** The aggregate of the row hashes of `columns` (decimal text of an integer, reduced mod 2^64 in-process). */
  hashSum(columns: readonly Column[]): string;
  /** One row's hash as 16 lowercase hex digits (the unsigned 64-bit value). */
  rowHashHex(columns: readonly Column[]): string;
  /** One row's hash as `intKeyPage` carries it (same bits as `rowHashHex`). */
  pageHash?(columns: readonly Column[]): string;
}

/**
 * The engine-specific part of fix SQL; sql-store.ts adds quoting, table names, INSERT, and the standard UPDATE and
 * DELETE where an engine does not write its own.
 */
export type FixSqlFragments = Pick<FixSqlWriter, 'begin' | 'end' | 'literal'> & Partial<Pick<FixSqlWriter, 'update' | 'delete'>>;

/** `schema.table` → [schema, table]; a bare `table` → [null, table] (the connection's own schema). */
export function splitTable(table: string): [schema: string | null, name: string] {
  const parts = table.split('.');
  return parts.length > 1 ? [parts[0] ?? '', parts.slice(1).join('.')] : [null, table];
}

/** Quotes `schema.table` or `table` part by part. */
export function quoteTable(dialect: SqlDialect, table: string): string {
  return table.split('.').map((part) => dialect.quoteIdent(part)).join('.');
}
