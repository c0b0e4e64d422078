// The pure alert state machine: every state × observation × timing, the hysteresis band, late observations.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { thresholdLevel } from '../../../../collector/alerts/conditions.js';
import { INACTIVE, step, type AlertState, type Level, type Observation, type Transition } from '../../../../collector/alerts/state-machine.js';

const FOR = 1000;
const pending: AlertState = Object.freeze({ kind: 'pending', activeAt: 100, updatedAt: 500, value: 7 });
const firing: AlertState = Object.freeze({ kind: 'firing', activeAt: 100, firedAt: 1100, updatedAt: 1500, value: 9 });
const resolved: AlertState = Object.freeze({ kind: 'resolved', activeAt: 100, firedAt: 1100, resolvedAt: 2000, updatedAt: 2000, value: 1 });
const level = (l: Level, at: number, value = 5): Observation => ({ kind: 'level', level: l, at, value });
const tick = (at: number): Observation => ({ kind: 'tick', at });

describe('alert state machine: explicit transitions', () => {
  it('inactive: fire without `for` fires at once; with `for` goes pending; hold, resolve and ticks do nothing', () => {
    assert.deepEqual(step(INACTIVE, level('fire', 10, 3), 0), { state: { kind: 'firing', activeAt: 10, firedAt: 10, updatedAt: 10, value: 3 }, transition: 'firing' });
    assert.deepEqual(step(INACTIVE, level('fire', 10, 3), FOR), { state: { kind: 'pending', activeAt: 10, updatedAt: 10, value: 3 }, transition: 'pending' });
    for (const l of ['hold', 'resolve'] as const) assert.deepEqual(step(INACTIVE, level(l, 10), FOR), { state: INACTIVE });
    assert.deepEqual(step(INACTIVE, tick(99_999), FOR), { state: INACTIVE });
  });

  it('pending: fires once the condition held for `for` (boundary inclusive), keeps activeAt, updates the value', () => {
    assert.deepEqual(step(pending, level('fire', 1099, 8), FOR), { state: { kind: 'pending', activeAt: 100, updatedAt: 1099, value: 8 } });
    assert.deepEqual(step(pending, level('fire', 1100, 8), FOR), { state: { kind: 'firing', activeAt: 100, firedAt: 1100, updatedAt: 1100, value: 8 }, transition: 'firing' });
  });

  it('pending: any break of the fire condition (hold or resolve) cancels it', () => {
    for (const l of ['hold', 'resolve'] as const) assert.deepEqual(step(pending, level(l, 600), FOR), { state: INACTIVE, transition: 'cancelled' });
  });

  it('pending: a tick promotes it once `for` has elapsed without new data', () => {
    assert.deepEqual(step(pending, tick(1099), FOR), { state: pending });
    assert.deepEqual(step(pending, tick(1100), FOR), { state: { kind: 'firing', activeAt: 100, firedAt: 1100, updatedAt: 500, value: 7 }, transition: 'firing' });
  });

  it('firing: stays firing on fire and inside the hysteresis band (hold); resolves only on resolve', () => {
    assert.deepEqual(step(firing, level('fire', 1600, 11), FOR), { state: { ...firing, updatedAt: 1600, value: 11 } });
    assert.deepEqual(step(firing, level('hold', 1600, 6), FOR), { state: { ...firing, updatedAt: 1600, value: 6 } });
    assert.deepEqual(step(firing, level('resolve', 1600, 2), FOR), {
      state: { kind: 'resolved', activeAt: 100, firedAt: 1100, resolvedAt: 1600, updatedAt: 1600, value: 2 },
      transition: 'resolved',
    });
    assert.deepEqual(step(firing, tick(99_999), FOR), { state: firing });
  });

  it('resolved: behaves as inactive; a new breach starts a new episode with a new activeAt', () => {
    assert.deepEqual(step(resolved, level('fire', 3000, 9), FOR), { state: { kind: 'pending', activeAt: 3000, updatedAt: 3000, value: 9 }, transition: 'pending' });
    assert.deepEqual(step(resolved, level('fire', 3000, 9), 0), { state: { kind: 'firing', activeAt: 3000, firedAt: 3000, updatedAt: 3000, value: 9 }, transition: 'firing' });
    assert.equal(step(resolved, level('resolve', 3000), FOR).transition, undefined);
    assert.equal(step(resolved, level('hold', 3000), FOR).state.kind, 'resolved');
    assert.deepEqual(step(resolved, tick(99_999), FOR), { state: resolved });
  });

  it('ignores observations older than the state (a late batch never rolls an alert back)', () => {
    for (const s of [pending, firing, resolved]) {
      for (const obs of [level('fire', 50), level('hold', 50), level('resolve', 50), tick(50)]) {
        assert.deepEqual(step(s, obs, FOR), { state: s }, `${s.kind} + ${JSON.stringify(obs)}`);
      }
    }
  });
});

