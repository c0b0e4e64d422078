// The heartbeat table `(pipeline, seq, ts)` on PostgreSQL and MySQL/MariaDB: engine differences are the SQL
// fragments below; the operations are written once. One row per pipeline on the source (an upsert), so the
// table never grows; the target is read as "newest row of the pipeline", which also fits a pipeline that
// appends instead of upserting.
import { Type } from '@sinclair/typebox';
import type { Beat } from './heartbeat-tracker.js';
import type { SqlEngine, SqlRow, SqlSession } from './sql-session.js';

export const DEFAULT_HEARTBEAT_TABLE = 'syncwatch_heartbeat';

/** A table name, optionally schema-qualified; checked here because it is spliced into SQL (quoted). */
export const HeartbeatTableNameSchema = Type.String({
  pattern: '^[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?$',
  description: `heartbeat table, optionally schema.table; default ${DEFAULT_HEARTBEAT_TABLE}`,
});

interface HeartbeatDialect {
  quote(identifier: string): string;
  createTable(table: string): string;
  upsert(table: string): string;
  newest(table: string): string;
  /** True when the error says the table does not exist (yet): "no heartbeat yet", not a failure. */
  isMissingTable(err: unknown): boolean;
}

const DIALECTS: Readonly<Record<SqlEngine, HeartbeatDialect>> = {
  postgres: {
    quote: (id) => `"${id}"`,
    createTable: (t) => `CREATE TABLE IF NOT EXISTS ${t} (pipeline varchar(100) PRIMARY KEY, seq bigint NOT NULL, ts bigint NOT NULL)`,
    upsert: (t) => `INSERT INTO ${t} (pipeline, seq, ts) VALUES ($1, $2, $3) ON CONFLICT (pipeline) DO UPDATE SET seq = EXCLUDED.seq, ts = EXCLUDED.ts`,
    newest: (t) => `SELECT seq, ts FROM ${t} WHERE pipeline = $1 ORDER BY seq DESC LIMIT 1`,
    isMissingTable: (err) => errorField(err, 'code') === '42P01', // undefined_table
  },
  mysql: {
    quote: (id) => `\`${id}\``,
    createTable: (t) => `CREATE TABLE IF NOT EXISTS ${t} (pipeline varchar(100) NOT NULL PRIMARY KEY, seq bigint NOT NULL, ts bigint NOT NULL)`,
    upsert: (t) => `INSERT INTO ${t} (pipeline, seq, ts) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE seq = VALUES(seq), ts = VALUES(ts)`,
    newest: (t) => `SELECT seq, ts FROM ${t} WHERE pipeline = ? ORDER BY seq DESC LIMIT 1`,
    isMissingTable: (err) => errorField(err, 'errno') === 1146, // ER_NO_SUCH_TABLE
  },
};

/** Heartbeat operations on one session; `table` must match HeartbeatTableNameSchema. */
export class HeartbeatTable {
  readonly #session: SqlSession;
  readonly #dialect: HeartbeatDialect;
  readonly #table: string;
  readonly #pipeline: string;

  constructor(session: SqlSession, table: string, pipeline: string) {
    this.#session = session;
    this.#dialect = DIALECTS[session.engine];
    this.#table = table.split('.').map((part) => this.#dialect.quote(part)).join('.');
    this.#pipeline = pipeline;
  }

  /** Creates the table if it is missing (idempotent). */
  async ensure(signal?: AbortSignal): Promise<void> {
    await this.#session.query(this.#dialect.createTable(this.#table), [], signal);
  }

  /** Writes `beat` as the pipeline's current heartbeat; with `create`, a missing table is created first. */
  async write(beat: Beat, options: { readonly create: boolean; readonly signal?: AbortSignal }): Promise<void> {
    const upsert = (): Promise<SqlRow[]> => this.#session.query(this.#dialect.upsert(this.#table), [this.#pipeline, beat.seq, beat.ts], options.signal);
    try {
      await upsert();
    } catch (err) {
      if (!options.create || !this.#dialect.isMissingTable(err)) throw err;
      await this.ensure(options.signal);
      await upsert();
    }
  }

  /** The pipeline's newest beat, or undefined when the table or the row is not there (yet). */
  async newest(signal?: AbortSignal): Promise<Beat | undefined> {
    let rows: SqlRow[];
    try {
      rows = await this.#session.query(this.#dialect.newest(this.#table), [this.#pipeline], signal);
    } catch (err) {
      if (this.#dialect.isMissingTable(err)) return undefined;
      throw err;
    }
    const row = rows[0];
    if (row === undefined) return undefined;
    // bigint arrives as a string (pg, mysql2 with supportBigNumbers); epoch ms fit a double exactly.
    const seq = Number(row['seq']);
    const ts = Number(row['ts']);
    return Number.isFinite(seq) && Number.isFinite(ts) ? { seq, ts } : undefined;
  }
}

function errorField(err: unknown, field: string): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[field] : undefined;
}
