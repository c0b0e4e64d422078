// Quarantine for batches the collector refused for good: kept for a human to inspect, never resent,
// and bounded so that a misbehaving probe cannot fill the disk through this side door.
import { readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../lib/log.js';

/** Sub-directory of the spool holding refused batches. */
export const REJECTED_DIR = 'rejected';

/** Moves `file` from the spool dir into `rejected/` with a `.reason.txt` beside it; keeps the newest `keep`. */
export async function quarantineSegment(dir: string, file: string, reason: string, keep: number, log: Logger): Promise<void> {
  const rejectedDir = join(dir, REJECTED_DIR);
  await rename(join(dir, file), join(rejectedDir, file));
  await writeFile(join(rejectedDir, `${file}.reason.txt`), `${new Date().toISOString()} ${reason}\n`);
  const kept = (await readdir(rejectedDir)).filter((f) => f.endsWith('.seg')).sort();
  for (const old of kept.slice(0, Math.max(0, kept.length - keep))) {
    await Promise.all([unlink(join(rejectedDir, old)), unlink(join(rejectedDir, `${old}.reason.txt`)).catch(() => undefined)]);
    log.warn({ file: old, keep }, 'deleted an old rejected batch (already counted when it was rejected)');
  }
}
