// WebSocket live hub over a real socket: auth by first message, subscribe, points pushed on ingest; message ids,
// resuming after a last-seen id (replay from the ring, or a `gap` message), heartbeats and pings, and a client
// that stops answering pings dropped.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { createLiveHub, type LiveHub } from '../../collector/live/hub.js';
import { wsRoutes } from '../../collector/live/ws-route.js';
import { TokenStore, generateToken, hashToken } from '../../lib/auth/tokens.js';
import { createCollectorMetrics } from '../../lib/telemetry/metrics.js';
import { createTestCollector, type TestCollector } from '../support/collector-app.js';
import { uniqueName } from '../support/unique-name.js';
import { waitFor } from '../support/wait-for.js';

let c: TestCollector;
let wsUrl: string;
before(async () => {
  c = await createTestCollector();
  const address = await c.app.listen({ host: '127.0.0.1', port: 0 });
  wsUrl = `${address.replace('http', 'ws')}/ws`;
});
after(async () => { await c.close(); });

function collect(ws: WebSocket): { type: string; [k: string]: unknown }[] {
  const messages: { type: string }[] = [];
  ws.on('message', (raw: Buffer) => messages.push(JSON.parse(raw.toString()) as { type: string }));
  return messages;
}

describe('GET /ws', () => {
  it('closes with 4401 on an unknown token and on a role that may not read', async () => {
    for (const token of ['nope', c.tokens.agent]) {
      const ws = new WebSocket(wsUrl);
      await once(ws, 'open');
      ws.send(JSON.stringify({ type: 'auth', token }));
      const [code] = (await once(ws, 'close')) as [number, Buffer];
      assert.equal(code, 4401);
    }
  });

  it('answers malformed messages with an error and keeps the connection', async () => {
    const ws = new WebSocket(wsUrl);
    const messages = collect(ws);
    await once(ws, 'open');
    ws.send('{not json');
    ws.send(JSON.stringify({ type: 'subscribe', topics: ['points'] }));
    await waitFor('two error replies', () => messages.length >= 2);
    assert.equal(messages[0]?.type, 'error');
    assert.match(String(messages[1]?.['message']), /authenticate first/);
    ws.close();
  });

  it('pushes ingested points to a subscribed viewer', async () => {
    const ws = new WebSocket(wsUrl);
    const messages = collect(ws);
    await once(ws, 'open');
    ws.send(JSON.stringify({ type: 'auth', token: c.tokens.viewer }));
    await waitFor('ready', () => messages.find((m) => m.type === 'ready'));
    ws.send(JSON.stringify({ type: 'subscribe', topics: ['points'] }));
    await waitFor('subscribed', () => messages.find((m) => m.type === 'subscribed'));
    const point = { ts: Date.now(), metric: 'live_probe', labels: { host: 'w' }, value: 42 };
    const res = await c.app.inject({
      method: 'POST',
      url: '/api/v1/ingest',
      payload: { agent: 'a', batchId: uniqueName('live'), points: [point] },
      headers: { authorization: `Bearer ${c.tokens.agent}` },
    });
    assert.equal(res.statusCode, 200);
    const pushed = await waitFor('points message', () => messages.find((m) => m.type === 'points'));
    assert.deepEqual(pushed['points'], [point]);
    ws.close();
  });
});

interface Live { type: string; id?: number; topic?: string; reason?: string; lastId?: number; firstId?: number; ids?: Record<string, number>; message?: { n: number } }

