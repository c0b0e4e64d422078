// Resource use of a process read from /proc, the same way for every process measured (a Node agent, a Go
// exporter): CPU time from /proc/PID/stat, resident memory from /proc/PID/status and smaps_rollup.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second, the unit of utime/stime in /proc/PID/stat. */
const CLK_TCK = readClockTicks();

export interface ProcSample {
  readonly atMs: number;
  /** utime + stime of the process (all its threads), in seconds. */
  readonly cpuSeconds: number;
  /** VmRSS: resident pages, shared ones (the executable, libraries) counted in full. */
  readonly rssKb: number;
  /** Pss: resident pages with shared ones divided among the processes that map them. */
  readonly pssKb: number;
}

export interface UsageSummary {
  readonly samples: number;
  readonly rssMedianMb: number;
  readonly rssMaxMb: number;
  readonly pssMedianMb: number;
  /** CPU time over wall time between the first and last sample, in percent of one core. */
  readonly cpuPercent: number;
}

/** One reading of `pid`; throws when the process is gone. */
export function readProcSample(pid: number): ProcSample {
  const atMs = performance.now();
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may itself contain spaces and ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return { atMs, cpuSeconds: (utime + stime) / CLK_TCK, rssKb: kbField(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS'), pssKb: kbField(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss') };
}

/** Summarises readings taken at a steady pace over the measuring window. */
export function summarize(samples: readonly ProcSample[]): UsageSummary {
  const first = samples[0];
  const last = samples.at(-1);
  if (first === undefined || last === undefined || samples.length < 2) throw new Error('need at least two samples');
  const mb = (kb: number): number => kb / 1024;
  return {
    samples: samples.length,
    rssMedianMb: mb(median(samples.map((s) => s.rssKb))),
    rssMaxMb: mb(Math.max(...samples.map((s) => s.rssKb))),
    pssMedianMb: mb(median(samples.map((s) => s.pssKb))),
    cpuPercent: ((last.cpuSeconds - first.cpuSeconds) / ((last.atMs - first.atMs) / 1000)) * 100,
  };
}

function kbField(text: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  if (match?.[1] === undefined) throw new Error(`no ${name} line`);
  return Number(match[1]);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function readClockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100; // the Linux USER_HZ on every mainstream architecture
  }
}
