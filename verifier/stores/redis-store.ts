// Redis store, `redis://[user[:pw]@]host[:6379][/db][?ttl=1]` (or `rediss://`): the "table" is a key pattern
// (`*`, `user:*`), read with SCAN (never KEYS). One row per key: bucket and key (the key, in that order — see
// redis-canonical.ts), type, value (xxh64 of the type-aware canonical value) and, with `?ttl=1`, ttl (the absolute
// expiry second from EXPIRETIME, null for none; off by default since a copied key's TTL rarely matches exactly).
// Keys are read in pipelined batches of 500 (no MULTI): TYPE (and EXPIRETIME), then each value's length, then the
// values in round trips of bounded size — memory holds one batch, or one collection bigger than a round.
import { Redis, type RedisOptions } from 'ioredis';
import { SyncwatchError, isSyncwatchError } from '../../lib/errors.js';
import { encodeValue, type CanonicalField } from '../canonical/encode.js';
import type { Column } from '../canonical/logical-type.js';
import type { KeyRange, KeyTuple } from '../key-range.js';
import type { CanonicalRow } from '../row-diff.js';
import type { ReadSpec, Store, StoreHealth, StreamOptions, TableDescription } from '../store.js';
import { checkSpec, inProcessOps, keepInRange } from './files-inprocess-ops.js';
import { redactUrl } from './redact-url.js';
import { bucketOf, isValueType, keyText, loadXxh, valueDigest, type ValueReply, type XxhApi } from './redis-canonical.js';
import { orderedKeys, type BucketedKey } from './redis-keys.js';

const KIND = 'redis';
const KEY = ['bucket', 'key'];
const SCAN_COUNT = 1_000;
/** Keys per pipelined round trip. */
const FETCH_BATCH = 500;

const COLUMNS: readonly Column[] = [
  { name: 'bucket', engineType: 'xxh64(key) >> 52', type: { kind: 'int' } },
  { name: 'key', engineType: 'key', type: { kind: 'text' } },
  { name: 'type', engineType: 'TYPE', type: { kind: 'text' } },
  { name: 'value', engineType: 'xxh64 of the canonical value', type: { kind: 'text' } },
];
const TTL_COLUMN: Column = { name: 'ttl', engineType: 'EXPIRETIME', type: { kind: 'int' } };

export interface RedisTarget {
  readonly options: RedisOptions;
  readonly ttl: boolean;
  readonly where: string;
}

function usage(message: string): SyncwatchError {
  return new SyncwatchError('SW_USAGE', message);
}

/** Parses a `redis:`/`rediss:` URL into client options; the path is the db index. */
export function parseRedisUrl(url: URL): RedisTarget {
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const dbText = segments[0] ?? '0';
  if (segments.length > 1 || !/^\d+$/.test(dbText)) throw usage(`Redis URL ${redactUrl(url)}: the path is the db index, e.g. redis://host:6379/0`);
  const ttlText = url.searchParams.get('ttl');
  if (ttlText !== null && !['0', '1', 'true', 'false'].includes(ttlText)) throw usage(`Redis URL ${redactUrl(url)}: ttl must be 1 or 0`);
  const host = url.hostname === '' ? '127.0.0.1' : url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? 6379 : Number(url.port);
  const options: RedisOptions = {
    host, port, db: Number(dbText),
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 1,
    // A verification fails with a clear error rather than waiting forever for a server that is gone.
    retryStrategy: (times: number) => (times > 3 ? null : times * 200),
  };
  return { options, ttl: ttlText === '1' || ttlText === 'true', where: `redis ${host}:${port}/${dbText}` };
}

