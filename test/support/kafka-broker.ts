// Runs a real single-node Apache Kafka broker (KRaft, combined broker+controller) on loopback for tests:
// format storage once, start the JVM, wait until kafkajs can list topics, stop by PID.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { describeError, SyncwatchError } from '../../lib/errors.js';
import { assertKafkaJars, brokerLayout, brokerLogExcerpt, findJava, jvmArgs, kafkaLibsDir, log4jProperties, newClusterId, serverProperties, type BrokerLayout, type BrokerPorts } from './kafka-broker-files.js';
import { trackPid, untrackPid } from './replication/process-guard.js';
import { createScratchDir, freePorts, removeScratchDir } from './replication/tools.js';
import { waitFor } from './wait-for.js';

export interface KafkaBrokerOptions {
  /** Root folder for config, logs and data; kept on stop. Default: a fresh temp folder, deleted on stop. */
  readonly dataDir?: string;
  /** Client port on 127.0.0.1. Default: a free port. */
  readonly port?: number;
  /** KRaft controller port on 127.0.0.1. Default: a free port. */
  readonly controllerPort?: number;
  /** How long to wait for the broker to answer kafkajs. @default 60000 */
  readonly startTimeoutMs?: number;
}

export interface KafkaBroker {
  /** Bootstrap addresses for kafkajs, e.g. ['127.0.0.1:40123']; unchanged across restarts. */
  readonly brokers: readonly string[];
  readonly port: number;
  /** Root folder of this broker (config, logs/, kafka-data/). */
  readonly dataDir: string;
  /** The broker's log4j output, for diagnosing a failed test. */
  readonly logFile: string;
  /** PID of the running JVM, or of the last one if it is stopped; changes on every start. */
  readonly pid: number;
  /** Whether the JVM is running. */
  readonly running: boolean;
  /** Stops the JVM, keeping its data: SIGTERM (clean shutdown), or SIGKILL at once when `hard`. */
  stopJvm(options?: { readonly hard?: boolean }): Promise<void>;
  /** Starts the JVM again on the same ports and data, resolving once it answers clients. */
  startJvm(): Promise<void>;
  /** stopJvm() then startJvm(). */
  restart(options?: { readonly hard?: boolean }): Promise<void>;
  /** Stops the JVM and deletes the folder if it was a temp folder we made. Idempotent. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 20_000;

/** Starts a broker and resolves once kafkajs can list its topics; fails fast if java or the jars are missing. */
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const java = findJava();
  const libsDir = kafkaLibsDir();
  assertKafkaJars(libsDir);
  // A scratch dir is claimed by this process: removed if it exits early, reaped by a later run if it was killed.
  const ownsDir = options.dataDir === undefined;
  const layout = brokerLayout(options.dataDir ?? await createScratchDir('kafka'));
  const [first = 0, second = 0] = await freePorts(2);
  const port = options.port ?? first;
  const ports: BrokerPorts = { port, controllerPort: options.controllerPort ?? (first === port ? second : first) };
  const broker = new BrokerProcess({ java, libsDir, layout, ports, ownsDir, startTimeoutMs: options.startTimeoutMs ?? 60_000 });
  try {
    await broker.startJvm();
  } catch (err) {
    await broker.stop();
    throw err;
  }
  return broker;
}

let ownBroker: Promise<KafkaBroker> | undefined;

/**
 * Bootstrap addresses of the run's shared broker (env SYNCWATCH_TEST_KAFKA_BROKERS, set by global-setup),
 * or of a broker started for this process and killed when it exits.
 */
