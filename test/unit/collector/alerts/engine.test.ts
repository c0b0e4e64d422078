// The alert engine over plain points: rule kinds, label sets, `for` via ticks, absence via sweeps, restore, ack.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AlertRecord } from '../../../../collector/alerts/alert-record.js';
import { AlertEngine, type AlertEvent } from '../../../../collector/alerts/engine.js';
import type { Rule } from '../../../../collector/alerts/rules.js';
import { validateConfig } from '../../../../lib/config/load.js';
import { kafkaWindowCode } from '../../../../lib/protocol/kafka-window.js';
import type { Point } from '../../../../lib/protocol/ingest-batch.js';

function rules(raw: unknown[]): Rule[] {
  return validateConfig({ alerts: { rules: raw } }, 'test').alerts.rules;
}

function harness(raw: unknown[]): { engine: AlertEngine; events: AlertEvent[]; log: () => string[] } {
  const events: AlertEvent[] = [];
  const engine = new AlertEngine(rules(raw), (e) => events.push(e));
  return { engine, events, log: () => events.map((e) => `${e.alert.rule}/${Object.values(e.alert.series).join(',')}:${e.kind}`) };
}

const pt = (metric: string, labels: Record<string, string>, ts: number, value: number): Point => ({ metric, labels, ts, value });

