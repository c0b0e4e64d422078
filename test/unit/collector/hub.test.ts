import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLOSE_SLOW_CONSUMER, createLiveHub, type LiveSocket } from '../../../collector/live/hub.js';

class FakeSocket implements LiveSocket {
  bufferedAmount = 0;
  sent: string[] = [];
  closed: [number, string] | undefined;
  send(data: string): void { this.sent.push(data); this.bufferedAmount += data.length; }
  close(code: number, reason: string): void { this.closed = [code, reason]; }
}

const message = { type: 'points' as const, points: [{ ts: 1, metric: 'm', labels: {}, value: 1 }] };

describe('live hub', () => {
  it('delivers only to subscribers of the topic', () => {
    const hub = createLiveHub();
    const a = new FakeSocket();
    const b = new FakeSocket();
    hub.add(a);
    hub.add(b);
    hub.subscribe(a, ['points']);
    hub.publish('points', message);
    assert.equal(a.sent.length, 1);
    assert.equal(b.sent.length, 0);
    const { id, ...sent } = JSON.parse(a.sent[0] ?? '') as { id: number };
    assert.deepEqual(sent, { ...message, topic: 'points' });
    assert.ok(Number.isSafeInteger(id), 'every message carries its id');
    hub.unsubscribe(a, ['points']);
    hub.publish('points', message);
    assert.equal(a.sent.length, 1);
  });

  it('drops a client whose send buffer is over the bound instead of queueing more', () => {
    const drops: string[] = [];
    const hub = createLiveHub({ maxBufferedBytes: 100, onDrop: (r) => drops.push(r) });
    const slow = new FakeSocket();
    const fast = new FakeSocket();
    hub.add(slow);
    hub.add(fast);
    hub.subscribe(slow, ['points']);
    hub.subscribe(fast, ['points']);
    slow.bufferedAmount = 101;
    hub.publish('points', message);
    assert.deepEqual(slow.closed?.[0], CLOSE_SLOW_CONSUMER);
    assert.equal(slow.sent.length, 0);
    assert.equal(fast.sent.length, 1);
    assert.deepEqual(drops, ['slow_consumer']);
    assert.equal(hub.size, 1);
  });
});
