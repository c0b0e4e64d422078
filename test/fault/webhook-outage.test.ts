// The webhook receiver is down for a minute (SYNCWATCH_OUTAGE_MS, default 60000) — first answering 503, then
// refusing connections — while alerts of a real `syncwatch serve` fire and resolve again and again. Then it comes
// back: every stored transition is delivered, in order per alert, none twice (the receiver de-duplicates by
// Idempotency-Key and counts), every body signed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { uniqueName } from '../support/unique-name.js';
import { waitFor } from '../support/wait-for.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const OUTAGE_MS = Number(process.env['SYNCWATCH_OUTAGE_MS'] ?? 60_000);
const SECRET = `outage-${uniqueName('s')}`;
const METRIC = 'outage_lag_seconds';
const RULE = 'outage_lag_high';
/** Values per pipeline at each step, spread over the outage: every step changes some alert's state. */
const STEPS: Record<string, number>[] = [
  { w1: 50, w2: 50, w3: 50, w4: 50 },
  { w1: 1, w2: 1 },
  { w1: 50, w3: 1 },
  { w2: 50, w4: 1 },
  { w1: 1, w3: 50 },
  { w4: 50 },
];
const EXPECTED: Record<string, string[]> = {
  w1: ['firing', 'resolved', 'firing', 'resolved'],
  w2: ['firing', 'resolved', 'firing'],
  w3: ['firing', 'resolved', 'firing'],
  w4: ['firing', 'resolved', 'firing'],
};

interface Payload { status: string; groupLabels: Record<string, string> }
interface DeliveryView { id: string; status: string; groupKey: string; notificationStatus: string; attempts: number }
interface StoredEvent { at: number; event: string; labels: Record<string, string> }

describe('webhook receiver outage', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sw-webhook-outage-'));
  let serve: ServeProcess | undefined;
  let receiver: WebhookReceiver | undefined;
  after(async () => {
    await serve?.stop();
    await receiver?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`delivers every transition made during a ${OUTAGE_MS / 1000} s outage once, in order per alert`, { timeout: OUTAGE_MS + 90_000 }, async () => {
    const hook = await startWebhookReceiver({ secret: SECRET });
    receiver = hook;
    const configFile = join(dataDir, 'syncwatch.yaml');
    writeFileSync(configFile, JSON.stringify({
      alerts: {
        sweepIntervalMs: 200,
        rules: [{ kind: 'threshold', name: RULE, metric: METRIC, op: '>', threshold: 10, resolveThreshold: 5, severity: 'critical' }],
        receivers: [{ name: 'oncall', url: `${hook.url}/hook`, secretEnv: 'SW_OUTAGE_HOOK_SECRET', backoff: { initialMs: 200, maxMs: 3000 } }],
        route: { receivers: ['oncall'], groupBy: ['alertname', 'pipeline'], groupWaitMs: 0, groupIntervalMs: 0 },
      },
    }));
    const s = await startServe({ dataDir: join(dataDir, 'data'), localAgent: false, extraArgs: ['--config', configFile], env: { SW_OUTAGE_HOOK_SECRET: SECRET } });
    serve = s;
    const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${s.url}${path}`, { method, headers: { authorization: `Bearer ${s.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      assert.equal(res.status, 200, `${method} ${path}: ${res.status}`);
      return (await res.json()) as T;
    };
    const deliveries = async (): Promise<DeliveryView[]> => (await call<{ deliveries: DeliveryView[] }>('GET', '/api/v1/webhooks/deliveries?limit=1000')).deliveries;
    const expectedCount = Object.values(EXPECTED).flat().length;

    // Down: 503 for the first half, then connections refused.
    hook.setMode('reject');
    const started = Date.now();
    for (const [i, step] of STEPS.entries()) {
      await waitFor(`step ${i + 1} of the outage`, () => Date.now() - started >= (i * OUTAGE_MS) / STEPS.length, { timeoutMs: OUTAGE_MS + 5_000, intervalMs: 50 });
      if (i === STEPS.length / 2) await hook.stop();
      await call('POST', '/api/v1/ingest', { agent: 'outage', batchId: uniqueName('b'), points: Object.entries(step).map(([pipeline, value]) => ({ ts: Date.now(), metric: METRIC, labels: { pipeline }, value })) });
    }
    await waitFor('every notification stored', async () => (await deliveries()).length === expectedCount, { timeoutMs: 10_000 });
    await waitFor('the end of the outage', () => Date.now() - started >= OUTAGE_MS, { timeoutMs: OUTAGE_MS + 5_000, intervalMs: 100 });
    const during = await deliveries();
    assert.ok(during.every((d) => d.status !== 'delivered'), 'nothing got through while down');
    assert.ok(hook.requests.length > 0 && hook.accepted().length === 0, 'attempts reached the 503 phase and were refused');

    // Up again.
    await hook.start();
    hook.setMode('up');
    const upAt = performance.now();
    await waitFor('outbox drained', async () => (await deliveries()).every((d) => d.status === 'delivered'), { timeoutMs: 30_000, intervalMs: 200 });
    console.log(`webhook outage ${OUTAGE_MS} ms: ${expectedCount} notifications delivered ${Math.round(performance.now() - upAt)} ms after the receiver came back; ` +
      `${hook.requests.length} requests in all (${Math.max(...(await deliveries()).map((d) => d.attempts))} attempts at most for one)`);

    // Every stored transition arrived, in order per alert, once.
    const stored = (await call<{ events: StoredEvent[] }>('GET', `/api/v1/alert-events?limit=1000&from=${new Date(started - 60_000).toISOString()}`)).events
      .filter((e) => e.event === 'firing' || e.event === 'resolved')
      .sort((a, b) => a.at - b.at);
    const received = hook.accepted().map((r) => r.json as Payload);
    for (const [pipeline, expected] of Object.entries(EXPECTED)) {
      assert.deepEqual(stored.filter((e) => e.labels['pipeline'] === pipeline).map((e) => e.event), expected, `stored transitions of ${pipeline}`);
      assert.deepEqual(received.filter((p) => p.groupLabels['pipeline'] === pipeline).map((p) => p.status), expected, `notifications of ${pipeline}, in order`);
    }
    const counts = hook.acceptedCounts();
    assert.equal(counts.size, expectedCount);
    assert.deepEqual([...counts.values()].filter((n) => n !== 1), [], 'no notification accepted twice');
    assert.ok(hook.accepted().every((r) => r.signatureOk), 'every delivery is signed');
    const ids = new Set((await deliveries()).map((d) => d.id));
    for (const key of counts.keys()) assert.ok(ids.has(key), `idempotency key ${key} is a stored delivery`);
  });
});
