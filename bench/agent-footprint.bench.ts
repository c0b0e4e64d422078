// Benchmark: the agent's footprint (steady RSS and CPU) with host metrics and five lag probes at 1 s against
// real pairs, side by side with Prometheus node_exporter measured the same way (/proc) in the same window.
// The agent runs as users run it (`./bin/syncwatch agent`, TypeScript through tsx) and from two esbuild
// bundles: cli/main.ts as is, and an agent-only entry (what the CLI would cost if it did not load the collector).
// Run: node --import tsx bench/agent-footprint.bench.ts
//   SYNCWATCH_BENCH_FOOTPRINT_MS (measuring window, default 60000), SYNCWATCH_BENCH_WARMUP_MS (default 20000)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { build } from 'esbuild';
import { generateToken } from '../lib/auth/tokens.js';
import { createStorage } from '../lib/storage/create-storage.js';
import { startAgentProcess, type AgentProcess } from '../test/support/agent-process.js';
import { startServe, type ServeProcess } from '../test/support/serve-process.js';
import { startFootprintPipelines, type FootprintPipelines } from './footprint-pipelines.js';
import { readProcSample, summarize, type ProcSample } from './proc-usage.js';
import { startIdleNode, startNodeExporter, type ReferenceProcess } from './reference-processes.js';
import { footprintReport, REFERENCE_LABEL, type ProbeHealth, type Subject } from './footprint-report.js';
import { writeResultsSection } from './results-file.js';

const WINDOW_MS = Number(process.env['SYNCWATCH_BENCH_FOOTPRINT_MS'] ?? 60_000);
const WARMUP_MS = Number(process.env['SYNCWATCH_BENCH_WARMUP_MS'] ?? 20_000);
const ROOT = new URL('..', import.meta.url).pathname;
const BUNDLE_DIR = join(ROOT, '.cache', 'bench-footprint');


/** cli/main.ts with its npm dependencies left external, and the agent-only entry as one self-contained file. */
async function buildBundles(): Promise<{ main: string; agentOnly: string }> {
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' } as const;
  const main = join(BUNDLE_DIR, 'main.mjs');
  const agentOnly = join(BUNDLE_DIR, 'agent-only.mjs');
  await build({ ...common, entryPoints: [join(ROOT, 'cli', 'main.ts')], packages: 'external', outfile: main });
  // CommonJS dependencies call require(); an ESM bundle has to provide it.
  const banner = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
  await build({ ...common, entryPoints: [join(ROOT, 'bench', 'agent-entry.ts')], outfile: agentOnly, banner: { js: banner } });
  return { main, agentOnly };
}

/** Per agent (host label): probes that were up in every collection of the window, and failed collections. */
async function probeHealth(dataDir: string, fromMs: number, toMs: number): Promise<Map<string, ProbeHealth>> {
  const storage = createStorage({ dataDir });
  try {
    const rows = await storage.query<{ host: string; probe: string; failed: number }>(
      `SELECT labels['host'] AS host, labels['probe'] AS probe, toFloat64(countIf(value = 0)) AS failed FROM ${storage.database}.metric_points
       WHERE metric = 'syncwatch_probe_up' AND ts BETWEEN fromUnixTimestamp64Milli({from:Int64}) AND fromUnixTimestamp64Milli({to:Int64}) GROUP BY host, probe`,
      { from: fromMs, to: toMs },
    );
    const out = new Map<string, ProbeHealth>();
    for (const r of rows) {
      const h = out.get(r.host) ?? { probes: 0, allUp: 0, failed: 0 };
      out.set(r.host, { probes: h.probes + 1, allUp: h.allUp + (r.failed === 0 ? 1 : 0), failed: h.failed + r.failed });
    }
    return out;
  } finally {
    await storage.close();
  }
}

