// `report`: download a signed consistency report, check a saved one offline, or rotate the signing key offline.
//   syncwatch report --at ISO [--pair P] --server URL --token T [--out FILE] [--format json|csv|html]
//   syncwatch report verify FILE (--key FILE | --server URL)      exit 0 valid, 1 invalid (reason on stderr), 2 usage
//   syncwatch report rotate-key --data-dir DIR
import { readFileSync, writeFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SyncwatchError, describeError } from '../lib/errors.js';
import { parsePublicKeys, verifyDocument } from '../collector/reports/signature.js';
import { ReportKeyRing } from '../collector/reports/signing-keys.js';
import { parseHttpUrl, type CommandHelp, type FlagSpec } from './args.js';
import { EXIT } from './exit-codes.js';

export const REPORT_HELP: CommandHelp = {
  usage: 'syncwatch report --at ISO [--pair P] --server URL --token T [--out FILE] [--format json|csv|html]\n       syncwatch report verify FILE (--key FILE | --server URL)\n       syncwatch report rotate-key --data-dir DIR',
  summary: 'Downloads a signed point-in-time consistency report (auditor or admin token), verifies a saved report offline\n(exit 0 valid, 1 invalid, 2 usage), or rotates the report signing key of a stopped server\'s data directory.',
  flags: {
    '--at': 'point in time, ISO-8601 (e.g. 2026-11-21T10:00:00Z); not in the future',
    '--pair': 'report on this pair only (default: every pair)',
    '--server': 'collector base URL, e.g. https://127.0.0.1:8080 (verify: fetches the public keys from it)',
    '--token': 'auditor or admin token; prefer the SYNCWATCH_AUDITOR_TOKEN environment variable (flags show up in ps)',
    '--out': 'write the report to FILE instead of standard output',
    '--format': 'json (signed, default), csv (differences) or html (printable, embeds the signed JSON)',
    '--key': 'verify: public keys as PEM or the JSON of GET /api/v1/reports/keys',
    '--data-dir': 'rotate-key: the data directory whose report-keys/ to rotate (default ./data)',
    '-h, --help': 'show this help',
  },
};

const FLAGS: FlagSpec = {
  at: { type: 'string' },
  pair: { type: 'string' },
  server: { type: 'string' },
  token: { type: 'string' },
  out: { type: 'string' },
  format: { type: 'string' },
  key: { type: 'string' },
  'data-dir': { type: 'string' },
};

function parse(argv: readonly string[]): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: true });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (err) {
    const message = describeError(err).split('\n')[0] ?? '';
    throw new SyncwatchError('SW_USAGE', `report: ${message.replace(/\. To specify.*$/, '')} (see: syncwatch report --help)`);
  }
}

function str(values: Record<string, string | boolean | undefined>, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

async function fetchText(url: URL, token: string | undefined): Promise<{ status: number; text: string }> {
  let response: Response;
  try {
    response = await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    throw new SyncwatchError('SW_COLLECTOR_UNAVAILABLE', `report: cannot reach ${url.origin}${cause} (for a self-signed certificate set NODE_EXTRA_CA_CERTS=cert.pem)`, { cause: err });
  }
  return { status: response.status, text: await response.text() };
}

function apiError(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return `${status}: ${body.error.message}`;
  } catch {
    // not JSON
  }
  return `HTTP ${status}`;
}

async function serverKeys(server: string): Promise<Map<string, KeyObject>> {
  const base = parseHttpUrl(server, '--server');
  const { status, text } = await fetchText(new URL('/api/v1/reports/keys', base), undefined);
  if (status !== 200) throw new SyncwatchError('SW_COLLECTOR_UNAVAILABLE', `report: GET /api/v1/reports/keys answered ${apiError(status, text)}`);
  return parsePublicKeys(text);
}

/** The signed JSON of a saved report: the JSON file itself, or the copy an HTML report embeds. */
export function signedJsonOf(text: string): string {
  if (!/^\s*<!DOCTYPE html/i.test(text)) return text;
  const match = /<pre id="signed-report">([\s\S]*?)<\/pre>/.exec(text);
  if (match?.[1] === undefined) return '';
  return match[1].replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));
}