export async function kafkaBrokersForTests(): Promise<string[]> {
  const unavailable = process.env['SYNCWATCH_TEST_KAFKA_UNAVAILABLE'];
  if (unavailable !== undefined && unavailable !== '') throw new SyncwatchError('SW_SERVICE_MISSING', unavailable);
  const fromEnv = process.env['SYNCWATCH_TEST_KAFKA_BROKERS'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv.split(',').map((s) => s.trim()).filter((s) => s !== '');
  ownBroker ??= startKafkaBroker().catch((err: unknown) => {
    ownBroker = undefined;
    throw err;
  });
  return [...(await ownBroker).brokers];
}

interface BrokerSetup {
  readonly java: string;
  readonly libsDir: string;
  readonly layout: BrokerLayout;
  readonly ports: BrokerPorts;
  readonly ownsDir: boolean;
  readonly startTimeoutMs: number;
}

class BrokerProcess implements KafkaBroker {
  readonly #setup: BrokerSetup;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #pid = 0;
  #exitReason = '';
  #removed = false;

  constructor(setup: BrokerSetup) {
    this.#setup = setup;
  }

  get brokers(): readonly string[] { return [`127.0.0.1:${this.#setup.ports.port}`]; }
  get port(): number { return this.#setup.ports.port; }
  get dataDir(): string { return this.#setup.layout.root; }
  get logFile(): string { return join(this.#setup.layout.logsDir, 'server.log'); }
  get pid(): number { return this.#pid; }
  get running(): boolean { return this.#child !== undefined; }

  async startJvm(): Promise<void> {
    if (this.#child !== undefined) return;
    const { layout, ports } = this.#setup;
    mkdirSync(layout.logsDir, { recursive: true });
    writeFileSync(layout.propertiesFile, serverProperties(layout, ports));
    writeFileSync(layout.log4jFile, log4jProperties());
    if (!existsSync(join(layout.dataDir, 'meta.properties'))) this.#format();
    this.#spawn();
    try {
      await this.#waitUntilServing();
    } catch (err) {
      throw new Error(`${describeError(err)}; broker log:\n${brokerLogExcerpt(layout)}`, { cause: err });
    }
    if (!this.running) throw new Error(`Kafka broker ${this.#exitReason} during start-up:\n${brokerLogExcerpt(layout)}`);
  }

  async stopJvm(options: { readonly hard?: boolean } = {}): Promise<void> {
    if (this.#child === undefined) return;
    signal(this.#pid, options.hard === true ? 'SIGKILL' : 'SIGTERM');
    // A referenced timer: the child is unref'd, so without it an awaiting test process could simply end.
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<false>((resolve) => { timer = setTimeout(() => { resolve(false); }, STOP_GRACE_MS); });
    const stopped = await Promise.race([this.#exited.then(() => true), grace]);
    clearTimeout(timer);
    if (!stopped) {
      signal(this.#pid, 'SIGKILL');
      await this.#exited;
    }
  }

  async restart(options: { readonly hard?: boolean } = {}): Promise<void> {
    await this.stopJvm(options);
    await this.startJvm();
  }

  async stop(): Promise<void> {
    await this.stopJvm();
    if (!this.#setup.ownsDir || this.#removed) return;
    this.#removed = true;
    await removeScratchDir(this.#setup.layout.root);
  }

  #spawn(): void {
    const { java, libsDir, layout } = this.#setup;
    // Output goes to a file, not a pipe, so a test process is never kept alive (or blocked) by the JVM;
    // cwd inside the broker's folder, which the stale-run reaper checks before killing a recorded PID.
    const out = openSync(join(layout.logsDir, 'stdout.log'), 'a');
    const child = spawn(java, [...jvmArgs(layout), '-cp', join(libsDir, '*'), 'kafka.Kafka', layout.propertiesFile], { cwd: layout.root, stdio: ['ignore', out, out] });
    closeSync(out);
    child.unref();
    this.#child = child;
    this.#pid = child.pid ?? 0;
    if (this.#pid !== 0) trackPid(this.#pid, layout.root, 'SIGKILL');
    this.#exited = new Promise<void>((resolve) => {
      const done = (reason: string): void => {
        this.#exitReason = reason;
        if (this.#child === child) this.#child = undefined;
        untrackPid(child.pid ?? 0);
        resolve();
      };
      child.once('exit', (code, sig) => { done(`exited with ${sig ?? `code ${String(code)}`}`); });
      child.once('error', (err) => { done(`could not start: ${err.message}`); });
    });
  }

  #format(): void {
    const { java, libsDir, layout } = this.#setup;
    const args = [...jvmArgs(layout, '256m'), '-cp', join(libsDir, '*'), 'kafka.tools.StorageTool', 'format', '-t', newClusterId(), '-c', layout.propertiesFile, '--ignore-formatted'];
    const result = spawnSync(java, args, { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) {
      throw new Error(`Kafka StorageTool format failed (${result.error?.message ?? `status ${String(result.status)}`}): ${result.stderr}${result.stdout}`);
    }
  }

  async #waitUntilServing(): Promise<void> {
    // Short client timeouts: something else answering on the port must not stall a probe for 30 s.
    const kafka = new Kafka({ clientId: 'syncwatch-test-probe', brokers: [...this.brokers], logLevel: logLevel.NOTHING, connectionTimeout: 1_000, requestTimeout: 2_000, retry: { retries: 0 } });
    const serving = waitFor(`Kafka broker on ${this.brokers.join(',')} to list topics (log: ${this.logFile})`, async () => {
      if (this.#child === undefined) return true; // died: startJvm reports it with the log
      const admin = kafka.admin();
      try {
        await admin.connect();
        await admin.listTopics();
        return true;
      } finally {
        await admin.disconnect();
      }
    }, { timeoutMs: this.#setup.startTimeoutMs, intervalMs: 200 });
    // A JVM that dies ends the wait at once; the poll above then stops at its next round.
    await Promise.race([serving, this.#exited]);
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (err) {
    // ESRCH: it is already gone, which is what we wanted.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
