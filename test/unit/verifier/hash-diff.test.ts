import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogicalType } from '../../../verifier/canonical/logical-type.js';
import { diffHashStreams } from '../../../verifier/hash-diff.js';
import { pageOfKeyHashes, type HashPage } from '../../../verifier/hash-page.js';

const INT: LogicalType[] = [{ kind: 'int' }];

const hex = (n: bigint): string => n.toString(16).padStart(16, '0');

async function* batches(items: readonly [string, bigint][], size: number, intKey = true): AsyncGenerator<HashPage> {
  for (let i = 0; i < items.length; i += size) {
    await Promise.resolve(); // a real store answers asynchronously
    yield pageOfKeyHashes(items.slice(i, i + size).map(([k, hash]) => ({ key: [k], hash: hex(hash) })), intKey);
  }
}

describe('row-hash merge', () => {
  it('names missing, extra and changed keys in key order, across batch boundaries', async () => {
    const source: [string, bigint][] = [['1', 10n], ['2', 20n], ['3', 30n], ['10', 100n], ['11', 110n]];
    const target: [string, bigint][] = [['1', 10n], ['3', 31n], ['4', 40n], ['10', 100n], ['12', 120n]];
    const r = await diffHashStreams(batches(source, 2), batches(target, 3), INT);
    assert.deepEqual(r.mismatches.map((m) => `${m.kind} ${m.key[0] ?? ''}`), ['missing 2', 'changed 3', 'extra 4', 'missing 11', 'extra 12']);
    assert.deepEqual(r.source, { count: 5, hash: 270n });
    assert.deepEqual(r.target, { count: 5, hash: 301n });
  });

  it('sums hashes modulo 2^64 and handles empty sides', async () => {
    const big = (1n << 64n) - 1n;
    const r = await diffHashStreams(batches([['1', big], ['2', 2n]], 5), batches([], 5), INT);
    assert.deepEqual(r.source, { count: 2, hash: 1n });
    assert.deepEqual(r.target, { count: 0, hash: 0n });
    assert.equal(r.mismatches.length, 2);
  });

  it('refuses keys that do not strictly increase (a duplicate key or a wrong store order)', async () => {
    await assert.rejects(diffHashStreams(batches([['1', 1n], ['1', 2n]], 5), batches([], 5), INT), (e: { code?: string }) => e.code === 'SW_INTERNAL');
  });
});

describe('row-hash merge across page kinds', () => {
  it('merges text-keyed pages against integer pages, and refuses a page out of order', async () => {
    const source: [string, bigint][] = [['1', 1n], ['2', 2n], ['3', 3n]];
    const target: [string, bigint][] = [['1', 1n], ['3', 4n]];
    const r = await diffHashStreams(batches(source, 2, false), batches(target, 1, true), INT);
    assert.deepEqual(r.mismatches.map((m) => `${m.kind} ${m.key[0] ?? ''}`), ['missing 2', 'changed 3']);
    await assert.rejects(diffHashStreams(batches([['2', 1n], ['1', 2n]], 5, true), batches([], 5), INT), /strictly increasing/);
    await assert.rejects(diffHashStreams(batches([['5', 1n]], 1), batches([], 5), INT).then(() => diffHashStreams(batches([['5', 1n], ['4', 1n]], 1), batches([], 5), INT)), /strictly increasing/);
  });
});
