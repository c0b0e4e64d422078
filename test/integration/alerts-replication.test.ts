// Alerting from a real replication pair: a PostgreSQL primary + hot standby, a real agent running the postgres
// probe against the standby and shipping through its spool to a real collector (startServer: embedded ClickHouse,
// alert engine, outbox). Replay is paused on the standby while the primary keeps writing → the measured lag
// crosses the threshold → a signed firing webhook reaches a local HTTP receiver and a WebSocket subscriber gets
// the alert; replay resumes → resolved, both ways, once each.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { createAgent, type Agent } from '../../agents/agent.js';
import { startServer, type RunningServer } from '../../collector/server.js';
import { generateToken, hashToken } from '../../lib/auth/tokens.js';
import { validateConfig } from '../../lib/config/load.js';
import { createSilentLogger } from '../../lib/log.js';
import { startPgPair, type PgPair } from '../support/replication.js';
import { withPgClient } from '../support/services.js';
import { uniqueName } from '../support/unique-name.js';
import { waitFor } from '../support/wait-for.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET_ENV = 'SW_TEST_REPLICATION_HOOK_SECRET';
const SECRET = `repl-${uniqueName('k')}`;
const PIPELINE = 'pg-alert-pair';
const THRESHOLD_S = 1.5;

interface WsMessage { type: string; event?: string; id?: number; alert?: { id: string; rule: string; labels: Record<string, string>; value: number }; points?: { metric: string; value: number; labels: Record<string, string> }[] }
interface AmPayload { status: string; groupLabels: Record<string, string>; alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[] }

