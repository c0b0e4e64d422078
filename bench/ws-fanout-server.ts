// Child process of bench/ws-fanout.bench.ts: the real live hub behind the real /ws route (fastify + ws), and a
// publisher that, on request over IPC, publishes events at a fixed rate either through the hub (ids, replay ring,
// per-client bound) or — the reference — by sending the same serialized text straight to every socket. Replies
// with its own CPU time, so the figure is the server's alone.
import websocket from '@fastify/websocket';
import Fastify from 'fastify';
import { createLiveHub } from '../collector/live/hub.js';
import { wsRoutes } from '../collector/live/ws-route.js';
import { TokenStore, hashToken } from '../lib/auth/tokens.js';
import type { Point } from '../lib/protocol/ingest-batch.js';
import { createCollectorMetrics } from '../lib/telemetry/metrics.js';

export interface RunRequest { readonly cmd: 'run'; readonly mode: 'hub' | 'raw'; readonly rate: number; readonly seconds: number }
export interface RunReport { readonly published: number; readonly wallMs: number; readonly cpuMs: number; readonly drops: number; readonly clients: number }

const token = process.env['SW_FANOUT_TOKEN'] ?? '';
let drops = 0;
const hub = createLiveHub({ onDrop: () => { drops += 1; } });
const app = Fastify();
await app.register(websocket);
wsRoutes(app, { hub, tokens: new TokenStore([{ name: 'bench', role: 'viewer', sha256: hashToken(token) }]), metrics: createCollectorMetrics() });
const address = await app.listen({ host: '127.0.0.1', port: 0 });

/** One event: a small ingest batch of three lag points, as the `points` topic carries. */
function event(n: number): { type: 'points'; points: Point[] } {
  const ts = Date.now();
  return { type: 'points', points: [0, 1, 2].map((i) => ({ ts, metric: 'pg_replay_lag_seconds', labels: { pipeline: `orders-${(n + i) % 20}`, host: `db-${i}` }, value: (n % 100) / 10 })) };
}

async function run(r: RunRequest): Promise<RunReport> {
  drops = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + r.seconds * 1000;
  let published = 0;
  let n = 0;
  while (performance.now() < end) {
    // At most 10 ms worth per burst, so a publisher that falls behind still yields and stops on time.
    const due = Math.min(Math.floor(((performance.now() - t0) / 1000) * r.rate), published + Math.ceil(r.rate / 100));
    while (published < due) {
      if (r.mode === 'hub') {
        hub.publish('points', event(n++));
      } else {
        const text = JSON.stringify({ ...event(n), topic: 'points', id: n++ });
        for (const s of app.websocketServer.clients) s.send(text);
      }
      published += 1;
    }
    // Yield to the event loop (socket writes, pongs) between bursts.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { published, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, drops, clients: app.websocketServer.clients.size };
}

process.on('message', (m: RunRequest | { cmd: 'stop' }) => {
  if (m.cmd === 'stop') {
    hub.close?.();
    void app.close().then(() => process.exit(0));
    return;
  }
  void run(m).then((report) => process.send?.(report));
});
process.send?.({ url: `${address.replace('http', 'ws')}/ws` });
