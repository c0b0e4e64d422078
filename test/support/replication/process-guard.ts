// Last-resort cleanup for servers the tests start: a process-exit (and signal) safeguard that kills every
// tracked PID and removes its scratch directory, and a reaper for what a killed (-9) earlier run left behind.
import { readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where scratch directories live; the reaper only looks at entries starting with SCRATCH_PREFIX. */
export const SCRATCH_ROOT = '/tmp';
export const SCRATCH_PREFIX = 'syncwatch-repl-';

const OWNER_FILE = 'owner.pid';
const PIDS_FILE = 'server.pids';

interface Tracked {
  readonly dir: string;
  /** Signal that ends the server at once without corrupting shared state (SIGQUIT for PostgreSQL). */
  readonly emergencySignal: NodeJS.Signals;
}

const tracked = new Map<number, Tracked>();
const trackedDirs = new Set<string>();
let installed = false;

/** True while `pid` names a running (not zombie) process. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // Field 3 of /proc/PID/stat is the state; a zombie has exited but is not reaped yet.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Kills every tracked server and removes tracked directories, synchronously (usable in an 'exit' handler). */
export function killAllTrackedSync(): void {
  for (const [pid, entry] of tracked) signalQuietly(pid, entry.emergencySignal);
  tracked.clear();
  for (const dir of trackedDirs) rmSync(dir, { recursive: true, force: true });
  trackedDirs.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAllTrackedSync();
  // Re-raise so the process still ends the way the sender meant, unless someone else handles the signal.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installOnce(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAllTrackedSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, onSignal);
}

/** Marks `dir` as owned by this process, so the reaper of a later run knows when it is stale. */
export function claimScratchDir(dir: string): void {
  installOnce();
  writeFileSync(join(dir, OWNER_FILE), `${process.pid}\n`);
  trackedDirs.add(dir);
}

/** Forgets `dir` once it has been removed in an orderly way. */
export function releaseScratchDir(dir: string): void {
  trackedDirs.delete(dir);
}

/** Tracks a server PID for the exit safeguard and records it in `dir` for the stale-run reaper. */
export function trackPid(pid: number, dir: string, emergencySignal: NodeJS.Signals): void {
  installOnce();
  tracked.set(pid, { dir, emergencySignal });
  appendFileSync(join(dir, PIDS_FILE), `${pid} ${emergencySignal}\n`);
}

/** Stops tracking `pid` (it was stopped in an orderly way). */
export function untrackPid(pid: number): void {
  tracked.delete(pid);
}

function runsInside(pid: number, dir: string): boolean {
  // A server's working directory is inside its scratch dir (data dir or --dir); this guards against PID reuse.
  try {
    return readlinkSync(`/proc/${pid}/cwd`).startsWith(dir);
  } catch {
    return false;
  }
}

function reapDir(dir: string): void {
  let owner: number;
  try {
    owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8').trim());
  } catch {
    return; // still being set up, or not ours
  }
  if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) return;
  let lines: string[] = [];
  try {
    lines = readFileSync(join(dir, PIDS_FILE), 'utf8').split('\n');
  } catch {
    // no server was started
  }
  for (const line of lines) {
    const [pidText, signal] = line.split(' ');
    const pid = Number(pidText);
    if (Number.isInteger(pid) && pid > 0 && runsInside(pid, dir)) signalQuietly(pid, (signal ?? 'SIGKILL') as NodeJS.Signals);
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Kills servers and removes scratch dirs left by earlier test processes that died without cleaning up. */
export function reapStaleScratchDirs(): void {
  for (const name of readdirSync(SCRATCH_ROOT)) {
    if (name.startsWith(SCRATCH_PREFIX)) reapDir(join(SCRATCH_ROOT, name));
  }
}
