// Benchmark: WebSocket fan-out — 100 authenticated clients subscribed to one topic, events published at 1k, 2.5k
// and 10k/s for a fixed time each; delivered rate, share delivered, delay from publish to arrival, slow-consumer
// drops, and the server process's CPU. The server (bench/ws-fanout-server.ts) is a child process running the real hub and /ws route; the
// clients are in this process. Reference in the same run, interleaved: the same server sending the same text to
// every socket directly (no ids, no replay ring, no per-client bound), so the ratio is the hub's own cost.
// Run: node --import tsx bench/ws-fanout.bench.ts   (SYNCWATCH_BENCH_CLIENTS, _RATES (comma-separated), _SECONDS, _ROUNDS)
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import WebSocket from 'ws';
import { generateToken } from '../lib/auth/tokens.js';
import { waitFor } from '../test/support/wait-for.js';
import type { RunReport, RunRequest } from './ws-fanout-server.js';
import { percentile } from './ingest-load.js';
import { writeResultsSection } from './results-file.js';

const CLIENTS = Number(process.env['SYNCWATCH_BENCH_CLIENTS'] ?? 100);
const RATES = (process.env['SYNCWATCH_BENCH_RATES'] ?? '1000,2500,10000').split(',').map(Number);
const SECONDS = Number(process.env['SYNCWATCH_BENCH_SECONDS'] ?? 6);
const ROUNDS = Number(process.env['SYNCWATCH_BENCH_ROUNDS'] ?? 1);
/** Every SAMPLE-th message per client has its publish time read, for the delay figures. */
const SAMPLE = 50;

const token = generateToken('viewer');
const child = spawn(process.execPath, ['--import', 'tsx', new URL('./ws-fanout-server.ts', import.meta.url).pathname], {
  env: { ...process.env, SW_FANOUT_TOKEN: token }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
process.once('exit', () => { child.kill('SIGKILL'); });
const replies: unknown[] = [];
child.on('message', (m) => replies.push(m));
const next = async <T>(): Promise<T> => (await waitFor('the server to answer', () => replies.shift(), { timeoutMs: 120_000, intervalMs: 20 })) as T;
const { url } = await next<{ url: string }>();

interface Client { received: number; closed: boolean; readonly delays: number[] }
const clients: Client[] = [];
const sockets: WebSocket[] = [];
async function connect(): Promise<void> {
  const ws = new WebSocket(url);
  const c: Client = { received: 0, closed: false, delays: [] };
  let live = false;
  ws.on('message', (raw: Buffer) => {
    if (!live) {
      const m = JSON.parse(raw.toString()) as { type: string };
      if (m.type === 'ready') ws.send(JSON.stringify({ type: 'subscribe', topics: ['points'] }));
      live = m.type === 'subscribed';
      return;
    }
    if (raw[9] !== 0x70) return; // only {"type":"points"…} ('p' at index 9) is an event; not heartbeats
    c.received += 1;
    if (c.received % SAMPLE === 0) {
      const ts = Number(/"ts":(\d+)/.exec(raw.subarray(0, 80).toString())?.[1]);
      c.delays.push(Date.now() - ts);
    }
  });
  ws.on('close', () => { c.closed = true; });
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'auth', token }));
  await waitFor('subscribed', () => live);
  clients.push(c);
  sockets.push(ws);
}
/** Replaces clients dropped in an earlier run, so every run starts with CLIENTS of them. */
async function refill(): Promise<void> {
  for (let i = clients.length - 1; i >= 0; i--) {
    if (clients[i]?.closed === true) {
      clients.splice(i, 1);
      sockets.splice(i, 1)[0]?.terminate();
    }
  }
  while (clients.length < CLIENTS) await Promise.all(Array.from({ length: Math.min(10, CLIENTS - clients.length) }, () => connect()));
}

interface Result { rate: number; mode: 'hub' | 'raw'; report: RunReport; received: number; delays: number[]; clientCpuMs: number; wallMs: number }
const results: Result[] = [];
const loads: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  for (const [rate, mode] of RATES.flatMap((x) => [[x, 'raw'], [x, 'hub']] as const)) {
    await refill();
    for (const c of clients) { c.received = 0; c.delays.length = 0; }
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    child.send({ cmd: 'run', mode, rate, seconds: SECONDS } satisfies RunRequest);
    const report = await next<RunReport>();
    // What is still in flight arrives within a moment; the rate counts the whole window.
    await waitFor('delivery to settle', () => clients.every((c) => c.closed || c.received >= report.published), { timeoutMs: 5_000, intervalMs: 50 }).catch(() => undefined);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const received = clients.reduce((n, c) => n + c.received, 0);
    results.push({ rate, mode, report, received, delays: clients.flatMap((c) => c.delays), clientCpuMs: (cpu.user + cpu.system) / 1000, wallMs });
    loads.push(loadavg()[0] ?? 0);
    console.log(`round ${r + 1} ${rate}/s ${mode}: published ${report.published} in ${Math.round(report.wallMs)} ms, delivered ${received} (${((100 * received) / (report.published * CLIENTS)).toFixed(1)}%), server CPU ${Math.round((100 * report.cpuMs) / report.wallMs)}%, drops ${report.drops}`);
  }
}
for (const s of sockets) s.terminate();
child.send({ cmd: 'stop' });
await new Promise((r) => child.once('exit', r));

