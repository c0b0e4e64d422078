// The shared core of SQL stores: runs the digest, partition, split and stream queries (built in sql-query.ts
// from a dialect's fragments) through a minimal executor. Engines differ only in dialect, type map and connection.
import { SyncwatchError } from '../../lib/errors.js';
import { mod64, EMPTY_DIGEST, combineDigests, type ChunkDigest, type NativeRowHash } from '../digest.js';
import { parseBinaryIntPage, parseKeyHashBytesPage, parseTextPage, type HashPage } from '../hash-page.js';
import { FULL_RANGE, type KeyRange, type KeyTuple } from '../key-range.js';
import { pieceCount } from '../partition.js';
import type { CanonicalRow } from '../row-diff.js';
import type { CallOptions, FixSqlWriter, KeySpan, ReadSpec, Store, StoreHealth, StreamOptions, TableDescription } from '../store.js';
import { quoteTable, type SqlDialect } from './sql-dialect.js';
import {
  Params, asText, bucketExpr, canonicalOf, canonicalRowMapper, hashSumOf, rowHashHexOf, pageHashOf, keyInList, keyOrders, keySelectList, rangeConditions, selectList, singleIntKey, tupleCompare, whereClause,
} from './sql-query.js';

/** The smallest thing a SQL store needs from a connection pool. */
export interface SqlExecutor {
  /** Runs one statement with bind parameters; rows are plain objects keyed by column alias. */
  query(sql: string, params: readonly unknown[], options?: CallOptions): Promise<Record<string, unknown>[]>;
  check(): Promise<StoreHealth>;
  close(): Promise<void>;
}

export interface SqlStoreParts {
  readonly dialect: SqlDialect;
  readonly executor: SqlExecutor;
  readonly displayUrl: string;
  /** The qualified, quoted name of a table; defaults to the quoted `schema.table`. */
  readonly qualify?: ((table: string) => string) | undefined;
  /** Text appended to the table in FROM, e.g. ClickHouse's ` FINAL`; empty by default. */
  readonly readModifier?: ((table: string) => string) | undefined;
  describe(table: string, options?: CallOptions): Promise<TableDescription>;
}

export const DEFAULT_BATCH_SIZE = 5_000;
/** Key + hash rows are small: larger pages mean fewer round trips when whole ranges are streamed. */
const HASH_BATCH_SIZE = 20_000;
/** Hex text keys can be long; smaller pages keep one packed page well under the servers' packet limits. */
const TEXT_KEY_HASH_BATCH_SIZE = 2_000;
/** Keys per `IN (…)` lookup. */
const FETCH_BATCH_SIZE = 1_000;
const EMPTY_PAGE = parseTextPage('', 0, [], false);

function digestOf(row: Record<string, unknown> | undefined): ChunkDigest {
  const s = row?.['s'];
  return { count: Number(row?.['n'] ?? 0), hash: s === null || s === undefined ? 0n : mod64(BigInt(asText(s) ?? '0')) };
}

function bigintOrNull(v: unknown): bigint | null {
  const t = asText(v);
  return t === null ? null : BigInt(t);
}

