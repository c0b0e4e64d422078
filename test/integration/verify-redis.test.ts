// The Redis store end to end on the local Redis 7, two claimed db indexes: every type compares by its canonical
// value (hash fields and set members in any order, list order significant, zset scores), identical → consistent,
// and each kind of difference is found.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { isSyncwatchError } from '../../lib/errors.js';
import type { Diff } from '../../verifier/row-diff.js';
import { runVerify, type VerifyResult } from '../../verifier/run.js';
import { openStore } from '../../verifier/stores/registry.js';
import { claimRedisDb, withRedis, type TempRedisDb } from '../support/redis-temp.js';
import { startRedisPair, type RedisPair } from '../support/replication/redis-pair.js';
import { redisServerUrl } from '../support/services.js';

const MANY = 1_200;

async function seed(c: Redis, order: 'forward' | 'reverse'): Promise<void> {
  const rev = <T>(xs: T[]): T[] => (order === 'reverse' ? [...xs].reverse() : xs);
  await c.set('str', 'hello');
  await c.set('bin', Buffer.from([0xff, 0x00, 0xfe]));
  for (const [f, v] of rev([['a', '1'], ['b', '2'], ['c', '3']])) await c.hset('user:1', f ?? '', v ?? '');
  await c.rpush('list', 'x', 'y', 'x');
  await c.sadd('set', ...rev(['p', 'q', 'r']));
  for (const [s, m] of rev([[1.5, 'm'], [2, 'n'], [Infinity, 'o']] as const)) await c.zadd('zset', s, m);
  await c.xadd('stream', '1-1', 'f', 'v');
  await c.xadd('stream', '2-1', 'g', 'w', 'h', 'u');
  const p = c.pipeline();
  for (let i = 0; i < MANY; i++) p.set(`user:many:${i}`, `v${i}`);
  await p.exec();
}

function summary(diffs: readonly Diff[]): string[] {
  // The bucket is derived from the key; naming the key is enough to read the report.
  return diffs.map((d) => `${d.kind} ${d.key[1] ?? ''}${d.kind === 'changed' ? ` [${d.columns.join(',')}]` : ''}`).sort();
}

