// A Store seen through one segment of the key space, paced: every range a comparison asks for is clipped to the
// segment, so runVerify compares just that segment (a run checkpoints segment by segment), and every row read is
// counted against the side's pacer.
import { compareKeys, type KeyRange, type KeyTuple } from '../key-range.js';
import type { LogicalType } from '../canonical/logical-type.js';
import type { Store } from '../store.js';
import type { Pacer } from './pacer.js';

function clip(range: KeyRange, segment: KeyRange, types: readonly LogicalType[]): KeyRange {
  const max = (a: KeyTuple | null, b: KeyTuple | null): KeyTuple | null => (a === null ? b : b === null ? a : compareKeys(a, b, types) >= 0 ? a : b);
  const min = (a: KeyTuple | null, b: KeyTuple | null): KeyTuple | null => (a === null ? b : b === null ? a : compareKeys(a, b, types) <= 0 ? a : b);
  return { lower: max(range.lower, segment.lower), upper: min(range.upper, segment.upper) };
}

export function segmentStore(inner: Store, segment: KeyRange, keyTypes: readonly LogicalType[], pacer: Pacer): Store {
  const c = (r: KeyRange): KeyRange => clip(r, segment, keyTypes);
  async function* paced<T extends { readonly length: number }>(batches: AsyncIterable<T>): AsyncGenerator<T> {
    await pacer.gate();
    for await (const batch of batches) {
      await pacer.took(batch.length);
      yield batch;
      await pacer.gate();
    }
  }
  return {
    kind: inner.kind,
    displayUrl: inner.displayUrl,
    fixSql: inner.fixSql,
    describe: (table, options) => inner.describe(table, options),
    canDigestInDatabase: (spec) => inner.canDigestInDatabase(spec),
    nativeRowHash: (spec, options) => inner.nativeRowHash(spec, options),
    canSplitByArithmetic: (spec) => inner.canSplitByArithmetic(spec),
    async splitKeySpace(spec, range, everyRows, options) {
      await pacer.gate();
      return inner.splitKeySpace(spec, c(range), everyRows, options);
    },
    async digestChunk(spec, range, options) {
      await pacer.gate();
      const d = await inner.digestChunk(spec, c(range), options);
      await pacer.took(d.count);
      return d;
    },
    async keySpan(spec, range, options) {
      await pacer.gate();
      return inner.keySpan(spec, c(range), options);
    },
    async digestPartition(spec, partition, options) {
      await pacer.gate();
      const out = await inner.digestPartition(spec, { ...partition, range: c(partition.range) }, options);
      await pacer.took(out.reduce((n, d) => n + d.count, 0));
      return out;
    },
    streamRows: (spec, range, options) => paced(inner.streamRows(spec, c(range), options)),
    streamRowHashes: (spec, range, options) => paced(inner.streamRowHashes(spec, c(range), options)),
    async fetchRows(spec, keys, options) {
      await pacer.gate();
      const rows = await inner.fetchRows(spec, keys, options);
      await pacer.took(rows.length);
      return rows;
    },
    check: () => inner.check(),
    close: () => inner.close(),
  };
}