describe('lag alert from a real PostgreSQL pair, measured by a real agent', { timeout: 120_000 }, () => {
  let pair: PgPair | undefined;
  let server: RunningServer | undefined;
  let receiver: WebhookReceiver | undefined;
  let agent: Agent | undefined;
  let socket: WebSocket | undefined;
  let writer: NodeJS.Timeout | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'sw-alerts-repl-'));
  const table = uniqueName('alert_pair');
  const ws: WsMessage[] = [];

  before(async () => {
    [pair, receiver] = await Promise.all([startPgPair(), startWebhookReceiver({ secret: SECRET })]);
    const primaryUrl = pair.primaryUrl;
    await withPgClient(primaryUrl, (c) => c.query(`CREATE TABLE ${table} (id serial PRIMARY KEY, at timestamptz DEFAULT now())`));
    process.env[SECRET_ENV] = SECRET;
    const agentToken = generateToken('agent');
    const viewerToken = generateToken('viewer');
    const config = validateConfig({
      server: { port: 0 },
      storage: { dataDir: join(dir, 'data') },
      localAgent: { enabled: false },
      alerts: {
        sweepIntervalMs: 200,
        rules: [{
          kind: 'threshold', name: 'pg_replay_lag_high', metric: 'pg_replay_lag_seconds', matchers: [`pipeline="${PIPELINE}"`],
          op: '>', threshold: THRESHOLD_S, resolveThreshold: 0.5, severity: 'critical',
          annotations: { summary: '{{ $labels.pipeline }} replays {{ $value }} s behind' },
        }],
        receivers: [{ name: 'oncall', url: `${receiver.url}/hook`, secretEnv: SECRET_ENV, backoff: { initialMs: 100, maxMs: 400 } }],
        route: { receivers: ['oncall'], groupBy: ['alertname', 'pipeline'], groupWaitMs: 0, groupIntervalMs: 0 },
      },
    }, 'test', process.env);
    server = await startServer({
      config, roles: ['collector', 'alerter'], logger: createSilentLogger(),
      tokens: [{ name: 'agent', role: 'agent', sha256: hashToken(agentToken) }, { name: 'viewer', role: 'viewer', sha256: hashToken(viewerToken) }],
    });
    const s = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
    socket = s;
    s.on('message', (raw: Buffer) => ws.push(JSON.parse(raw.toString()) as WsMessage));
    await once(s, 'open');
    s.send(JSON.stringify({ type: 'auth', token: viewerToken }));
    await waitFor('ws ready', () => ws.find((m) => m.type === 'ready'));
    s.send(JSON.stringify({ type: 'subscribe', topics: ['alerts', 'points'] }));
    await waitFor('ws subscribed', () => ws.find((m) => m.type === 'subscribed'));
    agent = createAgent({
      collectorUrl: server.url, token: agentToken, agentName: 'repl-agent', spoolDir: join(dir, 'spool'), logger: createSilentLogger(),
      probes: [{ kind: 'postgres', pipeline: PIPELINE, url: pair.standbyUrl, intervalMs: 250 }],
      spool: { segmentMaxAgeMs: 100 },
      shipper: { requestTimeoutMs: 5000, backoff: { initialMs: 100, maxMs: 500 } },
    });
    await agent.start();
  });

  after(async () => {
    clearInterval(writer);
    await agent?.stop();
    socket?.close();
    await server?.close();
    await receiver?.stop();
    await pair?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const lagPoints = (): number[] => ws.flatMap((m) => (m.type === 'points' ? (m.points ?? []) : []))
    .filter((p) => p.metric === 'pg_replay_lag_seconds' && p.labels['pipeline'] === PIPELINE).map((p) => p.value);
  const alertWs = (event: string): WsMessage | undefined => ws.find((m) => m.type === 'alert' && m.event === event && m.alert?.labels['pipeline'] === PIPELINE);
  const hooks = (): AmPayload[] => (receiver?.accepted() ?? []).map((r) => r.json as AmPayload).filter((p) => p.groupLabels['pipeline'] === PIPELINE);

  it('pause replay → firing webhook (signed) and WebSocket alert; resume → resolved', async () => {
    assert.ok(pair && receiver);
    const { primaryUrl, standbyUrl } = pair;
    await waitFor('the agent reporting the caught-up standby', () => lagPoints().includes(0), { timeoutMs: 20_000 });
    assert.equal(alertWs('firing'), undefined);

    await withPgClient(standbyUrl, (c) => c.query('SELECT pg_wal_replay_pause()'));
    // The primary keeps writing, so the standby has WAL it does not replay.
    writer = setInterval(() => { void withPgClient(primaryUrl, (c) => c.query(`INSERT INTO ${table} DEFAULT VALUES`)).catch(() => undefined); }, 200);
    let fired: WsMessage;
    try {
      fired = await waitFor('firing on the WebSocket', () => alertWs('firing'), { timeoutMs: 20_000, intervalMs: 50 });
    } catch (err) {
      throw new Error(`${String(err)}; lag readings: ${lagPoints().join(' ')}`);
    }
    assert.equal(fired.alert?.rule, 'pg_replay_lag_high');
    assert.ok(fired.alert.value > THRESHOLD_S, `alert value ${fired.alert.value}`);
    assert.ok(Number.isSafeInteger(fired.id), 'the message has its id');
    const firing = await waitFor('firing webhook', () => hooks()[0], { timeoutMs: 10_000, intervalMs: 50 });
    assert.equal(firing.status, 'firing');
    assert.equal(firing.alerts[0]?.labels['alertname'], 'pg_replay_lag_high');
    assert.match(firing.alerts[0].annotations['summary'] ?? '', new RegExp(`^${PIPELINE} replays [0-9.]+ s behind$`));
    assert.ok(receiver.accepted().every((r) => r.signatureOk), 'signature verifies with the receiver secret');

    await withPgClient(standbyUrl, (c) => c.query('SELECT pg_wal_replay_resume()'));
    await waitFor('resolved on the WebSocket', () => alertWs('resolved'), { timeoutMs: 20_000, intervalMs: 50 });
    const resolved = await waitFor('resolved webhook', () => hooks()[1], { timeoutMs: 10_000, intervalMs: 50 });
    assert.equal(resolved.status, 'resolved');
    clearInterval(writer);
    // No flapping and no repeat: exactly one firing and one resolve, each accepted once.
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(hooks().map((p) => p.status), ['firing', 'resolved']);
    assert.deepEqual([...receiver.acceptedCounts().values()], [1, 1]);
    assert.ok(receiver.accepted().every((r) => r.signatureOk));
  });
});
