import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BISECT_POLICY, decideChunk, shouldStream, validateBisectPolicy } from '../../../verifier/bisect.js';
import { DigestBuilder, createRowHasher, md5Row64 } from '../../../verifier/digest.js';
import { createHash } from 'node:crypto';

const P = DEFAULT_BISECT_POLICY;

describe('bisection decisions', () => {
  it('equal digests end the descent', () => {
    assert.deepEqual(decideChunk({ count: 5, hash: 9n }, { count: 5, hash: 9n }, P), { kind: 'equal' });
  });

  it('small mismatching ranges are compared row by row', () => {
    assert.deepEqual(decideChunk({ count: 2000, hash: 1n }, { count: 1999, hash: 2n }, P), { kind: 'compare-rows' });
  });

  it('large ranges split, sampling keys on the side that has the rows', () => {
    assert.deepEqual(decideChunk({ count: 80_000, hash: 1n }, { count: 80_001, hash: 2n }, P), { kind: 'split', rowsPerPiece: 10_001, sampleSide: 'target' });
    assert.deepEqual(decideChunk({ count: 16_000, hash: 1n }, { count: 0, hash: 0n }, P), { kind: 'split', rowsPerPiece: 2_000, sampleSide: 'source' });
  });

  it('streams when a large share mismatches', () => {
    assert.equal(shouldStream(6, 10, P), true);
    assert.equal(shouldStream(5, 10, P), false);
    assert.equal(shouldStream(1, 1, P), false);
  });

  it('validates tuning up front', () => {
    assert.throws(() => validateBisectPolicy({ ...P, fanout: 1 }));
    assert.throws(() => validateBisectPolicy({ ...P, rowThreshold: 0 }));
    assert.throws(() => validateBisectPolicy({ ...P, streamShare: 0 }));
    assert.deepEqual(validateBisectPolicy(P), P);
  });
});

describe('row hashing', () => {
  it('md5-64 is the first 8 bytes of MD5 of the row text, as PostgreSQL computes it', () => {
    // psql: SELECT ('x' || substr(md5('abc'), 1, 16))::bit(64)::bigint  →  -8070080442485551184
    assert.equal(md5Row64('abc'), 10376663631224000432n);
    assert.equal(md5Row64('abc'), BigInt(`0x${createHash('md5').update('abc').digest('hex').slice(0, 16)}`));
  });

  it('digests are order-independent and count duplicates', async () => {
    for (const algo of ['md5-64', 'xxh64'] as const) {
      const hash = await createRowHasher(algo);
      const a = new DigestBuilder(hash);
      const b = new DigestBuilder(hash);
      const rows = [['1', 'x'], ['2', null], ['3', '']];
      for (const r of rows) a.add(r);
      for (const r of [...rows].reverse()) b.add(r);
      assert.deepEqual(a.digest, b.digest);
      b.add(['1', 'x']);
      b.add(['1', 'x']);
      assert.notDeepEqual(a.digest, b.digest);
      assert.equal(b.digest.count, 5);
    }
  });
});
