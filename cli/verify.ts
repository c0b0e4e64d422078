// `verify` subcommand: one comparison of a source and a target table; exit 0 consistent, 1 drift, 2 error.
// The JSON shape is a contract used by automation: keep it stable (add fields, never rename).
import { accessSync, constants, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SyncwatchError } from '../lib/errors.js';
import { buildFixSql } from '../verifier/fix-sql.js';
import type { KeyTuple } from '../verifier/key-range.js';
import type { Diff } from '../verifier/row-diff.js';
import { runVerify as runComparison, type VerifyResult } from '../verifier/run.js';
import type { Store } from '../verifier/store.js';
import { openStore } from '../verifier/stores/registry.js';
import { parseFlags, type CommandHelp, type FlagSpec } from './args.js';
import { EXIT } from './exit-codes.js';

export const VERIFY_HELP: CommandHelp = {
  usage: 'syncwatch verify --source URL --target URL --table T [--target-table T2] [--key C1,C2] [--columns C,...] [--where SQL] [--emit-fix-sql FILE] [--portable-hash] [--format json|text]',
  summary: 'Compares a table in two stores (postgres://, mysql://, chdb://DIR, clickhouse://) and names every missing, extra and changed row.\nExit 0 = consistent, 1 = drift found, 2 = error.',
  flags: {
    '--source': 'source store URL, e.g. postgres://user@host:5432/db',
    '--target': 'target store URL, e.g. mysql://user@host:3306/db',
    '--table': 'table to compare (schema.table allowed)',
    '--target-table': "the target's table name when it differs from the source's",
    '--key': 'key columns, comma-separated (default: the source primary key)',
    '--columns': 'columns to compare, comma-separated (default: all source columns)',
    '--where': 'row filter for both sides: one SQL boolean expression, trusted (it runs as given, ANDed into every query)',
    '--source-where': 'row filter for the source only (overrides --where there)',
    '--target-where': 'row filter for the target only (overrides --where there)',
    '--emit-fix-sql': "write the statements that would make the target match the source to FILE (target's SQL dialect)",
    '--chunk-rows': 'rows per Merkle leaf (default 10000; unless given, a single-integer-key table over 2.56 M rows gets about 256 leaves of up to 50000 rows)',
    '--portable-hash': "hash rows with the portable md5-64 even when both sides are the same engine (default: the engine's own, faster row hash there)",
    '--format': 'json or text (default text)',
  },
};

const FLAGS: FlagSpec = {
  source: { type: 'string' },
  target: { type: 'string' },
  table: { type: 'string' },
  'target-table': { type: 'string' },
  key: { type: 'string' },
  columns: { type: 'string' },
  where: { type: 'string' },
  'source-where': { type: 'string' },
  'target-where': { type: 'string' },
  'emit-fix-sql': { type: 'string' },
  'chunk-rows': { type: 'string' },
  'portable-hash': { type: 'boolean' },
  format: { type: 'string' },
};

function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new SyncwatchError('SW_USAGE', `verify: --${name} is required (see: syncwatch verify --help)`);
  return v;
}

