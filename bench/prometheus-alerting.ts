// The reference alerting path for bench/alert-latency.bench.ts: a real Prometheus (Debian `prometheus`) scraping
// one target every second and evaluating one alert rule every second (`for: 0s`), sending to a real Alertmanager
// (Debian `prometheus-alertmanager`, group_wait 0s) with one webhook receiver. Both in a temp dir on free loopback
// ports, stopped by PID. Their systemd services play no part.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '../test/support/replication/tools.js';
import { waitFor } from '../test/support/wait-for.js';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

export interface PrometheusAlerting {
  readonly prometheusUrl: string;
  readonly alertmanagerUrl: string;
  stop(): Promise<void>;
}

export interface PrometheusAlertingOptions {
  /** `host:port` of the exporter to scrape. */
  readonly target: string;
  /** PromQL of the alert, e.g. `bench_lag_seconds > 10`. */
  readonly expr: string;
  readonly alertName: string;
  /** Labels Alertmanager groups by (each value set is a new group, so group_wait applies). */
  readonly groupBy: readonly string[];
  /** Where Alertmanager POSTs its webhook. */
  readonly webhookUrl: string;
}

/** Why the reference cannot run here, or undefined. */
export function prometheusAlertingUnavailable(): string | undefined {
  for (const bin of [PROMETHEUS_BIN, ALERTMANAGER_BIN]) if (!existsSync(bin)) return `missing ${bin}: apt-get install -y prometheus prometheus-alertmanager`;
  return undefined;
}

function launch(bin: string, args: readonly string[]): { child: ChildProcess; output: () => string; stop: () => Promise<void> } {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (chunk: Buffer): void => { output = (output + chunk.toString('utf8')).slice(-16_384); };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let running = true;
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { running = false; resolve(); }); });
  const killOnExit = (): void => { if (running) child.kill('SIGKILL'); };
  process.once('exit', killOnExit);
  return {
    child,
    output: () => output,
    stop: async () => {
      process.off('exit', killOnExit);
      if (!running) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => { child.kill('SIGKILL'); }, 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export async function startPrometheusAlerting(o: PrometheusAlertingOptions): Promise<PrometheusAlerting> {
  const dir = await mkdtemp(join(tmpdir(), 'sw-bench-prom-'));
  const [promPort = 0, amPort = 0] = await freePorts(2);
  const q = (s: string): string => JSON.stringify(s); // JSON strings are valid YAML scalars
  await writeFile(join(dir, 'alertmanager.yml'), [
    'route:',
    '  receiver: bench',
    `  group_by: [${o.groupBy.map(q).join(', ')}]`,
    '  group_wait: 0s',
    '  group_interval: 1s',
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: bench',
    '    webhook_configs:',
    `      - url: ${q(o.webhookUrl)}`,
    '        send_resolved: false',
    '',
  ].join('\n'));
  await writeFile(join(dir, 'rules.yml'), [
    'groups:',
    '  - name: bench',
    '    interval: 1s',
    '    rules:',
    `      - alert: ${q(o.alertName)}`,
    `        expr: ${q(o.expr)}`,
    '        for: 0s',
    '',
  ].join('\n'));
  await writeFile(join(dir, 'prometheus.yml'), [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    '  evaluation_interval: 1s',
    `rule_files: [${q(join(dir, 'rules.yml'))}]`,
    'alerting:',
    '  alertmanagers:',
    '    - static_configs:',
    `        - targets: [${q(`127.0.0.1:${amPort}`)}]`,
    'scrape_configs:',
    '  - job_name: bench',
    '    static_configs:',
    `      - targets: [${q(o.target)}]`,
    '',
  ].join('\n'));
  const am = launch(ALERTMANAGER_BIN, [
    `--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'am')}`,
    `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=',
  ]);
  const prom = launch(PROMETHEUS_BIN, [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`,
    `--web.listen-address=127.0.0.1:${promPort}`, '--storage.tsdb.retention.time=1h',
  ]);
  const stop = async (): Promise<void> => {
    await Promise.all([prom.stop(), am.stop()]);
    await rm(dir, { recursive: true, force: true });
  };
  const prometheusUrl = `http://127.0.0.1:${promPort}`;
  const alertmanagerUrl = `http://127.0.0.1:${amPort}`;
  try {
    for (const [name, url, p] of [['Alertmanager', alertmanagerUrl, am], ['Prometheus', prometheusUrl, prom]] as const) {
      await waitFor(`${name} to be ready`, async () => {
        if (p.child.exitCode !== null) throw new Error(`${name} exited:\n${p.output()}`);
        return (await fetch(`${url}/-/ready`).catch(() => undefined))?.status === 200;
      }, { timeoutMs: 30_000, intervalMs: 200 });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { prometheusUrl, alertmanagerUrl, stop };
}