describe('alert state machine: invariants over every combination', () => {
  const states: AlertState[] = [INACTIVE, pending, firing, resolved];
  const times = [50, 500, 1099, 1100, 5000];
  const observations: Observation[] = times.flatMap((t) => [tick(t), level('fire', t), level('hold', t), level('resolve', t)]);
  const expectedKind: Record<Transition, AlertState['kind']> = { pending: 'pending', firing: 'firing', resolved: 'resolved', cancelled: 'inactive' };
  const allowed = new Set(['inactive>pending', 'inactive>firing', 'pending>firing', 'pending>inactive', 'firing>resolved', 'resolved>pending', 'resolved>firing']);

  for (const forMs of [0, FOR]) {
    for (const s of states) {
      for (const obs of observations) {
        it(`for=${forMs} ${s.kind} + ${obs.kind}${obs.kind === 'level' ? `:${obs.level}` : ''}@${obs.at}`, () => {
          const r = step(s, obs, forMs);
          if (r.transition === undefined) {
            assert.equal(r.state.kind, s.kind, 'no transition means the same state kind');
          } else {
            assert.equal(r.state.kind, expectedKind[r.transition], 'the transition names the new state');
            assert.ok(allowed.has(`${s.kind}>${r.state.kind}`), `${s.kind} → ${r.state.kind} is not an edge of the machine`);
          }
          if (s.kind === 'pending' && r.state.kind === 'firing') assert.equal(r.state.activeAt, s.activeAt, 'activeAt survives promotion');
          if (r.state.kind === 'firing') assert.ok(r.state.firedAt - r.state.activeAt >= forMs, 'never fires before `for` elapsed');
          if (obs.kind === 'tick') assert.ok(r.transition === undefined || r.transition === 'firing', 'a tick can only promote');
          if (obs.kind === 'level' && obs.level !== 'fire') assert.ok(r.transition !== 'pending' && r.transition !== 'firing', 'only fire starts an alert');
        });
      }
    }
  }
});

describe('alert state machine with a threshold condition and hysteresis', () => {
  it('fires above 30, stays firing down to 20, resolves at 20 or below; a short spike under `for` is cancelled', () => {
    const lvl = (v: number): Level => thresholdLevel(v, '>', 30, 20);
    const series: [number, number][] = [[0, 10], [1000, 35], [1500, 25], [2000, 35], [3000, 36], [4000, 40], [5000, 25], [6000, 21], [7000, 20], [8000, 31]];
    let state: AlertState = INACTIVE;
    const transitions: string[] = [];
    for (const [at, value] of series) {
      const r = step(state, { kind: 'level', level: lvl(value), at, value }, 1000);
      state = r.state;
      if (r.transition !== undefined) transitions.push(`${at}:${r.transition}`);
    }
    // 35@1000 pending; 25@1500 is in the band, but pending needs the breach without a break → cancelled;
    // 35@2000 pending again; 36@3000 fires; 25 and 21 are in the band (still firing); 20 resolves; 31 pends.
    assert.deepEqual(transitions, ['1000:pending', '1500:cancelled', '2000:pending', '3000:firing', '7000:resolved', '8000:pending']);
  });
});
