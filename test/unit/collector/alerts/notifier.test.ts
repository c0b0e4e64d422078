// The notifier with real timers: grouping, de-duplication, restored memory, silences, repeats, retries of a failed store.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fingerprintOf, type AlertRecord } from '../../../../collector/alerts/alert-record.js';
import type { GroupMemory } from '../../../../collector/alerts/grouping.js';
import { Notifier } from '../../../../collector/alerts/notifier.js';
import { createRouter } from '../../../../collector/alerts/routing.js';
import type { AlertState } from '../../../../collector/alerts/state-machine.js';
import type { Notification } from '../../../../collector/webhooks/notification.js';
import { SYSTEM_CLOCK } from '../../../../lib/clock.js';
import { createSilentLogger } from '../../../../lib/log.js';
import { waitFor } from '../../../support/wait-for.js';

const firing: AlertState = { kind: 'firing', activeAt: 1, firedAt: 1, updatedAt: 1, value: 5 };
const resolved: AlertState = { kind: 'resolved', activeAt: 1, firedAt: 1, resolvedAt: 2, updatedAt: 2, value: 0 };

function alert(pipeline: string, state: AlertState, extra: Partial<AlertRecord> = {}): AlertRecord {
  const labels = { alertname: 'lag_high', severity: 'critical', pipeline };
  return { id: fingerprintOf(labels), rule: 'lag_high', severity: 'critical', series: { pipeline }, labels, annotations: { summary: pipeline }, state, ack: undefined, ...extra };
}

function harness(opts: { groupWaitMs?: number; repeatIntervalMs?: number; memories?: Map<string, GroupMemory>; silenced?: Set<string>; failFirst?: number } = {}) {
  const sent: { n: Notification; nextFiring: readonly string[] }[] = [];
  let failures = opts.failFirst ?? 0;
  const silenced = opts.silenced ?? new Set<string>();
  const notifier = new Notifier({
    router: createRouter({ receivers: ['hook'], groupBy: ['alertname'], groupWaitMs: opts.groupWaitMs ?? 0, groupIntervalMs: 30, repeatIntervalMs: opts.repeatIntervalMs ?? 3_600_000, routes: [] }),
    clock: SYSTEM_CLOCK,
    logger: createSilentLogger(),
    isSilenced: (a) => silenced.has(a.id),
    send: (n, nextFiring) => {
      if (failures > 0) { failures -= 1; return Promise.reject(new Error('ClickHouse down')); }
      sent.push({ n, nextFiring });
      return Promise.resolve();
    },
    externalUrl: () => 'http://sw',
  }, opts.memories);
  const summary = (): string[] => sent.map(({ n }) => `${n.status}:${n.alerts.map((a) => `${a.labels['pipeline'] ?? ''}=${a.status}`).join(',')}`);
  return { notifier, sent, summary, silenced };
}

describe('notifier', () => {
  it('notifies a firing alert once, then its resolve, in one group keyed by alertname', async () => {
    const { notifier, sent, summary } = harness();
    notifier.update(alert('orders', firing));
    await waitFor('firing notification', () => sent.length === 1);
    notifier.update(alert('orders', { ...firing, value: 9 }));
    notifier.update(alert('orders', firing, { ack: { by: 'x', at: 1 } }));
    notifier.update(alert('orders', resolved));
    await waitFor('resolved notification', () => sent.length === 2);
    await notifier.close();
    assert.deepEqual(summary(), ['firing:orders=firing', 'resolved:orders=resolved']);
    assert.equal(sent[0]?.n.groupKey, 'hook:{alertname="lag_high"}');
    assert.deepEqual(sent[0].n.groupLabels, { alertname: 'lag_high' });
    assert.notEqual(sent[0].n.id, sent[1]?.n.id);
  });

  it('batches alerts that fire together within group_wait into one notification', async () => {
    const { notifier, sent, summary } = harness({ groupWaitMs: 100 });
    notifier.update(alert('orders', firing));
    notifier.update(alert('users', firing));
    await waitFor('one notification', () => sent.length === 1);
    await notifier.close();
    assert.deepEqual(summary(), ['firing:orders=firing,users=firing']);
  });

  it('after a restart, does not repeat what the receiver was told and still sends the resolve', async () => {
    const told = alert('orders', firing).id;
    const memories = new Map<string, GroupMemory>([['hook:{alertname="lag_high"}', { lastFiring: new Set([told]), lastSentAt: Date.now() - 1000 }]]);
    const { notifier, sent, summary } = harness({ memories });
    notifier.update(alert('orders', firing));
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(summary(), [], 'no re-notification of an alert the receiver already has');
    notifier.update(alert('orders', resolved));
    await waitFor('resolve', () => sent.length === 1);
    await notifier.close();
    assert.deepEqual(summary(), ['resolved:orders=resolved']);
  });

  it('mutes silenced alerts and notifies them once the silence is gone', async () => {
    const a = alert('orders', firing);
    const { notifier, sent, summary, silenced } = harness({ silenced: new Set([a.id]) });
    notifier.update(a);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(sent.length, 0);
    silenced.clear();
    notifier.refresh();
    await waitFor('notification after the silence', () => sent.length === 1);
    await notifier.close();
    assert.deepEqual(summary(), ['firing:orders=firing']);
  });

  it('repeats an unacknowledged firing group after the repeat interval; an acknowledged one stays quiet', async () => {
    const { notifier, sent } = harness({ repeatIntervalMs: 200 });
    notifier.update(alert('orders', firing));
    await waitFor('first', () => sent.length === 1);
    await new Promise((r) => setTimeout(r, 220));
    notifier.tick(Date.now());
    await waitFor('repeat', () => sent.length === 2);
    notifier.update(alert('orders', firing, { ack: { by: 'alice', at: Date.now() } }));
    await new Promise((r) => setTimeout(r, 220));
    notifier.tick(Date.now());
    await new Promise((r) => setTimeout(r, 100));
    await notifier.close();
    assert.equal(sent.length, 2);
  });

  it('retries a notification whose store failed, without losing it', async () => {
    const { notifier, sent, summary } = harness({ failFirst: 1 });
    notifier.update(alert('orders', firing));
    await waitFor('stored after a retry', () => sent.length === 1, { timeoutMs: 5000 });
    await notifier.close();
    assert.deepEqual(summary(), ['firing:orders=firing']);
  });
});
