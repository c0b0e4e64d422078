// CSV of a report's differences (RFC 4180: CRLF, quoted when needed), one row per difference of each pair's run.
import type { StoredDiff } from '../../verifier/runs/run-types.js';

export const CSV_HEADER = ['pair', 'run_id', 'run_finished_at', 'class', 'kind', 'seq', 'key', 'columns', 'first_seen', 'last_seen', 'rounds'] as const;

export function csvField(value: string | number): string {
  const text = String(value);
  // A leading = + - @ would be run as a formula by spreadsheet programs; a quote mark keeps it text.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvLine(fields: readonly (string | number)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export function diffCsvLine(pair: string, runFinishedAt: string, d: StoredDiff): string {
  return csvLine([pair, d.runId, runFinishedAt, d.class, d.kind, d.seq, JSON.stringify(d.key), d.columns.join(' '), new Date(d.firstSeen).toISOString(), new Date(d.lastSeen).toISOString(), d.rounds]);
}
