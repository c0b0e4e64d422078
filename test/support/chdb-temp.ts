// Embedded ClickHouse (chdb) for tests: ONE data directory per test process (libchdb binds one per process),
// throwaway databases inside it, and an exec helper that takes `?` placeholders like the SQL engines' helpers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChdbStorage } from '../../lib/storage/chdb-storage.js';
import type { Storage } from '../../lib/storage/storage.js';
import type { TempDatabase } from './services.js';
import { uniqueName } from './unique-name.js';

let dir: string | undefined;
let admin: Storage | undefined;
/** One chdb session per test database, switched to it with USE (sessions on one directory may coexist). */
const sessions = new Map<string, Storage>();

/** This process's chdb data directory; every chdb:// store a test opens in-process must point here. */
export function chdbTestDir(): string {
  dir ??= mkdtempSync(join(tmpdir(), 'sw-verify-chdb-'));
  return dir;
}

function adminSession(): Storage {
  admin ??= createChdbStorage(chdbTestDir(), 'default');
  return admin;
}

async function session(database: string): Promise<Storage> {
  let s = sessions.get(database);
  if (s === undefined) {
    s = createChdbStorage(chdbTestDir(), database);
    await s.exec(`USE ${database}`);
    sessions.set(database, s);
  }
  return s;
}

/** A ClickHouse literal for a test value (strings escaped, bytes as \x escapes, NULL, booleans, numbers). */
export function clickhouseLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof Uint8Array) return `'${[...v].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}'`;
  if (typeof v === 'string') return `'${v.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
  throw new TypeError(`no ClickHouse literal for ${typeof v}`);
}

/**
 * Runs one statement in the test chdb; `?` placeholders are replaced by literals (the statements are the tests'
 * own). Tables default to MergeTree, and a table without a key gets an empty ORDER BY.
 */
export async function chdbExec(database: string, sql: string, params: readonly unknown[] = []): Promise<void> {
  let i = 0;
  const text = sql.replace(/\?/g, () => clickhouseLiteral(params[i++]));
  const settings = /^\s*CREATE TABLE/i.test(text) && !/SETTINGS/i.test(text)
    ? " SETTINGS default_table_engine = 'MergeTree', create_table_empty_primary_key_by_default = 1"
    : /^\s*ALTER TABLE/i.test(text) ? ' SETTINGS mutations_sync = 2' : '';
  await (await session(database)).exec(`${text}${settings}`);
}

/** Runs SQL text as given (several statements allowed) in the test chdb database, e.g. a fix SQL file. */
export async function chdbExecText(database: string, text: string): Promise<void> {
  await (await session(database)).exec(text);
}

/** Creates a throwaway database in the test chdb; its URL is `chdb://<dir>?database=<name>`. */
export async function createTempChdbDatabase(prefix = 'sw_test'): Promise<TempDatabase> {
  const name = uniqueName(prefix);
  await adminSession().exec(`CREATE DATABASE ${name}`);
  const url = new URL(`chdb://${chdbTestDir()}`);
  url.searchParams.set('database', name);
  return { url: url.toString(), name, drop: async () => {
    await sessions.get(name)?.close();
    sessions.delete(name);
    await adminSession().exec(`DROP DATABASE IF EXISTS ${name}`);
  } };
}

/** Closes this process's chdb session (so a child process may open the directory) and, with `remove`, deletes it. */
export async function closeChdb(remove = false): Promise<void> {
  for (const s of [...sessions.values(), admin]) await s?.close();
  sessions.clear();
  admin = undefined;
  if (remove && dir !== undefined) {
    rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  }
}