/** Builds a Store from an engine's dialect, executor and describe function. */
export function createSqlStore(parts: SqlStoreParts): Store {
  const { dialect: d, executor } = parts;
  const qualify = parts.qualify ?? ((table: string): string => quoteTable(d, table));
  const from = (table: string): string => `${qualify(table)}${parts.readModifier?.(table) ?? ''}`;
  let nativeProbe: Promise<boolean> | undefined;
  const fixSql: FixSqlWriter = {
    ...d.fix,
    table: qualify,
    quoteIdent: (name) => d.quoteIdent(name),
    insert: (table, columns, values) => `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${values.join(', ')});`,
    update: d.fix.update ?? ((table, assignments, where) => `UPDATE ${table} SET ${assignments.join(', ')} WHERE ${where};`),
    delete: d.fix.delete ?? ((table, where) => `DELETE FROM ${table} WHERE ${where};`),
  };

  /**
   * Keyset pagination: `read` runs one batch of at most `batchSize` rows under `where` (the range, and keys after
   * the last batch's last key). Each batch is a short statement, so a stop between batches holds no open cursor.
   */
  async function* keysetPages<P extends { readonly length: number }>(
    spec: ReadSpec, range: KeyRange, batchSize: number, options: StreamOptions,
    read: (where: string, params: Params) => Promise<P>, lastKey: (page: P) => KeyTuple,
  ): AsyncGenerator<P> {
    let after: KeyTuple | null = null;
    for (;;) {
      options.signal?.throwIfAborted();
      const params = new Params(d);
      const conditions = rangeConditions(d, spec, range, params);
      if (after !== null) conditions.push(tupleCompare(d, spec, '>', after, params));
      const page = await read(whereClause(conditions), params);
      if (page.length > 0) yield page;
      if (page.length < batchSize) return;
      after = lastKey(page);
    }
  }

  return {
    kind: d.kind,
    displayUrl: parts.displayUrl,
    describe: (table, options) => parts.describe(table, options),

    canDigestInDatabase: (spec) => spec.columns.every((rc) => canonicalOf(d, rc) !== null),

    async nativeRowHash(spec, options): Promise<NativeRowHash | null> {
      const native = d.native;
      if (native === undefined || !spec.columns.every((rc) => native.supports(rc.column, rc.as))) return null;
      // Asked once per store; a probe that cannot run (e.g. a dropped connection) only means "use md5-64".
      nativeProbe ??= executor.query(native.probe, [], options).then((rows) => {
        const ok = rows[0]?.['ok'];
        return ok === true || Number(asText(ok)) === 1;
      }, () => false);
      return (await nativeProbe) ? native.algo : null;
    },

    canSplitByArithmetic: (spec) => singleIntKey(spec),

    async splitKeySpace(spec, range, everyRows, options): Promise<KeyTuple[]> {
      if (!Number.isInteger(everyRows) || everyRows < 1) throw new RangeError(`everyRows must be a positive integer, got ${everyRows}`);
      const params = new Params(d);
      const keyCols = spec.columns.slice(0, spec.keyCount);
      const sql = `SELECT ${keyCols.map((_, i) => `c${i}`).join(', ')} FROM (SELECT ${keySelectList(d, spec)}, ROW_NUMBER() OVER (ORDER BY ${keyOrders(d, spec).join(', ')}) AS rn FROM ${from(spec.table)}${whereClause(rangeConditions(d, spec, range, params))}) s WHERE MOD(rn - 1, ${everyRows}) = 0 AND rn > 1 ORDER BY rn`;
      const rows = await executor.query(sql, params.values, options);
      return rows.map((r) => keyCols.map((_, i) => asText(r[`c${i}`]) ?? ''));
    },

    async digestChunk(spec, range, options): Promise<ChunkDigest> {
      const params = new Params(d);
      const sql = `SELECT COUNT(*) AS n, ${hashSumOf(d, spec)} AS s FROM ${from(spec.table)}${whereClause(rangeConditions(d, spec, range, params))}`;
      const [row] = await executor.query(sql, params.values, options);
      return digestOf(row);
    },

    async keySpan(spec, range, options = {}): Promise<KeySpan> {
      const key = d.quoteIdent(spec.columns[0]?.column.name ?? '');
      // A whole unfiltered table's row count is in its statistics: no scan of every row just to size the leaves.
      const estimate = options.count === 'estimate' && spec.filter === undefined && range.lower === null && range.upper === null ? d.rowEstimate?.(spec.table) : undefined;
      const span = async (count: boolean): Promise<KeySpan> => {
        const params = new Params(d);
        const sql = `SELECT ${d.intText(`MIN(${key})`)} AS lo, ${d.intText(`MAX(${key})`)} AS hi${count ? ', COUNT(*) AS n' : ''} FROM ${from(spec.table)}${whereClause(rangeConditions(d, spec, range, params))}`;
        const [row] = await executor.query(sql, params.values, options);
        return { min: bigintOrNull(row?.['lo']), max: bigintOrNull(row?.['hi']), count: count ? Number(row?.['n'] ?? 0) : undefined };
      };
      if (estimate === undefined) return span(options.count !== undefined && options.count !== false);
      // One statement at a time: a snapshot session is a single connection.
      const [stats] = await executor.query(estimate.sql, estimate.params, options);
      const n = Number(asText(stats?.['n']) ?? 0);
      // No statistics yet (PostgreSQL -1, InnoDB 0 before its first sample): count after all.
      if (!(n > 0)) return span(true);
      return { ...(await span(false)), count: n };
    },

    async digestPartition(spec, partition, options): Promise<ChunkDigest[]> {
      const params = new Params(d);
      // Placeholders are numbered in text order: the bucket expression comes before the WHERE clause.
      const bucket = bucketExpr(d, spec, partition, params);
      const hash = hashSumOf(d, spec);
      const where = whereClause(rangeConditions(d, spec, partition.range, params));
      const sql = `SELECT ${bucket} AS g, COUNT(*) AS n, ${hash} AS s FROM ${from(spec.table)}${where} GROUP BY 1`;
      const out: ChunkDigest[] = Array.from({ length: pieceCount(partition) }, () => EMPTY_DIGEST);
      for (const row of await executor.query(sql, params.values, options)) {
        const i = Number(asText(row['g']) ?? 0);
        out[i] = combineDigests(out[i] ?? EMPTY_DIGEST, digestOf(row));
      }
      return out;
    },

    streamRows(spec, range, options: StreamOptions = {}): AsyncGenerator<readonly CanonicalRow[]> {
      const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
      const toRow = canonicalRowMapper(d, spec);
      const select = selectList(d, spec);
      const orders = keyOrders(d, spec).join(', ');
      const sql = (where: string): string => `SELECT ${select} FROM ${from(spec.table)}${where} ORDER BY ${orders} LIMIT ${batchSize}`;
      return keysetPages(spec, range, batchSize, options,
        async (where, params) => (await executor.query(sql(where), params.values, options)).map(toRow),
        (rows) => (rows.at(-1) ?? []).slice(0, spec.keyCount).map((v) => v ?? ''));
    },

    async *streamRowHashes(spec, range, options: StreamOptions = {}): AsyncGenerator<HashPage> {
      const keyCols = spec.columns.slice(0, spec.keyCount);
      const intKey = singleIntKey(spec);
      // Text keys travel as hex so that no key can contain the ',' and ';' that delimit a packed page.
      const hexKey = keyCols.map((rc) => rc.as.kind === 'text');
      const orders = keyOrders(d, spec);
      const pageHash = intKey ? pageHashOf(d, spec) : undefined;
      const intPage = pageHash === undefined ? undefined : d.intKeyPage;
      let inner: string;
      let pack: string;
      if (intPage !== undefined && pageHash !== undefined) {
        inner = `${d.quoteIdent(keyCols[0]?.column.name ?? '')} AS k0, ${pageHash} AS h`;
        pack = intPage.pack('k0', 'h');
      } else {
        const parts = keyCols.map((rc, i) => `${hexKey[i] === true ? d.hexOfText(canonicalOf(d, rc) ?? '') : canonicalOf(d, rc) ?? ''} AS k${i}`);
        inner = `${parts.join(', ')}, ${rowHashHexOf(d, spec)} AS h, ${orders.map((o, i) => `${o} AS o${i}`).join(', ')}`;
        pack = d.packRows([...keyCols.map((_, i) => `k${i}`), 'h'], orders.map((_, i) => `o${i}`));
      }
      const batchSize = options.batchSize ?? (hexKey.includes(true) ? TEXT_KEY_HASH_BATCH_SIZE : HASH_BATCH_SIZE);
      const read = async (where: string, params: Params): Promise<HashPage> => {
        const sql = `SELECT ${pack} AS p, COUNT(*) AS n FROM (SELECT ${inner} FROM ${from(spec.table)}${where} ORDER BY ${orders.join(', ')} LIMIT ${batchSize}) s`;
        const [row] = await executor.query(sql, params.values, options);
        const count = Number(row?.['n'] ?? 0);
        const p = row?.['p'];
        const bytes = (): Uint8Array => (p instanceof Uint8Array ? p : new Uint8Array());
        const page = count === 0 ? EMPTY_PAGE
          : intPage?.format === 'binary' ? parseBinaryIntPage(bytes())
            : intPage?.format === 'hash-bytes' ? parseKeyHashBytesPage(bytes(), count)
              : parseTextPage(asText(p) ?? '', count, hexKey, intKey);
        // A page cut short (e.g. by a server-side length limit) must never pass for fewer rows.
        if (page.length !== count) throw new SyncwatchError('SW_INTERNAL', `${spec.table}: a packed page held ${page.length} of ${count} rows`);
        return page;
      };
      yield* keysetPages(spec, range, batchSize, options, read, (page) => page.key(page.length - 1));
    },

    async fetchRows(spec, keys, options): Promise<CanonicalRow[]> {
      const out: CanonicalRow[] = [];
      const toRow = canonicalRowMapper(d, spec);
      for (let i = 0; i < keys.length; i += FETCH_BATCH_SIZE) {
        const params = new Params(d);
        const conditions = [...rangeConditions(d, spec, FULL_RANGE, params), keyInList(d, spec, keys.slice(i, i + FETCH_BATCH_SIZE), params)];
        const sql = `SELECT ${selectList(d, spec)} FROM ${from(spec.table)}${whereClause(conditions)}`;
        for (const r of await executor.query(sql, params.values, options)) out.push(toRow(r));
      }
      return out;
    },

    fixSql,
    check: () => executor.check(),
    close: () => executor.close(),
  };
}