describe('verify: Redis', () => {
  let a: TempRedisDb;
  let b: TempRedisDb;
  before(async () => {
    a = await claimRedisDb(redisServerUrl());
    b = await claimRedisDb(redisServerUrl());
  });
  after(async () => {
    await a.drop();
    await b.drop();
  });
  beforeEach(async () => {
    await withRedis(a.url, async (c) => {
      await c.flushdb();
      await seed(c, 'forward');
    });
    await withRedis(b.url, async (c) => {
      await c.flushdb();
      await seed(c, 'reverse');
    });
  });

  async function verify(table = '*', query = ''): Promise<VerifyResult> {
    const s = openStore(`${a.url}${query}`);
    const t = openStore(`${b.url}${query}`);
    try {
      return await runVerify({ source: s, target: t, table });
    } finally {
      await s.close();
      await t.close();
    }
  }

  it('identical data written in a different order is consistent; every key is one row', async () => {
    const r = await verify();
    assert.equal(r.verdict, 'consistent', JSON.stringify(r.diffs));
    assert.equal(r.source.rows, 7 + MANY);
    assert.equal(r.target.rows, 7 + MANY);
    assert.equal(r.source.root, r.target.root);
    assert.deepEqual(r.key, ['bucket', 'key']);
    assert.deepEqual(r.columns, ['bucket', 'key', 'type', 'value']);
  });

  it('finds missing, extra and changed keys of every type', async () => {
    await withRedis(b.url, async (c) => {
      await c.del('str');
      await c.set('only-target', '1');
      await c.set('bin', Buffer.from([0xff, 0x00, 0xff]));
      await c.hset('user:1', 'b', '22');
      await c.del('list');
      await c.rpush('list', 'y', 'x', 'x');
      await c.srem('set', 'r');
      await c.zadd('zset', 2.5, 'n');
      await c.xadd('stream', '3-1', 'f', 'new');
      await c.set(`user:many:${MANY - 1}`, 'changed');
    });
    const r = await verify();
    assert.equal(r.verdict, 'drift');
    assert.deepEqual(summary(r.diffs), [
      'changed bin [value]',
      'changed list [value]',
      'changed set [value]',
      'changed stream [value]',
      `changed user:1 [value]`,
      `changed user:many:${MANY - 1} [value]`,
      'changed zset [value]',
      'extra only-target',
      'missing str',
    ]);
  });

  it('a key holding another type differs in type and value; the table is a key pattern', async () => {
    await withRedis(b.url, async (c) => {
      await c.del('user:1');
      await c.rpush('user:1', 'a', '1');
      await c.set('other:1', 'x');
    });
    const r = await verify('user:*');
    assert.equal(r.source.rows, 1 + MANY);
    assert.deepEqual(summary(r.diffs), ['changed user:1 [type,value]']);
  });

  it('TTLs are ignored by default and compared (absolute expiry) with ?ttl=1', async () => {
    await withRedis(b.url, (c) => c.expire('str', 3600));
    assert.equal((await verify()).verdict, 'consistent');
    const withTtl = await verify('*', '?ttl=1');
    assert.deepEqual(withTtl.columns, ['bucket', 'key', 'type', 'value', 'ttl']);
    assert.deepEqual(summary(withTtl.diffs), ['changed str [ttl]']);
    // The same absolute expiry on both sides (as replication propagates it) is no difference.
    const at = Math.floor(Date.now() / 1000) + 7200;
    await withRedis(a.url, (c) => c.expireat('str', at));
    await withRedis(b.url, (c) => c.expireat('str', at));
    assert.equal((await verify('*', '?ttl=1')).verdict, 'consistent');
  });

  it('a collection bigger than one round trip is read on its own and still compared exactly', async () => {
    const members = Array.from({ length: 210_000 }, (_, i) => `m${i}`);
    for (const db of [a, b]) await withRedis(db.url, async (c) => {
      for (let i = 0; i < members.length; i += 20_000) await c.sadd('big', ...members.slice(i, i + 20_000));
    });
    assert.equal((await verify()).verdict, 'consistent');
    await withRedis(b.url, (c) => c.srem('big', 'm123456'));
    assert.deepEqual(summary((await verify()).diffs), ['changed big [value]']);
  });

  it('an unreachable server is SW_STORE_UNREACHABLE naming the cause; a non-key --key is SW_USAGE', async () => {
    const down = openStore('redis://127.0.0.1:1/0');
    try {
      await assert.rejects(down.describe('*'), (e: unknown) => isSyncwatchError(e) && e.code === 'SW_STORE_UNREACHABLE' && e.message.includes('ECONNREFUSED'));
      const health = await down.check();
      assert.equal(health.ok, false);
    } finally {
      await down.close();
    }
    const s = openStore(a.url);
    const t = openStore(b.url);
    try {
      await assert.rejects(runVerify({ source: s, target: t, table: '*', key: ['type'] }), (e: unknown) => isSyncwatchError(e) && e.code === 'SW_USAGE' && e.message.includes('bucket,key'));
    } finally {
      await s.close();
      await t.close();
    }
  });
});

describe('verify: a live Redis primary → replica pair', () => {
  let pair: RedisPair;
  before(async () => {
    pair = await startRedisPair();
  });
  after(async () => {
    await pair.stop();
  });

  async function verifyPair(): Promise<VerifyResult> {
    const s = openStore(`${pair.primaryUrl}?ttl=1`);
    const t = openStore(`${pair.replicaUrl}?ttl=1`);
    try {
      return await runVerify({ source: s, target: t, table: '*' });
    } finally {
      await s.close();
      await t.close();
    }
  }

  it('the replica is consistent with its primary, expiries included; a write on the replica alone is found', async () => {
    await withRedis(pair.primaryUrl, async (c) => {
      await seed(c, 'forward');
      await c.set('session:1', 'x', 'EX', 3600);
      // WAIT: the replica has acknowledged every write above before it is read.
      assert.equal(await c.wait(1, 10_000), 1);
    });
    const r = await verifyPair();
    assert.equal(r.verdict, 'consistent', JSON.stringify(r.diffs));
    assert.equal(r.source.rows, 8 + MANY);
    await withRedis(pair.replicaUrl, async (c) => {
      await c.config('SET', 'replica-read-only', 'no');
      await c.hset('user:1', 'a', 'replica-only');
      await c.persist('session:1');
    });
    assert.deepEqual(summary((await verifyPair()).diffs), ['changed session:1 [ttl]', 'changed user:1 [value]']);
  });
});

