// Heartbeat lag from the oldest beat the target is missing, and the heartbeat file format.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHeartbeat } from '../../../../agents/probes/files/heartbeat-file.js';
import { HeartbeatTracker } from '../../../../agents/probes/lag/heartbeat-tracker.js';

describe('HeartbeatTracker', () => {
  it('has no lag before the target holds a beat ("no heartbeat yet")', () => {
    const t = new HeartbeatTracker();
    t.recordWrite({ seq: 1, ts: 1_000 });
    assert.equal(t.lagMs(undefined, 5_000), undefined);
  });

  it('is 0 when the target has the newest beat, however long ago it was written', () => {
    const t = new HeartbeatTracker();
    t.recordWrite({ seq: 1, ts: 1_000 });
    assert.equal(t.lagMs({ seq: 1, ts: 1_000 }, 60_000), 0);
    assert.equal(t.lagMs({ seq: 7, ts: 1_000 }, 60_000), 0, 'a newer beat (another writer) is not lag');
  });

  it('counts from the oldest missing beat, not from the newest seen one', () => {
    const t = new HeartbeatTracker();
    for (const seq of [1, 2, 3, 4]) t.recordWrite({ seq, ts: seq * 1_000 });
    assert.equal(t.lagMs({ seq: 2, ts: 2_000 }, 4_500), 1_500, 'missing seq 3 written at 3000');
    assert.equal(t.lagMs({ seq: 3, ts: 3_000 }, 4_500), 500);
  });

  it('continues the sequence after the one found on the source, never going back', () => {
    const t = new HeartbeatTracker();
    assert.equal(t.started, false);
    t.resumeAfter(41);
    assert.equal(t.started, true);
    assert.equal(t.nextSeq(), 42);
    t.resumeAfter(10);
    assert.equal(t.nextSeq(), 42);
  });

  it('uses the age of the seen beat when it wrote nothing yet, and a bound when the gap is beyond memory', () => {
    const fresh = new HeartbeatTracker();
    assert.equal(fresh.lagMs({ seq: 5, ts: 1_000 }, 4_000), 3_000);
    const small = new HeartbeatTracker(2);
    for (const seq of [1, 2, 3, 4]) small.recordWrite({ seq, ts: seq * 1_000 });
    assert.equal(small.lagMs({ seq: 1, ts: 1_000 }, 5_000), 2_000, 'oldest remembered missing beat: seq 3');
    assert.equal(small.lastWritten?.seq, 4);
  });
});

describe('parseHeartbeat', () => {
  it('reads a complete beat of its own pipeline only', () => {
    assert.deepEqual(parseHeartbeat('{"pipeline":"p","seq":3,"ts":1700000000000}\n', 'p'), { seq: 3, ts: 1_700_000_000_000 });
    assert.equal(parseHeartbeat('{"pipeline":"other","seq":3,"ts":1}', 'p'), null);
    assert.equal(parseHeartbeat('{"pipeline":"p","seq":3', 'p'), null, 'caught mid-write');
    assert.equal(parseHeartbeat('', 'p'), null);
    assert.equal(parseHeartbeat('{"pipeline":"p","seq":"3","ts":1}', 'p'), null);
    assert.equal(parseHeartbeat('null', 'p'), null);
  });
});
