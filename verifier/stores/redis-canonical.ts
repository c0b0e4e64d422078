// Redis keys and values in canonical form. Pure apart from loading xxhash-wasm once.
//
// Bucket: the top 12 bits of xxHash64 (seed 0) of the key's bytes — 4096 buckets, alike on every server, so both
// sides order (and could chunk) keys the same way: by (bucket, key bytes).
//
// Value: a type-aware byte encoding, reduced to its xxh64 (16 hex digits) so a row stays small whatever the value.
// Every element is self-delimiting (`<byte length>:<bytes>`), so no element can imitate another split:
//   string  `string` + el(bytes)
//   list    `list`   + el(n) + el(item)…                  (in list order)
//   set     `set`    + el(n) + el(member)…                (members sorted by bytes)
//   hash    `hash`   + el(n) + el(field) el(value)…       (fields sorted by bytes)
//   zset    `zset`   + el(n) + el(member) el(score)…      (members sorted by bytes; score as the shortest
//                                                          round-trip decimal, `Infinity`/`-Infinity`)
//   stream  `stream` + el(n) + el(id) el(k) (el(f) el(v))… (entries in id order)
import xxhash from 'xxhash-wasm';
import { SyncwatchError } from '../../lib/errors.js';
import { encodeValue } from '../canonical/encode.js';

export type XxhApi = Awaited<ReturnType<typeof xxhash>>;

export const BUCKET_BITS = 12;
export const BUCKETS = 1 << BUCKET_BITS;

let loading: Promise<XxhApi> | undefined;

/** xxhash-wasm, instantiated once per process. */
export function loadXxh(): Promise<XxhApi> {
  loading ??= xxhash();
  return loading;
}

/** The key's bucket in [0, 4096). */
export function bucketOf(x: XxhApi, key: Uint8Array): number {
  return Number(x.h64Raw(key) >> BigInt(64 - BUCKET_BITS));
}

/** Orders keys as the store streams them: bucket, then key bytes. */
export function compareBucketed(a: { bucket: number; key: Buffer }, b: { bucket: number; key: Buffer }): number {
  return a.bucket - b.bucket || Buffer.compare(a.key, b.key);
}

/** The key as text; a key that is not valid UTF-8 has no canonical text to be reported and ordered by. */
export function keyText(key: Buffer): string {
  const text = key.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(key)) throw new SyncwatchError('SW_STORE_VALUE_INVALID', `redis: key ${key.toString('hex')} (hex) is not valid UTF-8`);
  return text;
}

/** The Redis types with a canonical value; any other (module types) is compared by its type name only. */
export const VALUE_TYPES = ['string', 'list', 'set', 'hash', 'zset', 'stream'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

export function isValueType(type: string): type is ValueType {
  return (VALUE_TYPES as readonly string[]).includes(type);
}

/** A stream entry as XRANGE returns it. */
export type StreamEntry = readonly [id: Buffer, fields: readonly Buffer[]];

/** What a value command returns, by type (binary replies). */
export type ValueReply = Buffer | readonly Buffer[] | readonly StreamEntry[] | readonly (readonly [Buffer, Buffer])[] | ReadonlyMap<Buffer, Buffer>;

/**
 * Values are handled as "binary strings" (latin1: one char per byte, 0-255): comparing them with `<` is byte
 * order, and building one string then one Buffer is several times faster than a comparator or a Buffer per
 * element crossing into native code (a 200k-member set took seconds that way).
 */
const bin = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString('latin1') : Buffer.from(String(v), 'utf8').toString('latin1'));
const byBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Field/value or member/score pairs (binary strings) sorted by their first element's bytes. RESP2 answers a flat
 * array; RESP3 (ioredis 6's default) answers ZRANGE … WITHSCORES as [member, score] pairs and a map for HGETALL.
 */
export function sortedPairs(reply: unknown): [string, string][] {
  const out: [string, string][] = [];
  if (reply instanceof Map) {
    for (const [a, b] of reply) out.push([bin(a), bin(b)]);
  } else if (Array.isArray(reply)) {
    const flat: unknown[] = reply.flatMap((item: unknown) => (Array.isArray(item) ? (item as unknown[]) : [item]));
    for (let i = 0; i + 1 < flat.length; i += 2) out.push([bin(flat[i]), bin(flat[i + 1])]);
  } else if (reply !== null && typeof reply === 'object' && !Buffer.isBuffer(reply)) {
    for (const [a, b] of Object.entries(reply)) out.push([bin(a), bin(b)]);
  }
  return out.sort((a, b) => byBytes(a[0], b[0]));
}

/** A sorted-set score as canonical float text (Redis may print `inf`, `1e+20`, `0.1`…). */
export function scoreText(score: Buffer | string | number): string {
  return encodeValue({ kind: 'float', bits: 64 }, typeof score === 'number' ? score : score.toString()) ?? '';
}

function asArray(type: string, reply: ValueReply): readonly unknown[] {
  if (!Array.isArray(reply)) throw new SyncwatchError('SW_INTERNAL', `redis: ${type} value is not an array reply`);
  return reply as readonly unknown[];
}

/** The canonical byte encoding of a value of `type` (see the file header). */
export function encodeRedisValue(type: ValueType, reply: ValueReply): Buffer {
  const parts: string[] = [type];
  // Binary string in, `<byte length>:<bytes>` out (a binary string's length is its byte count).
  const el = (b: string): void => {
    parts.push(`${b.length}:`, b);
  };
  if (type === 'string') {
    if (!Buffer.isBuffer(reply)) throw new SyncwatchError('SW_INTERNAL', 'redis: string value is not a bulk reply');
    el(bin(reply));
  } else if (type === 'stream') {
    const entries = asArray(type, reply) as readonly StreamEntry[];
    el(String(entries.length));
    for (const [id, fields] of entries) {
      el(bin(id));
      el(String(fields.length));
      for (const f of fields) el(bin(f));
    }
  } else if (type === 'list' || type === 'set') {
    const items = asArray(type, reply).map(bin);
    // The default sort orders strings by UTF-16 code unit: for binary strings, byte order.
    if (type === 'set') items.sort();
    el(String(items.length));
    for (const item of items) el(item);
  } else {
    const ps = sortedPairs(reply);
    el(String(ps.length));
    for (const [a, b] of ps) {
      el(a);
      el(type === 'zset' ? scoreText(b) : b);
    }
  }
  return Buffer.from(parts.join(''), 'latin1');
}

/** The value column: xxh64 of the canonical encoding, 16 lowercase hex digits. */
export function valueDigest(x: XxhApi, type: ValueType, reply: ValueReply): string {
  return x.h64Raw(encodeRedisValue(type, reply)).toString(16).padStart(16, '0');
}
