// Small pieces every pair helper needs: scratch directories, free loopback ports, binary lookup,
// and running a set-up tool (initdb, pg_basebackup, mariadb-install-db) with a timeout.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { SyncwatchError } from '../../../lib/errors.js';
import { SCRATCH_PREFIX, SCRATCH_ROOT, claimScratchDir, reapStaleScratchDirs, releaseScratchDir } from './process-guard.js';

const EXTRA_BIN_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/** Creates `/tmp/syncwatch-repl-<kind>-XXXXXX`, owned by this process, after reaping stale ones. */
export async function createScratchDir(kind: string): Promise<string> {
  reapStaleScratchDirs();
  const dir = await mkdtemp(join(SCRATCH_ROOT, `${SCRATCH_PREFIX}${kind}-`));
  claimScratchDir(dir);
  return dir;
}

/** Removes a scratch directory after its servers have stopped. */
export async function removeScratchDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  releaseScratchDir(dir);
}

/** The lowest port the kernel hands out for outgoing connections (ip_local_port_range), or Linux's default. */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 11_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function tryListen(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => { resolve(undefined); });
    server.listen(port, '127.0.0.1', () => { resolve(server); });
  });
}

/**
 * `count` distinct loopback ports that were free a moment ago (held together so none repeats). They are drawn
 * below the ephemeral range: a port the kernel picked for `listen(0)` can be handed to some outgoing connection
 * before the server we start binds it ("Address already in use"), a port below the range cannot.
 */
export async function freePorts(count: number): Promise<number[]> {
  const low = 10_000;
  const high = ephemeralLow() - 1;
  const held: Server[] = [];
  try {
    for (let tries = 0; held.length < count; tries++) {
      if (tries > 500) throw new Error(`no free loopback port between ${low} and ${high}`);
      const server = await tryListen(low + Math.floor(Math.random() * (high - low + 1)));
      if (server !== undefined) held.push(server);
    }
    return held.map((s) => (s.address() as AddressInfo).port);
  } finally {
    await Promise.all(held.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/** Absolute path of the first of `names` found on PATH or in the sbin dirs; otherwise a "install it with" error. */
export function findBinary(names: readonly string[], installHint: string): string {
  const dirs = [...(process.env['PATH'] ?? '').split(':').filter(Boolean), ...EXTRA_BIN_DIRS];
  for (const name of names) {
    const found = name.startsWith('/') ? (existsSync(name) ? name : undefined) : dirs.map((d) => join(d, name)).find((p) => existsSync(p));
    if (found !== undefined) return found;
  }
  throw new SyncwatchError('SW_SERVICE_MISSING', `${names.join(' / ')} not found — install it with: ${installHint}`);
}

/** Runs a set-up tool to completion; on failure or after `timeoutMs` rejects with its output's tail. */
export function runTool(command: string, args: readonly string[], options: { cwd: string; timeoutMs?: number }): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    execFile(command, [...args], { cwd: options.cwd, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err === null) {
        resolve(stdout);
        return;
      }
      const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-15).map((l) => `    ${l}`).join('\n');
      const why = err.killed ? `timed out after ${timeoutMs} ms` : `failed (${err.message.split('\n')[0] ?? ''})`;
      reject(new Error(`${[command, ...args].join(' ')} ${why}; output tail:\n${tail}`, { cause: err }));
    });
  });
}