describe('alert engine', () => {
  it('keeps one alert per label set, filtered by matchers, with alertname/severity/rule labels', () => {
    const { engine, events, log } = harness([{ kind: 'threshold', name: 'lag_high', metric: 'lag', op: '>', threshold: 10, matchers: ['pipeline=~"o.*"'], severity: 'critical', labels: { team: 'dba' } }]);
    engine.observe([pt('lag', { pipeline: 'orders' }, 1, 20), pt('lag', { pipeline: 'other' }, 1, 5), pt('lag', { pipeline: 'users' }, 1, 99), pt('cpu', { pipeline: 'orders' }, 1, 99)], 1);
    assert.deepEqual(log(), ['lag_high/orders:firing']);
    assert.deepEqual(events[0]?.alert.labels, { pipeline: 'orders', team: 'dba', alertname: 'lag_high', severity: 'critical' });
    assert.match(events[0].alert.id, /^[0-9a-f]{16}$/);
    assert.equal(events[0].alert.annotations['summary'], 'lag is 20, > 10 (pipeline=orders)');
    engine.observe([pt('lag', { pipeline: 'other' }, 2, 50), pt('lag', { pipeline: 'orders' }, 2, 3)], 2);
    assert.deepEqual(log(), ['lag_high/orders:firing', 'lag_high/other:firing', 'lag_high/orders:resolved']);
    assert.deepEqual(engine.list().map((a) => `${a.series['pipeline'] ?? ''}:${a.state.kind}`), ['other:firing', 'orders:resolved']);
  });

  it('renders templated annotations at each transition', () => {
    const { engine, events } = harness([{ kind: 'threshold', name: 'lag_high', metric: 'lag', op: '>=', threshold: 10, annotations: { summary: '{{ $labels.pipeline }} lag {{ $value }}s >= {{ $threshold }}s', runbook: 'https://runbooks/{{ $rule }}' } }]);
    engine.observe([pt('lag', { pipeline: 'orders' }, 1, 12.5)], 1);
    assert.deepEqual(events[0]?.alert.annotations, { summary: 'orders lag 12.5s >= 10s', runbook: 'https://runbooks/lag_high' });
  });

  it('promotes a pending alert on a sweep once `for` elapsed, even with no new point', () => {
    const { engine, log } = harness([{ kind: 'threshold', name: 'slow', metric: 'lag', op: '>', threshold: 1, forMs: 5000 }]);
    engine.observe([pt('lag', { p: 'a' }, 1000, 2)], 1000);
    engine.sweep(5999);
    engine.sweep(6000);
    assert.deepEqual(log(), ['slow/a:pending', 'slow/a:firing']);
  });

  it('rate rules: fire when the change over the window exceeds the threshold, with hysteresis', () => {
    const { engine, events, log } = harness([{ kind: 'rate', name: 'lag_growing', metric: 'lag', op: '>', threshold: 0.5, resolveThreshold: 0, windowMs: 10_000 }]);
    const feed = (ts: number, v: number): void => { engine.observe([pt('lag', { p: 'a' }, ts, v)], ts); };
    feed(0, 0); feed(5000, 1); // window not yet covered: no level
    assert.deepEqual(log(), []);
    feed(10_000, 10); // (10 - 0) / 10 s = 1/s > 0.5
    assert.deepEqual(log(), ['lag_growing/a:firing']);
    assert.equal(events[0]?.alert.state.kind === 'firing' ? events[0].alert.state.value : -1, 1);
    feed(20_000, 13); // 0.3/s: inside the band, still firing
    feed(30_000, 12); // -0.1/s: resolves
    assert.deepEqual(log(), ['lag_growing/a:firing', 'lag_growing/a:resolved']);
  });

  it('kafka window rules fire on the configured states', () => {
    const { engine, log } = harness([{ kind: 'kafka_window', name: 'consumer_stuck', matchers: ['group="etl"'] }]);
    const p = (ts: number, state: 'OK' | 'WARN' | 'STALL' | 'STOP'): Point => pt('kafka_partition_window_status', { group: 'etl', partition: '0' }, ts, kafkaWindowCode(state));
    engine.observe([p(1, 'OK'), p(2, 'WARN'), p(3, 'STALL'), p(4, 'STOP'), p(5, 'OK')], 5);
    assert.deepEqual(log(), ['consumer_stuck/etl,0:firing', 'consumer_stuck/etl,0:resolved']);
  });

  it('verification drift rules fire on confirmed differences and resolve on a clean run', () => {
    const { engine, log } = harness([{ kind: 'verification_drift', name: 'drift', severity: 'critical' }]);
    engine.observe([pt('syncwatch_verification_confirmed_differences', { pair: 'orders' }, 1, 0)], 1);
    engine.observe([pt('syncwatch_verification_confirmed_differences', { pair: 'orders' }, 2, 3)], 2);
    engine.observe([pt('syncwatch_verification_confirmed_differences', { pair: 'orders' }, 3, 0)], 3);
    assert.deepEqual(log(), ['drift/orders:firing', 'drift/orders:resolved']);
  });

  it('absence rules: fire for a silent source (by label subset), resolve when it reports again', () => {
    const { engine, events, log } = harness([{ kind: 'absence', name: 'agent_silent', metric: 'up', silentForMs: 10_000, by: ['host'] }]);
    engine.observe([pt('up', { host: 'a', probe: 'x' }, 0, 1), pt('up', { host: 'a', probe: 'y' }, 0, 1), pt('up', { host: 'b', probe: 'x' }, 0, 1)], 0);
    engine.observe([pt('up', { host: 'b', probe: 'x' }, 8000, 1)], 8000);
    engine.sweep(9_999);
    assert.deepEqual(log(), []);
    engine.sweep(10_000);
    engine.sweep(11_000); // still silent: no second firing
    assert.deepEqual(log(), ['agent_silent/a:firing']);
    assert.deepEqual(events[0]?.alert.series, { host: 'a' });
    engine.observe([pt('up', { host: 'a', probe: 'x' }, 12_000, 1)], 12_000);
    assert.deepEqual(log(), ['agent_silent/a:firing', 'agent_silent/a:resolved']);
    engine.sweep(18_000); // b has been silent for 10 s now
    assert.deepEqual(log().at(-1), 'agent_silent/b:firing');
  });

  it('absence rules learn label sets seen before a restart', () => {
    const { engine, log } = harness([{ kind: 'absence', name: 'silent', metric: 'up', silentForMs: 1000 }]);
    engine.seen('silent', { host: 'z' }, 5000);
    engine.seen('nope', { host: 'z' }, 5000);
    engine.sweep(6000);
    assert.deepEqual(log(), ['silent/z:firing']);
  });

  it('restores active alerts without emitting, continues them, and resolves alerts of removed rules', () => {
    const first = harness([{ kind: 'threshold', name: 'lag_high', metric: 'lag', op: '>', threshold: 10 }, { kind: 'threshold', name: 'gone', metric: 'x', op: '>', threshold: 0 }]);
    first.engine.observe([pt('lag', { p: 'a' }, 1, 20), pt('x', { p: 'a' }, 1, 1)], 1);
    const saved: AlertRecord[] = first.engine.list();
    const second = harness([{ kind: 'threshold', name: 'lag_high', metric: 'lag', op: '>', threshold: 10 }]);
    second.engine.restore(saved, 100);
    assert.deepEqual(second.log(), ['gone/a:resolved']);
    second.engine.observe([pt('lag', { p: 'a' }, 200, 25)], 200);
    assert.deepEqual(second.log(), ['gone/a:resolved'], 'still firing: no new transition after restore');
    second.engine.observe([pt('lag', { p: 'a' }, 300, 1)], 300);
    assert.deepEqual(second.log(), ['gone/a:resolved', 'lag_high/a:resolved']);
    assert.equal(second.events[1]?.alert.id, saved.find((a) => a.rule === 'lag_high')?.id, 'same label set, same id');
  });

  it('acknowledges active alerts only; the acknowledgement ends with the episode', () => {
    const { engine, events } = harness([{ kind: 'threshold', name: 'lag_high', metric: 'lag', op: '>', threshold: 10 }]);
    engine.observe([pt('lag', { p: 'a' }, 1, 20)], 1);
    const id = events[0]?.alert.id ?? '';
    assert.equal(engine.acknowledge('0000000000000000', 'me', 2).kind, 'not_found');
    const ack = engine.acknowledge(id, 'alice', 2);
    assert.equal(ack.kind, 'ok');
    assert.deepEqual(engine.get(id)?.ack, { by: 'alice', at: 2 });
    assert.equal(events.at(-1)?.kind, 'acknowledged');
    engine.observe([pt('lag', { p: 'a' }, 3, 1)], 3);
    assert.equal(events.at(-1)?.alert.ack, undefined);
    assert.equal(engine.acknowledge(id, 'alice', 4).kind, 'not_active');
  });
});
