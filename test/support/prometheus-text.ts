// Reads one sample out of a collector's Prometheus exposition (GET /metrics), for tests that check a gauge.

/** The sample `name{labels}` as a number, undefined when the series is absent; label order does not matter. */
export function sampleValue(exposition: string, name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (match?.[1] !== name || match[3] === undefined) continue;
    const found = new Map([...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found.get(k) === v)) return Number(match[3]);
  }
  return undefined;
}

/** GET `<baseUrl>/metrics` with a bearer token; throws on a non-2xx answer. */
export async function fetchMetrics(baseUrl: string, token: string): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const body = await response.text();
  if (!response.ok) throw new Error(`GET /metrics: HTTP ${response.status}: ${body.slice(0, 200)}`);
  return body;
}
