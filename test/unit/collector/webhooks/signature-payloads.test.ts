// Webhook signatures and the three payload shapes.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { buildPayload, PAYLOAD_FORMATS } from '../../../../collector/webhooks/payloads/registry.js';
import type { Notification } from '../../../../collector/webhooks/notification.js';
import { computeSignature, signatureHeader, verifySignature } from '../../../../collector/webhooks/signature.js';

const SECRET = 'a-long-enough-secret-value';
const NOW = Date.parse('2026-11-21T10:00:00Z');

const notification: Notification = {
  id: 'b6f1d3a0-6c2e-4f0e-9d61-0a4b1f3e5c77',
  receiver: 'oncall',
  groupKey: 'oncall:{alertname="lag_high"}',
  groupLabels: { alertname: 'lag_high' },
  status: 'firing',
  alerts: [
    { fingerprint: '0123456789abcdef', status: 'firing', labels: { alertname: 'lag_high', severity: 'critical', pipeline: 'orders', host: 'db1' }, annotations: { summary: 'orders lag 42s' }, startsAt: NOW - 5000, endsAt: undefined, value: 42 },
    { fingerprint: 'fedcba9876543210', status: 'resolved', labels: { alertname: 'lag_high', severity: 'critical', pipeline: 'users', host: 'db1' }, annotations: { summary: 'users lag 31s' }, startsAt: NOW - 60_000, endsAt: NOW - 1000, value: 2 },
  ],
  externalUrl: 'http://127.0.0.1:8080',
  createdAt: NOW,
};

describe('webhook signature', () => {
  it('is HMAC-SHA256 over "timestamp.body", in a header that carries the timestamp', () => {
    const body = '{"a":1}';
    const header = signatureHeader(SECRET, NOW + 999, body);
    const t = Math.floor(NOW / 1000);
    const expected = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
    assert.equal(header, `t=${t},v1=${expected}`);
    assert.equal(computeSignature(SECRET, t, body), expected);
  });

  it('verifies: right secret and body pass; a changed body, wrong secret, stale or malformed header fail', () => {
    const body = '{"a":1}';
    const header = signatureHeader(SECRET, NOW, body);
    assert.deepEqual(verifySignature(SECRET, header, body, NOW + 60_000), { ok: true, timestamp: Math.floor(NOW / 1000) });
    assert.equal(verifySignature(SECRET, header, '{"a":2}', NOW).ok, false);
    assert.equal(verifySignature('another-secret-of-length', header, body, NOW).ok, false);
    assert.deepEqual(verifySignature(SECRET, header, body, NOW + 301_000), { ok: false, reason: 'timestamp outside the tolerance' });
    assert.deepEqual(verifySignature(SECRET, 'v1=zz', body, NOW), { ok: false, reason: 'malformed signature header' });
    assert.deepEqual(verifySignature(SECRET, undefined, body, NOW), { ok: false, reason: 'missing signature header' });
  });
});

describe('payload formats', () => {
  it('has one builder per format', () => {
    assert.deepEqual(PAYLOAD_FORMATS, ['alertmanager', 'slack', 'pagerduty']);
  });

  it('alertmanager: the Alertmanager webhook JSON, version 4', () => {
    const body = JSON.parse(buildPayload('alertmanager', notification, { routingKey: undefined })) as Record<string, unknown>;
    assert.deepEqual(body, {
      version: '4',
      groupKey: 'oncall:{alertname="lag_high"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'oncall',
      groupLabels: { alertname: 'lag_high' },
      commonLabels: { alertname: 'lag_high', severity: 'critical', host: 'db1' },
      commonAnnotations: {},
      externalURL: 'http://127.0.0.1:8080',
      alerts: [
        { status: 'firing', labels: notification.alerts[0]?.labels, annotations: { summary: 'orders lag 42s' }, startsAt: '2026-11-21T09:59:55.000Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://127.0.0.1:8080/api/v1/alerts?id=0123456789abcdef', fingerprint: '0123456789abcdef' },
        { status: 'resolved', labels: notification.alerts[1]?.labels, annotations: { summary: 'users lag 31s' }, startsAt: '2026-11-21T09:59:00.000Z', endsAt: '2026-11-21T09:59:59.000Z', generatorURL: 'http://127.0.0.1:8080/api/v1/alerts?id=fedcba9876543210', fingerprint: 'fedcba9876543210' },
      ],
    });
  });

  it('slack: incoming-webhook text and an attachment per notification', () => {
    const body = JSON.parse(buildPayload('slack', notification, { routingKey: undefined })) as { text: string; attachments: { color: string; text: string }[] };
    assert.equal(body.text, '[FIRING:1] lag_high');
    assert.equal(body.attachments[0]?.color, '#d62728');
    assert.equal(body.attachments[0].text, ':red_circle: orders lag 42s\n:white_check_mark: users lag 31s');
  });

  it('pagerduty: Events API v2 trigger and resolve with a stable dedup_key per group', () => {
    const trigger = JSON.parse(buildPayload('pagerduty', notification, { routingKey: 'R0UTING' })) as Record<string, unknown> & { payload: Record<string, unknown> };
    assert.equal(trigger['routing_key'], 'R0UTING');
    assert.equal(trigger['event_action'], 'trigger');
    assert.match(String(trigger['dedup_key']), /^[0-9a-f]{32}$/);
    assert.deepEqual({ summary: trigger.payload['summary'], source: trigger.payload['source'], severity: trigger.payload['severity'], timestamp: trigger.payload['timestamp'] }, {
      summary: 'orders lag 42s', source: 'db1', severity: 'critical', timestamp: '2026-11-21T10:00:00.000Z',
    });
    const resolve = JSON.parse(buildPayload('pagerduty', { ...notification, status: 'resolved', alerts: notification.alerts.slice(1) }, { routingKey: 'R0UTING' })) as Record<string, unknown>;
    assert.equal(resolve['event_action'], 'resolve');
    assert.equal(resolve['dedup_key'], trigger['dedup_key']);
  });
});
