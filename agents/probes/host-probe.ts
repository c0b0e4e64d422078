// The host probe: CPU, memory, load, disk I/O, network and filesystem usage read from /proc and statfs(2).
// Counters become rates between two collections, so the first collection has gauges only.
import { readFile, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { Type, type Static } from '@sinclair/typebox';
import { describeError } from '../../lib/errors.js';
import type { Point } from '../../lib/protocol/ingest-batch.js';
import type { Probe, ProbeCheckResult, ProbeContext } from '../probe.js';
import { CPU_MODES, cpuPercents, parseProcStat, type CpuTimes } from './host/cpu.js';
import { diskRates, parseDiskstats, selectDisks, type DiskCounters } from './host/disk-io.js';
import { filesystemUsage, parseMounts, selectRealFilesystems, type Mount, type StatfsLike } from './host/filesystems.js';
import { parseLoadavg } from './host/load.js';
import { memoryUsage, parseMeminfo } from './host/memory.js';
import { networkRates, parseNetDev, selectInterfaces, type InterfaceCounters } from './host/network.js';

/** Host figures change slowly; 5 s keeps the agent under 1 % of a core. */
export const HOST_PROBE_DEFAULT_INTERVAL_MS = 5_000;

/** Config of `{ kind: 'host' }` probes; part of the agent's config schema. */
export const HostProbeConfigSchema = Type.Object(
  {
    kind: Type.Literal('host'),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'probe label; default "host"' })),
    intervalMs: Type.Optional(Type.Integer({ minimum: 250, maximum: 3_600_000, description: 'default 5000' })),
    includeLoopback: Type.Optional(Type.Boolean({ description: 'report the loopback interface too; default false' })),
  },
  { additionalProperties: false },
);
export type HostProbeConfig = Static<typeof HostProbeConfigSchema>;

/** Seams for tests: a directory laid out like /proc, a monotonic clock, a statfs. */
export interface HostProbeOverrides {
  readonly procRoot?: string;
  readonly monotonicMs?: () => number;
  readonly statfs?: (path: string) => Promise<StatfsLike>;
}

/** A statfs that has not returned within this time (a hung network mount) is skipped for this round. */
const STATFS_TIMEOUT_MS = 1_000;

interface Sample {
  readonly atMs: number;
  readonly cpu: CpuTimes;
  readonly disks: readonly DiskCounters[];
  readonly interfaces: readonly InterfaceCounters[];
}

/** Builds a host probe; `overrides` are for tests (a fixture /proc, a fake clock or statfs). */
export function createHostProbe(config: HostProbeConfig, context: ProbeContext, overrides: HostProbeOverrides = {}): Probe {
  return new HostProbe(config, context, overrides);
}

class HostProbe implements Probe {
  readonly kind = 'host';
  readonly name: string;
  readonly intervalMs: number;
  readonly #config: HostProbeConfig;
  readonly #context: ProbeContext;
  readonly #procRoot: string;
  readonly #monotonicMs: () => number;
  readonly #statfs: (path: string) => Promise<StatfsLike>;
  /** Mountpoints whose statfs is still outstanding; not asked again until it returns. */
  readonly #hungStatfs = new Set<string>();
  #previous: Sample | undefined;

  constructor(config: HostProbeConfig, context: ProbeContext, overrides: HostProbeOverrides) {
    this.#config = Object.freeze({ ...config });
    this.#context = context;
    this.name = config.name ?? 'host';
    this.intervalMs = config.intervalMs ?? HOST_PROBE_DEFAULT_INTERVAL_MS;
    this.#procRoot = overrides.procRoot ?? '/proc';
    this.#monotonicMs = overrides.monotonicMs ?? (() => performance.now());
    this.#statfs = overrides.statfs ?? ((path) => statfs(path));
  }

