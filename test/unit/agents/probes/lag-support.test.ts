// The helpers every lag probe shares: defaults, redaction, points, per-endpoint health, URL → engine.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { isSyncwatchError } from '../../../../lib/errors.js';
import { EndpointHealth } from '../../../../agents/probes/lag/endpoints.js';
import { LAG_PROBE_DEFAULT_INTERVAL_MS, lagProbeSettings } from '../../../../agents/probes/lag/lag-config.js';
import { PointList } from '../../../../agents/probes/lag/points.js';
import { hostPortOf, redactUrl, scrubSecrets, secretsOf } from '../../../../agents/probes/lag/redact.js';
import { sqlEngineOf } from '../../../../agents/probes/lag/sql-session.js';

function capturingLogger(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { chunks.push(chunk.toString()); done(); } });
  return { logger: pino({ level: 'debug' }, stream), lines: () => chunks.join('').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('lagProbeSettings', () => {
  it('defaults to a 1 s interval, a name from kind and pipeline, and a timeout tied to the interval', () => {
    assert.equal(LAG_PROBE_DEFAULT_INTERVAL_MS, 1_000);
    assert.deepEqual({ ...lagProbeSettings('postgres', { pipeline: 'orders' }) }, { name: 'postgres-orders', pipeline: 'orders', intervalMs: 1_000, timeoutMs: 1_000 });
    assert.equal(lagProbeSettings('x', { pipeline: 'p', intervalMs: 200 }).timeoutMs, 1_000, 'never below 1 s by default');
    assert.equal(lagProbeSettings('x', { pipeline: 'p', intervalMs: 60_000 }).timeoutMs, 10_000, 'never above 10 s by default');
    assert.equal(lagProbeSettings('x', { pipeline: 'p', name: 'n', timeoutMs: 250 }).timeoutMs, 250);
  });
});

describe('redaction', () => {
  it('hides passwords in URLs, messages and host labels', () => {
    const url = 'postgres://app:p%40ss%2Fw0rd@db.example:5432/orders';
    assert.equal(redactUrl(url), 'postgres://app:***@db.example:5432/orders');
    assert.equal(redactUrl('not a url with s3cret'), '<unparsable URL>');
    assert.equal(hostPortOf(url), 'db.example:5432');
    const secrets = secretsOf([url, 'redis://127.0.0.1:6379', 'garbage']);
    assert.deepEqual(secrets.sort(), ['p%40ss%2Fw0rd', 'p@ss/w0rd'].sort());
    assert.equal(scrubSecrets('auth failed for p@ss/w0rd in postgres://app:p%40ss%2Fw0rd@db', secrets), 'auth failed for *** in postgres://app:***@db');
  });
});

describe('PointList', () => {
  it('puts the base labels on every point, skips non-finite values, and rounds float noise', () => {
    const list = new PointList(42, { pipeline: 'p', host: 'h' });
    list.add('a_seconds', 0.1 + 0.2);
    list.add('b', undefined);
    list.add('c', Number.NaN);
    list.flag('d', true, { side: 'source', host: 'other' });
    assert.deepEqual(list.points, [
      { ts: 42, metric: 'a_seconds', labels: { pipeline: 'p', host: 'h' }, value: 0.3 },
      { ts: 42, metric: 'd', labels: { pipeline: 'p', host: 'other', side: 'source' }, value: 1 },
    ]);
  });
});

describe('EndpointHealth', () => {
  const probe = { name: 'mysql-orders', kind: 'mysql' };

  it('reports each endpoint once per round (down if any attempt failed) and fails only when all are down', async () => {
    const { logger } = capturingLogger();
    const health = new EndpointHealth(probe, logger, { primary: 'primary db1:3306', replica: 'replica db2:3306' }, []);
    health.beginRound();
    await health.attempt('replica', () => Promise.resolve(1));
    await health.attempt('primary', () => Promise.reject(new Error('connect ECONNREFUSED')));
    await health.attempt('replica', () => Promise.resolve(2));
    const points = new PointList(1, {});
    health.finishRound(points);
    assert.deepEqual(points.points.map((p) => [p.labels['endpoint'], p.value]), [['replica', 1], ['primary', 0]]);
    assert.equal(health.lastError('primary'), 'primary db1:3306: connect ECONNREFUSED');

    health.beginRound();
    await health.attempt('primary', () => Promise.reject(new Error('still down')));
    await health.attempt('replica', () => Promise.reject(new Error('gone too')));
    assert.throws(() => { health.finishRound(new PointList(2, {})); }, (err) =>
      isSyncwatchError(err) && err.code === 'SW_PROBE_TARGET_DOWN' && err.retriable && err.message === 'primary db1:3306: still down; replica db2:3306: gone too');
  });

  it('logs a failure once per outage and the recovery once, with secrets scrubbed', async () => {
    const { logger, lines } = capturingLogger();
    const health = new EndpointHealth(probe, logger, { source: 'source db:5432' }, ['hunter2']);
    for (const fails of [true, true, true, false, false, true]) {
      health.beginRound();
      await health.attempt('source', () => (fails ? Promise.reject(new Error('password hunter2 rejected')) : Promise.resolve()));
    }
    const messages = lines().map((l) => `${String(l['msg'])}: ${typeof l['err'] === 'string' ? l['err'] : ''}`);
    assert.deepEqual(messages, [
      'probe endpoint failed: source db:5432: password *** rejected',
      'probe endpoint recovered: ',
      'probe endpoint failed: source db:5432: password *** rejected',
    ]);
    assert.deepEqual(await health.check([['source', () => Promise.reject(new Error('hunter2!'))]]), { ok: false, error: 'source db:5432: ***!' });
    assert.deepEqual(await health.check([['source', () => Promise.resolve()]]), { ok: true });
  });
});

describe('sqlEngineOf', () => {
  it('maps schemes to engines and rejects others without echoing the password', () => {
    assert.deepEqual(['postgres://a@h/d', 'postgresql://h/d', 'mysql://h/d', 'mariadb://h/d'].map(sqlEngineOf), ['postgres', 'postgres', 'mysql', 'mysql']);
    assert.throws(() => sqlEngineOf('redis://u:topsecret@h:6379'), (err) => isSyncwatchError(err) && err.code === 'SW_CONFIG_INVALID' && !err.message.includes('topsecret'));
    assert.throws(() => sqlEngineOf('::nope topsecret'), (err) => isSyncwatchError(err) && !err.message.includes('topsecret'));
  });
});
