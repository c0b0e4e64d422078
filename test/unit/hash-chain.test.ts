import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHAIN_GENESIS, canonicalJson, chainHash, checkChain, type ChainLink } from '../../lib/integrity/hash-chain.js';

function build(records: readonly unknown[]): ChainLink[] {
  const out: ChainLink[] = [];
  let prev = CHAIN_GENESIS;
  for (const record of records) {
    const hash = chainHash(prev, record);
    out.push({ prevHash: prev, hash, record });
    prev = hash;
  }
  return out;
}

describe('hash chain', () => {
  it('canonical JSON sorts keys at every depth and drops undefined', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: 'é' }], c: null } }), '{"a":{"c":null,"d":[1,{"x":"é","z":1}]},"b":1}');
    assert.equal(canonicalJson({ n: 12n }), '{"n":"12"}');
    assert.throws(() => canonicalJson({ n: Number.NaN }), /no JSON form/);
  });

  it('an untouched chain is intact and its head is the last hash', () => {
    const links = build([{ n: 1 }, { n: 2 }, { n: 3 }]);
    assert.deepEqual(checkChain(links), { intact: true, length: 3, head: links[2]?.hash });
    assert.deepEqual(checkChain([]), { intact: true, length: 0, head: CHAIN_GENESIS });
  });

  it('finds an edited record and a removed one', () => {
    const links = build([{ n: 1 }, { n: 2 }, { n: 3 }]);
    const edited = links.map((l, i) => (i === 1 ? { ...l, record: { n: 20 } } : l));
    const e = checkChain(edited);
    if (e.intact) assert.fail('an edited record must break the chain');
    assert.equal(e.brokenAt, 1);
    assert.match(e.reason, /edited/);
    const removed = checkChain([links[0], links[2]].filter((l): l is ChainLink => l !== undefined));
    if (removed.intact) assert.fail('a removed record must break the chain');
    assert.equal(removed.brokenAt, 1);
    assert.match(removed.reason, /removed/);
  });
});