function translate(err: unknown, where: string): SyncwatchError {
  if (isSyncwatchError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  const unreachable = /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|Connection is closed|NOAUTH|WRONGPASS|max retries|connect/i.test(message);
  return new SyncwatchError(unreachable ? 'SW_STORE_UNREACHABLE' : 'SW_STORE_QUERY_FAILED', `${where}: ${message}`, { cause: err });
}

/** The value command for a type, binary replies. */
function valueCommand(type: string): [string, ...string[]] | undefined {
  switch (type) {
    case 'string': return ['GET'];
    case 'list': return ['LRANGE', '0', '-1'];
    case 'set': return ['SMEMBERS'];
    case 'hash': return ['HGETALL'];
    case 'zset': return ['ZRANGE', '0', '-1', 'WITHSCORES'];
    case 'stream': return ['XRANGE', '-', '+'];
    default: return undefined;
  }
}

/** The command giving a value's size: elements, or bytes for strings. */
const LENGTH_COMMAND: Readonly<Record<string, string>> = { string: 'STRLEN', list: 'LLEN', set: 'SCARD', hash: 'HLEN', zset: 'ZCARD', stream: 'XLEN' };
/** Elements (or string bytes / 256) per value round trip. */
const ROUND_WEIGHT = 200_000;

/**
 * Cuts `items` (in order) into consecutive rounds whose weights add up to at most `cap`; an item heavier than
 * `cap` is a round of its own.
 */
export function valueRounds<T>(items: readonly T[], weight: (item: T) => number, cap: number): T[][] {
  const rounds: T[][] = [];
  let current: T[] = [];
  let sum = 0;
  for (const item of items) {
    const w = weight(item);
    if (current.length > 0 && sum + w > cap) {
      rounds.push(current);
      current = [];
      sum = 0;
    }
    current.push(item);
    sum += w;
  }
  if (current.length > 0) rounds.push(current);
  return rounds;
}

interface KeyState {
  readonly type: string;
  readonly value: string | null;
  readonly ttl: number | null;
}

type PipelineResult = [Error | null, unknown][] | null;

function results(r: PipelineResult, where: string): [Error | null, unknown][] {
  if (r === null) throw new SyncwatchError('SW_STORE_QUERY_FAILED', `${where}: pipeline was discarded`);
  return r;
}

/** Opens a Redis store; connects on first use. */
export function createRedisStore(url: URL): Store {
  const target = parseRedisUrl(url);
  const displayUrl = redactUrl(url);
  let client: Redis | undefined;
  let closed = false;

  let connecting: Promise<Redis> | undefined;
  /** The connected client; concurrent callers share one attempt, and a failed attempt is not remembered. */
  const connected = (): Promise<Redis> => {
    if (closed) return Promise.reject(new SyncwatchError('SW_INTERNAL', `${target.where}: store is closed`));
    connecting ??= connect().catch((err: unknown) => {
      connecting = undefined;
      throw err;
    });
    return connecting;
  };
  const connect = async (): Promise<Redis> => {
    const c = new Redis(target.options);
    let lastError: Error | undefined;
    // Without a listener ioredis prints "Unhandled error event"; the socket error names the cause best.
    c.on('error', (err: Error) => {
      lastError = err;
    });
    try {
      await c.connect();
    } catch (err) {
      c.disconnect();
      const cause = lastError ?? err;
      throw new SyncwatchError('SW_STORE_UNREACHABLE', `${target.where}: cannot connect (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
    }
    client = c;
    return c;
  };

  async function* scanPages(r: Redis, pattern: string, signal?: AbortSignal): AsyncGenerator<Buffer[]> {
    let cursor = '0';
    do {
      signal?.throwIfAborted();
      const [next, keys] = await r.scanBuffer(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
      cursor = next.toString();
      yield keys;
    } while (cursor !== '0');
  }

  /** Type, value digest and expiry of each key, in two pipelined round trips; absent keys map to undefined. */
  async function fetchStates(r: Redis, x: XxhApi, keys: readonly Buffer[], ttl: boolean): Promise<(KeyState | undefined)[]> {
    const meta = r.pipeline();
    for (const k of keys) {
      meta.type(k);
      if (ttl) meta.call('EXPIRETIME', k);
    }
    const m = results(await meta.exec(), target.where);
    const per = ttl ? 2 : 1;
    const types = keys.map((_, i) => {
      const [err, type] = m[i * per] ?? [null, 'none'];
      if (err !== null) throw translate(err, target.where);
      return String(type);
    });
    const ttls = keys.map((_, i) => {
      if (!ttl) return null;
      const [err, t] = m[i * per + 1] ?? [null, -1];
      if (err !== null) throw translate(err, target.where);
      return typeof t === 'number' && t >= 0 ? t : null;
    });
    // Lengths first, so that one round trip never carries more than about ROUND_WEIGHT elements (or string bytes
    // / 256): a batch of big collections is read a few at a time, a collection bigger than that on its own.
    const lens = r.pipeline();
    const measured: number[] = [];
    keys.forEach((k, i) => {
      const cmd = LENGTH_COMMAND[types[i] ?? 'none'];
      if (cmd === undefined) return;
      lens.call(cmd, k);
      measured.push(i);
    });
    const l = measured.length === 0 ? [] : results(await lens.exec(), target.where);
    const weights = new Map<number, number>();
    for (const [j, i] of measured.entries()) {
      const [err, n] = l[j] ?? [null, 0];
      if (err !== null && !err.message.includes('WRONGTYPE')) throw translate(err, target.where);
      const count = typeof n === 'number' ? n : 0;
      weights.set(i, Math.max(1, types[i] === 'string' ? Math.ceil(count / 256) : count));
    }
    const out: (KeyState | undefined)[] = keys.map((_, i) => {
      const type = types[i] ?? 'none';
      return type === 'none' ? undefined : { type, value: null, ttl: ttls[i] ?? null };
    });
    for (const round of valueRounds(measured, (i) => weights.get(i) ?? 1, ROUND_WEIGHT)) {
      const values = r.pipeline();
      for (const i of round) {
        const [name, ...args] = valueCommand(types[i] ?? 'none') ?? ['TYPE'];
        values.callBuffer(name, [keys[i] ?? Buffer.alloc(0), ...args]);
      }
      const v = results(await values.exec(), target.where);
      for (const [j, i] of round.entries()) {
        const [err, reply] = v[j] ?? [null, null];
        const type = types[i] ?? 'none';
        const key = keys[i];
        if (key === undefined) continue;
        if (err !== null) {
          // The key changed type (or vanished) between the round trips: read it again on its own.
          if (err.message.includes('WRONGTYPE')) out[i] = (await fetchStates(r, x, [key], ttl))[0];
          else throw translate(err, target.where);
          continue;
        }
        // Deleted since TYPE: GET answers nil, the collection commands an empty array (Redis has no empty collections).
        if (reply === null || (Array.isArray(reply) && reply.length === 0)) {
          out[i] = undefined;
          continue;
        }
        out[i] = { type, value: isValueType(type) ? valueDigest(x, type, reply as ValueReply) : null, ttl: ttls[i] ?? null };
      }
    }
    return out;
  }

  const rowOf = (spec: ReadSpec, k: BucketedKey, s: KeyState): CanonicalRow =>
    spec.columns.map((rc): CanonicalField => {
      const raw = { bucket: k.bucket, key: k.text, type: s.type, value: s.value, ttl: s.ttl }[rc.column.name];
      return encodeValue(rc.as, raw);
    });

  const wantsTtl = (spec: ReadSpec): boolean => spec.columns.some((c) => c.column.name === 'ttl');

  async function* streamRows(spec: ReadSpec, range: KeyRange, options: StreamOptions = {}): AsyncGenerator<readonly CanonicalRow[]> {
    checkSpec(KIND, spec, KEY);
    const [r, x] = await Promise.all([connected(), loadXxh()]);
    const batchSize = Math.min(options.batchSize ?? FETCH_BATCH, FETCH_BATCH);
    try {
      for await (const group of orderedKeys(scanPages(r, spec.table, options.signal), x)) {
        for (let i = 0; i < group.length; i += batchSize) {
          options.signal?.throwIfAborted();
          const keys = group.slice(i, i + batchSize);
          const states = await fetchStates(r, x, keys.map((k) => k.key), wantsTtl(spec));
          const rows = keys.flatMap((k, j) => {
            const s = states[j];
            return s === undefined ? [] : [rowOf(spec, k, s)];
          });
          const kept = keepInRange(rows, spec, range);
          if (kept.length > 0) yield kept;
        }
      }
    } catch (err) {
      throw translate(err, target.where);
    }
  }

  return {
    kind: KIND,
    displayUrl,
    async describe(table): Promise<TableDescription> {
      if (table.trim() === '') throw usage('--table: give a Redis key pattern, e.g. * or user:*');
      const r = await connected();
      try {
        await r.ping();
      } catch (err) {
        throw translate(err, target.where);
      }
      return { table, columns: target.ttl ? [...COLUMNS, TTL_COLUMN] : COLUMNS, primaryKey: KEY };
    },
    ...inProcessOps(KIND, streamRows),
    streamRows,
    async fetchRows(spec, keys: readonly KeyTuple[]) {
      checkSpec(KIND, spec, KEY);
      const [r, x] = await Promise.all([connected(), loadXxh()]);
      const wanted = keys.flatMap(([, text]) => (text === undefined ? [] : [Buffer.from(text, 'utf8')]));
      const out: CanonicalRow[] = [];
      for (let i = 0; i < wanted.length; i += FETCH_BATCH) {
        const batch = wanted.slice(i, i + FETCH_BATCH);
        const states = await fetchStates(r, x, batch, wantsTtl(spec)).catch((err: unknown) => {
          throw translate(err, target.where);
        });
        batch.forEach((key, j) => {
          const s = states[j];
          if (s !== undefined) out.push(rowOf(spec, { bucket: bucketOf(x, key), key, text: keyText(key) }, s));
        });
      }
      return out;
    },
    async check(): Promise<StoreHealth> {
      try {
        const r = await connected();
        const info = await r.info('server');
        const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
        return { ok: true, detail: `Redis ${version} (${target.where})` };
      } catch (err) {
        return { ok: false, error: translate(err, target.where).message };
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      const c = client;
      client = undefined;
      if (c === undefined) return;
      await c.quit().catch(() => {
        c.disconnect();
      });
    },
  };
}
