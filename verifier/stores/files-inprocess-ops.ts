// The Store operations that a store without a query engine (file trees, Redis) derives from one ordered row
// stream: key sampling, chunk digests, row hashes, keyed fetches. Every figure is computed in this process, with
// the same canonical row text and md5-64 row hash the SQL stores compute inside their databases, so digests stay
// comparable. The Redis store uses these too (the name only follows the file-ownership prefix).
import { SyncwatchError } from '../../lib/errors.js';
import { rowText } from '../canonical/encode.js';
import type { LogicalType } from '../canonical/logical-type.js';
import { EMPTY_DIGEST, combineDigests, md5Row64, type ChunkDigest } from '../digest.js';
import { compareKeys, inRange, type KeyRange, type KeyTuple } from '../key-range.js';
import { partitionRanges, type Partition } from '../partition.js';
import type { CanonicalRow } from '../row-diff.js';
import { pageOfKeyHashes, type KeyHash } from '../hash-page.js';
import type { CallOptions, KeySpan, ReadSpec, SpanOptions, Store, StreamOptions } from '../store.js';

/** A store's ordered row stream: the range's canonical rows in strictly increasing key order. */
export type RowStream = (spec: ReadSpec, range: KeyRange, options?: StreamOptions) => AsyncIterable<readonly CanonicalRow[]>;

type DerivedOps = Pick<Store, 'canDigestInDatabase' | 'nativeRowHash' | 'canSplitByArithmetic' | 'splitKeySpace' | 'digestChunk' | 'keySpan' | 'digestPartition' | 'streamRowHashes'>;

const keyTypes = (spec: ReadSpec): LogicalType[] => spec.columns.slice(0, spec.keyCount).map((c) => c.as);
const keyOf = (row: CanonicalRow, n: number): KeyTuple => row.slice(0, n).map((v) => v ?? '');
const hashOf = (row: CanonicalRow): bigint => md5Row64(rowText(row));

/** Everything but the row stream itself, computed from the row stream. */
export function inProcessOps(kind: string, stream: RowStream): DerivedOps {
  return {
    // No database to push digests into: run.ts streams both sides once and hashes them with xxh64 instead.
    canDigestInDatabase: () => false,
    nativeRowHash: () => Promise.resolve(null),
    canSplitByArithmetic: () => false,
    async splitKeySpace(spec, range, everyRows, options) {
      const out: KeyTuple[] = [];
      let seen = 0;
      for await (const batch of stream(spec, range, options)) {
        for (const row of batch) {
          if (seen > 0 && seen % everyRows === 0) out.push(keyOf(row, spec.keyCount));
          seen += 1;
        }
      }
      return out;
    },
    async digestChunk(spec, range, options) {
      let d: ChunkDigest = EMPTY_DIGEST;
      for await (const batch of stream(spec, range, options)) {
        for (const row of batch) d = combineDigests(d, { count: 1, hash: hashOf(row) });
      }
      return d;
    },
    keySpan(_spec: ReadSpec, _range: KeyRange, _options?: SpanOptions): Promise<KeySpan> {
      return Promise.reject(new SyncwatchError('SW_INTERNAL', `${kind} store: keys are not split by arithmetic`));
    },
    async digestPartition(spec: ReadSpec, partition: Partition, options?: CallOptions) {
      // One pass over the partition's range; rows arrive in key order, so each belongs to the current piece or a later one.
      const types = keyTypes(spec);
      const pieces = partitionRanges(partition, types);
      const out: ChunkDigest[] = pieces.map(() => EMPTY_DIGEST);
      let at = 0;
      for await (const batch of stream(spec, partition.range, options)) {
        for (const row of batch) {
          const key = keyOf(row, spec.keyCount);
          while (at < pieces.length - 1 && !inRange(key, pieces[at] ?? partition.range, types)) at += 1;
          out[at] = combineDigests(out[at] ?? EMPTY_DIGEST, { count: 1, hash: hashOf(row) });
        }
      }
      return out;
    },
    async *streamRowHashes(spec, range, options) {
      const intKey = spec.keyCount === 1 && spec.columns[0]?.as.kind === 'int';
      for await (const batch of stream(spec, range, options)) {
        yield pageOfKeyHashes(batch.map((row): KeyHash => ({ key: keyOf(row, spec.keyCount), hash: hashOf(row).toString(16).padStart(16, '0') })), intKey);
      }
    },
  };
}

/** Rows of `range` among `rows` (already in key order), for stores that filter after reading. */
export function keepInRange(rows: readonly CanonicalRow[], spec: ReadSpec, range: KeyRange): CanonicalRow[] {
  if (range.lower === null && range.upper === null) return [...rows];
  const types = keyTypes(spec);
  return rows.filter((r) => inRange(keyOf(r, spec.keyCount), range, types));
}

/** Whether `key` is at or past the range's upper bound (the ordered stream can stop). */
export function pastUpper(key: KeyTuple, spec: ReadSpec, range: KeyRange): boolean {
  return range.upper !== null && compareKeys(key, range.upper, keyTypes(spec)) >= 0;
}

/**
 * Checks what a store without SQL can do with a read spec: its own key columns, in order, and no SQL filter.
 * Throws SW_USAGE naming the flag.
 */
export function checkSpec(kind: string, spec: ReadSpec, key: readonly string[]): void {
  if (spec.filter !== undefined) throw new SyncwatchError('SW_USAGE', `--where: the ${kind} store has no SQL to filter rows with`);
  const names = spec.columns.slice(0, spec.keyCount).map((c) => c.column.name);
  if (names.join('\0') !== key.join('\0')) throw new SyncwatchError('SW_USAGE', `--key: the ${kind} store's key is ${key.join(',')} (got ${names.join(',')})`);
}
