// Turning two readings of a monotonically increasing kernel counter into a per-second rate.

/**
 * Rate per second between two counter readings taken `elapsedMs` apart, or undefined when there is
 * no meaningful rate: no elapsed time, or the counter went backwards (device re-created, counter reset).
 */
export function perSecond(previous: number, current: number, elapsedMs: number): number | undefined {
  if (!(elapsedMs > 0)) return undefined;
  const delta = current - previous;
  if (delta < 0) return undefined;
  return (delta * 1000) / elapsedMs;
}
