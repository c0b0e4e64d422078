// A spawned syncwatch process under test: captured output, an exit promise, termination by PID with a grace period,
// and a process-exit hook so a test that dies before stop() never leaves the child running.
import type { ChildProcess } from 'node:child_process';

const STOP_GRACE_MS = 10_000;
const MAX_OUTPUT_CHARS = 64 * 1024;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

export interface TrackedChild {
  /** Resolves with how the child ended (`SIGKILL`, `code 0`, `spawn error: …`). */
  readonly exited: Promise<string>;
  readonly running: boolean;
  /** The last 64 KiB of stdout and stderr. */
  output(): string;
  /** Signals by PID and waits for the exit; escalates SIGTERM to SIGKILL after the grace period. */
  terminate(sig: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) if (child.pid !== undefined) signal(child.pid, 'SIGKILL');
  });
}

/** Starts tracking a child spawned with piped stdout and stderr. */
export function trackChild(child: ChildProcess): TrackedChild {
  installExitHook();
  live.add(child);
  let output = '';
  const append = (chunk: Buffer): void => { output = (output + chunk.toString('utf8')).slice(-MAX_OUTPUT_CHARS); };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, sig) => { live.delete(child); resolve(sig ?? `code ${String(code)}`); });
    child.once('error', (err) => { live.delete(child); resolve(`spawn error: ${err.message}`); });
  });
  return {
    exited,
    get running() { return live.has(child); },
    output: () => output,
    async terminate(sig) {
      if (!live.has(child) || child.pid === undefined) return;
      signal(child.pid, sig);
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<false>((resolve) => { timer = setTimeout(() => { resolve(false); }, STOP_GRACE_MS); });
      const stopped = await Promise.race([exited.then(() => true), grace]);
      clearTimeout(timer);
      if (!stopped) {
        signal(child.pid, 'SIGKILL');
        await exited;
      }
    },
  };
}
