import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pushRate, thresholdLevel, type RateHistory } from '../../../../collector/alerts/conditions.js';

describe('conditions', () => {
  it('threshold levels with and without a resolve threshold, for each direction', () => {
    assert.deepEqual([40, 30, 25, 20, 10].map((v) => thresholdLevel(v, '>', 30, 20)), ['fire', 'hold', 'hold', 'resolve', 'resolve']);
    assert.deepEqual([5, 10, 15, 20, 25].map((v) => thresholdLevel(v, '<=', 10, 20)), ['fire', 'fire', 'hold', 'hold', 'resolve']);
    assert.deepEqual([31, 30].map((v) => thresholdLevel(v, '>', 30, undefined)), ['fire', 'resolve']);
  });

  it('rates need a whole window of history, keep one sample before it, and ignore out-of-order samples', () => {
    const h: RateHistory = { ts: [], values: [] };
    assert.equal(pushRate(h, 0, 0, 1000), undefined);
    assert.equal(pushRate(h, 500, 5, 1000), undefined);
    assert.equal(pushRate(h, 1000, 10, 1000), 10);
    assert.equal(pushRate(h, 900, 99, 1000), undefined, 'older than the newest sample');
    assert.equal(pushRate(h, 1600, 4, 1000), (4 - 5) / 1.1, 'base is the newest sample at or before 600 (t=500)');
    assert.deepEqual(h.ts, [500, 1000, 1600]);
  });
});
