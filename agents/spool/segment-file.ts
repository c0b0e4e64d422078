// Spool segment files: their names, their newline-delimited JSON encoding, and recovery of a torn tail.
//
//   000000000042-9f2c1ab3.open   the active segment, append-only, one JSON point per line
//   000000000042-9f2c1ab3.seg    the same file once sealed: immutable until acknowledged
//
// The base name (sequence + random tag) is the segment's identity and the tail of its batch id, so a
// resend after a restart carries the same batch id. The tag keeps ids unique if the spool is wiped
// and the sequence starts again at 0.
import { randomBytes } from 'node:crypto';
import type { Point } from '../../lib/protocol/ingest-batch.js';

const SEGMENT_FILE = /^(\d{12})-([0-9a-f]{8})\.(open|seg)$/;

export interface SegmentName {
  /** `000000000042-9f2c1ab3`: identity of the segment across renames and restarts. */
  readonly base: string;
  /** Order of creation; lower is older. */
  readonly seq: number;
  readonly sealed: boolean;
}

/** Parses a spool file name; undefined for anything that is not a segment (temp files, foreign files). */
export function parseSegmentFileName(file: string): SegmentName | undefined {
  const m = SEGMENT_FILE.exec(file);
  if (m?.[1] === undefined || m[2] === undefined) return undefined;
  return { base: `${m[1]}-${m[2]}`, seq: Number(m[1]), sealed: m[3] === 'seg' };
}

/** A fresh segment base name for sequence number `seq`. */
export function newSegmentBase(seq: number): string {
  return `${String(seq).padStart(12, '0')}-${randomBytes(4).toString('hex')}`;
}

/** File name of a segment: `<base>.open` while active, `<base>.seg` once sealed. */
export function segmentFileName(base: string, sealed: boolean): string {
  return `${base}.${sealed ? 'seg' : 'open'}`;
}

/** One point as one line, newline included. */
export function encodePointLine(point: Point): string {
  return `${JSON.stringify(point)}\n`;
}

export interface DecodedSegment {
  readonly points: Point[];
  /** The valid lines, byte for byte as they were written, each ending in a newline. */
  readonly validText: string;
  /** True when the last line had no newline: the write was cut short by a crash. */
  readonly tornTail: boolean;
  /** Complete lines that did not parse as a point (bit rot, foreign edits). */
  readonly corruptLines: number;
}

/** Decodes a segment's text, setting aside a torn last line and any line that is not a point. */
export function decodeSegment(text: string): DecodedSegment {
  const lines = text.split('\n');
  // split() leaves '' after a final newline; anything else in that slot is a line whose write never finished.
  const tail = lines.pop() ?? '';
  const points: Point[] = [];
  const valid: string[] = [];
  let corruptLines = 0;
  for (const line of lines) {
    if (line === '') continue;
    const point = parsePoint(line);
    if (point === undefined) corruptLines += 1;
    else {
      points.push(point);
      valid.push(line);
    }
  }
  return { points, validText: valid.map((l) => `${l}\n`).join(''), tornTail: tail !== '', corruptLines };
}

/** Number of complete lines, without parsing them: the cheap count used when resuming sealed segments. */
export function countCompleteLines(bytes: Buffer): number {
  let count = 0;
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) count += 1;
  return count;
}

function parsePoint(line: string): Point | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  return isPointShaped(value) ? value : undefined;
}

/** A structural check only; full schema validation happened before the point was written. */
function isPointShaped(value: unknown): value is Point {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const labels = v['labels'];
  return (
    typeof v['ts'] === 'number' &&
    typeof v['metric'] === 'string' &&
    typeof v['value'] === 'number' &&
    typeof labels === 'object' &&
    labels !== null &&
    Object.values(labels).every((l) => typeof l === 'string')
  );
}
