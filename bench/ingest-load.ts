// Load generator for the ingest benchmark: pre-built gzip batches posted by concurrent keep-alive clients.
import { Agent, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { newBatchId } from '../lib/ids.js';
import type { IngestBatch } from '../lib/protocol/ingest-batch.js';

export interface LoadResult {
  readonly elapsedMs: number;
  readonly latenciesMs: number[];
  readonly busyRetries: number;
}

/** Batches of `batchPoints` points over 50 hosts × 20 metrics, timestamps spread over the last hour. */
export function buildBodies(totalPoints: number, batchPoints: number): Buffer[] {
  const bodies: Buffer[] = [];
  const start = Date.now() - 3_600_000;
  for (let made = 0, b = 0; made < totalPoints; b++) {
    const n = Math.min(batchPoints, totalPoints - made);
    const host = `host-${b % 50}`;
    const points = Array.from({ length: n }, (_, i) => ({
      ts: start + ((made + i) % 3_600_000),
      metric: `bench_metric_${i % 20}`,
      labels: { host, pipeline: `pipeline-${b % 10}` },
      value: (made + i) * 0.5,
    }));
    const batch: IngestBatch = { agent: `bench-${b % 16}`, batchId: newBatchId('bench'), sentAt: Date.now(), points };
    bodies.push(gzipSync(JSON.stringify(batch), { level: 1 }));
    made += n;
  }
  return bodies;
}

function post(url: URL, token: string, body: Buffer, agent: Agent): Promise<{ status: number; retryAfter: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length },
    }, (res) => {
      res.resume();
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers['retry-after'] ?? 1) }); });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Posts every body with `concurrency` clients; a 429 is retried after its Retry-After (and counted). */
export async function runLoad(baseUrl: string, token: string, bodies: readonly Buffer[], concurrency: number): Promise<LoadResult> {
  const url = new URL('/api/v1/ingest', baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latenciesMs: number[] = [];
  let next = 0;
  let busyRetries = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      if (body === undefined) break;
      for (;;) {
        const s = performance.now();
        const res = await post(url, token, body, agent);
        if (res.status === 200) {
          latenciesMs.push(performance.now() - s);
          break;
        }
        if (res.status !== 429 && res.status !== 503) throw new Error(`ingest answered ${res.status}`);
        busyRetries += 1;
        await new Promise((r) => setTimeout(r, Math.min(res.retryAfter, 1) * 200));
      }
    }
  }));
  agent.destroy();
  return { elapsedMs: performance.now() - t0, latenciesMs, busyRetries };
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
