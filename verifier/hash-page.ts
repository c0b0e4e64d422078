// A batch of (key, row hash) in key order, held column-wise. Widespread drift merges every row of both sides
// through these, so a page is parsed straight from the database's packed text or bytes into typed arrays:
// no object, array or substring per row — keys become strings only for the rows that differ.
import { SyncwatchError } from '../lib/errors.js';
import type { KeyTuple } from './key-range.js';

export interface HashPage {
  readonly length: number;
  /** Row hashes (64 bits, unsigned) as high and low 32-bit halves. */
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  /** Set when the key is one integer column and every key of the page is a safe integer: compared as numbers. */
  readonly ints: Float64Array | null;
  /** Row i's key as canonical texts. */
  key(i: number): KeyTuple;
}

/** One row as its key and row hash: the per-row form, for stores that hash in-process and for tests. */
export interface KeyHash {
  readonly key: KeyTuple;
  /** The row hash as 16 lowercase hex digits. */
  readonly hash: string;
}

/** Largest key text that always parses into an exact JS number (15 digits, and a sign). */
const SAFE_DIGITS = 15;

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  throw new SyncwatchError('SW_INTERNAL', `a row hash holds the character ${JSON.stringify(String.fromCharCode(c))}, not a hex digit`);
}

/** The 32-bit value of 8 hex digits of `text` at `from`, without a substring. */
function hexWord(text: string, from: number): number {
  let v = 0;
  for (let i = from; i < from + 8; i++) v = v * 16 + hexDigit(text.charCodeAt(i));
  return v;
}

