// A real Redis primary/replica pair for tests, separate from the system Redis: two redis-server processes on
// free loopback ports, no persistence, the replica started with --replicaof.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { withRedis } from '../redis-temp.js';
import { spawnServer, stopServer, waitUntilReady, type ServerProcess, type ServerSpec } from './server-process.js';
import { createScratchDir, findBinary, freePorts, removeScratchDir } from './tools.js';

const SIGNALS = { stopSignal: 'SIGTERM', emergencySignal: 'SIGKILL' } as const;

/** One Redis server of a pair. */
export interface RedisNode {
  /** `redis://127.0.0.1:PORT/0` */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly pid: number;
  readonly logPath: string;
}

/** A running primary + replica; `stop()` is idempotent and removes the scratch dir. */
export interface RedisPair {
  readonly primaryUrl: string;
  readonly replicaUrl: string;
  readonly primary: RedisNode;
  readonly replica: RedisNode;
  readonly dir: string;
  readonly pids: readonly number[];
  stop(): Promise<void>;
}

interface Started {
  readonly server: ServerProcess;
  readonly spec: ServerSpec;
  readonly node: RedisNode;
}

/** Spawns one server, adds it to `started` at once (so a failed start is still stopped), waits for PING. */
async function startNode(redisServer: string, dir: string, name: string, port: number, extra: readonly string[], started: Started[]): Promise<Started> {
  const dataDir = join(dir, name);
  await mkdir(dataDir);
  // Diskless sync with no delay: the default waits 5 s for more replicas before the first full sync.
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dataDir,
    '--daemonize', 'no', '--logfile', '', '--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0', ...extra];
  const spec: ServerSpec = { name: `redis-${name}`, command: redisServer, args, dir, ...SIGNALS };
  const server = spawnServer(spec);
  const url = `redis://127.0.0.1:${port}/0`;
  const entry = { server, spec, node: { url, port, dataDir, pid: server.pid, logPath: server.logPath } };
  started.push(entry);
  await waitUntilReady(server, 'answering PING', () => withRedis(url, async (c) => { await c.ping(); return true; }));
  return entry;
}

/** Starts a Redis primary and a replica linked to it; rejects with the log tail when either fails. */
export async function startRedisPair(): Promise<RedisPair> {
  const redisServer = findBinary(['redis-server'], 'apt-get install redis-server');
  const dir = await createScratchDir('redis');
  const started: Started[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= (async () => {
    await Promise.all(started.map(({ server, spec }) => stopServer(server, spec)));
    await removeScratchDir(dir);
  })());
  try {
    const [primaryPort = 0, replicaPort = 0] = await freePorts(2);
    const primary = await startNode(redisServer, dir, 'primary', primaryPort, [], started);
    const replica = await startNode(redisServer, dir, 'replica', replicaPort, ['--replicaof', '127.0.0.1', String(primaryPort)], started);
    await waitUntilReady(replica.server, 'linked to the primary', () =>
      withRedis(replica.node.url, async (c) => (await c.info('replication')).includes('master_link_status:up')));
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
