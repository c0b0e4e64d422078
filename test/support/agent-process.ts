// Runs `syncwatch agent` as a real child process (as users run it, or from a bundled build), for fault tests
// and benchmarks: started with a YAML config, ready once it logs "agent started", stopped by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { trackChild } from './tracked-child.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'syncwatch');
const READY = '"msg":"agent started"';

export interface AgentProcessOptions {
  readonly collectorUrl: string;
  /** Passed as SYNCWATCH_AGENT_TOKEN, not as a flag (flags show up in ps). */
  readonly token: string;
  readonly configFile: string;
  readonly spoolDir: string;
  readonly name: string;
  /** The script to run instead of bin/syncwatch, e.g. a bundled build of cli/main.ts. */
  readonly entry?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** @default 30000 */
  readonly startTimeoutMs?: number;
}

export interface AgentProcess {
  readonly pid: number;
  readonly running: boolean;
  /** What it printed so far (tail), for failure messages. */
  output(): string;
  /** SIGTERM (the agent seals its spool and exits), SIGKILL after a grace period. Idempotent. */
  stop(): Promise<void>;
}


/** Starts the agent and resolves once it has opened its spool and started its probes. */
export async function startAgentProcess(options: AgentProcessOptions): Promise<AgentProcess> {
  const args = [options.entry ?? BIN, 'agent', '--collector', options.collectorUrl, '--config', options.configFile, '--spool-dir', options.spoolDir, '--name', options.name];
  const env = { ...process.env, SYNCWATCH_AGENT_TOKEN: options.token, ...options.env };
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tracked = trackChild(child);
  const stop = (): Promise<void> => tracked.terminate('SIGTERM');
  try {
    await waitForReady(child, tracked.exited, () => tracked.output(), options.startTimeoutMs ?? 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { pid: child.pid ?? 0, get running() { return tracked.running; }, output: () => tracked.output(), stop };
}

function waitForReady(child: ChildProcess, exited: Promise<string>, output: () => string, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { finish(new Error(`syncwatch agent did not start within ${timeoutMs} ms; output:\n${output()}`)); }, timeoutMs);
    const onData = (): void => { if (output().includes(READY)) finish(undefined); };
    const finish = (error: Error | undefined): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      if (error === undefined) resolve();
      else reject(error);
    };
    child.stdout?.on('data', onData);
    void exited.then((how) => { finish(new Error(`syncwatch agent exited (${how}) before it started; output:\n${output()}`)); });
  });
}
