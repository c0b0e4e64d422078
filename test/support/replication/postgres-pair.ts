// A real PostgreSQL 15 streaming-replication pair for tests: a primary initdb'd in a scratch dir and a hot
// standby cloned with `pg_basebackup -R` through a physical slot, both on free loopback ports with trust auth.
import { execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SyncwatchError } from '../../../lib/errors.js';
import { withPgClient } from '../services.js';
import { spawnServer, stopServer, waitUntilReady, type ServerProcess, type ServerSpec } from './server-process.js';
import { createScratchDir, findBinary, freePorts, removeScratchDir, runTool } from './tools.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const PG_USER = 'postgres';
const SLOT_NAME = 'syncwatch_standby';
const SIGNALS = { stopSignal: 'SIGINT', emergencySignal: 'SIGQUIT' } as const; // fast / immediate shutdown

/** One PostgreSQL server of a pair. */
export interface PgNode {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** The postmaster's PID. */
  readonly pid: number;
  readonly logPath: string;
}

/** A running primary + hot standby; `stop()` is idempotent and removes the scratch dir. */
export interface PgPair {
  readonly primaryUrl: string;
  readonly standbyUrl: string;
  readonly primary: PgNode;
  readonly standby: PgNode;
  /** The physical replication slot the standby streams from (see pg_replication_slots on the primary). */
  readonly slotName: string;
  readonly dir: string;
  readonly pids: readonly number[];
  stop(): Promise<void>;
}

// Small and fast: these clusters hold a few rows; fsync off because the data dir is thrown away.
// wal_receiver_status_interval = 1s so that the primary's replay_lag figures move at test speed.
const CONFIG = (socketDir: string): string => `
listen_addresses = '127.0.0.1'
unix_socket_directories = '${socketDir}'
shared_buffers = 16MB
max_connections = 30
fsync = off
wal_level = replica
max_wal_senders = 5
max_replication_slots = 5
hot_standby = on
wal_receiver_status_interval = 1s
`;

/** PostgreSQL refuses to run as root, so every binary goes through `runuser -u postgres --`. */
function asPostgres(binary: string, args: readonly string[]): [string, string[]] {
  return [findBinary(['runuser'], 'apt-get install util-linux'), ['-u', PG_USER, '--', join(PG_BIN, binary), ...args]];
}

function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function urlFor(port: number): string {
  return `postgres://${PG_USER}@127.0.0.1:${port}/postgres`;
}

function startNode(dir: string, name: string, port: number): { server: ServerProcess; spec: ServerSpec; node: () => PgNode } {
  const dataDir = join(dir, name);
  const [command, args] = asPostgres('postgres', ['-D', dataDir, '-p', String(port), '-c', `cluster_name=sw-${name}`]);
  const spec: ServerSpec = { name: `pg-${name}`, command, args, dir, ...SIGNALS, serverPid: () => postmasterPid(dataDir) };
  const server = spawnServer(spec);
  const node = (): PgNode => ({ url: urlFor(port), port, dataDir, pid: server.pid, logPath: server.logPath });
  return { server, spec, node };
}

async function waitAccepting(server: ServerProcess, url: string, inRecovery: boolean): Promise<void> {
  await waitUntilReady(server, inRecovery ? 'accepting read-only connections' : 'accepting connections', () =>
    withPgClient(url, async (c) => (await c.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r')).rows[0]?.r === inRecovery));
  // The postmaster writes postmaster.pid before it listens, so the real PID is known from here on.
  if (server.pid === server.launcher.pid) throw new Error(`${server.name}: postmaster.pid not readable after start-up`);
}

function requireBinaries(): void {
  for (const binary of ['initdb', 'postgres', 'pg_basebackup']) {
    if (!existsSync(join(PG_BIN, binary))) {
      throw new SyncwatchError('SW_SERVICE_MISSING', `${join(PG_BIN, binary)} not found — install it with: apt-get install postgresql-15`);
    }
  }
}

/** Starts a PostgreSQL 15 primary and a streaming hot standby; rejects with the log tail when either fails. */
export async function startPgPair(): Promise<PgPair> {
  requireBinaries();
  const dir = await createScratchDir('pg');
  const started: { server: ServerProcess; spec: ServerSpec }[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= (async () => {
    await Promise.all(started.map(({ server, spec }) => stopServer(server, spec)));
    await removeScratchDir(dir);
  })());
  try {
    const uid = Number(execFileSync('id', ['-u', PG_USER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', PG_USER], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid); // initdb and the servers run as postgres and need to write here
    const [primaryPort = 0, standbyPort = 0] = await freePorts(2);
    const primaryDir = join(dir, 'primary');
    await runTool(...asPostgres('initdb', ['-D', primaryDir, '-U', PG_USER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions']), { cwd: dir });
    appendFileSync(join(primaryDir, 'postgresql.conf'), CONFIG(dir)); // copied to the standby by pg_basebackup

    const primary = startNode(dir, 'primary', primaryPort);
    started.push(primary);
    await waitAccepting(primary.server, urlFor(primaryPort), false);

    // -C -S: a physical slot keeps the primary's WAL while replay is paused; -c fast: no wait for a checkpoint.
    await runTool(...asPostgres('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', PG_USER, '-D', join(dir, 'standby'),
      '-R', '-X', 'stream', '-C', '-S', SLOT_NAME, '-c', 'fast', '--no-sync']), { cwd: dir });
    const standby = startNode(dir, 'standby', standbyPort);
    started.push(standby);
    await waitAccepting(standby.server, urlFor(standbyPort), true);
    await waitUntilReady(primary.server, 'streaming to the standby', () => withPgClient(urlFor(primaryPort), async (c) =>
      (await c.query("SELECT 1 FROM pg_stat_replication WHERE state = 'streaming'")).rowCount === 1));

    const nodes = { primary: primary.node(), standby: standby.node() };
    return {
      primaryUrl: nodes.primary.url,
      standbyUrl: nodes.standby.url,
      ...nodes,
      slotName: SLOT_NAME,
      dir,
      pids: [nodes.primary.pid, nodes.standby.pid],
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
