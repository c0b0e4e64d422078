// A Merkle tree over key-range chunks. Leaves are the chunks' digests in key order; a parent's digest is the
// sum of its children's (count and hash mod 2^64 add up), so any subtree's digest is also the digest of its
// whole key range — which a store can compute directly with one range query.
//
//                      root  (count 9, hash R)          ≠ on the other side? descend:
//                /            |             \
//        [-∞,k3) ✓       [k3,k6) ✗        [k6,+∞) ✓     equal subtrees are never visited again
//                       /    |    \
//                  [k3,k4) [k4,k5) [k5,k6)
//                     ✓       ✗       ✓                 ← mismatching leaves go to bisection / row diff
import type { ChunkDigest } from './digest.js';
import { EMPTY_DIGEST, combineDigests, digestsEqual } from './digest.js';

/** A node spans leaves `[first, last]` (inclusive, leaf indices) and carries their combined digest. */
export interface MerkleNode {
  readonly digest: ChunkDigest;
  readonly first: number;
  readonly last: number;
  readonly children: readonly MerkleNode[];
}

export const DEFAULT_FANOUT = 16;

/** Builds the tree bottom-up; an empty leaf list gives a single empty root. */
export function buildTree(leaves: readonly ChunkDigest[], fanout = DEFAULT_FANOUT): MerkleNode {
  if (!Number.isInteger(fanout) || fanout < 2) throw new RangeError(`fanout must be an integer ≥ 2, got ${fanout}`);
  let level: MerkleNode[] = leaves.map((digest, i) => ({ digest, first: i, last: i, children: [] }));
  if (level.length === 0) return { digest: EMPTY_DIGEST, first: 0, last: -1, children: [] };
  while (level.length > 1) {
    const next: MerkleNode[] = [];
    for (let i = 0; i < level.length; i += fanout) {
      const group = level.slice(i, i + fanout);
      const digest = group.reduce((acc, n) => combineDigests(acc, n.digest), EMPTY_DIGEST);
      next.push({ digest, first: group[0]?.first ?? 0, last: group.at(-1)?.last ?? 0, children: group });
    }
    level = next;
  }
  return level[0] ?? { digest: EMPTY_DIGEST, first: 0, last: -1, children: [] };
}

/** What comparing two trees found, and how much of them it had to look at. */
export interface TreeComparison {
  /** Leaf indices whose digests differ, ascending. */
  readonly mismatched: readonly number[];
  /** Nodes whose digests were compared (evidence that equal subtrees were skipped). */
  readonly nodesCompared: number;
}

/** Compares two trees built over the same leaf ranges, descending only into unequal subtrees. */
export function compareTrees(a: MerkleNode, b: MerkleNode): TreeComparison {
  if (a.first !== b.first || a.last !== b.last) throw new RangeError('trees must be built over the same leaf ranges');
  const mismatched: number[] = [];
  let nodesCompared = 0;
  const visit = (x: MerkleNode, y: MerkleNode): void => {
    nodesCompared += 1;
    if (digestsEqual(x.digest, y.digest)) return;
    if (x.children.length === 0) {
      if (x.first <= x.last) mismatched.push(x.first);
      return;
    }
    x.children.forEach((child, i) => {
      const other = y.children[i];
      if (other === undefined) throw new RangeError('trees must have the same shape');
      visit(child, other);
    });
  };
  visit(a, b);
  return { mismatched, nodesCompared };
}
