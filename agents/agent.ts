// The agent: probes on their intervals → the on-disk spool → the shipper → the collector.
// createAgent only wires; start() opens the spool (resuming an earlier run) and starts the loops.
import { hostname } from 'node:os';
import { SYSTEM_CLOCK, type Clock } from '../lib/clock.js';
import { describeError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { Point } from '../lib/protocol/ingest-batch.js';
import type { AgentConfig, FsyncPolicy, ProbeConfig } from './agent-config.js';
import type { BackoffOptions } from '../lib/retry.js';
import type { Probe, ProbeCheckResult, ProbeContext } from './probe.js';
import { runProbe, type ProbeRun, type ProbeState } from './probe-runner.js';
import { createProbe } from './probes/registry.js';
import { createSelfProbe } from './self-probe.js';
import { createShipper, type Shipper, type ShipperStats } from './shipper.js';
import { openSpool, type Spool, type SpoolOptions, type SpoolStats } from './spool.js';

export interface AgentOptions {
  /** Collector base URL, e.g. `http://127.0.0.1:8080`. */
  readonly collectorUrl: string;
  /** Bearer token of role `agent`; never logged. */
  readonly token: string;
  /** The `agent` field of every batch and the prefix of its batch ids. */
  readonly agentName: string;
  readonly spoolDir: string;
  readonly logger: Logger;
  /** The agent section of the config file; the explicit options below take precedence over it. */
  readonly config?: Partial<AgentConfig>;
  /** @default config.probes, else one host probe */
  readonly probes?: readonly ProbeConfig[];
  /** Probes built by the caller (embedding, tests), run next to the configured ones. */
  readonly probeInstances?: readonly Probe[];
  /** @default config.hostLabel, else os.hostname() */
  readonly hostLabel?: string;
  readonly fsync?: FsyncPolicy;
  readonly maxSpoolBytes?: number;
  /** Finer spool tuning (segment size and age, fsync period). */
  readonly spool?: Partial<Pick<SpoolOptions, 'segmentMaxPoints' | 'segmentMaxBytes' | 'segmentMaxAgeMs' | 'fsyncIntervalMs'>>;
  readonly shipper?: { readonly requestTimeoutMs?: number; readonly backoff?: BackoffOptions };
  /** Period of the agent's own health points (spool depth, drops, shipping). @default 10000 */
  readonly selfIntervalMs?: number;
  readonly clock?: Clock;
}

export interface AgentStats {
  readonly probes: readonly ProbeState[];
  readonly spool: SpoolStats | undefined;
  readonly shipper: ShipperStats | undefined;
}

export interface Agent {
  /** Opens the spool and starts probes and shipper; rejects if the spool cannot be opened. */
  start(): Promise<void>;
  /** Stops probes and shipper, closes probes and seals the spool; unsent points stay on disk. Idempotent. */
  stop(): Promise<void>;
  stats(): AgentStats;
}

/** Builds an agent; nothing runs until start(). */
export function createAgent(options: AgentOptions): Agent {
  const hostLabel = options.hostLabel ?? options.config?.hostLabel ?? hostname();
  const clock = options.clock ?? SYSTEM_CLOCK;
  const log = options.logger;
  const controller = new AbortController();
  let running: { spool: Spool; shipper: Shipper; probes: Probe[]; runs: ProbeRun[]; shipping: Promise<void> } | undefined;
  let stopping: Promise<void> | undefined;

  const start = async (): Promise<void> => {
    if (running !== undefined || stopping !== undefined) throw new Error('the agent was already started');
    const spool = await openSpool({
      dir: options.spoolDir,
      batchIdPrefix: options.agentName,
      logger: log.child({ component: 'spool' }),
      maxBytes: options.maxSpoolBytes ?? options.config?.maxSpoolBytes,
      fsync: options.fsync ?? options.config?.fsync,
      segmentMaxAgeMs: options.config?.batchDelayMs,
      ...options.spool,
    });
    const shipper = createShipper({
      spool,
      collectorUrl: options.collectorUrl,
      token: options.token,
      agentName: options.agentName,
      logger: log.child({ component: 'shipper' }),
      clock,
      ...options.shipper,
    });
    const context: ProbeContext = { hostLabel, logger: log, clock };
    const configured = await Promise.all((options.probes ?? options.config?.probes ?? [{ kind: 'host' }]).map((c) => createProbe(c, context)));
    const self = createSelfProbe({ hostLabel, clock, intervalMs: options.selfIntervalMs, spoolStats: () => spool.stats(), shipperStats: () => shipper.stats() });
    const probes = [...configured, ...(options.probeInstances ?? []), self];
    const sink = (points: readonly Point[]): Promise<void> => spool.append(points);
    const runs = probes.map((probe) => runProbe({ probe, hostLabel, clock, logger: log, sink }, controller.signal));
    const shipping = shipper.run(controller.signal).catch((err: unknown) => {
      log.error({ err: describeError(err) }, 'shipper stopped unexpectedly');
    });
    running = { spool, shipper, probes, runs, shipping };
    log.info({ agent: options.agentName, collectorUrl: options.collectorUrl, host: hostLabel, probes: probes.map((p) => p.name), spool: spool.stats() }, 'agent started');
    void logChecks(probes, log);
  };

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      controller.abort();
      const r = running;
      if (r === undefined) return;
      await Promise.all([...r.runs.map((run) => run.done), r.shipping]);
      await Promise.all(r.probes.map((p) => p.close().catch((err: unknown) => { log.warn({ probe: p.name, err: describeError(err) }, 'probe close failed'); })));
      await r.spool.close();
      log.info({ spool: r.spool.stats() }, 'agent stopped');
    })();
    return stopping;
  };

  const stats = (): AgentStats => ({
    probes: running?.runs.map((r) => r.state()) ?? [],
    spool: running?.spool.stats(),
    shipper: running?.shipper.stats(),
  });

  return { start, stop, stats };
}

/** The start-up health log: one line per probe saying whether its target is reachable now. */
async function logChecks(probes: readonly Probe[], log: Logger): Promise<void> {
  await Promise.all(
    probes.map(async (probe) => {
      const result: ProbeCheckResult = await probe.check().catch((err: unknown) => ({ ok: false, error: describeError(err) }));
      if (result.ok) log.info({ probe: probe.name, kind: probe.kind }, 'probe check passed');
      else log.warn({ probe: probe.name, kind: probe.kind, err: result.error }, 'probe check failed; will keep retrying');
    }),
  );
}
