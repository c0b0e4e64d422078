// Key tuples and half-open key ranges. Keys are canonical texts; integers and decimals order numerically, every
// other kind by the UTF-8 bytes of its canonical text — never by a locale or case-insensitive collation, which
// is how two engines come to disagree about which rows a chunk holds.
import type { LogicalType } from './canonical/logical-type.js';
import { isNumericOrdered } from './canonical/logical-type.js';

/** The canonical texts of a row's key columns, in key-column order (key columns are never NULL). */
export type KeyTuple = readonly string[];

/** `[lower, upper)`; a null bound is unbounded on that side. */
export interface KeyRange {
  readonly lower: KeyTuple | null;
  readonly upper: KeyTuple | null;
}

export const FULL_RANGE: KeyRange = Object.freeze({ lower: null, upper: null });

/** Compares two canonical decimal texts (as produced by encode.ts) by value. */
export function compareDecimalText(a: string, b: string): number {
  const negA = a.startsWith('-');
  const negB = b.startsWith('-');
  if (negA !== negB) return negA ? -1 : 1;
  const abs = compareAbs(negA ? a.slice(1) : a, negB ? b.slice(1) : b);
  return negA ? -abs : abs;
}

function compareAbs(a: string, b: string): number {
  const [ai = '', af = ''] = a.split('.');
  const [bi = '', bf = ''] = b.split('.');
  if (ai.length !== bi.length) return ai.length < bi.length ? -1 : 1;
  if (ai !== bi) return ai < bi ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const fa = af.padEnd(width, '0');
  const fb = bf.padEnd(width, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

/** Compares UTF-8 bytes; JS `<` on strings compares UTF-16 units, which orders astral characters differently. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Compares one key column's canonical values in the order the stores' ORDER BY uses. */
export function compareScalar(a: string, b: string, type: LogicalType): number {
  if (a === b) return 0;
  if (type.kind === 'int') {
    // Up to 15 digits (and a sign) a JS number is exact, and far cheaper than two BigInt parses per comparison.
    if (a.length < 16 && b.length < 16) return Number(a) - Number(b);
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (isNumericOrdered(type)) return compareDecimalText(a, b);
  return compareBytes(a, b);
}

/** Lexicographic comparison of key tuples, column by column. */
export function compareKeys(a: KeyTuple, b: KeyTuple, types: readonly LogicalType[]): number {
  for (let i = 0; i < types.length; i++) {
    const type = types[i];
    const c = type === undefined ? 0 : compareScalar(a[i] ?? '', b[i] ?? '', type);
    if (c !== 0) return c;
  }
  return 0;
}

/** Whether `key` lies in `[range.lower, range.upper)`. */
export function inRange(key: KeyTuple, range: KeyRange, types: readonly LogicalType[]): boolean {
  if (range.lower !== null && compareKeys(key, range.lower, types) < 0) return false;
  return range.upper === null || compareKeys(key, range.upper, types) < 0;
}

/**
 * Splits `range` at `bounds` into consecutive ranges that cover it exactly. Bounds outside the range, repeated
 * or equal to the range's lower bound are dropped, so the result never holds an empty-by-construction piece.
 */
export function splitRange(range: KeyRange, bounds: readonly KeyTuple[], types: readonly LogicalType[]): KeyRange[] {
  const sorted = [...bounds].sort((a, b) => compareKeys(a, b, types));
  const cuts: KeyTuple[] = [];
  for (const b of sorted) {
    const prev = cuts.at(-1) ?? range.lower;
    if (prev !== null && compareKeys(b, prev, types) <= 0) continue;
    if (range.upper !== null && compareKeys(b, range.upper, types) >= 0) continue;
    cuts.push(b);
  }
  const pieces: KeyRange[] = [];
  let lower = range.lower;
  for (const cut of cuts) {
    pieces.push({ lower, upper: cut });
    lower = cut;
  }
  pieces.push({ lower, upper: range.upper });
  return pieces;
}

/** A short display form, e.g. `[(1), (500))` or `[-∞, ('b','x'))`. */
export function formatRange(range: KeyRange): string {
  const show = (k: KeyTuple | null, inf: string): string => (k === null ? inf : `(${k.map((v) => JSON.stringify(v)).join(',')})`);
  return `[${show(range.lower, '-∞')}, ${show(range.upper, '+∞')})`;
}
