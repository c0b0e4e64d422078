// Redis store pieces that need no server: bucketing, type-aware canonical values, key ordering (in memory and
// spilled to disk) and URL parsing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUCKETS, bucketOf, encodeRedisValue, keyText, loadXxh, scoreText, sortedPairs, valueDigest } from '../../../verifier/stores/redis-canonical.js';
import { orderedKeys } from '../../../verifier/stores/redis-keys.js';
import { parseRedisUrl, valueRounds } from '../../../verifier/stores/redis-store.js';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

async function* pages(keys: readonly Buffer[], size: number): AsyncGenerator<Buffer[]> {
  for (let i = 0; i < keys.length; i += size) {
    await new Promise(setImmediate); // pages arrive asynchronously, as SCAN replies do
    yield keys.slice(i, i + size);
  }
}

describe('Redis bucketing', () => {
  it('is the top 12 bits of xxh64(key): stable, in range, spread', async () => {
    const x = await loadXxh();
    assert.equal(bucketOf(x, b('user:1')), Number(x.h64Raw(b('user:1')) >> 52n));
    const seen = new Set<number>();
    for (let i = 0; i < 20_000; i++) {
      const k = bucketOf(x, b(`key:${i}`));
      assert.ok(k >= 0 && k < BUCKETS);
      seen.add(k);
    }
    assert.ok(seen.size > BUCKETS * 0.95, `only ${seen.size} buckets used`);
  });

  it('orders keys by bucket then bytes, once each, whether held in memory or spilled to disk', async () => {
    const x = await loadXxh();
    const keys = Array.from({ length: 3_000 }, (_, i) => b(`k${i}`));
    const scanned = [...keys, ...keys.slice(0, 500)]; // SCAN may return a key more than once
    const want = keys.map((k) => ({ bucket: bucketOf(x, k), key: k.toString() }))
      .sort((p, q) => p.bucket - q.bucket || Buffer.compare(b(p.key), b(q.key)));
    for (const spillAt of [1_000_000, 700]) {
      const got: { bucket: number; key: string }[] = [];
      for await (const group of orderedKeys(pages(scanned, 256), x, spillAt)) for (const k of group) got.push({ bucket: k.bucket, key: k.text });
      assert.deepEqual(got, want, `spillAt ${spillAt}`);
    }
  });

  it('refuses keys that are not UTF-8 (no canonical text to report them by)', () => {
    assert.equal(keyText(b('ключ')), 'ключ');
    assert.throws(() => keyText(Buffer.from([0xff, 0x61])), (e: { code?: string }) => e.code === 'SW_STORE_VALUE_INVALID');
  });
});

describe('Redis canonical values', () => {
  it('encodes each type with self-delimiting elements', () => {
    assert.equal(encodeRedisValue('string', b('héllo')).toString(), 'string6:héllo');
    assert.equal(encodeRedisValue('list', [b('b'), b('a')]).toString(), 'list1:21:b1:a');
    assert.equal(encodeRedisValue('set', [b('b'), b('a')]).toString(), 'set1:21:a1:b');
    assert.equal(encodeRedisValue('hash', [b('y'), b('2'), b('x'), b('1')]).toString(), 'hash1:21:x1:11:y1:2');
    assert.equal(encodeRedisValue('zset', [[b('m'), b('1.50')], [b('a'), b('inf')]]).toString(), 'zset1:21:a8:Infinity1:m3:1.5');
    assert.equal(encodeRedisValue('stream', [[b('1-1'), [b('f'), b('v')]]]).toString(), 'stream1:13:1-11:21:f1:v');
  });

  it('hash fields and set members in any order give one value; list order and element splits do not', async () => {
    const x = await loadXxh();
    assert.equal(valueDigest(x, 'hash', [b('a'), b('1'), b('b'), b('2')]), valueDigest(x, 'hash', [b('b'), b('2'), b('a'), b('1')]));
    assert.equal(valueDigest(x, 'set', [b('p'), b('q')]), valueDigest(x, 'set', [b('q'), b('p')]));
    assert.notEqual(valueDigest(x, 'list', [b('p'), b('q')]), valueDigest(x, 'list', [b('q'), b('p')]));
    assert.notEqual(valueDigest(x, 'list', [b('ab'), b('c')]), valueDigest(x, 'list', [b('a'), b('bc')]));
    assert.notEqual(valueDigest(x, 'list', [b('a')]), valueDigest(x, 'set', [b('a')]));
    assert.match(valueDigest(x, 'string', b('')), /^[0-9a-f]{16}$/);
  });

  it('reads RESP2 flat arrays, RESP3 pairs and maps alike; scores are shortest round-trip decimals', () => {
    const flat = sortedPairs([b('b'), b('2'), b('a'), b('1')]);
    assert.deepEqual(sortedPairs([[b('a'), b('1')], [b('b'), b('2')]]), flat);
    assert.deepEqual(sortedPairs(new Map([[b('b'), b('2')], [b('a'), b('1')]])), flat);
    assert.deepEqual(['1.5', '1e+21', '-inf', '0.1', '3'].map((s) => scoreText(s)), ['1.5', '1e+21', '-Infinity', '0.1', '3']);
    assert.equal(scoreText(2.5), '2.5');
  });
});

describe('Redis value rounds', () => {
  it('cut keys into consecutive round trips of bounded weight; a heavy key goes alone', () => {
    const w: Record<string, number> = { a: 3, b: 4, c: 10, d: 1, e: 1, f: 2 };
    assert.deepEqual(valueRounds(Object.keys(w), (k) => w[k] ?? 1, 5), [['a'], ['b'], ['c'], ['d', 'e', 'f']]);
    assert.deepEqual(valueRounds(['x', 'y'], () => 1, 10), [['x', 'y']]);
    assert.deepEqual(valueRounds([], () => 1, 10), []);
  });
});

describe('Redis store URLs', () => {
  it('takes host, port, db index, credentials and ?ttl', () => {
    const t = parseRedisUrl(new URL('redis://u:p%40ss@cache.local:6380/3?ttl=1'));
    assert.equal(t.options.host, 'cache.local');
    assert.equal(t.options.port, 6380);
    assert.equal(t.options.db, 3);
    assert.equal(t.options.password, 'p@ss');
    assert.equal(t.ttl, true);
    assert.equal(t.where, 'redis cache.local:6380/3');
    const d = parseRedisUrl(new URL('redis://127.0.0.1'));
    assert.equal(d.options.db, 0);
    assert.equal(d.options.port, 6379);
    assert.equal(d.ttl, false);
    for (const bad of ['redis://h/x', 'redis://h/1/2', 'redis://h/0?ttl=maybe']) {
      assert.throws(() => parseRedisUrl(new URL(bad)), (e: { code?: string; message?: string }) => e.code === 'SW_USAGE', bad);
    }
    assert.throws(() => parseRedisUrl(new URL('redis://:secret@h/x')), (e: { message: string }) => !e.message.includes('secret'));
  });
});