const root = mkdtempSync(join(tmpdir(), 'sw-footprint-'));
const token = generateToken('agent');
const running: Subject[] = [];
let pipelines: FootprintPipelines | undefined;
let serve: ServeProcess | undefined;
try {
  const bundles = await buildBundles();
  process.stderr.write('starting PostgreSQL, MariaDB and Redis pairs, a Kafka broker and a collector…\n');
  pipelines = await startFootprintPipelines(root);
  const dataDir = join(root, 'collector');
  serve = await startServe({ dataDir, localAgent: false, env: { SYNCWATCH_AGENT_TOKEN: token } });
  const variants = [
    { suffix: 'tsx', label: '`./bin/syncwatch agent` (tsx, as users run it)', entry: undefined, kinds: undefined },
    { suffix: 'bundle_main', label: 'esbuild bundle of cli/main.ts (npm deps external)', entry: bundles.main, kinds: undefined },
    { suffix: 'bundle_agent', label: 'esbuild bundle of an agent-only entry (one file)', entry: bundles.agentOnly, kinds: undefined },
    // Where the cost comes from: the agent-only bundle with one probe kind each (and with none: the self probe only).
    ...['none', ...pipelines.kinds].map((kind) => ({ suffix: `only_${kind}`, label: kind, entry: bundles.agentOnly, kinds: [kind] })),
  ];
  for (const v of variants) {
    const full = pipelines.agentConfig(v.suffix);
    const config = { ...full, probes: full.probes.filter((p) => v.kinds?.includes(p.kind) ?? true) };
    const configFile = join(root, `${v.suffix}.yaml`);
    writeFileSync(configFile, JSON.stringify(config, null, 2)); // JSON is YAML
    const agent: AgentProcess = await startAgentProcess({ collectorUrl: serve.url, token, configFile, spoolDir: join(root, `spool-${v.suffix}`), name: `footprint-${v.suffix}`, entry: v.entry });
    const group = v.kinds === undefined ? 'agent' : 'breakdown';
    running.push({ label: v.kinds === undefined ? `agent: ${v.label}` : v.label, group, pid: agent.pid, host: config.hostLabel, stop: () => agent.stop() });
  }
  const references: [string, ReferenceProcess][] = [
    [REFERENCE_LABEL, await startNodeExporter(5_000)],
    ['node_exporter, scraped every 1 s', await startNodeExporter(1_000)],
    ['idle `node -e "setInterval(…)"` (the Node.js floor)', startIdleNode()],
  ];
  for (const [label, p] of references) running.push({ label, group: 'reference', pid: p.pid, stop: () => p.stop() });
  const subjects = [...running];

  process.stderr.write(`warming up ${WARMUP_MS / 1000} s, then measuring ${WINDOW_MS / 1000} s…\n`);
  await delay(WARMUP_MS);
  const samples = subjects.map((): ProcSample[] => []);
  const windowStart = Date.now();
  const ticks = Math.round(WINDOW_MS / 1000);
  for (let i = 0; i <= ticks; i++) {
    subjects.forEach((s, k) => samples[k]?.push(readProcSample(s.pid)));
    // Paced sampling (1 s apart from the window's start), not a wait for a condition.
    if (i < ticks) await delay(Math.max(0, windowStart + (i + 1) * 1_000 - Date.now()));
  }
  const windowEnd = Date.now();
  for (const s of running.splice(0)) await s.stop();
  await serve.stop();
  serve = undefined;
  const health = await probeHealth(dataDir, windowStart, windowEnd);
  const rows = subjects.map((s, k) => ({ subject: s, usage: summarize(samples[k] ?? []) }));
  const body = footprintReport(rows, health, { kinds: pipelines.kinds, note: pipelines.note, warmupMs: WARMUP_MS, windowMs: WINDOW_MS });
  console.log(body);
  writeResultsSection('agent footprint (`bench/agent-footprint.bench.ts`)', body);
} finally {
  for (const s of running) await s.stop().catch(() => undefined);
  await serve?.stop().catch(() => undefined);
  await pipelines?.stop();
  rmSync(root, { recursive: true, force: true });
}
