// Block-device I/O from /proc/diskstats: whole disks only, as byte rates and busy time.
import { perSecond } from './rate.js';

/** /proc/diskstats counts in 512-byte sectors regardless of the device's real sector size. */
const SECTOR_BYTES = 512;

/** RAM-backed and loop devices say nothing about the disks; floppies are noise. */
const VIRTUAL_DEVICE = /^(loop|ram|zram|fd)\d+$/;

export interface DiskCounters {
  readonly device: string;
  readonly readBytes: number;
  readonly writtenBytes: number;
  /** Milliseconds the device had I/O in flight (field 10), the basis of the busy percentage. */
  readonly ioMs: number;
}

/** Parses /proc/diskstats; lines with fewer than the 14 classic fields are skipped. */
export function parseDiskstats(text: string): DiskCounters[] {
  const disks: DiskCounters[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const [device, sectorsRead, sectorsWritten, ioMs] = [f[2] ?? '', Number(f[5]), Number(f[9]), Number(f[12])];
    if (device === '' || [sectorsRead, sectorsWritten, ioMs].some(Number.isNaN)) continue;
    disks.push({ device, readBytes: sectorsRead * SECTOR_BYTES, writtenBytes: sectorsWritten * SECTOR_BYTES, ioMs });
  }
  return disks;
}

/** `sda1` is a partition of `sda`; `nvme0n1p1` of `nvme0n1` (a name ending in a digit takes a `p`). */
export function isPartitionOf(name: string, disk: string): boolean {
  if (name === disk || !name.startsWith(disk)) return false;
  const rest = name.slice(disk.length);
  return /\d$/.test(disk) ? /^p\d+$/.test(rest) : /^\d+$/.test(rest);
}

/** Drops virtual devices, and partitions whose whole disk is listed too (their I/O is counted twice). */
export function selectDisks(disks: readonly DiskCounters[]): DiskCounters[] {
  const real = disks.filter((d) => !VIRTUAL_DEVICE.test(d.device));
  return real.filter((d) => !real.some((other) => isPartitionOf(d.device, other.device)));
}

export interface DiskRates {
  readonly device: string;
  readonly readBytesPerSecond: number;
  readonly writeBytesPerSecond: number;
  /** Share of wall time with I/O in flight, 0–100 (can exceed 100 slightly through rounding in the kernel). */
  readonly busyPercent: number;
}

/** Rates for devices present in both samples whose counters did not go backwards. */
export function diskRates(previous: readonly DiskCounters[], current: readonly DiskCounters[], elapsedMs: number): DiskRates[] {
  const before = new Map(previous.map((d) => [d.device, d]));
  const rates: DiskRates[] = [];
  for (const now of current) {
    const then = before.get(now.device);
    if (then === undefined) continue;
    const read = perSecond(then.readBytes, now.readBytes, elapsedMs);
    const write = perSecond(then.writtenBytes, now.writtenBytes, elapsedMs);
    const busy = perSecond(then.ioMs, now.ioMs, elapsedMs);
    if (read === undefined || write === undefined || busy === undefined) continue;
    rates.push({ device: now.device, readBytesPerSecond: read, writeBytesPerSecond: write, busyPercent: busy / 10 });
  }
  return rates;
}
