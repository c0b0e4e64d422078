// File count and byte total of a directory tree, walked without following symlinks, bounded in entries
// and cancellable — a synced tree can be large, and the walk must never hold up the agent.
import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface TreeStats {
  /** Regular files (symlinks, sockets and devices are not counted). */
  readonly files: number;
  readonly bytes: number;
  /** True when the walk stopped at `maxEntries`: the figures are lower bounds. */
  readonly truncated: boolean;
}

export interface TreeStatsOptions {
  /** Root-relative paths to leave out (the probe's own heartbeat file). */
  readonly exclude?: ReadonlySet<string>;
  /** Directory entries visited at most; default one million. */
  readonly maxEntries?: number;
  readonly signal?: AbortSignal;
}

/** How many lstat calls run at once inside one directory. */
const STAT_BATCH = 64;

/** Walks `root`; rejects when `root` itself cannot be read, skips what vanishes or cannot be read below it. */
export async function treeStats(root: string, options: TreeStatsOptions = {}): Promise<TreeStats> {
  const maxEntries = options.maxEntries ?? 1_000_000;
  const exclude = options.exclude ?? new Set<string>();
  let files = 0;
  let bytes = 0;
  let entries = 0;
  const pending: string[] = [''];
  for (let rel = pending.pop(); rel !== undefined; rel = pending.pop()) {
    options.signal?.throwIfAborted();
    let dirents: Dirent[];
    try {
      dirents = await readdir(join(root, rel), { withFileTypes: true });
    } catch (err) {
      if (rel === '') throw err;
      continue; // removed or unreadable while we walked: the next round sees the tree as it is then
    }
    const regular: string[] = [];
    for (const d of dirents) {
      entries += 1;
      if (entries > maxEntries) return { files, bytes, truncated: true };
      const path = rel === '' ? d.name : join(rel, d.name);
      if (exclude.has(path)) continue;
      if (d.isDirectory()) pending.push(path);
      else if (d.isFile()) regular.push(path);
    }
    for (let i = 0; i < regular.length; i += STAT_BATCH) {
      const sizes = await Promise.all(regular.slice(i, i + STAT_BATCH).map((p) => lstat(join(root, p)).then((s) => s.size, () => undefined)));
      for (const size of sizes) {
        if (size === undefined) continue;
        files += 1;
        bytes += size;
      }
    }
  }
  return { files, bytes, truncated: false };
}
