// The /proc parsers of the host probe against text recorded from a real machine (fixtures/README.md).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { cpuPercents, parseProcStat } from '../../../agents/probes/host/cpu.js';
import { diskRates, isPartitionOf, parseDiskstats, selectDisks } from '../../../agents/probes/host/disk-io.js';
import { filesystemUsage, parseMounts, selectRealFilesystems } from '../../../agents/probes/host/filesystems.js';
import { parseLoadavg } from '../../../agents/probes/host/load.js';
import { memoryUsage, parseMeminfo } from '../../../agents/probes/host/memory.js';
import { networkRates, parseNetDev, selectInterfaces } from '../../../agents/probes/host/network.js';
import { perSecond } from '../../../agents/probes/host/rate.js';

const fixture = (name: string): string => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const near = (actual: number | undefined, expected: number, epsilon = 1e-6): void => {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < epsilon, `expected ${expected}, got ${actual}`);
};

describe('/proc/stat', () => {
  it('reads the aggregate cpu line and counts the CPUs', () => {
    const sample = parseProcStat(fixture('proc-stat.1.txt'));
    assert.equal(sample.cpuCount, 2);
    assert.deepEqual(sample.times, { user: 11305, nice: 0, system: 6911, idle: 196309, iowait: 639, irq: 0, softirq: 150, steal: 44 });
  });

  it('turns two readings into busy and per-mode percentages', () => {
    const before = parseProcStat(fixture('proc-stat.1.txt')).times;
    const after = parseProcStat(fixture('proc-stat.2.txt')).times;
    const pct = cpuPercents(before, after);
    // Deltas: user 7, system 49, idle 456, iowait 8, softirq 1 → 521 ticks; busy = 57 / 521.
    near(pct?.busy, (57 * 100) / 521);
    near(pct?.modes.iowait, (8 * 100) / 521);
    near(pct?.modes.system, (49 * 100) / 521);
    near(Object.values(pct?.modes ?? {}).reduce((a, b) => a + b, 0), 100);
  });

  it('gives no percentage when no time passed or counters went backwards', () => {
    const times = parseProcStat(fixture('proc-stat.1.txt')).times;
    assert.equal(cpuPercents(times, times), undefined);
    assert.equal(cpuPercents(parseProcStat(fixture('proc-stat.2.txt')).times, times), undefined);
  });

  it('rejects text without a cpu line', () => {
    assert.throws(() => parseProcStat('intr 1 2 3\n'), /no aggregate "cpu" line/);
  });
});

describe('/proc/meminfo', () => {
  it('reads kB fields as bytes and unitless fields as counts', () => {
    const fields = parseMeminfo(fixture('proc-meminfo.txt'));
    assert.equal(fields.get('MemTotal'), 24682416 * 1024);
    assert.equal(fields.get('HugePages_Total'), 0);
    assert.equal(fields.get('Hugepagesize'), 2048 * 1024);
  });

  it('derives used memory from MemAvailable; no swap is 0 %', () => {
    const m = memoryUsage(parseMeminfo(fixture('proc-meminfo.txt')));
    assert.equal(m.usedBytes, (24682416 - 24042352) * 1024);
    near(m.usedPercent, ((24682416 - 24042352) * 100) / 24682416);
    assert.deepEqual([m.swapTotalBytes, m.swapUsedBytes, m.swapUsedPercent], [0, 0, 0]);
  });

  it('computes swap use and falls back without MemAvailable (test-only text)', () => {
    const m = memoryUsage(parseMeminfo('MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\nSwapTotal: 400 kB\nSwapFree: 300 kB\n'));
    assert.equal(m.availableBytes, 400 * 1024);
    near(m.usedPercent, 60);
    near(m.swapUsedPercent, 25);
  });
});

describe('/proc/loadavg', () => {
  it('reads the three averages', () => {
    assert.deepEqual(parseLoadavg(fixture('proc-loadavg.txt')), { load1: 0.08, load5: 0.24, load15: 0.14 });
    assert.throws(() => parseLoadavg('garbage'), /loadavg/);
  });
});

