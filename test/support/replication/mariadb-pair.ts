// A real MariaDB GTID replication pair for tests: one install in a scratch dir, copied for the replica, two
// mariadbd processes on free loopback ports, the replica following with MASTER_USE_GTID=slave_pos.
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { spawnServer, stopServer, waitUntilReady, type ServerProcess, type ServerSpec } from './server-process.js';
import { createScratchDir, findBinary, freePorts, removeScratchDir, runTool } from './tools.js';

const INSTALL_HINT = 'apt-get install mariadb-server';
const SIGNALS = { stopSignal: 'SIGTERM', emergencySignal: 'SIGKILL' } as const;
/** Created on the primary once the replica follows, so it exists on both; the URLs point at it. */
export const MARIADB_PAIR_DATABASE = 'syncwatch_test';

/** One MariaDB server of a pair. */
export interface MariaDbNode {
  /** `mysql://root@127.0.0.1:PORT/syncwatch_test` */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly socketPath: string;
  readonly serverId: number;
  readonly pid: number;
  readonly logPath: string;
}

/** A running primary + GTID replica; `stop()` is idempotent and removes the scratch dir. */
export interface MariaDbPair {
  readonly primaryUrl: string;
  readonly replicaUrl: string;
  readonly primary: MariaDbNode;
  readonly replica: MariaDbNode;
  readonly dir: string;
  readonly pids: readonly number[];
  stop(): Promise<void>;
}

interface Started {
  readonly server: ServerProcess;
  readonly spec: ServerSpec;
  readonly node: MariaDbNode;
}

function startNode(mariadbd: string, dir: string, name: string, port: number, serverId: number, extraArgs: readonly string[] = []): Started {
  const dataDir = join(dir, name);
  const socketPath = join(dir, `${name}.sock`);
  // --user=root: this machine runs tests as root and mariadbd refuses root unless told explicitly.
  const args = ['--no-defaults', '--user=root', `--datadir=${dataDir}`, `--socket=${socketPath}`, `--port=${port}`,
    '--bind-address=127.0.0.1', `--server-id=${serverId}`, '--log-bin=mariadb-bin', '--binlog-format=ROW',
    '--log-slave-updates', '--gtid-strict-mode=ON', `--pid-file=${join(dir, `${name}.pid`)}`, '--skip-name-resolve',
    '--innodb-buffer-pool-size=16M', '--innodb-log-file-size=8M', '--innodb-flush-log-at-trx-commit=2',
    '--performance-schema=OFF', '--max-connections=40', ...extraArgs];
  const spec: ServerSpec = { name: `mariadb-${name}`, command: mariadbd, args, dir, ...SIGNALS };
  const server = spawnServer(spec);
  const url = `mysql://root@127.0.0.1:${port}/${MARIADB_PAIR_DATABASE}`;
  return { server, spec, node: { url, port, dataDir, socketPath, serverId, pid: server.pid, logPath: server.logPath } };
}

/** Runs statements on a fresh root connection to `port` and returns the last result's rows. */
async function sql(port: number, statements: readonly string[]): Promise<RowDataPacket[]> {
  const conn = await createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 3_000 });
  try {
    let rows: RowDataPacket[] = [];
    for (const statement of statements) [rows] = await conn.query<RowDataPacket[]>(statement);
    return rows;
  } finally {
    await conn.end().catch(() => undefined);
  }
}

async function replicaRunning(port: number): Promise<boolean> {
  const [status] = await sql(port, ['SHOW REPLICA STATUS']);
  if (status?.['Slave_IO_Running'] === 'Yes' && status['Slave_SQL_Running'] === 'Yes') return true;
  const error = String(status?.['Last_IO_Error'] ?? '') || String(status?.['Last_SQL_Error'] ?? '');
  if (error !== '') throw new Error(error); // waitFor keeps polling and names the last error on timeout
  return false;
}

/** Options for startMariaDbPair; `extraArgs` are appended to both servers' mariadbd arguments (later ones win). */
export interface MariaDbPairOptions {
  readonly extraArgs?: readonly string[];
}

/** Starts a MariaDB primary (binlog + GTID) and a replica following it; rejects with the log tail on failure. */
export async function startMariaDbPair(options: MariaDbPairOptions = {}): Promise<MariaDbPair> {
  const mariadbd = findBinary(['mariadbd', 'mysqld'], INSTALL_HINT);
  const installDb = findBinary(['mariadb-install-db', 'mysql_install_db'], INSTALL_HINT);
  const dir = await createScratchDir('mariadb');
  const started: Started[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= (async () => {
    await Promise.all(started.map(({ server, spec }) => stopServer(server, spec)));
    await removeScratchDir(dir);
  })());
  try {
    const [primaryPort = 0, replicaPort = 0] = await freePorts(2);
    await runTool(installDb, ['--no-defaults', '--user=root', `--datadir=${join(dir, 'primary')}`, '--auth-root-authentication-method=normal',
      '--skip-test-db', '--skip-name-resolve', '--innodb-log-file-size=8M'], { cwd: dir });
    // One install copied is faster than two and gives both servers identical system tables.
    await cp(join(dir, 'primary'), join(dir, 'replica'), { recursive: true });
    const primary = startNode(mariadbd, dir, 'primary', primaryPort, 1, options.extraArgs);
    const replica = startNode(mariadbd, dir, 'replica', replicaPort, 2, options.extraArgs);
    started.push(primary, replica);
    await Promise.all([primary, replica].map(({ server, node }) =>
      waitUntilReady(server, 'accepting connections', async () => (await sql(node.port, ['SELECT 1'])).length === 1)));

    await sql(replicaPort, [
      `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primaryPort}, MASTER_USER='root', MASTER_PASSWORD='', ` +
        'MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=1',
      'START REPLICA',
    ]);
    await waitUntilReady(replica.server, 'replicating', () => replicaRunning(replicaPort));
    await sql(primaryPort, [`CREATE DATABASE ${MARIADB_PAIR_DATABASE}`]);
    await waitUntilReady(replica.server, `receiving database ${MARIADB_PAIR_DATABASE}`, async () =>
      (await sql(replicaPort, [`SHOW DATABASES LIKE '${MARIADB_PAIR_DATABASE}'`])).length === 1);

    return {
      primaryUrl: primary.node.url,
      replicaUrl: replica.node.url,
      primary: primary.node,
      replica: replica.node,
      dir,
      pids: [primary.node.pid, replica.node.pid],
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
