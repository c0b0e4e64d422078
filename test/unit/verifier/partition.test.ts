import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogicalType } from '../../../verifier/canonical/logical-type.js';
import { FULL_RANGE, inRange } from '../../../verifier/key-range.js';
import { boundsPartition, partitionRanges, pieceCount, pieceWidth, widthPartition } from '../../../verifier/partition.js';

const INT: LogicalType[] = [{ kind: 'int' }];

describe('partitions', () => {
  it('int-width: pieces of `width` keys from the smallest key; keys outside the span go to the end pieces', () => {
    for (const [min, max, width, count] of [[-25n, 30n, 7n, 8], [1n, 3000n, 400n, 8], [1n, 20000n, 500n, 40], [-9n, -1n, 2n, 5], [5n, 5n, 1n, 1]] as const) {
      const p = widthPartition(FULL_RANGE, min, max, width);
      const ranges = partitionRanges(p, INT);
      assert.equal(ranges.length, count);
      assert.equal(pieceCount(p), count);
      for (let k = min - 40n; k <= max + 40n; k++) {
        const want = k < min ? 0 : Math.min(Number((k - min) / width), count - 1);
        const holders = ranges.flatMap((r, i) => (inRange([k.toString()], r, INT) ? [i] : []));
        assert.deepEqual(holders, [want], `key ${k}, width ${width}`);
      }
    }
  });

  it('int-width inside a bounded range keeps the range as outer bounds', () => {
    const p = widthPartition({ lower: ['100'], upper: ['200'] }, 100n, 199n, 25n);
    assert.deepEqual(partitionRanges(p, INT).map((r) => [r.lower?.[0], r.upper?.[0]]), [['100', '125'], ['125', '150'], ['150', '175'], ['175', '200']]);
  });

  it('piece width rounds up and is never below 1', () => {
    assert.equal(pieceWidth(1n, 3000n, 8), 375n);
    assert.equal(pieceWidth(1n, 3n, 8), 1n);
    assert.equal(pieceWidth(-9223372036854775808n, 9223372036854775807n, 2), 9223372036854775808n);
  });

  it('bounds partitions drop repeated and outside cut points', () => {
    const p = boundsPartition({ lower: ['5'], upper: ['50'] }, [['10'], ['10'], ['3'], ['60'], ['20']], INT);
    assert.ok(p.kind === 'bounds');
    assert.deepEqual(p.bounds, [['10'], ['20']]);
    assert.equal(pieceCount(p), 3);
  });
});
