// The dashboard's live client (dashboard/live-client.js) against a real WebSocket server that authenticates and
// subscribes it, then goes silent — no messages, no heartbeats, connection left open, as a dead network would: the
// client gives the connection up after its silence limit (explicit, or three heartbeat periods as announced in
// `ready`) and connects again; with no announced heartbeat, silence is not taken for a dead connection. Node 20 has
// no global WebSocket, so the `ws` client stands in for the browser's (same event API).
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { waitFor } from '../support/wait-for.js';

interface LiveStatus { state: string; attempt?: number; reason?: string }
interface LiveClientModule {
  connectLive: (options: { url: string; token: string; onPoints(): void; onAlerts(): void; onReady(): void; onStatus(s: LiveStatus): void; silenceLimitMs?: number }) => { stop(): void };
}

describe('dashboard live client', () => {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  let connections = 0;
  let announce: number | undefined;
  server.on('connection', (ws) => {
    connections += 1;
    ws.on('message', (raw: Buffer) => {
      const m = JSON.parse(raw.toString()) as { type: string; topics?: string[] };
      if (m.type === 'auth') ws.send(JSON.stringify({ type: 'ready', role: 'viewer', topics: ['points', 'alerts'], heartbeatMs: announce }));
      if (m.type === 'subscribe') ws.send(JSON.stringify({ type: 'subscribed', topics: m.topics }));
    });
  });
  // The server binds asynchronously; its address is null until it listens.
  before(async () => { if (server.address() === null) await new Promise((resolve) => server.once('listening', resolve)); });
  after(() => { server.close(); });

  async function start(silenceLimitMs?: number): Promise<{ statuses: LiveStatus[]; stop(): void }> {
    (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
    const path = new URL('../../dashboard/live-client.js', import.meta.url).pathname;
    const { connectLive } = (await import(path)) as LiveClientModule;
    const statuses: LiveStatus[] = [];
    const client = connectLive({
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`, token: 't',
      onPoints: () => undefined, onAlerts: () => undefined, onReady: () => undefined,
      onStatus: (s) => statuses.push(s), ...(silenceLimitMs === undefined ? {} : { silenceLimitMs }),
    });
    await waitFor('live', () => statuses.some((s) => s.state === 'live'));
    return { statuses, stop: () => { client.stop(); } };
  }

  for (const [name, limit, heartbeatMs, reason] of [
    ['an explicit limit', 400, undefined, /^no message for 0 s$/],
    ['three announced heartbeat periods', undefined, 200, /^no message for 1 s$/],
  ] as const) {
    it(`replaces a connection that stays silent past ${name}`, async () => {
      announce = heartbeatMs;
      const before = connections;
      const c = await start(limit);
      try {
        const lost = await waitFor('given up for silence', () => c.statuses.find((s) => s.state === 'reconnecting'), { timeoutMs: 5_000 });
        assert.match(lost.reason ?? '', reason);
        await waitFor('a second connection', () => connections >= before + 2, { timeoutMs: 5_000 });
        await waitFor('live again', () => c.statuses.filter((s) => s.state === 'live').length >= 2, { timeoutMs: 5_000 });
      } finally {
        c.stop();
      }
    });
  }

  it('keeps a silent connection when the server announced no heartbeat', async () => {
    announce = undefined;
    const c = await start();
    try {
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual(c.statuses.map((s) => s.state), ['connecting', 'live']);
    } finally {
      c.stop();
    }
  });
});
