// De-duplication, resolve tracking, silences, acknowledgements and repeats of one notification group.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideFlush, nextFlushAt, type Member } from '../../../../collector/alerts/grouping.js';

const REPEAT = 60_000;
const m = (id: string, status: 'firing' | 'resolved', extra: Partial<Member> = {}): Member => ({ id, status, silenced: false, acknowledged: false, ...extra });
/** `null` = never notified. */
const told = (ids: string[], lastSentAt: number | null = 0): { lastFiring: Set<string>; lastSentAt: number | undefined } => ({ lastFiring: new Set(ids), lastSentAt: lastSentAt ?? undefined });

describe('notification group decisions', () => {
  it('sends a new firing alert once, then nothing until something changes', () => {
    assert.deepEqual(decideFlush([m('a', 'firing')], told([], null), 0, REPEAT), { kind: 'send', reason: 'changed', firing: ['a'], resolved: [], nextFiring: ['a'] });
    assert.deepEqual(decideFlush([m('a', 'firing')], told(['a']), 1000, REPEAT), { kind: 'none' });
  });

  it('lists every firing alert of the group when one more fires', () => {
    assert.deepEqual(decideFlush([m('a', 'firing'), m('b', 'firing')], told(['a']), 1000, REPEAT), { kind: 'send', reason: 'changed', firing: ['a', 'b'], resolved: [], nextFiring: ['a', 'b'] });
  });

  it('sends a resolve only for alerts the receiver was told were firing', () => {
    assert.deepEqual(decideFlush([m('a', 'resolved'), m('b', 'firing')], told(['a', 'b']), 1000, REPEAT), { kind: 'send', reason: 'changed', firing: ['b'], resolved: ['a'], nextFiring: ['b'] });
    assert.deepEqual(decideFlush([m('c', 'resolved')], told([]), 1000, REPEAT), { kind: 'none' });
  });

  it('repeats an unchanged firing group after the repeat interval, unless every firing alert is acknowledged', () => {
    assert.deepEqual(decideFlush([m('a', 'firing')], told(['a'], 0), REPEAT - 1, REPEAT), { kind: 'none' });
    assert.equal(decideFlush([m('a', 'firing')], told(['a'], 0), REPEAT, REPEAT).kind, 'send');
    assert.deepEqual(decideFlush([m('a', 'firing', { acknowledged: true })], told(['a'], 0), REPEAT, REPEAT), { kind: 'none' });
    const mixed = decideFlush([m('a', 'firing', { acknowledged: true }), m('b', 'firing')], told(['a', 'b'], 0), REPEAT, REPEAT);
    assert.deepEqual(mixed, { kind: 'send', reason: 'repeat', firing: ['a', 'b'], resolved: [], nextFiring: ['a', 'b'] });
  });

  it('leaves silenced alerts out, but still sends their resolve if the receiver saw them firing', () => {
    assert.deepEqual(decideFlush([m('a', 'firing', { silenced: true })], told([], null), 0, REPEAT), { kind: 'none' });
    // b fires while a (already told) is silenced: a is not listed, but remembered as firing.
    assert.deepEqual(decideFlush([m('a', 'firing', { silenced: true }), m('b', 'firing')], told(['a']), 1000, REPEAT), { kind: 'send', reason: 'changed', firing: ['b'], resolved: [], nextFiring: ['b', 'a'] });
    assert.deepEqual(decideFlush([m('a', 'resolved', { silenced: true })], told(['a']), 1000, REPEAT), { kind: 'send', reason: 'changed', firing: [], resolved: ['a'], nextFiring: [] });
    // A silence that ends makes the alert new to the receiver.
    assert.equal(decideFlush([m('a', 'firing')], told([]), 1000, REPEAT).kind, 'send');
  });

  it('waits group_wait before a new group and group_interval between notifications', () => {
    assert.equal(nextFlushAt(told([], null), 100, 500, 2000, 50), 550);
    assert.equal(nextFlushAt(told([], null), 900, 500, 2000, 50), 900);
    assert.equal(nextFlushAt(told(['a'], 1000), 1500, 500, 2000, 50), 3000);
    assert.equal(nextFlushAt(told(['a'], 1000), 5000, 500, 2000, 50), 5000);
  });
});
