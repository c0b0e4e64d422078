// The accepted span of point timestamps: the configured retention back, one day ahead of the collector's clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_POINT_LEAD_MS, pointTimeProblem } from '../../../collector/routes/ingest-window.js';
import type { Point } from '../../../lib/protocol/ingest-batch.js';

const NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
const DAY_MS = 86_400_000;
const at = (...ts: number[]): Point[] => ts.map((t) => ({ ts: t, metric: 'm', labels: {}, value: 1 }));

describe('pointTimeProblem', () => {
  it('accepts points from the retention edge up to the allowed lead', () => {
    assert.equal(pointTimeProblem(at(NOW - 30 * DAY_MS, NOW, NOW + MAX_POINT_LEAD_MS), NOW, 30), undefined);
  });
  it('names the first point older than the retention, in the retention the collector runs with', () => {
    assert.match(pointTimeProblem(at(NOW, NOW - 30 * DAY_MS - 1), NOW, 30) ?? '', /^body\.points\[1\]\.ts: 2026-10-22T11:59:59\.999Z is older than the 30-day retention/);
    assert.equal(pointTimeProblem(at(NOW - 300 * DAY_MS), NOW, 365), undefined);
  });
  it('names a point too far ahead, and one beyond the Date range without throwing', () => {
    assert.match(pointTimeProblem(at(NOW + MAX_POINT_LEAD_MS + 1), NOW, 30) ?? '', /^body\.points\[0\]\.ts: .* is more than 24 h ahead/);
    assert.match(pointTimeProblem(at(1e16), NOW, 30) ?? '', /^body\.points\[0\]\.ts: 10000000000000000 is more than/);
  });
});
