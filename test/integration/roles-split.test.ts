// Roles split across processes over a real Kafka broker, with the deploy/ files docker-compose.yml runs: a
// dashboard-only process serves live points that a collector process accepted (relayed through Kafka), takes no
// ingest itself, and a verifier-only process comes up ready with its pair lease.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { generateToken } from '../../lib/auth/tokens.js';
import { kafkaBrokersForTests } from '../support/kafka-broker.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { waitFor } from '../support/wait-for.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const CONFIG_FILE = join(ROOT, 'deploy', 'syncwatch.yaml');
const ROLES = JSON.parse(readFileSync(join(ROOT, 'deploy', 'roles.json'), 'utf8')) as Record<'collector' | 'dashboard' | 'verifier', string[]>;

interface Live { readonly type: string; readonly points?: readonly { labels: Record<string, string> }[] }

describe('serve --roles split over Kafka (collector, dashboard, verifier)', () => {
  const root = mkdtempSync(join(tmpdir(), 'sw-roles-'));
  const agentToken = generateToken('agent');
  const procs: ServeProcess[] = [];
  let collector: ServeProcess | undefined;
  let dashboard: ServeProcess | undefined;
  let verifier: ServeProcess | undefined;

  before(async () => {
    const brokers = await kafkaBrokersForTests();
    const env = { SYNCWATCH_AGENT_TOKEN: agentToken, SYNCWATCH_WEBHOOK_SECRET: 'roles-test-secret-0123456789' };
    const role = async (name: 'collector' | 'dashboard' | 'verifier'): Promise<ServeProcess> => {
      const p = await startServe({ dataDir: join(root, name), localAgent: false, env, startTimeoutMs: 120_000, extraArgs: ['--config', CONFIG_FILE, ...ROLES[name], '--kafka-brokers', brokers.join(',')] });
      procs.push(p);
      return p;
    };
    collector = await role('collector');
    [dashboard, verifier] = await Promise.all([role('dashboard'), role('verifier')]);
  });
  after(async () => {
    for (const p of procs) await p.stop();
  });

  it('a dashboard-only process pushes points that a collector process accepted', { timeout: 60_000 }, async () => {
    assert.ok(collector !== undefined && dashboard !== undefined);
    const ws = new WebSocket(`${dashboard.url.replace('http', 'ws')}/ws`);
    const messages: Live[] = [];
    ws.on('message', (raw: Buffer) => messages.push(JSON.parse(raw.toString()) as Live));
    try {
      await once(ws, 'open');
      ws.send(JSON.stringify({ type: 'auth', token: dashboard.token }));
      await waitFor('ready', () => messages.find((m) => m.type === 'ready'));
      ws.send(JSON.stringify({ type: 'subscribe', topics: ['points'] }));
      await waitFor('subscribed', () => messages.find((m) => m.type === 'subscribed'));
      const pipeline = `roles-${Date.now()}`;
      // The dashboard's group reads from the latest offset once it joined: send until one arrives.
      const got = await waitFor('the relayed point on the dashboard', async () => {
        const res = await fetch(`${collector?.url ?? ''}/api/v1/ingest`, {
          method: 'POST',
          headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ agent: 'roles-test', batchId: `roles-${Date.now()}-${Math.random().toString(36).slice(2)}`, points: [{ ts: Date.now(), metric: 'pg_replay_lag_seconds', labels: { pipeline }, value: 1 }] }),
        });
        assert.equal(res.status, 200, await res.text());
        return messages.find((m) => m.type === 'points' && m.points?.some((p) => p.labels['pipeline'] === pipeline));
      }, { timeoutMs: 45_000, intervalMs: 1000 });
      assert.ok(got.points !== undefined);
    } finally {
      ws.close();
    }
    const ingestOnDashboard = await fetch(`${dashboard.url}/api/v1/ingest`, { method: 'POST', headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(ingestOnDashboard.status, 404, 'the dashboard role takes no ingest');
  });

  it('a verifier-only process is ready and serves no API', async () => {
    assert.ok(verifier !== undefined);
    const ready = await fetch(`${verifier.url}/readyz`);
    const body = await ready.json() as { checks: Record<string, { ok: boolean }> };
    assert.equal(ready.status, 200, JSON.stringify(body));
    assert.ok('verifier' in body.checks, `the verifier service runs: ${JSON.stringify(body.checks)}`);
    assert.equal((await fetch(`${verifier.url}/api/v1/alerts`, { headers: { authorization: `Bearer ${verifier.token}` } })).status, 404);
  });
});
