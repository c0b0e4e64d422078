// The footprint benchmark's results as markdown: the agent as users run it and as bundles next to node_exporter,
// then the per-probe breakdown, then the goals.
import type { UsageSummary } from './proc-usage.js';

export const REFERENCE_LABEL = 'node_exporter, scraped every 5 s (reference)';
const GOAL_RSS_MB = 60;
const GOAL_CPU_PERCENT = 1;

/** A measured process: an agent (as a whole or with one probe kind) or a reference process. */
export interface Subject {
  readonly label: string;
  readonly group: 'agent' | 'breakdown' | 'reference';
  readonly pid: number;
  /** The agent's host label, which finds its points in the collector. */
  readonly host?: string;
  readonly stop: () => Promise<void>;
}

/** Probes of one agent seen in the window, those up in every collection, and failed collections. */
export interface ProbeHealth {
  readonly probes: number;
  readonly allUp: number;
  readonly failed: number;
}

export interface FootprintRun {
  readonly kinds: readonly string[];
  readonly note: string | undefined;
  readonly warmupMs: number;
  readonly windowMs: number;
}

interface Row { readonly subject: Subject; readonly usage: UsageSummary }

export function footprintReport(rows: readonly Row[], health: ReadonlyMap<string, ProbeHealth>, run: FootprintRun): string {
  const ref = rows.find((r) => r.subject.label === REFERENCE_LABEL)?.usage;
  const ratio = (a: number, b: number | undefined): string => (b === undefined || b === 0 ? 'n/a' : `${(a / b).toFixed(1)}×`);
  const probes = (s: Subject): string => {
    if (s.host === undefined) return '–';
    const h = health.get(s.host);
    return h === undefined ? 'no points stored' : `${h.allUp}/${h.probes} (${h.failed} failed)`;
  };
  const main = rows.filter((r) => r.subject.group !== 'breakdown').map(({ subject, usage: u }) =>
    `| ${subject.label} | ${u.rssMedianMb.toFixed(1)} | ${u.rssMaxMb.toFixed(1)} | ${u.pssMedianMb.toFixed(1)} | ${u.cpuPercent.toFixed(2)} | ${ratio(u.rssMedianMb, ref?.rssMedianMb)} | ${ratio(u.cpuPercent, ref?.cpuPercent)} | ${probes(subject)} |`);
  const breakdown = rows.filter((r) => r.subject.group === 'breakdown');
  const base = breakdown.find((r) => r.subject.label === 'none')?.usage;
  const parts = breakdown.map(({ subject, usage: u }) =>
    `| ${subject.label === 'none' ? 'no probe (the self probe only)' : subject.label} | ${u.rssMedianMb.toFixed(1)} | ${u.cpuPercent.toFixed(2)} | ${base === undefined || subject.label === 'none' ? '–' : (u.cpuPercent - base.cpuPercent).toFixed(2)} | ${probes(subject)} |`);
  const goals = rows.filter((r) => r.subject.group === 'agent').map(({ subject, usage: u }) =>
    `- ${subject.label}: RSS ${u.rssMedianMb.toFixed(1)} MB ${u.rssMedianMb <= GOAL_RSS_MB ? 'meets' : 'misses'} the ${GOAL_RSS_MB} MB goal; CPU ${u.cpuPercent.toFixed(2)} % ${u.cpuPercent <= GOAL_CPU_PERCENT ? 'meets' : 'misses'} the ${GOAL_CPU_PERCENT} % goal`);
  return [
    `Each agent: probes ${run.kinds.join(', ')} (host at its default 5 s, the lag probes at the default 1 s) against real pairs on loopback`,
    '(PostgreSQL 15 primary + standby, MariaDB primary + replica, Redis primary + replica, a Kafka broker with a live consumer group;',
    `heartbeat = PostgreSQL primary → standby), shipping to a real collector. Every process below ran at once; after a ${run.warmupMs / 1000} s warm-up`,
    `each was sampled every second for ${run.windowMs / 1000} s from /proc/PID/stat (utime + stime), /proc/PID/status (VmRSS) and /proc/PID/smaps_rollup (Pss).`,
    'RSS counts shared pages in full (the node binary alone is ~34 MB of them); PSS splits them among the processes sharing them.',
    `Ratios against ${REFERENCE_LABEL.replace(' (reference)', '')}. Node ${process.version}. \`node --import tsx bench/agent-footprint.bench.ts\`.`,
    ...(run.note === undefined ? [] : ['', `Note: ${run.note}.`]),
    '',
    '| process | RSS median (MB) | RSS max (MB) | PSS median (MB) | CPU (% of a core) | RSS / node_exporter | CPU / node_exporter | probes up all window |',
    '|---|---|---|---|---|---|---|---|',
    ...main,
    '',
    'Where it goes: the agent-only bundle with one probe kind each (plus its self probe), in the same window.',
    '',
    '| agent-only bundle running | RSS median (MB) | CPU (% of a core) | CPU above the self-only agent | probes up all window |',
    '|---|---|---|---|---|',
    ...parts,
    '',
    `Goals (RSS ≤ ${GOAL_RSS_MB} MB, CPU ≤ ${GOAL_CPU_PERCENT} % of a core):`,
    ...goals,
  ].join('\n');
}
