// The outbox over an in-memory store and a scripted attempt function: order per group, backoff, give-up,
// and resuming unfinished deliveries in a new outbox (as after a restart).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GroupMemory } from '../../../../collector/alerts/grouping.js';
import type { AttemptResult, Delivery, DeliveryView } from '../../../../collector/webhooks/delivery.js';
import type { Notification } from '../../../../collector/webhooks/notification.js';
import { Outbox } from '../../../../collector/webhooks/outbox.js';
import type { OutboxStore } from '../../../../collector/webhooks/outbox-store.js';
import type { Receiver } from '../../../../collector/webhooks/receivers.js';
import { SYSTEM_CLOCK } from '../../../../lib/clock.js';
import { createSilentLogger } from '../../../../lib/log.js';
import { waitFor } from '../../../support/wait-for.js';

/** Rows as the ClickHouse table would hold them, newest state per delivery. */
class MemoryStore implements OutboxStore {
  readonly rows: { id: string; seq: number; status: string }[] = [];
  readonly latest = new Map<string, Delivery>();
  enqueue(d: Delivery): Promise<void> { this.rows.push({ id: d.id, seq: d.seq, status: d.status }); this.latest.set(d.id, { ...d }); return Promise.resolve(); }
  record(d: Delivery): Promise<void> { this.rows.push({ id: d.id, seq: d.seq, status: d.status }); this.latest.set(d.id, { ...d, body: this.latest.get(d.id)?.body ?? '' }); return Promise.resolve(); }
  loadUnfinished(): Promise<Delivery[]> { return Promise.resolve([...this.latest.values()].filter((d) => d.status === 'pending' || d.status === 'retrying').map((d) => ({ ...d }))); }
  loadGroupMemories(): Promise<Map<string, GroupMemory>> { return Promise.resolve(new Map<string, GroupMemory>()); }
  list(): Promise<DeliveryView[]> { return Promise.resolve([]); }
}

const receiver: Receiver = { name: 'hook', format: 'alertmanager', url: 'http://127.0.0.1:9/', secret: 'a-long-enough-secret-value', routingKey: undefined, timeoutMs: 1000, giveUpAfterMs: 60_000, backoff: { initialMs: 20, maxMs: 40 } };

function note(id: string, group = 'hook:{}'): Notification {
  return { id, receiver: 'hook', groupKey: group, groupLabels: {}, status: 'firing', alerts: [], externalUrl: 'http://sw', createdAt: Date.now() };
}

function outbox(store: OutboxStore, attempt: (d: Delivery) => AttemptResult, r: Receiver = receiver): Outbox {
  return new Outbox({ store, receivers: new Map([[r.name, r]]), clock: SYSTEM_CLOCK, logger: createSilentLogger(), attempt: (_r, d) => Promise.resolve(attempt(d)) });
}

const ok: AttemptResult = { kind: 'delivered', httpStatus: 200 };
const down: AttemptResult = { kind: 'failed', httpStatus: 503, error: 'SW_WEBHOOK_REJECTED: HTTP 503', retryAfterMs: undefined };

describe('webhook outbox', () => {
  it('stores a notification before its first attempt, with the receiver-shaped body', async () => {
    const store = new MemoryStore();
    const seen: string[] = [];
    const box = outbox(store, (d) => { seen.push(`${d.id}@${store.rows.length}`); return ok; });
    await box.enqueue(note('n1'), ['a']);
    await waitFor('delivered', () => store.latest.get('n1')?.status === 'delivered');
    await box.close();
    assert.deepEqual(seen, ['n1@1'], 'the pending row existed when the attempt was made');
    assert.deepEqual(store.rows, [{ id: 'n1', seq: 0, status: 'pending' }, { id: 'n1', seq: 1, status: 'delivered' }]);
    assert.equal((JSON.parse(store.latest.get('n1')?.body ?? '{}') as { version?: string }).version, '4');
  });

  it('retries with backoff until delivered, keeping the order within a group', async () => {
    const store = new MemoryStore();
    const attempts: string[] = [];
    let failuresLeft = 3;
    const box = outbox(store, (d) => {
      attempts.push(d.id);
      if (d.id === 'first' && failuresLeft > 0) { failuresLeft -= 1; return down; }
      return ok;
    });
    await box.enqueue(note('first'), []);
    await box.enqueue(note('second'), []);
    await box.enqueue(note('other-group', 'hook:{x="1"}'), []);
    await waitFor('all delivered', () => ['first', 'second', 'other-group'].every((id) => store.latest.get(id)?.status === 'delivered'));
    await box.close();
    const ordered = attempts.filter((id) => id !== 'other-group');
    assert.deepEqual(ordered, ['first', 'first', 'first', 'first', 'second'], 'second waits for first');
    assert.equal(store.latest.get('first')?.attempts, 4);
    assert.ok(attempts.indexOf('other-group') < attempts.lastIndexOf('first'), 'another group is not held up');
  });

  it('gives up after the receiver give-up time and records the failure', async () => {
    const store = new MemoryStore();
    const box = outbox(store, () => down, { ...receiver, giveUpAfterMs: 150 });
    await box.enqueue(note('doomed'), []);
    await waitFor('failed', () => store.latest.get('doomed')?.status === 'failed', { timeoutMs: 5000 });
    await box.close();
    const d = store.latest.get('doomed');
    assert.match(d?.lastError ?? '', /^SW_WEBHOOK_GAVE_UP after \d+ attempts: SW_WEBHOOK_REJECTED: HTTP 503$/);
    assert.equal(box.pending, 0);
  });

  it('a new outbox over the same store resumes unfinished deliveries, each exactly once', async () => {
    const store = new MemoryStore();
    const first = outbox(store, () => down);
    await first.enqueue(note('a'), []);
    await first.enqueue(note('b', 'hook:{g="2"}'), []);
    await waitFor('a failed attempt', () => (store.latest.get('a')?.attempts ?? 0) >= 1);
    await first.close();
    const delivered: string[] = [];
    const second = outbox(store, (d) => { delivered.push(d.id); return ok; });
    await second.start();
    await waitFor('both delivered', () => delivered.length === 2);
    await second.close();
    assert.deepEqual(delivered.sort(), ['a', 'b']);
    const seqs = store.rows.filter((r) => r.id === 'a').map((r) => r.seq);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y), 'row sequence keeps growing across the restart');
  });
});