describe('/proc/diskstats', () => {
  it('keeps whole disks and drops loop and zram devices', () => {
    const disks = selectDisks(parseDiskstats(fixture('proc-diskstats.1.txt')));
    assert.deepEqual(disks, [{ device: 'vda', readBytes: 4324130 * 512, writtenBytes: 6132664 * 512, ioMs: 12192 }]);
  });

  it('computes byte rates and busy time between two readings', () => {
    const [before, after] = ['proc-diskstats.1.txt', 'proc-diskstats.2.txt'].map((f) => selectDisks(parseDiskstats(fixture(f))));
    const rates = diskRates(before ?? [], after ?? [], 5_000);
    assert.equal(rates.length, 1);
    const vda = rates[0];
    assert.equal(vda?.device, 'vda');
    near(vda.readBytesPerSecond, ((4346258 - 4324130) * 512) / 5);
    near(vda.writeBytesPerSecond, ((6360056 - 6132664) * 512) / 5);
    near(vda.busyPercent, ((12288 - 12192) * 100) / 5_000);
  });

  it('drops partitions of listed disks, but not namespaces or unlisted parents (test-only names)', () => {
    assert.ok(isPartitionOf('sda1', 'sda'));
    assert.ok(isPartitionOf('nvme0n1p2', 'nvme0n1'));
    assert.ok(!isPartitionOf('nvme0n10', 'nvme0n1'));
    assert.ok(!isPartitionOf('sdaa', 'sda'));
    const line = (name: string): string => `   8       0 ${name} 1 0 2 0 1 0 2 0 0 1 0 0 0 0 0 0 0`;
    const text = ['sda', 'sda1', 'sda2', 'nvme0n1', 'nvme0n1p1', 'dm-0', 'ram0', 'sdb1'].map(line).join('\n');
    assert.deepEqual(selectDisks(parseDiskstats(text)).map((d) => d.device), ['sda', 'nvme0n1', 'dm-0', 'sdb1']);
  });
});

describe('/proc/net/dev', () => {
  it('parses every interface and leaves loopback out by default', () => {
    const all = parseNetDev(fixture('proc-net-dev.1.txt'));
    assert.deepEqual(all.map((i) => i.iface), ['lo', 'ifb0', 'ifb1', 'eth0']);
    assert.deepEqual(all.find((i) => i.iface === 'eth0'), { iface: 'eth0', receiveBytes: 571126383, transmitBytes: 1151987 });
    assert.deepEqual(selectInterfaces(all, false).map((i) => i.iface), ['ifb0', 'ifb1', 'eth0']);
  });

  it('computes receive and transmit rates', () => {
    const [before, after] = ['proc-net-dev.1.txt', 'proc-net-dev.2.txt'].map((f) => parseNetDev(fixture(f)));
    const lo = networkRates(before ?? [], after ?? [], 2_000).find((r) => r.iface === 'lo');
    near(lo?.receiveBytesPerSecond, (3196087 - 59985) / 2);
    near(lo?.transmitBytesPerSecond, (3196087 - 59985) / 2);
  });

  it('skips an interface whose counters went backwards (re-created)', () => {
    const before = [{ iface: 'eth0', receiveBytes: 100, transmitBytes: 100 }];
    const after = [{ iface: 'eth0', receiveBytes: 10, transmitBytes: 200 }];
    assert.deepEqual(networkRates(before, after, 1_000), []);
    assert.equal(perSecond(1, 2, 0), undefined);
  });
});

describe('/proc/self/mounts', () => {
  it('keeps real filesystems, one per mountpoint', () => {
    assert.deepEqual(selectRealFilesystems(parseMounts(fixture('proc-self-mounts.txt'))), [{ device: '/dev/vda', mountpoint: '/', fstype: 'ext4' }]);
  });

  it('unescapes paths, keeps overlay only at / (test-only lines)', () => {
    const text = [
      'overlay / overlay rw 0 0',
      'overlay /var/lib/docker/overlay2/abc/merged overlay rw 0 0',
      '/dev/sdb1 /mnt/my\\040disk xfs rw 0 0',
      'nfs:/x /mnt/nfs nfs4 rw 0 0',
      '/dev/loop3 /snap/core/1 squashfs ro 0 0',
    ].join('\n');
    assert.deepEqual(selectRealFilesystems(parseMounts(text)).map((m) => m.mountpoint), ['/', '/mnt/my disk', '/mnt/nfs']);
  });

  it('computes usage the way df does', () => {
    const u = filesystemUsage({ bsize: 4096, blocks: 1000, bfree: 300, bavail: 200 });
    assert.deepEqual([u.sizeBytes, u.usedBytes, u.availableBytes], [4_096_000, 2_867_200, 819_200]);
    near(u.usedPercent, (700 * 100) / 900);
    assert.equal(filesystemUsage({ bsize: 4096, blocks: 0, bfree: 0, bavail: 0 }).usedPercent, 0);
  });
});
