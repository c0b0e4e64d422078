// Flag parsing on node:util parseArgs with usage errors that say what is wrong and how to fix it.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SyncwatchError } from '../lib/errors.js';

export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandHelp {
  readonly usage: string;
  readonly summary: string;
  /** flag → one-line description, in display order. */
  readonly flags: Readonly<Record<string, string>>;
}

export function formatHelp(help: CommandHelp): string {
  const width = Math.max(...Object.keys(help.flags).map((f) => f.length), 6) + 2;
  const lines = Object.entries(help.flags).map(([flag, text]) => `  ${flag.padEnd(width)}${text}`);
  return `Usage: ${help.usage}\n\n${help.summary}\n\nOptions:\n${lines.join('\n')}\n`;
}

/** Parses `argv` strictly; unknown flags and missing values become SW_USAGE errors naming the flag. */
export function parseFlags(argv: readonly string[], options: FlagSpec, command: string): Record<string, string | boolean | undefined> {
  try {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    return values as Record<string, string | boolean | undefined>;
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] ?? err.message : String(err);
    throw new SyncwatchError('SW_USAGE', `${command}: ${message.replace(/\. To specify.*$/, '')} (see: syncwatch ${command} --help)`);
  }
}

/** Parses a flag that must be a TCP port. */
export function parsePort(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new SyncwatchError('SW_USAGE', `${flag}: must be a port number 0-65535, got ${JSON.stringify(text)}`);
  return n;
}

/** Parses a flag that must be an http(s) URL. */
export function parseHttpUrl(text: string, flag: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SyncwatchError('SW_USAGE', `${flag}: must be a URL such as http://127.0.0.1:8080, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SyncwatchError('SW_USAGE', `${flag}: must be an http:// or https:// URL`);
  return url;
}
