// Backoff arithmetic, Retry-After parsing and the shipper's sorting of collector responses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelayMs, DEFAULT_BACKOFF, parseRetryAfterMs, sleep } from '../../../lib/retry.js';
import { classifyResponse } from '../../../agents/shipper.js';

describe('backoffDelayMs', () => {
  const options = { initialMs: 100, maxMs: 1_000 };

  it('grows exponentially to the cap, between half and all of the ceiling', () => {
    const lowest = [0, 1, 2, 3, 4, 5, 40].map((a) => backoffDelayMs(a, options, () => 0));
    const highest = [0, 1, 2, 3, 4, 5, 40].map((a) => backoffDelayMs(a, options, () => 1));
    assert.deepEqual(lowest, [50, 100, 200, 400, 500, 500, 500]);
    assert.deepEqual(highest, [100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it('spreads retries of many clients (jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(6, DEFAULT_BACKOFF)));
    assert.ok(delays.size > 10, `only ${delays.size} distinct delays`);
    for (const d of delays) assert.ok(d >= 15_000 && d <= 30_000, `${d} outside [15000, 30000]`);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads delay-seconds and HTTP dates', () => {
    assert.equal(parseRetryAfterMs('7', now), 7_000);
    assert.equal(parseRetryAfterMs('Wed, 01 Jan 2025 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfterMs('Tue, 31 Dec 2024 23:00:00 GMT', now), 0);
  });
  it('ignores what it cannot read', () => {
    for (const text of [null, undefined, '', 'soon', '-5', '1.5']) assert.equal(parseRetryAfterMs(text, now), undefined, String(text));
  });
});

describe('classifyResponse', () => {
  it('acks 2xx', () => {
    assert.deepEqual(classifyResponse(200, null, '{}', 0), { kind: 'acked' });
    assert.deepEqual(classifyResponse(202, null, '', 0), { kind: 'acked' });
  });
  it('retries outages, throttling and auth or URL problems, honouring Retry-After', () => {
    assert.deepEqual(classifyResponse(503, '3', 'busy', 0), { kind: 'retry', reason: 'HTTP 503: busy', retryAfterMs: 3_000 });
    for (const status of [301, 401, 403, 404, 408, 429, 500, 502, 504]) assert.equal(classifyResponse(status, null, '', 0).kind, 'retry', String(status));
  });
  it('rejects a batch the collector refuses for good', () => {
    assert.deepEqual(classifyResponse(400, null, 'bad point', 0), { kind: 'rejected', status: 400, reason: 'HTTP 400: bad point' });
    for (const status of [413, 415, 422]) assert.equal(classifyResponse(status, null, '', 0).kind, 'rejected', String(status));
  });
});

describe('sleep', () => {
  it('ends early with an AbortError when the signal aborts', async () => {
    const started = Date.now();
    await assert.rejects(sleep(10_000, AbortSignal.timeout(20)), (err: Error) => err.name === 'AbortError' || err.name === 'TimeoutError');
    assert.ok(Date.now() - started < 2_000);
  });
});
