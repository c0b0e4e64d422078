// Start-up recovery of a spool directory left by an earlier run (clean stop or crash).
// Sealed segments are counted and kept as they are; the active segment of a crashed run is cut back
// to its last complete line and sealed, so that everything on disk can be shipped before new points.
import { open, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countCompleteLines, decodeSegment, parseSegmentFileName, segmentFileName, type SegmentName } from './segment-file.js';

export interface ResumedSegment {
  readonly base: string;
  readonly seq: number;
  readonly points: number;
  readonly bytes: number;
}

export interface ResumeResult {
  /** Sealed segments, oldest first. */
  readonly segments: ResumedSegment[];
  /** The sequence number the next new segment takes. */
  readonly nextSeq: number;
  /** Lines cut off mid-write by a crash (each was at most one point). */
  readonly tornLines: number;
  /** Complete lines that were not points. */
  readonly corruptLines: number;
}

/** Scans `dir`, repairs and seals what a crash left open, and returns the segments to ship. */
export async function resumeSpoolDir(dir: string, durable: boolean): Promise<ResumeResult> {
  const files = await readdir(dir);
  await Promise.all(files.filter((f) => f.endsWith('.tmp')).map((f) => unlink(join(dir, f))));
  // Oldest first; for one base, the sealed file first, so a leftover .open twin is recognised as one.
  const names = files
    .map(parseSegmentFileName)
    .filter((n): n is SegmentName => n !== undefined)
    .sort((a, b) => a.seq - b.seq || Number(b.sealed) - Number(a.sealed));
  const result = { segments: [] as ResumedSegment[], nextSeq: 0, tornLines: 0, corruptLines: 0 };
  const seen = new Set<string>();
  for (const name of names) {
    result.nextSeq = Math.max(result.nextSeq, name.seq + 1);
    const path = join(dir, segmentFileName(name.base, name.sealed));
    if (seen.has(name.base)) {
      await unlink(path); // a crash between sealing a repaired copy and removing the original
      continue;
    }
    seen.add(name.base);
    const bytes = await readFile(path);
    if (name.sealed && bytes.length > 0 && bytes[bytes.length - 1] === 10) {
      result.segments.push({ base: name.base, seq: name.seq, points: countCompleteLines(bytes), bytes: bytes.length });
      continue;
    }
    const repaired = await repairSegment(dir, name, bytes.toString('utf8'), durable);
    result.tornLines += repaired.tornLines;
    result.corruptLines += repaired.corruptLines;
    if (repaired.segment !== undefined) result.segments.push(repaired.segment);
  }
  return result;
}

interface Repaired {
  readonly segment: ResumedSegment | undefined;
  readonly tornLines: number;
  readonly corruptLines: number;
}

/** Rewrites a segment to its valid lines (via a temp file, so a crash now loses nothing more) and seals it. */
async function repairSegment(dir: string, name: SegmentName, text: string, durable: boolean): Promise<Repaired> {
  const decoded = decodeSegment(text);
  const counts = { tornLines: decoded.tornTail ? 1 : 0, corruptLines: decoded.corruptLines };
  const original = join(dir, segmentFileName(name.base, name.sealed));
  const sealed = join(dir, segmentFileName(name.base, true));
  if (decoded.points.length === 0) {
    await unlink(original);
    return { segment: undefined, ...counts };
  }
  if (decoded.validText === text) {
    if (durable) await syncFile(original);
    await rename(original, sealed);
  } else {
    const temp = join(dir, `${name.base}.tmp`);
    await writeFile(temp, decoded.validText);
    if (durable) await syncFile(temp);
    await rename(temp, sealed);
    if (original !== sealed) await unlink(original);
  }
  const segment = { base: name.base, seq: name.seq, points: decoded.points.length, bytes: Buffer.byteLength(decoded.validText) };
  return { segment, ...counts };
}

/** fsync a file or directory by path. */
export async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