async function verifyCommand(values: Record<string, string | boolean | undefined>, positionals: readonly string[]): Promise<number> {
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new SyncwatchError('SW_USAGE', 'report verify: give exactly one FILE (see: syncwatch report --help)');
  const keyFile = str(values, 'key');
  const server = str(values, 'server');
  if ((keyFile === undefined) === (server === undefined)) throw new SyncwatchError('SW_USAGE', 'report verify: give either --key FILE or --server URL for the public keys');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SyncwatchError('SW_USAGE', `report verify: cannot read ${file} (${describeError(err)})`);
  }
  let keys: Map<string, KeyObject>;
  if (keyFile !== undefined) {
    try {
      keys = parsePublicKeys(readFileSync(keyFile, 'utf8'));
    } catch (err) {
      throw new SyncwatchError('SW_USAGE', `report verify: --key ${keyFile}: not PEM public keys or the JSON of /api/v1/reports/keys (${describeError(err)})`);
    }
  } else {
    keys = await serverKeys(server ?? '');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(signedJsonOf(text));
  } catch (err) {
    process.stderr.write(`syncwatch: INVALID ${file}: not a JSON report (${describeError(err)})\n`);
    return EXIT.drift;
  }
  const outcome = verifyDocument(doc, keys);
  if (!outcome.valid) {
    process.stderr.write(`syncwatch: INVALID ${file}: ${outcome.reason}\n`);
    return EXIT.drift;
  }
  const body = (doc as { body: { at?: unknown; generatedAt?: unknown } }).body;
  process.stdout.write(`VALID ${file}: signed by key ${outcome.keyId}; report as of ${String(body.at)}, generated ${String(body.generatedAt)}\n`);
  return EXIT.ok;
}

function rotateCommand(values: Record<string, string | boolean | undefined>): number {
  const ring = ReportKeyRing.open(str(values, 'data-dir') ?? './data');
  const previous = ring.currentKeyId;
  const key = ring.rotate();
  process.stdout.write(`rotated report signing key ${previous} → ${key.keyId}; restart serve (or use POST /api/v1/reports/keys/rotate on a running one)\n`);
  return EXIT.ok;
}

async function downloadCommand(values: Record<string, string | boolean | undefined>): Promise<number> {
  const at = str(values, 'at');
  const server = str(values, 'server');
  if (at === undefined) throw new SyncwatchError('SW_USAGE', 'report: --at ISO is required (e.g. --at 2026-11-21T10:00:00Z)');
  if (server === undefined) throw new SyncwatchError('SW_USAGE', 'report: --server URL is required');
  const token = str(values, 'token') ?? process.env['SYNCWATCH_AUDITOR_TOKEN'];
  if (token === undefined || token === '') throw new SyncwatchError('SW_USAGE', 'report: --token T is required (or set SYNCWATCH_AUDITOR_TOKEN)');
  const format = str(values, 'format') ?? 'json';
  if (format !== 'json' && format !== 'csv' && format !== 'html') throw new SyncwatchError('SW_USAGE', `report: --format must be json, csv or html, got ${JSON.stringify(format)}`);
  const url = new URL('/api/v1/reports/consistency', parseHttpUrl(server, '--server'));
  url.searchParams.set('at', at);
  url.searchParams.set('format', format);
  const pair = str(values, 'pair');
  if (pair !== undefined) url.searchParams.set('pair', pair);
  const { status, text } = await fetchText(url, token);
  if (status !== 200) throw new SyncwatchError(status === 400 ? 'SW_USAGE' : 'SW_COLLECTOR_UNAVAILABLE', `report: the server answered ${apiError(status, text)}`);
  const out = str(values, 'out');
  if (out === undefined) process.stdout.write(text);
  else writeFileSync(out, text);
  if (format === 'json') {
    // A report that does not verify against the server's own keys is not worth filing.
    const outcome = verifyDocument(JSON.parse(text), await serverKeys(server));
    if (!outcome.valid) throw new SyncwatchError('SW_INTERNAL', `report: the downloaded report does not verify: ${outcome.reason}`);
    if (out !== undefined) process.stderr.write(`syncwatch: wrote ${out}; signature valid (key ${outcome.keyId})\n`);
  } else if (out !== undefined) {
    process.stderr.write(`syncwatch: wrote ${out}\n`);
  }
  return EXIT.ok;
}

export async function runReport(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === 'verify') {
    const { values, positionals } = parse(rest);
    return verifyCommand(values, positionals);
  }
  if (first === 'rotate-key') {
    const { values, positionals } = parse(rest);
    if (positionals.length > 0) throw new SyncwatchError('SW_USAGE', `report rotate-key: unexpected argument ${JSON.stringify(positionals[0])}`);
    return rotateCommand(values);
  }
  const { values, positionals } = parse(argv);
  if (positionals.length > 0) throw new SyncwatchError('SW_USAGE', `report: unknown subcommand ${JSON.stringify(positionals[0])}; use verify or rotate-key, or flags to download (see: syncwatch report --help)`);
  return downloadCommand(values);
}
