// The Store contract, from the verifier's point of view: what run.ts needs from any source or target.
// One file per implementation under stores/, one line each in stores/registry.ts.
import type { CanonicalField } from './canonical/encode.js';
import type { Column, LogicalType } from './canonical/logical-type.js';
import type { ChunkDigest, NativeRowHash } from './digest.js';
import type { HashPage } from './hash-page.js';
import type { KeyRange, KeyTuple } from './key-range.js';
import type { Partition } from './partition.js';
import type { CanonicalRow } from './row-diff.js';

/** A table as a store describes it: columns in table order and the primary-key column names in key order. */
export interface TableDescription {
  readonly table: string;
  readonly columns: readonly Column[];
  /** Empty when the table has no primary key (the caller must then name a key). */
  readonly primaryKey: readonly string[];
}

/** One column to read: the store's own column and the logical type both sides are compared under. */
export interface ReadColumn {
  readonly column: Column;
  readonly as: LogicalType;
}

/** What to read from one side; the first `keyCount` columns are the key, in key order. */
export interface ReadSpec {
  readonly table: string;
  readonly columns: readonly ReadColumn[];
  readonly keyCount: number;
  /** A validated row filter (row-filter.ts): trusted SQL, ANDed into every query on this side. */
  readonly filter?: string | undefined;
  /**
   * Set by run.ts when both sides are the same engine and agreed on it: chunk digests and streamed row hashes
   * then use this engine-native row hash instead of md5-64 (keys and streamed rows stay canonical).
   */
  readonly rowHash?: NativeRowHash | undefined;
}

export interface CallOptions {
  /** Stops the work: the running statement is abandoned or cancelled and the call rejects. */
  readonly signal?: AbortSignal | undefined;
}

export interface StreamOptions extends CallOptions {
  /** Rows per yielded batch (and per round trip). @default 5000 */
  readonly batchSize?: number | undefined;
}

export interface SpanOptions extends CallOptions {
  /**
   * Also count the range's rows (a range scan; min and max alone are index lookups). `estimate`: the engine's
   * table statistics may stand in for the count when the side has no row filter (falls back to counting).
   */
  readonly count?: boolean | 'estimate' | undefined;
}

/** The smallest and largest value of a single integer key in a range; both null when the range is empty. */
export interface KeySpan {
  readonly min: bigint | null;
  readonly max: bigint | null;
  /** The range's row count, when asked for. */
  readonly count?: number | undefined;
}

/** How to write statements for this store (fix SQL): identifier quoting, literals, DML forms. */
export interface FixSqlWriter {
  /** Statements opening a fix file (session time zone, transaction); `end` closes it. */
  readonly begin: readonly string[];
  readonly end: readonly string[];
  /** The table as DML names it (qualified and quoted). */
  table(name: string): string;
  quoteIdent(name: string): string;
  /** The SQL literal that stores canonical `value` (compared as `as`) into `column`; `NULL` for null. */
  literal(column: Column, as: LogicalType, value: CanonicalField): string;
  insert(table: string, columns: readonly string[], values: readonly string[]): string;
  /** `assignments` are `"col" = literal` texts; `where` is a condition. */
  update(table: string, assignments: readonly string[], where: string): string;
  delete(table: string, where: string): string;
}

export type StoreHealth = { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly error: string };

export interface Store {
  /** The store kind, e.g. `postgres`, `mysql`, `clickhouse`. */
  readonly kind: string;
  /** The store URL with any password replaced by `***`; safe to print and to put in reports. */
  readonly displayUrl: string;
  /** Columns (with logical types) and primary key; throws SW_STORE_TABLE_NOT_FOUND or SW_STORE_UNSUPPORTED_TYPE. */
  describe(table: string, options?: CallOptions): Promise<TableDescription>;
  /** Whether `digestChunk` can run inside the database for `spec` (every column has a SQL canonical form). */
  canDigestInDatabase(spec: ReadSpec): boolean;
  /**
   * The engine-native row hash this store can compute for every column of `spec`, or null (no such hash, a
   * column it cannot cover, or a server too old). run.ts uses it only when the other side names the same one.
   */
  nativeRowHash(spec: ReadSpec, options?: CallOptions): Promise<NativeRowHash | null>;
  /**
   * Keys that cut `range` into pieces of about `everyRows` rows: the key of row everyRows+1, 2·everyRows+1, …
   * in key byte order (never the range's first row), ascending.
   */
  splitKeySpace(spec: ReadSpec, range: KeyRange, everyRows: number, options?: CallOptions): Promise<KeyTuple[]>;
  /** The range's row count and row-hash sum (md5-64, or the spec's native row hash), computed inside the database (see canonical/SPEC.md). */
  digestChunk(spec: ReadSpec, range: KeyRange, options?: CallOptions): Promise<ChunkDigest>;
  /** Whether the key is one integer column, so that ranges can be cut by arithmetic (`keySpan`, int-width partitions). */
  canSplitByArithmetic(spec: ReadSpec): boolean;
  /** Smallest and largest key in `range` (requires `canSplitByArithmetic`). */
  keySpan(spec: ReadSpec, range: KeyRange, options?: SpanOptions): Promise<KeySpan>;
  /** Every piece's digest, in piece order, computed inside the database with ONE grouped query over the partition's range. */
  digestPartition(spec: ReadSpec, partition: Partition, options?: CallOptions): Promise<ChunkDigest[]>;
  /** The range's rows as canonical fields, in batches, in strictly increasing key byte order. */
  streamRows(spec: ReadSpec, range: KeyRange, options?: StreamOptions): AsyncIterable<readonly CanonicalRow[]>;
  /** The range's keys with each row's hash (as in `digestChunk`) computed inside the database, in pages, in strictly increasing key order. */
  streamRowHashes(spec: ReadSpec, range: KeyRange, options?: StreamOptions): AsyncIterable<HashPage>;
  /** The canonical rows whose keys are in `keys` (any order; absent keys are simply not returned). */
  fetchRows(spec: ReadSpec, keys: readonly KeyTuple[], options?: CallOptions): Promise<CanonicalRow[]>;
  /** Present on stores that can receive fix SQL (every SQL store). */
  readonly fixSql?: FixSqlWriter | undefined;
  /** A cheap round trip proving the store answers. */
  check(): Promise<StoreHealth>;
  /** Releases connections; idempotent. */
  close(): Promise<void>;
}

/** Creates a store from its URL; validates the URL but does not connect yet. */
export type StoreFactory = (url: URL) => Store;
