// Applies pending versioned migrations (migrations/NNNN-name.sql) at start-up and records each version.
// Every statement is idempotent (IF NOT EXISTS), so two processes migrating at once do no harm.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Storage } from './storage.js';
import { TABLES, qualified } from './tables.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Statements with `{db}` standing for the database name. */
  readonly statements: readonly string[];
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}-[a-z0-9-]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), 'utf8');
      const statements = sql
        .split(/;\s*$/m)
        .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
        .filter((s) => s.length > 0);
      return { version: Number(file.slice(0, 4)), name: file.slice(5, -4), statements };
    });
}

/** Brings the schema to the newest version; returns the versions it applied. */
export async function migrate(storage: Storage, migrations: readonly Migration[] = loadMigrations()): Promise<number[]> {
  const db = storage.database;
  const ledger = qualified(db, TABLES.schemaMigrations);
  await storage.exec(`CREATE DATABASE IF NOT EXISTS ${db}`);
  await storage.exec(
    `CREATE TABLE IF NOT EXISTS ${ledger} (version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = ReplacingMergeTree ORDER BY version`,
  );
  const done = new Set((await storage.query<{ version: number }>(`SELECT version FROM ${ledger}`)).map((r) => r.version));
  const applied: number[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    for (const statement of m.statements) await storage.exec(statement.replaceAll('{db}', db));
    await storage.insert(ledger, [{ version: m.version, name: m.name }]);
    applied.push(m.version);
  }
  return applied;
}
