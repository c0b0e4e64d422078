// The processes the agent's footprint is compared with, started and stopped by PID: Prometheus node_exporter
// (Debian `prometheus-node-exporter`) scraped at a fixed period, and an idle Node.js process (the runtime's floor).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { freePorts } from '../test/support/replication/tools.js';
import { waitFor } from '../test/support/wait-for.js';

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

export interface ReferenceProcess {
  readonly pid: number;
  /** Stops scraping (if any) and the process: SIGTERM, SIGKILL after 5 s. */
  stop(): Promise<void>;
}

/** node_exporter on a free loopback port, scraped every `scrapeMs` by this process as Prometheus would. */
export async function startNodeExporter(scrapeMs: number): Promise<ReferenceProcess> {
  if (!existsSync(NODE_EXPORTER)) throw new Error(`${NODE_EXPORTER} is missing: apt-get install -y prometheus-node-exporter`);
  const [port = 0] = await freePorts(1);
  const child = spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/metrics`;
  try {
    await waitFor(`node_exporter answering on ${url}`, () => scrape(url).then(() => true), { timeoutMs: 15_000, intervalMs: 200 });
  } catch (err) {
    await terminate(child);
    throw err;
  }
  const timer = setInterval(() => { scrape(url).catch(() => undefined); }, scrapeMs);
  return { pid: pidOf(child), stop: async () => { clearInterval(timer); await terminate(child); } };
}

/** `node -e` with a timer and nothing else: what any Node.js process costs before it loads code. */
export function startIdleNode(): ReferenceProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  return { pid: pidOf(child), stop: () => terminate(child) };
}

/** GET the whole body (as a scraper does, so the exporter does all its work) and drop it. */
function scrape(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => { if (res.statusCode === 200) resolve(); else reject(new Error(`HTTP ${String(res.statusCode)}`)); });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function pidOf(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error('the process did not start');
  return child.pid;
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
