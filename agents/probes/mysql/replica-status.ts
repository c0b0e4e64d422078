// Parses a row of SHOW REPLICA STATUS (MariaDB ≥ 10.5, MySQL ≥ 8.0.22) or SHOW SLAVE STATUS (older): both
// name the fields Slave_*/Master_* on MariaDB, and MySQL 8.0.22+ renamed them Replica_*/Source_*.

export interface ReplicaStatus {
  /** The I/O thread is connected and reading from the primary ("Connecting" counts as not running). */
  readonly ioRunning: boolean;
  /** The SQL (applier) thread is running. */
  readonly sqlRunning: boolean;
  /** Seconds_Behind_Master; undefined when the server reports NULL (SQL thread stopped, I/O thread down). */
  readonly secondsBehind: number | undefined;
  readonly lastIoErrno: number;
  readonly lastSqlErrno: number;
  /** Error texts, for logs only: they never become labels. */
  readonly lastIoError: string;
  readonly lastSqlError: string;
}

/** The first field present among `names`. */
function field(row: Readonly<Record<string, unknown>>, names: readonly string[]): unknown {
  for (const name of names) if (name in row) return row[name];
  return undefined;
}

function count(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The status of one replication connection; tolerant of both field spellings. */
export function parseReplicaStatus(row: Readonly<Record<string, unknown>>): ReplicaStatus {
  return {
    ioRunning: field(row, ['Slave_IO_Running', 'Replica_IO_Running']) === 'Yes',
    sqlRunning: field(row, ['Slave_SQL_Running', 'Replica_SQL_Running']) === 'Yes',
    secondsBehind: count(field(row, ['Seconds_Behind_Master', 'Seconds_Behind_Source'])),
    lastIoErrno: count(row['Last_IO_Errno']) ?? 0,
    lastSqlErrno: count(row['Last_SQL_Errno']) ?? 0,
    lastIoError: text(row['Last_IO_Error']),
    lastSqlError: text(row['Last_SQL_Error']),
  };
}

/** Statements that list replica status, newest spelling first; the probe remembers which one worked. */
export const REPLICA_STATUS_STATEMENTS = ['SHOW REPLICA STATUS', 'SHOW SLAVE STATUS'] as const;

/** True for "You have an error in your SQL syntax" (1064): the server predates the newer statement. */
export function isSyntaxError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as Record<string, unknown>)['errno'] === 1064;
}