function text(v: string | boolean | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function list(v: string | boolean | undefined): string[] | undefined {
  return typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined;
}

function keyObject(columns: readonly string[], key: KeyTuple): Record<string, string> {
  return Object.fromEntries(columns.map((c, i) => [c, key[i] ?? '']));
}

/** The stable JSON form: verdict, row counts, each diff with its key as strings, plus evidence and timing. */
export function toJson(result: VerifyResult, fixSql?: { file: string; statements: number }): object {
  return {
    verdict: result.verdict,
    specVersion: result.specVersion,
    rowHash: result.rowHash,
    source: result.source,
    target: result.target,
    key: result.key,
    columns: result.columns,
    diffs: result.diffs.map((d: Diff) => ({ kind: d.kind, key: keyObject(result.key, d.key), columns: d.kind === 'changed' ? d.columns : [] })),
    evidence: result.evidence,
    timing: result.timing,
    ...(fixSql === undefined ? {} : { fixSql }),
  };
}

function toText(result: VerifyResult, fixSql?: { file: string; statements: number }): string {
  const lines = [
    `${result.verdict === 'consistent' ? 'CONSISTENT' : 'DRIFT'}: ${result.source.table} → ${result.target.table} (key ${result.key.join(', ')}; spec v${result.specVersion}, ${result.rowHash})`,
    `  source ${result.source.url}: ${result.source.rows} rows, root ${result.source.root} (${result.source.digestPath})`,
    `  target ${result.target.url}: ${result.target.rows} rows, root ${result.target.root} (${result.target.digestPath})`,
    `  ${result.evidence.leaves} chunks, ${result.evidence.mismatchedLeaves} mismatched, ${result.evidence.rangesBisected} bisected, ${result.evidence.rangesStreamed} streamed; ${result.timing.totalMs} ms`,
  ];
  if (result.source.where !== null) lines.push(`  source filter: ${result.source.where}`);
  if (result.target.where !== null) lines.push(`  target filter: ${result.target.where}`);
  for (const d of result.diffs) {
    const key = result.key.map((c, i) => `${c}=${JSON.stringify(d.key[i] ?? '')}`).join(', ');
    lines.push(`  ${d.kind.padEnd(8)} ${key}${d.kind === 'changed' ? `  [${d.columns.join(', ')}]` : ''}`);
  }
  if (fixSql !== undefined) lines.push(`  fix SQL: ${fixSql.statements} statements written to ${fixSql.file}`);
  return `${lines.join('\n')}\n`;
}

function progressBar(): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (done, total) => {
    const width = 30;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} chunks${done === total ? '\n' : ''}`);
  };
}

/** Refuses, before any comparison runs, a fix file whose directory is missing or not writable. */
function assertWritable(file: string): void {
  try {
    accessSync(dirname(resolve(file)), constants.W_OK);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'its directory does not exist' : 'its directory is not writable';
    throw new SyncwatchError('SW_USAGE', `--emit-fix-sql: cannot write ${file}: ${reason}; name a file in an existing, writable directory`);
  }
}

/** Runs `verify` and returns the exit code; expected failures throw SyncwatchError (exit 2 via cli/main). */
export async function runVerify(argv: readonly string[]): Promise<number> {
  const values = parseFlags(argv, FLAGS, 'verify');
  const format = values['format'] ?? 'text';
  if (format !== 'json' && format !== 'text') throw new SyncwatchError('SW_USAGE', `verify: --format must be json or text, got ${JSON.stringify(format)}`);
  const chunkText = values['chunk-rows'];
  const chunkRows = typeof chunkText === 'string' ? Number(chunkText) : undefined;
  if (chunkRows !== undefined && (!Number.isInteger(chunkRows) || chunkRows < 1)) throw new SyncwatchError('SW_USAGE', `verify: --chunk-rows must be a positive integer, got ${JSON.stringify(chunkText)}`);
  const sourceUrl = required(values, 'source');
  const targetUrl = required(values, 'target');
  const table = required(values, 'table');
  const stores: Store[] = [];
  try {
    const source = openStore(sourceUrl, '--source');
    stores.push(source);
    const target = openStore(targetUrl, '--target');
    stores.push(target);
    const fixFile = text(values['emit-fix-sql']);
    // Checked before the comparison runs: file trees and Redis take no SQL, so there is nothing to emit.
    if (fixFile !== undefined && target.fixSql === undefined) {
      throw new SyncwatchError('SW_USAGE', `--emit-fix-sql: the target store (${target.kind}) takes no SQL statements; fix SQL is for PostgreSQL, MySQL/MariaDB and ClickHouse targets`);
    }
    if (fixFile !== undefined) assertWritable(fixFile);
    const result = await runComparison({
      source, target, table, targetTable: text(values['target-table']),
      key: list(values['key']), columns: list(values['columns']), chunkRows, onProgress: progressBar(), portableHash: values['portable-hash'] === true,
      where: text(values['where']), sourceWhere: text(values['source-where']), targetWhere: text(values['target-where']),
    });
    let fixSql: { file: string; statements: number } | undefined;
    if (fixFile !== undefined) {
      const built = await buildFixSql(result, source, target);
      // Written beside the file and renamed over it: a run that stops half-way never leaves half a fix file.
      const partial = `${fixFile}.partial-${process.pid}`;
      writeFileSync(partial, built.text);
      renameSync(partial, fixFile);
      fixSql = { file: fixFile, statements: built.statements };
    }
    process.stdout.write(format === 'json' ? `${JSON.stringify(toJson(result, fixSql))}\n` : toText(result, fixSql));
    return result.verdict === 'consistent' ? EXIT.ok : EXIT.drift;
  } finally {
    await Promise.all(stores.map((s) => s.close().catch(() => undefined)));
  }
}
