// 200 real WebSocket clients on one hub, one of which never reads (its TCP socket paused): the other 199 receive
// every message, in id order, none twice; the silent one is dropped as a slow consumer with a close reason it
// reads once it resumes; the server never holds more than the bound for it (server-side bufferedAmount sampled
// throughout) and its memory does not grow with what is published.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { createLiveHub, type LiveHub } from '../../collector/live/hub.js';
import { wsRoutes } from '../../collector/live/ws-route.js';
import { TokenStore, generateToken, hashToken } from '../../lib/auth/tokens.js';
import { createCollectorMetrics } from '../../lib/telemetry/metrics.js';
import { waitFor } from '../support/wait-for.js';

const CLIENTS = 200;
const MAX_BUFFERED = 64 * 1024;
/** Enough to fill the kernel buffers of the paused connection (about 4 MB on loopback) and go on well past it. */
const MESSAGES = Number(process.env['SYNCWATCH_FANOUT_MESSAGES'] ?? 500);
const POINTS_PER_MESSAGE = 120;

interface Client {
  readonly ws: WebSocket;
  count: number;
  lastId: number;
  outOfOrder: number;
  tcp?: Socket;
}

describe('live fan-out: 200 clients, one never reading', { timeout: 120_000 }, () => {
  const token = generateToken('viewer');
  const drops: string[] = [];
  let hub: LiveHub;
  let app: FastifyInstance;
  let url: string;
  const clients: Client[] = [];

  before(async () => {
    hub = createLiveHub({ maxBufferedBytes: MAX_BUFFERED, heartbeatIntervalMs: 0, replayMessages: 100, onDrop: (r) => drops.push(r) });
    app = Fastify();
    await app.register(websocket);
    wsRoutes(app, { hub, tokens: new TokenStore([{ name: 'v', role: 'viewer', sha256: hashToken(token) }]), metrics: createCollectorMetrics() });
    url = `${(await app.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws')}/ws`;
  });
  after(async () => {
    for (const c of clients) c.ws.terminate();
    hub.close?.();
    await app.close();
  });

  async function connect(): Promise<Client> {
    const ws = new WebSocket(url);
    const client: Client = { ws, count: 0, lastId: 0, outOfOrder: 0 };
    ws.on('upgrade', (res) => { client.tcp = res.socket; });
    let subscribed = false;
    ws.on('message', (raw: Buffer) => {
      if (!subscribed) {
        const m = JSON.parse(raw.toString()) as { type: string };
        if (m.type === 'ready') ws.send(JSON.stringify({ type: 'subscribe', topics: ['points'] }));
        if (m.type === 'subscribed') subscribed = true;
        return;
      }
      // The id is the last field; reading the tail is enough (200 clients × MBs of JSON would swamp the test).
      const id = Number(/"id":(\d+)\}$/.exec(raw.subarray(raw.length - 40).toString())?.[1]);
      if (client.lastId !== 0 && id !== client.lastId + 1) client.outOfOrder += 1;
      client.lastId = id;
      client.count += 1;
    });
    await once(ws, 'open');
    ws.send(JSON.stringify({ type: 'auth', token }));
    await waitFor('subscribed', () => subscribed);
    return client;
  }

  it('keeps 199 clients receiving everything and drops the silent one with a reason, memory bounded', async () => {
    for (let i = 0; i < CLIENTS; i += 20) clients.push(...(await Promise.all(Array.from({ length: 20 }, () => connect()))));
    assert.equal(hub.size, CLIENTS);
    const [slow, ...fast] = clients;
    assert.ok(slow?.tcp);
    slow.tcp.pause(); // never reads again: the kernel buffers fill, then the server's

    const points = Array.from({ length: POINTS_PER_MESSAGE }, (_, i) => ({ ts: Date.now(), metric: 'fanout_probe_value', labels: { pipeline: `p${i % 7}`, host: `host-${i}` }, value: i }));
    const messageBytes = JSON.stringify({ type: 'points', points }).length;
    const serverSockets = (): WebSocket[] => [...app.websocketServer.clients];
    const rss0 = process.memoryUsage().rss;
    let maxBuffered = 0;
    let maxRss = rss0;
    let droppedAt: number | undefined;
    for (let i = 0; i < MESSAGES; i++) {
      hub.publish('points', { type: 'points', points });
      if (i % 4 === 3) {
        // Let clients read; sample what the server holds per socket.
        await new Promise((r) => setImmediate(r));
        for (const s of serverSockets()) maxBuffered = Math.max(maxBuffered, s.bufferedAmount);
        maxRss = Math.max(maxRss, process.memoryUsage().rss);
      }
      if (droppedAt === undefined && drops.length > 0) droppedAt = i;
    }
    const last = hub.lastIds?.().points ?? 0;
    await waitFor('199 clients have everything', () => fast.every((c) => c.lastId === last), { timeoutMs: 60_000, intervalMs: 50 });

    const published = MESSAGES * messageBytes;
    console.log(`fan-out: ${MESSAGES} messages of ${messageBytes} bytes to ${CLIENTS} clients; slow one dropped after message ${droppedAt}; ` +
      `largest server-side queue ${maxBuffered} bytes; RSS ${Math.round(rss0 / 2 ** 20)} → max ${Math.round(maxRss / 2 ** 20)} MiB`);
    for (const c of fast) {
      assert.equal(c.count, MESSAGES, 'every message');
      assert.equal(c.outOfOrder, 0, 'ids consecutive: in order, none twice, none missing');
    }
    assert.deepEqual(drops, ['slow_consumer']);
    assert.equal(hub.size, CLIENTS - 1);
    assert.ok(droppedAt !== undefined && droppedAt < MESSAGES - 50, 'dropped well before the end, so the others went on without it');
    // Never more than the bound plus one message per socket, whereas the silent client alone was sent far more.
    assert.ok(maxBuffered <= MAX_BUFFERED + messageBytes + 1024, `server-side queue peaked at ${maxBuffered} bytes`);
    assert.ok(published > 20 * (MAX_BUFFERED + messageBytes), 'the load is far above the bound');
    // Sanity: no per-client growth (an unbounded queue for the silent client alone would add `published` bytes
    // here on top of buffers, and 200 such would be gigabytes).
    assert.ok(maxRss - rss0 < 200 * 2 ** 20, `RSS grew by ${Math.round((maxRss - rss0) / 2 ** 20)} MiB`);

    // Once it reads again it gets what was queued before the drop, then the close frame with the reason.
    const closed = once(slow.ws, 'close') as Promise<[number, Buffer]>;
    slow.tcp.resume();
    const [code, reason] = await closed;
    assert.equal(code, 1013);
    assert.match(reason.toString(), /^slow consumer: more than 65536 bytes queued$/);
    assert.ok(slow.count < MESSAGES && slow.outOfOrder === 0, `the slow client got ${slow.count} messages, in order, then the close`);
  });
});
