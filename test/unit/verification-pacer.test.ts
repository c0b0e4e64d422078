// The pacer keeps a side's read rate at rowsPerSecond (within 10%) and holds reads while the lag is too high.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pacer } from '../../verifier/service/pacer.js';

describe('verification pacer', () => {
  it('spreads 5000 rows over about one second at 5000 rows/s, whatever the batch sizes', async () => {
    const pacer = new Pacer({ rowsPerSecond: 5000 });
    const started = performance.now();
    for (const rows of [100, 900, 250, 250, 500, 1000, 2000]) await pacer.took(rows);
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds >= 0.9 && seconds <= 1.1, `took ${seconds.toFixed(3)} s for 5000 rows at 5000 rows/s`);
  });

  it('does not wait without a rate, and does not bank idle time as a burst', async () => {
    const free = new Pacer({});
    const t0 = performance.now();
    await free.took(1_000_000);
    assert.ok(performance.now() - t0 < 50);
    const paced = new Pacer({ rowsPerSecond: 1000 });
    await paced.took(100); // paid until +100 ms
    await new Promise((r) => setTimeout(r, 300)); // idle: no credit accrues
    const t1 = performance.now();
    await paced.took(200);
    const waited = performance.now() - t1;
    assert.ok(waited >= 180 && waited <= 260, `waited ${waited.toFixed(0)} ms for 200 rows at 1000 rows/s`);
  });

  it('holds reads while the lag is above the threshold, sampling it each second', async () => {
    const lags = [5, 5, 0.5];
    const seen: (number | undefined)[] = [];
    let pauses = 0;
    const pacer = new Pacer({ maxReplicaLagSeconds: 1, lag: () => Promise.resolve(lags.shift()), onLag: (s) => seen.push(s), onPause: () => { pauses++; } });
    const t0 = performance.now();
    await pacer.gate();
    const waited = performance.now() - t0;
    assert.deepEqual(seen, [5, 5, 0.5]);
    assert.equal(pauses, 2);
    assert.ok(waited >= 1900 && waited < 3000, `gate held ${waited.toFixed(0)} ms`);
  });

  it('stops waiting when the run is aborted', async () => {
    const stop = new AbortController();
    const pacer = new Pacer({ rowsPerSecond: 1, signal: stop.signal });
    setTimeout(() => { stop.abort(); }, 50);
    await assert.rejects(pacer.took(100), { name: 'AbortError' });
  });
});