/** A decimal integer text as a number when it is surely exact, else null. */
function safeInt(text: string, from: number, to: number): number | null {
  const neg = text.charCodeAt(from) === 45;
  const start = neg ? from + 1 : from;
  if (to - start > SAFE_DIGITS || to === start) return null;
  let v = 0;
  for (let i = start; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  // No leading zeros and no "-0": the number must print back as exactly this text.
  if ((text.charCodeAt(start) === 48 && to - start > 1) || (neg && v === 0)) return null;
  return neg ? -v : v;
}

class ArrayPage implements HashPage {
  readonly length: number;
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  readonly ints: Float64Array | null;
  readonly #keys: readonly KeyTuple[] | null;

  constructor(hi: Uint32Array, lo: Uint32Array, ints: Float64Array | null, keys: readonly KeyTuple[] | null) {
    this.length = hi.length;
    this.hi = hi;
    this.lo = lo;
    this.ints = ints;
    this.#keys = keys;
  }

  key(i: number): KeyTuple {
    const k = this.#keys?.[i];
    if (k !== undefined) return k;
    const n = this.ints?.[i];
    if (n === undefined) throw new RangeError(`row ${i} of a ${this.length}-row hash page`);
    return [String(n)];
  }
}

/** Builds a page from per-row items (in key order); `intKey`: the key is one integer column. */
export function pageOfKeyHashes(items: readonly KeyHash[], intKey: boolean): HashPage {
  const hi = new Uint32Array(items.length);
  const lo = new Uint32Array(items.length);
  let ints: Float64Array | null = intKey ? new Float64Array(items.length) : null;
  items.forEach((item, i) => {
    if (!/^[0-9a-f]{16}$/.test(item.hash)) throw new SyncwatchError('SW_INTERNAL', `a row hash must be 16 lowercase hex digits, got ${JSON.stringify(item.hash)}`);
    hi[i] = hexWord(item.hash, 0);
    lo[i] = hexWord(item.hash, 8);
    if (ints === null) return;
    const k = item.key[0] ?? '';
    const n = safeInt(k, 0, k.length);
    if (n === null) ints = null;
    else ints[i] = n;
  });
  return new ArrayPage(hi, lo, ints, items.map((item) => item.key));
}

/** The page's rows as per-row items (tests, diagnostics). */
export function keyHashesOf(page: HashPage): KeyHash[] {
  return Array.from({ length: page.length }, (_, i) => ({ key: page.key(i), hash: hashHex(page, i) }));
}

/** Row i's hash as 16 lowercase hex digits. */
export function hashHex(page: HashPage, i: number): string {
  return (page.hi[i] ?? 0).toString(16).padStart(8, '0') + (page.lo[i] ?? 0).toString(16).padStart(8, '0');
}

const TWO_32 = 0x1_0000_0000;

/** The first `rows` integer keys as texts: a page switching to exact texts part-way. */
function intTexts(ints: Float64Array, rows: number): KeyTuple[] {
  return Array.from({ length: rows }, (_, i) => [String(ints[i] ?? 0)]);
}

/** Orders a page's rows by their integer keys when they did not arrive in order (a page without ORDER BY). */
function sortedByIntKey(hi: Uint32Array, lo: Uint32Array, ints: Float64Array | null, keys: KeyTuple[] | null): ArrayPage {
  const n = hi.length;
  let inOrder = true;
  if (ints !== null) {
    for (let i = 1; i < n && inOrder; i++) inOrder = (ints[i - 1] ?? 0) < (ints[i] ?? 0);
  } else {
    for (let i = 1; i < n && inOrder; i++) inOrder = BigInt(keys?.[i - 1]?.[0] ?? '0') < BigInt(keys?.[i]?.[0] ?? '0');
  }
  if (inOrder) return new ArrayPage(hi, lo, ints, keys);
  const order = Array.from({ length: n }, (_, i) => i);
  if (ints !== null) order.sort((a, b) => (ints[a] ?? 0) - (ints[b] ?? 0));
  else {
    const big = (keys ?? []).map((k) => BigInt(k[0] ?? '0'));
    order.sort((a, b) => { const x = big[a] ?? 0n; const y = big[b] ?? 0n; return x < y ? -1 : x > y ? 1 : 0; });
  }
  return new ArrayPage(
    Uint32Array.from(order, (i) => hi[i] ?? 0),
    Uint32Array.from(order, (i) => lo[i] ?? 0),
    ints === null ? null : Float64Array.from(order, (i) => ints[i] ?? 0),
    keys === null ? null : order.map((i) => keys[i] ?? []),
  );
}

/**
 * Parses a packed text page: rows `k1,k2,…,hash` separated by ';', text keys in hex (`hexKey`, so that no key
 * holds a delimiter). The hash is 16 lowercase hex digits. A single integer key is read as numbers without
 * substrings, and its rows are sorted by key if they arrived out of order.
 */
export function parseTextPage(packed: string, count: number, hexKey: readonly boolean[], intKey: boolean): HashPage {
  const hi = new Uint32Array(count);
  const lo = new Uint32Array(count);
  const single = intKey && hexKey.length === 1;
  let ints: Float64Array | null = single ? new Float64Array(count) : null;
  let keys: KeyTuple[] | null = ints === null ? [] : null;
  let at = 0;
  for (let row = 0; row < count; row++) {
    let end = packed.indexOf(';', at);
    if (end < 0) end = packed.length;
    const h = end - 16;
    if (h <= at || packed.charCodeAt(h - 1) !== 44) throw new SyncwatchError('SW_INTERNAL', `packed page row ${row} is malformed: ${JSON.stringify(packed.slice(at, Math.min(end, at + 80)))}`);
    hi[row] = hexWord(packed, h);
    lo[row] = hexWord(packed, h + 8);
    const keyEnd = h - 1;
    if (ints !== null) {
      const n = safeInt(packed, at, keyEnd);
      if (n !== null) ints[row] = n;
      else {
        // A key beyond 2^53 (or in an unusual spelling): fall back to texts for the whole page.
        keys = intTexts(ints, row);
        ints = null;
      }
    }
    if (keys !== null) {
      const fields = packed.slice(at, keyEnd).split(',');
      keys.push(fields.map((f, i) => (hexKey[i] === true ? Buffer.from(f, 'hex').toString('utf8') : f)));
    }
    at = end + 1;
  }
  if (at < packed.length) throw new SyncwatchError('SW_INTERNAL', `a packed page held more than its ${count} rows`);
  return single ? sortedByIntKey(hi, lo, ints, keys) : new ArrayPage(hi, lo, ints, keys);
}

/**
 * Parses a binary page of a single integer key: 16 bytes per row (key int64, row hash int64, both big-endian),
 * in any order — the rows are sorted here by key when the database did not deliver them sorted.
 */
export function parseBinaryIntPage(bytes: Uint8Array): HashPage {
  if (bytes.length % 16 !== 0) throw new SyncwatchError('SW_INTERNAL', `a binary hash page of ${bytes.length} bytes is not whole 16-byte rows`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes.length / 16;
  const hi = new Uint32Array(count);
  const lo = new Uint32Array(count);
  const ints = new Float64Array(count);
  let safe = true;
  for (let i = 0; i < count; i++) {
    const high = view.getInt32(i * 16);
    // Below 2^53 in magnitude the two halves make an exact number (no BigInt per row).
    if (high >= 0x200000 || high < -0x200000) safe = false;
    ints[i] = high * TWO_32 + view.getUint32(i * 16 + 4);
    hi[i] = view.getUint32(i * 16 + 8);
    lo[i] = view.getUint32(i * 16 + 12);
  }
  const keys = safe ? null : Array.from({ length: count }, (_, i) => [String(view.getBigInt64(i * 16))]);
  return sortedByIntKey(hi, lo, safe ? ints : null, keys);
}

/** The big-endian 32-bit value of the 4 bytes (one latin1 char each) of `text` at `from`. */
function byteWord(text: string, from: number): number {
  return ((text.charCodeAt(from) << 24) | (text.charCodeAt(from + 1) << 16) | (text.charCodeAt(from + 2) << 8) | text.charCodeAt(from + 3)) >>> 0;
}

/**
 * Parses a page of a single integer key whose rows are the key's decimal text, ',' and the row hash's 8 bytes
 * (big-endian), with nothing between rows: no hex to decode, and a hash byte is never read as a delimiter since
 * its length is fixed. Rows in any order (sorted here); keys beyond 2^53 fall back to exact texts.
 */
export function parseKeyHashBytesPage(bytes: Uint8Array, count: number): HashPage {
  // latin1: one char per byte, decoded natively in one step; digits and ',' keep their codes.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const hi = new Uint32Array(count);
  const lo = new Uint32Array(count);
  let ints: Float64Array | null = new Float64Array(count);
  let keys: KeyTuple[] | null = null;
  let at = 0;
  for (let row = 0; row < count; row++) {
    const comma = text.indexOf(',', at);
    if (comma <= at || comma + 9 > text.length) throw new SyncwatchError('SW_INTERNAL', `packed page row ${row} is malformed: ${JSON.stringify(text.slice(at, at + 40))}`);
    hi[row] = byteWord(text, comma + 1);
    lo[row] = byteWord(text, comma + 5);
    const n = ints === null ? null : safeInt(text, at, comma);
    if (ints !== null && n !== null) ints[row] = n;
    else {
      // Not a safe integer (beyond 2^53, or not digits at all): exact texts for the whole page, or an error.
      const key = text.slice(at, comma);
      if (!/^-?[0-9]+$/.test(key)) throw new SyncwatchError('SW_INTERNAL', `packed page row ${row} has the key ${JSON.stringify(key.slice(0, 40))}, not an integer`);
      if (ints !== null) {
        keys = intTexts(ints, row);
        ints = null;
      }
      keys?.push([key]);
    }
    at = comma + 9;
  }
  if (at < text.length) throw new SyncwatchError('SW_INTERNAL', `a packed page held more than its ${count} rows`);
  return sortedByIntKey(hi, lo, ints, keys);
}
