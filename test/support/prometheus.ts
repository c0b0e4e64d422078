// A real Prometheus (Debian package `prometheus`) for scrape tests: its own config and TSDB in a temp dir, a free
// loopback port, started and stopped by PID. The package's systemd service plays no part.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from './replication/tools.js';
import { waitFor } from './wait-for.js';

/** The binary the Debian package installs; SYNCWATCH_TEST_PROMETHEUS points elsewhere. */
export const PROMETHEUS_BIN = process.env['SYNCWATCH_TEST_PROMETHEUS'] ?? '/usr/bin/prometheus';
const STOP_GRACE_MS = 10_000;
const MAX_OUTPUT_CHARS = 32 * 1024;

export interface ScrapeJob {
  readonly name: string;
  /** `host:port` of the target. */
  readonly target: string;
  /** A file holding the bearer token Prometheus sends; none = no Authorization header. */
  readonly credentialsFile?: string;
}

export interface PromSample {
  readonly metric: Readonly<Record<string, string>>;
  /** `[unix seconds, "value"]` as the HTTP API returns it. */
  readonly value: readonly [number, string];
}

export interface PromTarget {
  readonly labels: Readonly<Record<string, string>>;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastError: string;
}

export interface RunningPrometheus {
  readonly url: string;
  readonly pid: number;
  /** An instant query through /api/v1/query. */
  query(promql: string): Promise<PromSample[]>;
  /** Active scrape targets with their health, through /api/v1/targets. */
  targets(): Promise<PromTarget[]>;
  output(): string;
  /** SIGTERM by PID, SIGKILL after a grace period; removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Undefined when the binary is there; otherwise installs the Debian package when running as root with apt-get, and
 * returns why Prometheus is unavailable if that fails too.
 */
export async function prometheusUnavailable(): Promise<string | undefined> {
  if (existsSync(PROMETHEUS_BIN)) return undefined;
  if (process.env['SYNCWATCH_TEST_PROMETHEUS'] !== undefined) return `missing ${PROMETHEUS_BIN} (from SYNCWATCH_TEST_PROMETHEUS)`;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return `missing ${PROMETHEUS_BIN}: apt-get install -y prometheus`;
  const result = await new Promise<string>((resolve) => {
    execFile('apt-get', ['install', '-y', '-q', 'prometheus'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 300_000 }, (err, stdout, stderr) => {
      resolve(err === null ? '' : `${err.message}\n${stdout}${stderr}`.slice(-2000));
    });
  });
  return existsSync(PROMETHEUS_BIN) ? undefined : `missing ${PROMETHEUS_BIN}; "apt-get install -y prometheus" did not provide it: ${result || 'no error, yet no binary'}`;
}

function configText(jobs: readonly ScrapeJob[]): string {
  // JSON strings are valid YAML scalars, so paths and names need no YAML escaping of their own.
  const scrape = jobs.map((job) => [
    `  - job_name: ${JSON.stringify(job.name)}`,
    ...(job.credentialsFile === undefined ? [] : ['    authorization:', `      credentials_file: ${JSON.stringify(job.credentialsFile)}`]),
    `    static_configs:`,
    `      - targets: [${JSON.stringify(job.target)}]`,
  ].join('\n'));
  return ['global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', 'scrape_configs:', ...scrape, ''].join('\n');
}

async function api<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`Prometheus API ${url}: ${body.error ?? res.status}`);
  return body.data;
}

/** Starts Prometheus scraping `jobs` every second; resolves once /-/ready answers 200. */
export async function startPrometheus(jobs: readonly ScrapeJob[]): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'sw-prometheus-'));
  const [port = 0] = await freePorts(1);
  const url = `http://127.0.0.1:${port}`;
  await writeFile(join(dir, 'prometheus.yml'), configText(jobs));
  const child = spawn(PROMETHEUS_BIN, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=1h',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (chunk: Buffer): void => { output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT_CHARS); };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve(); }); child.once('error', () => { resolve(); }); });
  let running = true;
  void exited.then(() => { running = false; });
  // A test that dies before stop() must not leave Prometheus running.
  const killOnExit = (): void => { if (running) child.kill('SIGKILL'); };
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    await terminate(child, exited, () => running);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('Prometheus to be ready', async () => {
      if (!running) throw new Error(`prometheus exited:\n${output}`);
      return (await fetch(`${url}/-/ready`).catch(() => undefined))?.status === 200;
    }, { timeoutMs: 30_000, intervalMs: 200 });
  } catch (err) {
    await stop();
    throw new Error(`${err instanceof Error ? err.message : String(err)}\nprometheus output:\n${output}`);
  }
  return {
    url,
    pid: child.pid ?? 0,
    query: async (promql) => (await api<{ result: PromSample[] }>(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`)).result,
    targets: async () => (await api<{ activeTargets: PromTarget[] }>(`${url}/api/v1/targets?state=active`)).activeTargets,
    output: () => output,
    stop,
  };
}

async function terminate(child: ChildProcess, exited: Promise<void>, running: () => boolean): Promise<void> {
  if (!running() || child.pid === undefined) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([exited.then(() => true), new Promise<false>((resolve) => { timer = setTimeout(() => { resolve(false); }, STOP_GRACE_MS); })]);
  clearTimeout(timer);
  if (!stopped) {
    child.kill('SIGKILL');
    await exited;
  }
}
