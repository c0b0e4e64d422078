// Memory and swap from /proc/meminfo.

/** Parses /proc/meminfo into bytes per field name (`MemTotal` → 25274793984). */
export function parseMeminfo(text: string): ReadonlyMap<string, number> {
  const fields = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([\w()]+):\s+(\d+)(\s+kB)?\s*$/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    // Counts such as HugePages_Total carry no unit; everything else is in KiB despite the "kB".
    fields.set(match[1], Number(match[2]) * (match[3] === undefined ? 1 : 1024));
  }
  return fields;
}

export interface MemoryUsage {
  readonly totalBytes: number;
  readonly availableBytes: number;
  /** Total minus available: what applications hold and the kernel cannot reclaim quickly. */
  readonly usedBytes: number;
  readonly usedPercent: number;
  readonly swapTotalBytes: number;
  readonly swapUsedBytes: number;
  /** 0 when there is no swap. */
  readonly swapUsedPercent: number;
}

/** Derives usage from parsed meminfo; throws when MemTotal is missing. */
export function memoryUsage(fields: ReadonlyMap<string, number>): MemoryUsage {
  const total = fields.get('MemTotal');
  if (total === undefined || total <= 0) throw new Error('/proc/meminfo has no MemTotal');
  // MemAvailable exists since Linux 3.14; before that, free + buffers + page cache is the usual estimate.
  const available =
    fields.get('MemAvailable') ?? (fields.get('MemFree') ?? 0) + (fields.get('Buffers') ?? 0) + (fields.get('Cached') ?? 0);
  const swapTotal = fields.get('SwapTotal') ?? 0;
  const swapUsed = Math.max(0, swapTotal - (fields.get('SwapFree') ?? swapTotal));
  const used = Math.max(0, total - available);
  return {
    totalBytes: total,
    availableBytes: available,
    usedBytes: used,
    usedPercent: (used * 100) / total,
    swapTotalBytes: swapTotal,
    swapUsedBytes: swapUsed,
    swapUsedPercent: swapTotal > 0 ? (swapUsed * 100) / swapTotal : 0,
  };
}
