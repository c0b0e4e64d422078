// Small pieces every pair helper needs: scratch directories, free loopback ports, binary lookup,
// and running a set-up tool (initdb, pg_basebackup, mariadb-install-db) with a timeout.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
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

/** `count` distinct loopback ports that were free a moment ago (held together so none repeats). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { resolve(server); });
  })));
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
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
