// Runs `syncwatch serve` as a real child process (collector + embedded chdb + local agent) for end-to-end and
// fault tests: a free port, a temp data dir, the admin token serve generates there; stopped or killed by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackChild } from './tracked-child.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'syncwatch');
const READY_LINE = /^syncwatch: dashboard at (http:\/\/\S+?)\/?$/m;
/** Output kept for error messages: the tail, so a chatty process cannot grow the test's memory. */

export interface ServeOptions {
  /** Data directory; reuse one to restart over the same data. Default: a fresh temp dir that stop() deletes. */
  readonly dataDir?: string;
  /** Port on 127.0.0.1; a fixed one lets a restarted process keep its URL. @default 0 (a free port) */
  readonly port?: number;
  /** Run the built-in agent that reports this host. @default true */
  readonly localAgent?: boolean;
  readonly extraArgs?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** @default 30000 */
  readonly startTimeoutMs?: number;
}

export interface ServeProcess {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly port: number;
  /** The admin token from `<dataDir>/admin.token` (every role). */
  readonly token: string;
  readonly pid: number;
  readonly dataDir: string;
  /** Whether the process is still running. */
  readonly running: boolean;
  /** Everything it printed so far (tail), stdout and stderr interleaved, for failure messages. */
  output(): string;
  /** SIGTERM, SIGKILL after a grace period; deletes the data dir if it was a temp dir made here. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL at once, as a crash would; keeps the data dir so that a restart can reuse it. */
  kill9(): Promise<void>;
}


/** Starts `node bin/syncwatch serve` and resolves once it prints its URL; rejects with its output otherwise. */
export async function startServe(options: ServeOptions = {}): Promise<ServeProcess> {
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sw-serve-'));
  const args = [BIN, 'serve', '--port', String(options.port ?? 0), '--data-dir', dataDir];
  if (options.localAgent === false) args.push('--no-local-agent');
  args.push(...(options.extraArgs ?? []));
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const tracked = trackChild(child);
  const { exited } = tracked;
  const output = (): string => tracked.output();

  let url: string;
  try {
    url = await waitForUrl(child, exited, output, options.startTimeoutMs ?? 30_000);
  } catch (err) {
    await tracked.terminate('SIGKILL');
    if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const tokenFile = join(dataDir, 'admin.token');
  if (!existsSync(tokenFile)) {
    await tracked.terminate('SIGTERM');
    throw new Error(`syncwatch serve started but ${tokenFile} does not exist (a reused data dir whose admin.token was deleted?)`);
  }
  const token = readFileSync(tokenFile, 'utf8').trim();
  let removed = false;
  return {
    url,
    port: Number(new URL(url).port),
    token,
    pid: child.pid ?? 0,
    dataDir,
    get running() { return tracked.running; },
    output,
    async stop() {
      await tracked.terminate('SIGTERM');
      if (ownsDir && !removed) {
        removed = true;
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    async kill9() {
      await tracked.terminate('SIGKILL');
    },
  };
}

function waitForUrl(child: ChildProcess, exited: Promise<string>, output: () => string, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => { finish(new Error(`syncwatch serve did not print its URL within ${timeoutMs} ms; output:\n${output()}`)); }, timeoutMs);
    const onData = (): void => {
      const match = READY_LINE.exec(output());
      if (match?.[1] !== undefined) finish(match[1]);
    };
    const finish = (result: string | Error): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      if (typeof result === 'string') resolve(result);
      else reject(result);
    };
    child.stdout?.on('data', onData);
    void exited.then((how) => { finish(new Error(`syncwatch serve exited (${how}) before it was ready; output:\n${output()}`)); });
  });
}

