import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leafRows } from '../../../verifier/pair-reader.js';

describe('leaf width of an integer-key table', () => {
  it('keeps an explicit leaf size whatever the table size', () => {
    assert.equal(leafRows(10_000_000, 10_000, false), 10_000);
    assert.equal(leafRows(100, 7, false), 7);
  });

  it('by default widens leaves of large tables to about 256, between the default size and 50 000 rows', () => {
    assert.equal(leafRows(200_000, 10_000, true), 10_000);
    assert.equal(leafRows(2_560_000, 10_000, true), 10_000);
    assert.equal(leafRows(10_000_000, 10_000, true), 39_063);
    assert.equal(leafRows(1_000_000_000, 10_000, true), 50_000);
  });
});
