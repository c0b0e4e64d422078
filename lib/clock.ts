// Injectable time source so tests can control "now"; epoch-ms and ISO helpers.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/** Parses an ISO-8601 timestamp into epoch ms, or returns undefined when it is not one. */
export function parseIsoMs(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
