// The PostgreSQL lag rules: 0 when caught up however idle the primary, the tighter of two upper bounds
// when behind, NULL lag columns of pg_stat_replication read as 0 only when nothing is left to replay.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCaughtUp, num, primaryViewLagSeconds, standbyReplayLagSeconds } from '../../../../agents/probes/postgres/replication-state.js';

describe('standbyReplayLagSeconds', () => {
  it('is 0 when everything received is replayed, even an hour after the last commit', () => {
    assert.equal(standbyReplayLagSeconds({ bytes_behind: '0', receive_known: true, since_last_replay: '3600.5' }), 0);
    assert.equal(isCaughtUp({ bytes_behind: '0' }), true);
    // After a standby restart the receive position can trail the replay position: nothing is pending.
    assert.equal(standbyReplayLagSeconds({ bytes_behind: '-8192', receive_known: true, since_last_replay: '10' }), 0);
  });

  it('uses the time since the last replayed commit when behind, or the time since last caught up if smaller', () => {
    const behind = { bytes_behind: '16384', receive_known: true, since_last_replay: '3600' };
    assert.equal(standbyReplayLagSeconds(behind), 3600);
    assert.equal(standbyReplayLagSeconds(behind, 2.5), 2.5);
    assert.equal(standbyReplayLagSeconds({ ...behind, since_last_replay: '1.25' }, 2.5), 1.25);
    assert.equal(isCaughtUp(behind), false);
  });

  it('is unknown without a WAL receiver position or any bound', () => {
    assert.equal(standbyReplayLagSeconds({ bytes_behind: null, receive_known: false, since_last_replay: '5' }), undefined);
    assert.equal(standbyReplayLagSeconds({ bytes_behind: '10', receive_known: true, since_last_replay: null }), undefined);
    assert.equal(standbyReplayLagSeconds({ bytes_behind: '10', receive_known: true, since_last_replay: null }, 4), 4);
  });
});

describe('primaryViewLagSeconds', () => {
  it('takes the reported interval, reads NULL as 0 only when nothing sent is unreplayed', () => {
    assert.equal(primaryViewLagSeconds('0.004213', '0'), 0.004213);
    assert.equal(primaryViewLagSeconds(null, '0'), 0);
    assert.equal(primaryViewLagSeconds(null, '8192'), undefined);
  });
});

describe('num', () => {
  it('turns pg numerics into numbers and NULL or junk into undefined', () => {
    assert.deepEqual(['12.5', 3, null, undefined, '', 'abc'].map(num), [12.5, 3, undefined, undefined, undefined, undefined]);
  });
});
