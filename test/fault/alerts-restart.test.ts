// Alerting across crashes of a real `syncwatch serve` process: notifications queued while the receiver is down
// survive kill -9 and are delivered after the restart, none twice; a restart while alerts fire sends no new
// firing notifications (no storm); the resolve after the restart is still sent, once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { uniqueName } from '../support/unique-name.js';
import { waitFor } from '../support/wait-for.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = `fault-${uniqueName('s')}`;
const METRIC = 'fault_lag_seconds';
const PIPELINES = ['r1', 'r2', 'r3', 'r4', 'r5'];

interface Payload { status: string; groupLabels: Record<string, string>; alerts: { status: string }[] }
interface DeliveryView { id: string; status: string; notificationStatus: string }

describe('alerting survives kill -9 and restarts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sw-alerts-fault-'));
  let serve: ServeProcess | undefined;
  let receiver: WebhookReceiver | undefined;
  after(async () => {
    await serve?.kill9();
    await receiver?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers queued notifications after a crash, none doubled, no re-notification, resolve still sent', { timeout: 85_000 }, async () => {
    const hook = await startWebhookReceiver({ secret: SECRET });
    receiver = hook;
    await hook.stop(); // down from the start: connections refused
    const configFile = join(dataDir, 'syncwatch.yaml');
    writeFileSync(configFile, JSON.stringify({
      alerts: {
        sweepIntervalMs: 200,
        rules: [{ kind: 'threshold', name: 'fault_lag_high', metric: METRIC, op: '>', threshold: 10, severity: 'critical' }],
        receivers: [{ name: 'oncall', url: `${hook.url}/hook`, secretEnv: 'SW_FAULT_HOOK_SECRET', backoff: { initialMs: 100, maxMs: 500 } }],
        route: { receivers: ['oncall'], groupBy: ['alertname', 'pipeline'], groupIntervalMs: 0 },
      },
    }));
    const start = (port = 0): Promise<ServeProcess> => startServe({ dataDir, port, localAgent: false, extraArgs: ['--config', configFile], env: { SW_FAULT_HOOK_SECRET: SECRET } });
    const call = async (s: ServeProcess, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
      const res = await fetch(`${s.url}${path}`, { method, headers: { authorization: `Bearer ${s.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      assert.equal(res.status, 200, `${method} ${path}: ${res.status}`);
      return (await res.json()) as Record<string, unknown>;
    };
    const ingestAll = async (s: ServeProcess, value: number): Promise<void> => {
      await call(s, 'POST', '/api/v1/ingest', { agent: 'fault', batchId: uniqueName('b'), points: PIPELINES.map((pipeline) => ({ ts: Date.now(), metric: METRIC, labels: { pipeline }, value })) });
    };
    const deliveries = async (s: ServeProcess): Promise<DeliveryView[]> => (await call(s, 'GET', '/api/v1/webhooks/deliveries?limit=1000'))['deliveries'] as DeliveryView[];
    const firingCount = async (s: ServeProcess): Promise<number> => ((await call(s, 'GET', '/api/v1/alerts?state=firing'))['alerts'] as unknown[]).length;
    const received = (status: string): ReceivedWebhook[] => hook.accepted().filter((r) => (r.json as Payload).status === status);

    // 1. Five alerts fire while the receiver is down; their notifications are stored and failing.
    serve = await start();
    const port = serve.port;
    await ingestAll(serve, 50);
    const s1 = serve;
    await waitFor('5 notifications queued and failing', async () => {
      const d = await deliveries(s1);
      return d.length === 5 && d.every((x) => x.status === 'retrying');
    }, { timeoutMs: 15_000 });

    // 2. Crash with everything undelivered; restart; the receiver comes back.
    await serve.kill9();
    serve = await start(port);
    await hook.start();
    const s2 = serve;
    await waitFor('5 firing notifications received', () => received('firing').length === 5, { timeoutMs: 20_000, intervalMs: 100 });
    await waitFor('outbox drained', async () => (await deliveries(s2)).every((d) => d.status === 'delivered'), { timeoutMs: 10_000 });
    const firingKeys = received('firing').map((r) => r.key);
    assert.deepEqual([...new Set(received('firing').map((r) => (r.json as Payload).groupLabels['pipeline']))].sort(), PIPELINES);
    for (const key of firingKeys) assert.equal(hook.acceptedCounts().get(key), 1, `notification ${key} accepted once`);
    assert.ok(hook.accepted().every((r) => r.signatureOk));
    assert.equal(await firingCount(s2), 5, 'alert state survived kill -9');

    // 3. Crash again while the alerts fire, restart, keep breaching: no new notification at all.
    const before = hook.requests.length;
    await ingestAll(s2, 60);
    await serve.kill9();
    serve = await start(port);
    const s3 = serve;
    assert.equal(await firingCount(s3), 5);
    await ingestAll(s3, 70);
    await ingestAll(s3, 80);
    // Long enough for several sweeps and for any notification to be stored (they are stored in milliseconds).
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await deliveries(s3)).length, 5, 'no notification was queued after the restart');
    assert.equal(hook.requests.length, before, 'the receiver heard nothing new');

    // 4. Resolve after the restart: one resolved notification per alert, once each.
    await ingestAll(s3, 1);
    await waitFor('5 resolved notifications', () => received('resolved').length === 5, { timeoutMs: 15_000, intervalMs: 100 });
    await waitFor('outbox drained', async () => (await deliveries(s3)).every((d) => d.status === 'delivered'));
    assert.equal((await deliveries(s3)).length, 10);
    assert.deepEqual([...hook.acceptedCounts().values()].filter((n) => n !== 1), [], 'no notification accepted twice');
    assert.equal(await firingCount(s3), 0);
    await serve.stop();
    serve = undefined;
  });
});
