// Time-lag estimation from the log-end history, and the per-partition bookkeeping of the Kafka probe.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConsumerLagTracker } from '../../../../agents/probes/kafka/consumer-lag.js';
import { LogEndHistory } from '../../../../agents/probes/kafka/log-end-history.js';

describe('LogEndHistory', () => {
  it('knows nothing before the first sample, and 0 for a consumer at the log end', () => {
    const h = new LogEndHistory();
    assert.equal(h.lagMs(0, 1_000), undefined);
    h.record(1_000, 10);
    assert.equal(h.lagMs(10, 5_000), 0);
    assert.equal(h.lagMs(12, 5_000), 0, 'a committed offset past the known log end is caught up');
  });

  it('interpolates when the committed message was appended between two samples', () => {
    const h = new LogEndHistory();
    h.record(0, 100);
    h.record(1_000, 100); // still 100 at t=1000: the next messages came after that
    h.record(2_000, 160);
    // Offset 129 is the 30th of 60 new messages: appended half-way between t=1000 and t=2000.
    assert.equal(h.lagMs(129, 4_000), 2_500);
    // Offset 100, the first new one, appended just after t=1000.
    assert.ok(Math.abs((h.lagMs(100, 4_000) ?? 0) - (3_000 - 1_000 / 60)) < 1e-6);
  });

  it('gives a lower bound when the committed offset is older than the history', () => {
    const h = new LogEndHistory();
    h.record(5_000, 100);
    h.record(6_000, 110);
    assert.equal(h.lagMs(50, 9_000), 4_000, 'at least since the first sample');
  });

  it('forgets its history when the log end goes back (topic recreated), and keeps at most its capacity', () => {
    const h = new LogEndHistory(3);
    h.record(0, 100);
    h.record(1_000, 5);
    assert.equal(h.lagMs(3, 2_000), 1_000);
    for (let i = 0; i < 10; i += 1) h.record(2_000 + i * 1_000, 10 + i);
    // Only the last 3 steps (log ends 17, 18, 19) are kept: offset 10 is older than all of them.
    assert.equal(h.lagMs(10, 20_000), 20_000 - 9_000);
  });
});

describe('ConsumerLagTracker', () => {
  it('computes offset and time lag per group from a shared log-end history', () => {
    const t = new ConsumerLagTracker(3);
    t.beginRound();
    t.recordLogEnd('orders', 0, 0, 10);
    const a = t.observe('fast', 'orders', 0, { ts: 0, committed: 10, logEnd: 10 }, true);
    const b = t.observe('slow', 'orders', 0, { ts: 0, committed: 4, logEnd: 10 }, true);
    t.endRound();
    assert.deepEqual([a.offsetLag, a.timeLagMs, a.verdict.status], [0, 0, 'OK']);
    assert.deepEqual([b.offsetLag, b.timeLagMs], [6, 0], 'behind at the first sample: a lower bound of 0 s');
  });

  it('turns a stopped consumer into STOP once the window is full, and forgets unseen partitions', () => {
    const t = new ConsumerLagTracker(3);
    const observe = (i: number): ReturnType<ConsumerLagTracker['observe']> => {
      t.beginRound();
      t.recordLogEnd('orders', 0, i * 1_000, 10 + i);
      const lag = t.observe('g', 'orders', 0, { ts: i * 1_000, committed: 10, logEnd: 10 + i }, false);
      t.endRound();
      return lag;
    };
    const last = [0, 1, 2, 3].map(observe).at(-1);
    assert.ok(last !== undefined);
    assert.equal(last.verdict.status, 'STOP');
    assert.equal(last.timeLagMs, 2_000, 'offset 10 was appended by t=1000 (log end 11 first seen), so 2 s behind at t=3000');
    t.beginRound();
    t.endRound();
    t.beginRound();
    t.recordLogEnd('orders', 0, 10_000, 20);
    const fresh = t.observe('g', 'orders', 0, { ts: 10_000, committed: 10, logEnd: 20 }, false);
    assert.equal(fresh.verdict.status, 'OK', 'a forgotten partition starts a new window');
    assert.equal(t.unreadable('g', 'orders', 1).status, 'ERR');
  });
});