const med = (xs: readonly number[]): number => percentile(xs, 50);
const summary = (target: number, mode: 'hub' | 'raw'): { rate: number; delivered: number; share: number; serverCpu: number; usPerFrame: number; clientCpu: number; p50: number; p99: number; drops: number } => {
  const rs = results.filter((x) => x.mode === mode && x.rate === target);
  return {
    rate: med(rs.map((x) => (x.report.published * 1000) / x.report.wallMs)),
    delivered: med(rs.map((x) => (x.received * 1000) / x.wallMs)),
    share: med(rs.map((x) => x.received / (x.report.published * CLIENTS))),
    serverCpu: med(rs.map((x) => x.report.cpuMs / x.report.wallMs)),
    usPerFrame: med(rs.map((x) => (x.report.cpuMs * 1000) / (x.report.published * CLIENTS))),
    clientCpu: med(rs.map((x) => x.clientCpuMs / x.wallMs)),
    p50: med(rs.map((x) => percentile(x.delays, 50))),
    p99: med(rs.map((x) => percentile(x.delays, 99))),
    drops: rs.reduce((n, x) => n + x.report.drops, 0),
  };
};
const row = (target: number, name: string, s: ReturnType<typeof summary>): string =>
  `| ${target.toLocaleString('en-US')} | ${name} | ${Math.round(s.rate).toLocaleString('en-US')} | ${Math.round(s.delivered).toLocaleString('en-US')} | ${(s.share * 100).toFixed(1)}% | ${Math.round(s.p50)} | ${Math.round(s.p99)} | ${s.drops} | ${Math.round(s.serverCpu * 100)}% | ${s.usPerFrame.toFixed(2)} | ${Math.round(s.clientCpu * 100)}% |`;
const body = `${CLIENTS} WebSocket clients (authenticated, subscribed to \`points\`) in the bench process; the server a child process with
the real hub and \`/ws\` route. Events (a \`points\` message of three lag points, ~${JSON.stringify({ type: 'points', points: [0, 1, 2].map((i) => ({ ts: Date.now(), metric: 'pg_replay_lag_seconds', labels: { pipeline: `orders-${i}`, host: `db-${i}` }, value: 1.5 })), topic: 'points', id: 1795247753875999 }).length} bytes)
published at ${RATES.map((x) => x.toLocaleString('en-US')).join(', ')} per second for ${SECONDS} s each; ${ROUNDS} round(s), reference and hub interleaved.
${CLIENTS} clients × 10,000 events/s is 1,000,000 frames/s. A published rate under the target means the publishing server did
not get the CPU for it (see its CPU share and the load average); a client that cannot read what the hub publishes is dropped
as a slow consumer once over the hub's 4 MiB bound (counted below), where the direct-send reference has no bound at all.
The per-frame CPU column is the robust figure on a busy machine: server CPU time divided by frames sent. Delivered = frames received by
all clients per second of the window (including up to 5 s to drain); delay = publish → arrival, every ${SAMPLE}th message.
Reference: the same server sending the same text to every socket directly (no ids, ring or per-client bound).
The hub writes the frames a client gets in one event-loop turn with one corked write. CPU = share of one core (server: the
child process alone; clients: this process). Load average ${loads.map((l) => l.toFixed(1)).join(', ')}
on 2 cores (shared machine). \`node --import tsx bench/ws-fanout.bench.ts\` (\`SYNCWATCH_BENCH_CLIENTS\`, \`_RATES\`, \`_SECONDS\`, \`_ROUNDS\`).

| target events/s | server | published/s | delivered/s (all clients) | delivered | delay p50 (ms) | delay p99 (ms) | slow-consumer drops | server CPU | server CPU per frame (µs) | clients' CPU |
|---|---|---|---|---|---|---|---|---|---|---|
${RATES.map((x) => `${row(x, 'reference: direct send', summary(x, 'raw'))}\n${row(x, 'live hub', summary(x, 'hub'))}`).join('\n')}

Server CPU per frame, hub / reference: ${RATES.map((x) => `${x.toLocaleString('en-US')}/s: ${(summary(x, 'hub').usPerFrame / summary(x, 'raw').usPerFrame).toFixed(2)}`).join(', ')}.`;
console.log(`\n${body}`);
writeResultsSection('WebSocket fan-out (`bench/ws-fanout.bench.ts`)', body);
