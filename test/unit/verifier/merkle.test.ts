import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combineDigests, type ChunkDigest, EMPTY_DIGEST, mod64, formatDigest } from '../../../verifier/digest.js';
import { buildTree, compareTrees } from '../../../verifier/merkle.js';

const leaf = (count: number, hash: bigint): ChunkDigest => ({ count, hash: mod64(hash) });

describe('Merkle tree', () => {
  const leaves = Array.from({ length: 40 }, (_, i) => leaf(100 + i, BigInt(i) * 0x9e3779b97f4a7c15n));

  it("a root's digest is the sum of its leaves, wrapping modulo 2^64", () => {
    const root = buildTree(leaves, 4);
    const total = leaves.reduce(combineDigests, EMPTY_DIGEST);
    assert.deepEqual(root.digest, total);
    assert.equal(root.first, 0);
    assert.equal(root.last, 39);
    assert.equal(combineDigests(leaf(1, (1n << 64n) - 1n), leaf(1, 2n)).hash, 1n);
  });

  it('equal trees: only the root is compared', () => {
    const r = compareTrees(buildTree(leaves, 4), buildTree(leaves.map((l) => ({ ...l })), 4));
    assert.deepEqual(r, { mismatched: [], nodesCompared: 1 });
  });

  it('finds exactly the mismatching leaves, descending only unequal subtrees', () => {
    const other = leaves.map((l, i) => (i === 7 || i === 33 ? leaf(l.count, l.hash + 1n) : l));
    const r = compareTrees(buildTree(leaves, 4), buildTree(other, 4));
    assert.deepEqual(r.mismatched, [7, 33]);
    // 40 leaves, fanout 4: root → 3 children → ... ; far fewer than all 40 + 14 internal nodes.
    assert.ok(r.nodesCompared < 30, `compared ${r.nodesCompared}`);
  });

  it('a count difference with an equal hash sum is still a mismatch', () => {
    const other = leaves.map((l, i) => (i === 0 ? leaf(l.count + 1, l.hash) : l));
    assert.deepEqual(compareTrees(buildTree(leaves), buildTree(other)).mismatched, [0]);
  });

  it('two identical wrong rows do not cancel (unlike XOR)', () => {
    const h = 0x1234n;
    const good = leaf(2, mod64(h + h));
    const xorOfTwo = 0n;
    assert.notEqual(good.hash, xorOfTwo);
  });

  it('empty and single-leaf trees', () => {
    assert.deepEqual(compareTrees(buildTree([]), buildTree([])).mismatched, []);
    assert.deepEqual(compareTrees(buildTree([leaf(1, 1n)]), buildTree([leaf(1, 2n)])).mismatched, [0]);
    assert.throws(() => buildTree(leaves, 1));
    assert.throws(() => compareTrees(buildTree(leaves), buildTree(leaves.slice(1))));
  });

  it('formats digests as count:hash16', () => {
    assert.equal(formatDigest(leaf(3, 255n)), '3:00000000000000ff');
  });
});