  async collect(signal: AbortSignal): Promise<Point[]> {
    const read = (file: string): Promise<string> => readFile(join(this.#procRoot, file), { encoding: 'utf8', signal });
    const [stat, meminfo, loadavg, diskstats, netdev, mounts] = await Promise.all(
      ['stat', 'meminfo', 'loadavg', 'diskstats', 'net/dev', 'self/mounts'].map(read),
    );
    const ts = this.#context.clock.now();
    const points: Point[] = [];
    const add = (metric: string, value: number, labels: Record<string, string> = {}): void => {
      points.push({ ts, metric, labels: { ...labels, host: this.#context.hostLabel }, value: round3(value) });
    };
    const sample: Sample = {
      atMs: this.#monotonicMs(),
      cpu: addCpu(add, parseProcStat(stat ?? '')),
      disks: selectDisks(parseDiskstats(diskstats ?? '')),
      interfaces: selectInterfaces(parseNetDev(netdev ?? ''), this.#config.includeLoopback ?? false),
    };
    addMemory(add, meminfo ?? '');
    const load = parseLoadavg(loadavg ?? '');
    add('host_load1', load.load1);
    add('host_load5', load.load5);
    add('host_load15', load.load15);
    this.#addRates(add, sample);
    await this.#addFilesystems(add, selectRealFilesystems(parseMounts(mounts ?? '')));
    this.#previous = sample;
    return points;
  }

  #addRates(add: AddPoint, sample: Sample): void {
    const previous = this.#previous;
    if (previous === undefined) return;
    const elapsedMs = sample.atMs - previous.atMs;
    const cpu = cpuPercents(previous.cpu, sample.cpu);
    if (cpu !== undefined) {
      add('host_cpu_percent', cpu.busy);
      for (const mode of CPU_MODES) add('host_cpu_mode_percent', cpu.modes[mode], { mode });
    }
    for (const d of diskRates(previous.disks, sample.disks, elapsedMs)) {
      add('host_disk_read_bytes_per_second', d.readBytesPerSecond, { device: d.device });
      add('host_disk_write_bytes_per_second', d.writeBytesPerSecond, { device: d.device });
      add('host_disk_busy_percent', d.busyPercent, { device: d.device });
    }
    for (const n of networkRates(previous.interfaces, sample.interfaces, elapsedMs)) {
      add('host_network_receive_bytes_per_second', n.receiveBytesPerSecond, { interface: n.iface });
      add('host_network_transmit_bytes_per_second', n.transmitBytesPerSecond, { interface: n.iface });
    }
  }

  async #addFilesystems(add: AddPoint, mounts: readonly Mount[]): Promise<void> {
    const usages = await Promise.all(mounts.map((m) => this.#statfsWithTimeout(m.mountpoint)));
    mounts.forEach((m, i) => {
      const stats = usages[i];
      if (stats === undefined) return;
      const u = filesystemUsage(stats);
      const labels = { mountpoint: m.mountpoint, fstype: m.fstype };
      add('host_filesystem_size_bytes', u.sizeBytes, labels);
      add('host_filesystem_used_bytes', u.usedBytes, labels);
      add('host_filesystem_available_bytes', u.availableBytes, labels);
      add('host_filesystem_used_percent', u.usedPercent, labels);
    });
  }

  /** statfs can block forever on a dead NFS server; the threadpool call cannot be cancelled, only skipped. */
  async #statfsWithTimeout(mountpoint: string): Promise<StatfsLike | undefined> {
    if (this.#hungStatfs.has(mountpoint)) return undefined;
    this.#hungStatfs.add(mountpoint);
    const call = this.#statfs(mountpoint).finally(() => this.#hungStatfs.delete(mountpoint));
    const cancelTimer = new AbortController();
    const timeout = delay(STATFS_TIMEOUT_MS, undefined, { signal: cancelTimer.signal }).catch(() => undefined);
    try {
      return await Promise.race([call, timeout]);
    } catch (err) {
      // A mount that vanished or that we may not read is not a probe failure; say so at debug level.
      this.#context.logger.debug({ mountpoint, err: describeError(err) }, 'statfs failed; filesystem skipped');
      return undefined;
    } finally {
      cancelTimer.abort();
      call.catch(() => undefined);
    }
  }

  async check(): Promise<ProbeCheckResult> {
    try {
      parseProcStat(await readFile(join(this.#procRoot, 'stat'), 'utf8'));
      return { ok: true };
    } catch (err) {
      return { ok: false, error: `cannot read ${this.#procRoot}/stat: ${describeError(err)}` };
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

type AddPoint = (metric: string, value: number, labels?: Record<string, string>) => void;

function addCpu(add: AddPoint, sample: ReturnType<typeof parseProcStat>): CpuTimes {
  add('host_cpu_count', sample.cpuCount);
  return sample.times;
}

function addMemory(add: AddPoint, meminfo: string): void {
  const m = memoryUsage(parseMeminfo(meminfo));
  add('host_memory_total_bytes', m.totalBytes);
  add('host_memory_available_bytes', m.availableBytes);
  add('host_memory_used_bytes', m.usedBytes);
  add('host_memory_used_percent', m.usedPercent);
  add('host_swap_total_bytes', m.swapTotalBytes);
  add('host_swap_used_bytes', m.swapUsedBytes);
  add('host_swap_used_percent', m.swapUsedPercent);
}

/** Three decimals are plenty for percentages and rates and keep the wire format short. */
function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
