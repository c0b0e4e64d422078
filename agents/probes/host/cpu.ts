// CPU time accounting from /proc/stat: the aggregate `cpu` line and the derived busy/mode percentages.

/** The /proc/stat columns we use, in their order on the line (see proc(5)). */
export const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
export type CpuMode = (typeof CPU_MODES)[number];

/** Cumulative CPU time per mode, in clock ticks, summed over all CPUs. */
export type CpuTimes = Readonly<Record<CpuMode, number>>;

export interface CpuSample {
  readonly times: CpuTimes;
  /** Number of `cpuN` lines, i.e. online logical CPUs. */
  readonly cpuCount: number;
}

/** Parses /proc/stat; throws when the aggregate `cpu` line is missing or malformed. */
export function parseProcStat(text: string): CpuSample {
  let times: CpuTimes | undefined;
  let cpuCount = 0;
  for (const line of text.split('\n')) {
    if (/^cpu\d+\s/.test(line)) cpuCount += 1;
    else if (line.startsWith('cpu ')) times = parseCpuLine(line);
  }
  if (times === undefined) throw new Error('/proc/stat has no aggregate "cpu" line');
  return { times, cpuCount };
}

function parseCpuLine(line: string): CpuTimes {
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  // Kernels before 2.6.11 lack `steal`; a missing column counts as zero time.
  const at = (i: number): number => {
    const value = fields[i] ?? 0;
    if (!Number.isFinite(value)) throw new Error(`/proc/stat cpu line has a non-numeric field: ${line}`);
    return value;
  };
  const entries = CPU_MODES.map((mode, i) => [mode, at(i)] as const);
  return Object.fromEntries(entries) as Record<CpuMode, number>;
}

export interface CpuPercents {
  /** Share of time not idle and not waiting for I/O, 0–100. */
  readonly busy: number;
  /** Share of time per mode, 0–100; the modes add up to 100. */
  readonly modes: Readonly<Record<CpuMode, number>>;
}

/**
 * Percentages over the interval between two samples, or undefined when no ticks elapsed or the
 * counters went backwards (CPU hot-unplug). `guest`/`guest_nice` are left out on purpose: the
 * kernel already counts them inside `user`/`nice`.
 */
export function cpuPercents(previous: CpuTimes, current: CpuTimes): CpuPercents | undefined {
  const deltas = CPU_MODES.map((mode) => current[mode] - previous[mode]);
  if (deltas.some((d) => d < 0)) return undefined;
  const total = deltas.reduce((a, b) => a + b, 0);
  if (total <= 0) return undefined;
  const modes = Object.fromEntries(CPU_MODES.map((mode, i) => [mode, ((deltas[i] ?? 0) * 100) / total])) as Record<CpuMode, number>;
  return { busy: 100 - modes.idle - modes.iowait, modes };
}
