// Start, watch and stop one database server process by PID, with its output in a log file whose tail
// goes into every start-up error. All waits have timeouts; nothing here sleeps blindly.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { waitFor } from '../wait-for.js';
import { isAlive, trackPid, untrackPid } from './process-guard.js';

export interface ServerSpec {
  /** Short name used in messages and log file names, e.g. `pg-standby`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** The scratch directory; the log goes to `<dir>/<name>.log`. */
  readonly dir: string;
  /** Orderly shutdown signal (SIGINT = PostgreSQL fast shutdown, SIGTERM for MariaDB and Redis). */
  readonly stopSignal: NodeJS.Signals;
  /** Signal used by the exit safeguard and when the orderly stop times out first. */
  readonly emergencySignal: NodeJS.Signals;
  /** Reads the real server PID when the launcher forks it (runuser → postmaster); undefined until known. */
  readonly serverPid?: () => number | undefined;
}

/** A started server; `pid` is the server itself, which differs from the launcher's when a wrapper forks (runuser). */
export interface ServerProcess {
  readonly name: string;
  readonly logPath: string;
  readonly launcher: ChildProcess;
  /** The server's PID: the launcher's until `serverPid` of the spec reports the real one. */
  readonly pid: number;
  /** True once the launcher exited: the server is gone or never came up. */
  hasExited(): boolean;
}

const STOP_TIMEOUT_MS = 10_000;
const LOG_TAIL_LINES = 15;

/** The last lines of a log file, indented, for error messages. */
export function logTail(logPath: string, lines = LOG_TAIL_LINES): string {
  let text: string;
  try {
    text = readFileSync(logPath, 'utf8');
  } catch {
    return '    (no log written)';
  }
  if (text.trim() === '') return '    (log is empty)';
  return text.trim().split('\n').slice(-lines).map((l) => `    ${l}`).join('\n');
}

/** Spawns a server detached, output to its log file, unref'd so a forgotten server cannot keep Node alive. */
export function spawnServer(spec: ServerSpec): ServerProcess {
  const logPath = `${spec.dir}/${spec.name}.log`;
  const fd = openSync(logPath, 'a');
  let launcher: ChildProcess;
  try {
    launcher = spawn(spec.command, [...spec.args], { cwd: spec.dir, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  launcher.on('error', () => undefined); // a spawn failure shows up as hasExited() plus the log tail
  launcher.unref();
  const launcherPid = launcher.pid;
  if (launcherPid === undefined) throw new Error(`${spec.name}: could not spawn ${spec.command}`);
  trackPid(launcherPid, spec.dir, spec.emergencySignal);
  let pid = launcherPid;
  const currentPid = (): number => {
    const real = pid === launcherPid ? spec.serverPid?.() : undefined;
    if (real !== undefined && real !== pid && isAlive(real)) {
      pid = real;
      trackPid(real, spec.dir, spec.emergencySignal);
    }
    return pid;
  };
  return {
    name: spec.name,
    logPath,
    launcher,
    get pid() { return currentPid(); },
    hasExited: () => launcher.exitCode !== null || launcher.signalCode !== null || !isAlive(launcherPid),
  };
}

/**
 * Polls `probe` until it returns a value, failing fast with the log tail when the server exits
 * and with the log tail after `timeoutMs` otherwise.
 */
export async function waitUntilReady<T>(server: ServerProcess, what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  let outcome: { ready: T } | 'exited';
  try {
    outcome = await waitFor(`${server.name} ${what}`, async () => (server.hasExited() ? 'exited' as const : await probeReady(probe)), { timeoutMs, intervalMs: 100 });
  } catch (err) {
    throw new Error(`${(err as Error).message}; last lines of ${server.logPath}:\n${logTail(server.logPath)}`, { cause: err });
  }
  if (outcome === 'exited') {
    throw new Error(`${server.name} exited before ${what}; last lines of ${server.logPath}:\n${logTail(server.logPath)}`);
  }
  return outcome.ready;
}

async function probeReady<T>(probe: () => Promise<T | undefined | false>): Promise<{ ready: T } | undefined> {
  const value = await probe();
  return value === undefined || value === false ? undefined : { ready: value };
}

async function waitGone(pids: readonly number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive)) {
    if (Date.now() > deadline) return false;
    await delay(50);
  }
  return true;
}

/** Stops the server by PID (orderly, then the emergency signal, then SIGKILL) and waits until it is gone. */
export async function stopServer(server: ServerProcess, spec: Pick<ServerSpec, 'stopSignal' | 'emergencySignal'>): Promise<void> {
  const target = server.pid;
  const pids = [...new Set([target, server.launcher.pid ?? target])];
  const escalation: NodeJS.Signals[] = [spec.stopSignal, spec.emergencySignal, 'SIGKILL'];
  for (const signal of escalation) {
    try {
      process.kill(target, signal);
    } catch {
      // already gone
    }
    if (await waitGone(pids, signal === 'SIGKILL' ? 2_000 : STOP_TIMEOUT_MS)) break;
  }
  for (const pid of pids) untrackPid(pid);
}