describe('GET /ws: ids, resume and heartbeats', () => {
  // Client and server share this process: on a loaded machine a pong can take a few hundred ms, so a short
  // interval would drop the healthy client too.
  const HEARTBEAT_MS = 1000;
  let app: FastifyInstance;
  let hub: LiveHub;
  let url: string;
  const drops: string[] = [];
  const token = generateToken('viewer');
  /** A silence-shaped message whose comment carries a counter, so replayed messages can be told apart. */
  const publish = (n: number): void => {
    hub.publish('alerts', { type: 'silence', event: 'created', silence: { id: `s${n}`, matchers: [], startsAt: 0, endsAt: 0, createdBy: 't', comment: String(n), createdAt: 0, updatedBy: 't' } });
  };
  const counter = (m: Live): number => Number((m as unknown as { silence: { comment: string } }).silence.comment);

  before(async () => {
    hub = createLiveHub({ heartbeatIntervalMs: HEARTBEAT_MS, replayMessages: 5, onDrop: (r) => drops.push(r) });
    app = Fastify();
    await app.register(websocket);
    wsRoutes(app, { hub, tokens: new TokenStore([{ name: 'v', role: 'viewer', sha256: hashToken(token) }]), metrics: createCollectorMetrics() });
    url = `${(await app.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws')}/ws`;
  });
  after(async () => {
    hub.close?.();
    await app.close();
  });

  async function connect(subscribe: object, options: WebSocket.ClientOptions = {}): Promise<{ ws: WebSocket; messages: Live[] }> {
    const ws = new WebSocket(url, options);
    const messages: Live[] = [];
    ws.on('message', (raw: Buffer) => messages.push(JSON.parse(raw.toString()) as Live));
    await once(ws, 'open');
    ws.send(JSON.stringify({ type: 'auth', token }));
    await waitFor('ready', () => messages.find((m) => m.type === 'ready'));
    ws.send(JSON.stringify({ type: 'subscribe', topics: ['alerts'], ...subscribe }));
    await waitFor('subscribed', () => messages.find((m) => m.type === 'subscribed'));
    return { ws, messages };
  }

  it('numbers messages per topic and replays what a resuming client missed, in order, before anything newer', async () => {
    const first = await connect({});
    publish(1);
    publish(2);
    const seen = await waitFor('two messages', () => { const s = first.messages.filter((m) => m.type === 'silence'); return s.length === 2 ? s : undefined; });
    assert.equal((seen[1]?.id ?? 0) - (seen[0]?.id ?? 0), 1, 'ids grow by one');
    first.ws.close();
    await once(first.ws, 'close');
    publish(3);
    publish(4);
    const again = await connect({ lastIds: { alerts: seen[1]?.id } });
    publish(5);
    const got = await waitFor('replay and the new one', () => { const s = again.messages.filter((m) => m.type === 'silence'); return s.length === 3 ? s : undefined; });
    assert.deepEqual(got.map(counter), [3, 4, 5]);
    assert.deepEqual(got.map((m) => m.id), [1, 2, 3].map((k) => (seen[1]?.id ?? 0) + k));
    assert.equal(again.messages.find((m) => m.type === 'gap'), undefined, 'nothing was lost');
    assert.equal(again.messages.find((m) => m.type === 'subscribed')?.ids?.['alerts'], (seen[1]?.id ?? 0) + 2, 'subscribed names the newest id');
    again.ws.close();
  });

  it('says `gap` when the ring no longer holds the last-seen id, or it is from before this process', async () => {
    const head = hub.lastIds?.().alerts ?? 0;
    for (let n = 10; n < 20; n++) publish(n); // ring of 5: 10 … 14 evicted
    const late = await connect({ lastIds: { alerts: head } });
    const gap = await waitFor('gap', () => late.messages.find((m) => m.type === 'gap'));
    assert.equal(gap.reason, 'evicted');
    assert.equal(gap.topic, 'alerts');
    assert.equal(gap.lastId, head);
    assert.equal(gap.firstId, head + 6);
    const replayed = await waitFor('what the ring holds', () => { const s = late.messages.filter((m) => m.type === 'silence'); return s.length === 5 ? s : undefined; });
    assert.deepEqual(replayed.map(counter), [15, 16, 17, 18, 19]);
    assert.ok(late.messages.indexOf(gap) < late.messages.findIndex((m) => m.type === 'silence'), 'the gap comes first');
    late.ws.close();
    const old = await connect({ lastIds: { alerts: 1 } });
    assert.equal((await waitFor('gap', () => old.messages.find((m) => m.type === 'gap'))).reason, 'restarted');
    old.ws.close();
    const future = await connect({ lastIds: { alerts: head + 1000 } });
    assert.equal((await waitFor('gap', () => future.messages.find((m) => m.type === 'gap'))).reason, 'unknown_id');
    future.ws.close();
  });

  it('sends heartbeats with the newest ids, pings, and drops a client that does not answer pings', async () => {
    const healthy = await connect({});
    const beat = await waitFor('heartbeat', () => healthy.messages.find((m) => m.type === 'heartbeat'), { timeoutMs: 5 * HEARTBEAT_MS });
    assert.equal(beat.ids?.['alerts'], hub.lastIds?.().alerts);
    const deaf = await connect({}, { autoPong: false });
    const [code] = (await once(deaf.ws, 'close')) as [number]; // within two intervals
    assert.equal(code, 1006, 'terminated without a closing handshake');
    assert.ok(drops.includes('heartbeat_timeout'));
    // The answering client outlived several heartbeat rounds.
    await new Promise((r) => setTimeout(r, 2 * HEARTBEAT_MS));
    assert.equal(healthy.ws.readyState, WebSocket.OPEN);
    assert.ok(healthy.messages.filter((m) => m.type === 'heartbeat').length >= 3);
    healthy.ws.close();
  });
});
