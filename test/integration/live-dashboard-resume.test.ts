// The dashboard's live client (dashboard/live-client.js) across a collector restart, against the real WebSocket
// route and live hub: a point the new collector accepts BEFORE the page reconnects (so it is never pushed live to
// it, and may not be in storage yet when the page refetches) still reaches the page, because the client resumes
// with the ids it last saw and the collector replays what it holds since. Node 20 has no global WebSocket, so the
// `ws` client stands in for the browser's (same event API).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { createLiveHub, type LiveHub } from '../../collector/live/hub.js';
import { wsRoutes } from '../../collector/live/ws-route.js';
import { TokenStore, generateToken, hashToken } from '../../lib/auth/tokens.js';
import type { Point } from '../../lib/protocol/ingest-batch.js';
import { createCollectorMetrics } from '../../lib/telemetry/metrics.js';
import { waitFor } from '../support/wait-for.js';

interface LiveStatus { state: string }
interface LiveClientModule {
  connectLive: (options: { url: string; token: string; onPoints(points: Point[]): void; onAlerts(): void; onReady(): void; onStatus(s: LiveStatus): void }) => { stop(): void };
}

const token = generateToken('viewer');

/** A collector's live side: the real hub and WebSocket route on a fastify app, on `port` (0: any). */
async function startLive(port: number): Promise<{ app: FastifyInstance; hub: LiveHub; port: number }> {
  const hub = createLiveHub();
  const app = Fastify();
  await app.register(websocket);
  wsRoutes(app, { hub, tokens: new TokenStore([{ name: 'v', role: 'viewer', sha256: hashToken(token) }]), metrics: createCollectorMetrics() });
  const address = await app.listen({ host: '127.0.0.1', port });
  return { app, hub, port: Number(new URL(address).port) };
}

const point = (value: number): Point => ({ ts: Date.now(), metric: 'host_cpu_percent', labels: { host: 'resume-test' }, value });

describe('dashboard live client across a collector restart', () => {
  let live: Awaited<ReturnType<typeof startLive>> | undefined;
  let client: { stop(): void } | undefined;
  after(async () => {
    client?.stop();
    await live?.app.close();
  });

  it('gets a point accepted before it reconnected, by resuming from the ids it saw', async () => {
    (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
    const { connectLive } = (await import(new URL('../../dashboard/live-client.js', import.meta.url).pathname)) as LiveClientModule;
    live = await startLive(0);
    const seen: number[] = [];
    const statuses: LiveStatus[] = [];
    client = connectLive({
      url: `ws://127.0.0.1:${live.port}/ws`, token,
      onPoints: (points) => { for (const p of points) seen.push(p.value); },
      onAlerts: () => undefined, onReady: () => undefined, onStatus: (s) => statuses.push(s),
    });
    await waitFor('live', () => statuses.some((s) => s.state === 'live'));
    live.hub.publish('points', { type: 'points', points: [point(1)] });
    await waitFor('the first point', () => seen.includes(1));

    // The collector goes away; a new one starts on the same port and accepts a point before anyone subscribed.
    const port = live.port;
    await live.app.close();
    await waitFor('the client to notice', () => statuses.some((s) => s.state === 'reconnecting'));
    live = await startLive(port);
    live.hub.publish('points', { type: 'points', points: [point(2)] });

    await waitFor('live again', () => statuses.filter((s) => s.state === 'live').length >= 2, { timeoutMs: 10_000 });
    await waitFor('the point accepted while the page was away', () => seen.includes(2), { timeoutMs: 5_000 });
    live.hub.publish('points', { type: 'points', points: [point(3)] });
    await waitFor('live points after the resume', () => seen.includes(3));
    assert.deepEqual(seen, [1, 2, 3], 'each point once, in order');
  });
});
