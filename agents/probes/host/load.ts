// Load averages from /proc/loadavg.

export interface LoadAverages {
  readonly load1: number;
  readonly load5: number;
  readonly load15: number;
}

/** Parses the first three fields of /proc/loadavg; throws when they are not numbers. */
export function parseLoadavg(text: string): LoadAverages {
  const [load1, load5, load15] = text.trim().split(/\s+/).slice(0, 3).map(Number);
  if (load1 === undefined || load5 === undefined || load15 === undefined || [load1, load5, load15].some(Number.isNaN)) {
    throw new Error(`/proc/loadavg is not "L1 L5 L15 ...": ${JSON.stringify(text.slice(0, 80))}`);
  }
  return { load1, load5, load15 };
}
