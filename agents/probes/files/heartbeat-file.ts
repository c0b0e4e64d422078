// The heartbeat file of the file-tree probe: one small JSON document `{pipeline, seq, ts}` at the root of
// the source tree, carried to the target tree by whatever syncs it (rsync, lsyncd, a cloud sync client).
import { readFile, writeFile } from 'node:fs/promises';
import type { Beat } from '../lag/heartbeat-tracker.js';

/** The beat in the file at `path`, undefined when the file is missing; null when present but not (yet)
 *  a complete heartbeat of `pipeline` — e.g. caught mid-write by the sync, or another pipeline's. */
export async function readHeartbeatFile(path: string, pipeline: string, signal?: AbortSignal): Promise<Beat | undefined | null> {
  let text: string;
  try {
    text = await readFile(path, { encoding: 'utf8', signal });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return parseHeartbeat(text, pipeline);
}

/** Parses a heartbeat document; null unless it is complete and belongs to `pipeline`. */
export function parseHeartbeat(text: string, pipeline: string): Beat | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof doc !== 'object' || doc === null) return null;
  const { pipeline: p, seq, ts } = doc as Record<string, unknown>;
  if (p !== pipeline || typeof seq !== 'number' || typeof ts !== 'number' || !Number.isFinite(seq) || !Number.isFinite(ts)) return null;
  return { seq, ts };
}

/**
 * Writes the beat in place (no temporary file next to it, which a sync could copy into the target tree).
 * A reader may catch it half-written; parseHeartbeat then returns null and the reader keeps its last beat.
 */
export async function writeHeartbeatFile(path: string, pipeline: string, beat: Beat, signal?: AbortSignal): Promise<void> {
  await writeFile(path, `${JSON.stringify({ pipeline, seq: beat.seq, ts: beat.ts })}\n`, { signal });
}
