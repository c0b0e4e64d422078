// The Burrow-style window evaluation, rule by rule, then exhaustively over every small window against the
// rules stated independently as invariants.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateWindow, WINDOW_STATUSES, windowStatusValue, type OffsetSample, type WindowStatus } from '../../../../agents/probes/kafka-window.js';

/** Samples one second apart from `[committed, logEnd]` pairs. */
function samples(pairs: readonly (readonly [number, number])[]): OffsetSample[] {
  return pairs.map(([committed, logEnd], i) => ({ ts: 1_000 * i, committed, logEnd }));
}

function status(pairs: readonly (readonly [number, number])[], groupActive = true, windowSize = pairs.length): WindowStatus {
  return evaluateWindow({ samples: samples(pairs), groupActive }, windowSize).status;
}

describe('evaluateWindow', () => {
  it('maps statuses to metric values 0 OK … 4 ERR', () => {
    assert.deepEqual(WINDOW_STATUSES.map(windowStatusValue), [0, 1, 2, 3, 4]);
    assert.deepEqual([...WINDOW_STATUSES], ['OK', 'WARN', 'STALL', 'STOP', 'ERR']);
  });

  it('is OK with no samples, and ERR when the offsets were unreadable', () => {
    assert.equal(evaluateWindow({ samples: [], groupActive: true }, 3).status, 'OK');
    assert.equal(evaluateWindow({ samples: samples([[0, 0]]), groupActive: true, unreadable: true }, 3).status, 'ERR');
  });

  it('is ERR for impossible data: committed beyond log end, offsets or log end going back', () => {
    assert.equal(status([[5, 4], [5, 5], [5, 6]]), 'ERR');
    assert.equal(status([[5, 9], [4, 9], [6, 9]]), 'ERR');
    assert.equal(status([[1, 9], [2, 8], [3, 9]]), 'ERR');
  });

  it('is OK whenever some sample in the window had lag 0 (Burrow rule 1)', () => {
    assert.equal(status([[5, 5], [5, 8], [5, 12]], false), 'OK');
    assert.equal(status([[1, 5], [2, 8], [12, 12]]), 'OK');
  });

  it('is OK until the window is full', () => {
    assert.equal(status([[1, 5], [1, 6]], false, 3), 'OK');
    assert.equal(status([[1, 5], [1, 6], [1, 7]], false, 3), 'STOP');
  });

  it('only looks at the last windowSize samples', () => {
    // The zero lag of the first sample has left a window of 3.
    assert.equal(status([[5, 5], [5, 8], [5, 9], [5, 10]], false, 3), 'STOP');
    // A rewind before the window no longer counts.
    assert.equal(status([[9, 9], [5, 9], [5, 10], [5, 11]], true, 3), 'STALL');
  });

  it('tells STALL (members present) from STOP (no members) when the committed offset does not move', () => {
    const stuck = [[3, 5], [3, 6], [3, 6]] as const;
    assert.equal(status(stuck, true), 'STALL');
    assert.equal(status(stuck, false), 'STOP');
    // A fixed lag with a fixed offset is still not progressing.
    assert.equal(status([[3, 5], [3, 5], [3, 5]], true), 'STALL');
  });

  it('is WARN when the consumer moves but the lag never shrinks and grows overall', () => {
    assert.equal(status([[1, 3], [2, 5], [3, 8]]), 'WARN');
    assert.equal(status([[1, 3], [2, 4], [3, 6]]), 'WARN', 'a flat step is still not shrinking');
  });

  it('is OK when the consumer moves and the lag is flat or shrinks at some step', () => {
    assert.equal(status([[1, 3], [2, 4], [3, 5]]), 'OK', 'steady lag behind a steady producer');
    assert.equal(status([[1, 3], [3, 6], [6, 8]]), 'OK');
    assert.equal(status([[1, 5], [4, 7], [5, 9]]), 'OK', 'shrank once, even if it ends higher than it started');
  });

  it('holds every rule over all windows of 3 samples with offsets 0–3 (exhaustive)', () => {
    const values = [0, 1, 2, 3];
    const pairs = values.flatMap((c) => values.map((e) => [c, e] as const));
    let checked = 0;
    const seen = new Set<WindowStatus>();
    for (const a of pairs) for (const b of pairs) for (const c of pairs) for (const active of [true, false]) {
      const window = [a, b, c];
      const got = status(window, active);
      seen.add(got);
      checked += 1;
      const lags = window.map(([cm, end]) => end - cm);
      const invalid = window.some(([cm, end], i) => cm > end || (i > 0 && (cm < (window[i - 1]?.[0] ?? 0) || end < (window[i - 1]?.[1] ?? 0))));
      const label = `${JSON.stringify(window)} active=${String(active)} → ${got}`;
      if (invalid) {
        assert.equal(got, 'ERR', label);
        continue;
      }
      assert.notEqual(got, 'ERR', label);
      if (lags.includes(0)) {
        assert.equal(got, 'OK', label);
        continue;
      }
      const stuck = a[0] === c[0];
      if (got === 'STALL' || got === 'STOP') assert.ok(stuck && got === (active ? 'STALL' : 'STOP'), label);
      if (stuck) assert.equal(got, active ? 'STALL' : 'STOP', label);
      const growing = lags.every((l, i) => i === 0 || l >= (lags[i - 1] ?? l)) && (lags[2] ?? 0) > (lags[0] ?? 0);
      if (!stuck) assert.equal(got, growing ? 'WARN' : 'OK', label);
    }
    assert.equal(checked, 16 ** 3 * 2);
    assert.deepEqual([...seen].sort(), [...WINDOW_STATUSES].sort(), 'every status is reachable');
  });
});
