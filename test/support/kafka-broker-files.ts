// What a single-node KRaft broker needs on disk and on its command line: the jars, java, the folder
// layout, server.properties, a log4j file appender and the JVM flags. No processes are started here.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SyncwatchError } from '../../lib/errors.js';

const ROOT = new URL('../..', import.meta.url).pathname;

/** The script that resolves the broker jars from Maven Central (idempotent). */
export const KAFKA_JARS_SCRIPT = join(ROOT, 'scripts', 'kafka-jars.sh');

/** Where one broker keeps everything, below a single root folder. */
export interface BrokerLayout {
  readonly root: string;
  readonly propertiesFile: string;
  readonly log4jFile: string;
  readonly logsDir: string;
  /** Kafka's `log.dirs`: partitions and the KRaft metadata log. */
  readonly dataDir: string;
}

/** The folder layout for a broker rooted at `root`. */
export function brokerLayout(root: string): BrokerLayout {
  return {
    root,
    propertiesFile: join(root, 'server.properties'),
    log4jFile: join(root, 'log4j.properties'),
    logsDir: join(root, 'logs'),
    dataDir: join(root, 'kafka-data'),
  };
}

/** The libs folder of the pinned Kafka version; the script owns the version, so we ask it. */
export function kafkaLibsDir(): string {
  return execFileSync('bash', [KAFKA_JARS_SCRIPT, '--print-libs-dir'], { encoding: 'utf8' }).trim();
}

/** Resolves the jars if they are missing (Maven output goes to our stderr) and returns the libs folder. */
export function ensureKafkaJars(): string {
  const out = execFileSync('bash', [KAFKA_JARS_SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.trim().split('\n').at(-1) ?? '';
}

/** The java executable, or a SW_SERVICE_MISSING error saying what to install; never hangs. */
export function findJava(): string {
  const javaHome = process.env['JAVA_HOME'];
  const candidate = javaHome !== undefined && existsSync(join(javaHome, 'bin', 'java')) ? join(javaHome, 'bin', 'java') : 'java';
  const probe = spawnSync(candidate, ['-version'], { stdio: 'ignore', timeout: 15_000 });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new SyncwatchError('SW_SERVICE_MISSING', `missing java (${candidate}): the Kafka test broker needs Java 17 on PATH or JAVA_HOME`, { cause: probe.error });
  }
  return candidate;
}

/** Fails with the fix when the jars have not been resolved yet. */
export function assertKafkaJars(libsDir: string): void {
  const hasBroker = existsSync(libsDir) && readdirSync(libsDir).some((name) => /^kafka_2\.13-.*\.jar$/.test(name));
  if (!hasBroker) {
    throw new SyncwatchError('SW_SERVICE_MISSING', `missing Kafka jars in ${libsDir}: run scripts/kafka-jars.sh`);
  }
}

/**
 * A KRaft cluster id: 16 random bytes in URL-safe base64 without padding, as Kafka's Uuid prints them.
 * Kafka's own generator avoids ids starting with '-' so they never look like a flag; so do we.
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Ports of one broker; both stay fixed across restarts so clients and the KRaft quorum find it again. */
export interface BrokerPorts {
  readonly port: number;
  readonly controllerPort: number;
}

/** server.properties for a combined broker+controller listening on 127.0.0.1 only, sized for tests. */
export function serverProperties(layout: BrokerLayout, ports: BrokerPorts): string {
  const settings: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${ports.controllerPort}`,
    'listeners': `PLAINTEXT://127.0.0.1:${ports.port},CONTROLLER://127.0.0.1:${ports.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${ports.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': layout.dataDir,
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    // One partition instead of 50 makes the first consumer group join take milliseconds, not seconds.
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
    // After a kill -9 the restarted broker cannot register until the old registration's session expires
    // (default 9 s, then up to 6 s of backoff); fault tests restart often, so keep that short.
    'broker.session.timeout.ms': 3_000,
    'broker.heartbeat.interval.ms': 500,
    // Two cores: keep the thread pools small.
    'num.network.threads': 2,
    'num.io.threads': 2,
    'background.threads': 2,
    'num.recovery.threads.per.data.dir': 1,
    'log.cleaner.threads': 1,
  };
  return Object.entries(settings).map(([key, value]) => `${key}=${String(value)}`).join('\n') + '\n';
}

/** log4j 1.x (reload4j) settings: everything into logs/server.log, nothing on the console. */
export function log4jProperties(): string {
  return [
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    'log4j.appender.file.File=${kafka.logs.dir}/server.log',
    'log4j.appender.file.Append=true',
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    '',
  ].join('\n');
}

/**
 * JVM flags: a modest heap (the machine has 2 cores and runs other services), the serial collector
 * (fewer threads than G1 for a heap this small) and C1 only, which took start-up from ~3.4 s to ~2.8 s
 * here; test traffic is too small to miss C2's faster code.
 */
export function jvmArgs(layout: BrokerLayout, heap = '512m'): string[] {
  return [
    `-Xmx${heap}`,
    '-Xms64m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-XX:-UsePerfData',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${layout.log4jFile}`,
    `-Dkafka.logs.dir=${layout.logsDir}`,
  ];
}

/** The broker's ERROR/FATAL lines (the cause is rarely the last line) and the end of its stdout. */
export function brokerLogExcerpt(layout: BrokerLayout): string {
  const read = (name: string): string[] => {
    const file = join(layout.logsDir, name);
    return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n') : [];
  };
  const lines = read('server.log');
  // Each ERROR line with the exception line below it, which usually carries the cause ("Address already in use").
  const errors = lines.flatMap((line, i) => {
    if (!/ (ERROR|FATAL) /.test(line)) return [];
    const next = lines[i + 1] ?? '';
    return /^[\w.$]+(Exception|Error)\b/.test(next) ? [line, next] : [line];
  });
  return [...errors.slice(0, 8), ...read('stdout.log').slice(-10)].join('\n');
}
