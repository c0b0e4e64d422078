// Mounted filesystems from /proc/self/mounts, which of them are real, and their usage from statfs(2).

export interface Mount {
  readonly device: string;
  readonly mountpoint: string;
  readonly fstype: string;
}

/** Kernel-internal and memory-backed filesystems: their "usage" says nothing about storage. */
const PSEUDO_FS_TYPES = new Set([
  'autofs', 'binfmt_misc', 'bpf', 'cgroup', 'cgroup2', 'configfs', 'debugfs', 'devpts', 'devtmpfs', 'efivarfs',
  'fusectl', 'fuse.lxcfs', 'fuse.gvfsd-fuse', 'hugetlbfs', 'mqueue', 'nsfs', 'nfsd', 'proc', 'pstore', 'ramfs',
  'rpc_pipefs', 'securityfs', 'selinuxfs', 'squashfs', 'sysfs', 'tmpfs', 'tracefs',
]);

/** Undoes the octal escapes the kernel writes for space, tab, newline and backslash (`\040` …). */
export function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Parses /proc/self/mounts (fstab format); malformed lines are skipped. */
export function parseMounts(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const [device, mountpoint, fstype] = line.trim().split(/\s+/);
    if (device === undefined || mountpoint === undefined || fstype === undefined) continue;
    mounts.push({ device: unescapeMountField(device), mountpoint: unescapeMountField(mountpoint), fstype });
  }
  return mounts;
}

/**
 * The filesystems worth reporting: pseudo types dropped, one entry per mountpoint (the last mount
 * shadows earlier ones). `overlay` is kept only at `/`, where it is a container's root; elsewhere
 * (a container runtime's per-container mounts on the host) it repeats the underlying disk's figures.
 */
export function selectRealFilesystems(mounts: readonly Mount[]): Mount[] {
  const byMountpoint = new Map<string, Mount>();
  for (const m of mounts) {
    byMountpoint.delete(m.mountpoint);
    byMountpoint.set(m.mountpoint, m);
  }
  return [...byMountpoint.values()].filter(
    (m) => !PSEUDO_FS_TYPES.has(m.fstype) && (m.fstype !== 'overlay' || m.mountpoint === '/'),
  );
}

/** The statfs(2) fields we use; node's `fs.StatsFs` has this shape. */
export interface StatfsLike {
  readonly bsize: number;
  readonly blocks: number;
  readonly bfree: number;
  readonly bavail: number;
}

export interface FilesystemUsage {
  readonly sizeBytes: number;
  readonly usedBytes: number;
  /** Space an unprivileged user can still write (excludes blocks reserved for root). */
  readonly availableBytes: number;
  /** As `df` computes it: used / (used + available), so a disk that only root can fill shows 100. */
  readonly usedPercent: number;
}

/** Size, used and available bytes from statfs figures. */
export function filesystemUsage(s: StatfsLike): FilesystemUsage {
  const usedBytes = (s.blocks - s.bfree) * s.bsize;
  const availableBytes = s.bavail * s.bsize;
  const denominator = usedBytes + availableBytes;
  return {
    sizeBytes: s.blocks * s.bsize,
    usedBytes,
    availableBytes,
    usedPercent: denominator > 0 ? (usedBytes * 100) / denominator : 0,
  };
}
