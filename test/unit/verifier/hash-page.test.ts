import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashHex, keyHashesOf, pageOfKeyHashes, parseBinaryIntPage, parseKeyHashBytesPage, parseTextPage } from '../../../verifier/hash-page.js';

/** 16-byte binary rows: key int64, hash int64, big-endian. */
function binaryRows(rows: readonly [bigint, bigint][]): Uint8Array {
  const buf = Buffer.alloc(rows.length * 16);
  rows.forEach(([k, h], i) => {
    buf.writeBigInt64BE(k, i * 16);
    buf.writeBigInt64BE(h, i * 16 + 8);
  });
  return buf;
}

/** Hash-bytes rows: the key's decimal text, ',', the hash as 8 big-endian bytes; nothing between rows. */
function hashByteRows(rows: readonly [string, bigint][]): Uint8Array {
  return Buffer.concat(rows.map(([k, h]) => {
    const hash = Buffer.alloc(8);
    hash.writeBigInt64BE(h);
    return Buffer.concat([Buffer.from(`${k},`, 'latin1'), hash]);
  }));
}

describe('hash pages', () => {
  it('parses a packed text page of integer keys into numbers and hash halves', () => {
    const page = parseTextPage('-20,ffffffffffffffff;1,00000000000000ff;300,0123456789abcdef', 3, [false], true);
    assert.deepEqual(page.ints === null ? null : [...page.ints], [-20, 1, 300]);
    assert.deepEqual(keyHashesOf(page), [
      { key: ['-20'], hash: 'ffffffffffffffff' },
      { key: ['1'], hash: '00000000000000ff' },
      { key: ['300'], hash: '0123456789abcdef' },
    ]);
  });

  it('keeps integer keys as texts when one is beyond 2^53 or not in the plain spelling', () => {
    const big = parseTextPage('5,0000000000000001;12345678901234567890,0000000000000002', 2, [false], true);
    assert.equal(big.ints, null);
    assert.deepEqual(keyHashesOf(big).map((k) => k.key), [['5'], ['12345678901234567890']]);
    const zero = parseTextPage('007,0000000000000001', 1, [false], true);
    assert.equal(zero.ints, null);
    assert.deepEqual(zero.key(0), ['007']);
  });

  it('parses hash-bytes pages (decimal key, comma, 8 hash bytes), sorting rows that came out of key order', () => {
    const page = parseKeyHashBytesPage(hashByteRows([['3', -1n], ['-7', 1n], ['2', 0x0123456789abcdefn], ['0', 0x2c2c2c2c2c2c2c2cn]]), 4);
    assert.deepEqual(keyHashesOf(page), [
      { key: ['-7'], hash: '0000000000000001' },
      { key: ['0'], hash: '2c2c2c2c2c2c2c2c' },
      { key: ['2'], hash: '0123456789abcdef' },
      { key: ['3'], hash: 'ffffffffffffffff' },
    ]);
    assert.deepEqual(page.ints === null ? null : [...page.ints], [-7, 0, 2, 3]);
    // Beyond 2^53 (a BIGINT UNSIGNED key): exact texts for the whole page, still in numeric order.
    const big = parseKeyHashBytesPage(hashByteRows([['18446744073709551615', 7n], ['5', 8n]]), 2);
    assert.equal(big.ints, null);
    assert.deepEqual(keyHashesOf(big), [{ key: ['5'], hash: '0000000000000008' }, { key: ['18446744073709551615'], hash: '0000000000000007' }]);
  });

  it('refuses a hash-bytes page that is cut short, too long, or has a key that is not an integer', () => {
    const two = hashByteRows([['1', 1n], ['2', 2n]]);
    assert.throws(() => parseKeyHashBytesPage(two.subarray(0, two.length - 1), 2), /malformed/);
    assert.throws(() => parseKeyHashBytesPage(two, 1), /more than/);
    assert.throws(() => parseKeyHashBytesPage(two, 3), /malformed/);
    assert.throws(() => parseKeyHashBytesPage(hashByteRows([['1x', 1n]]), 1), /not an integer/);
  });

  it('decodes hex text keys and composite keys', () => {
    const hex = (s: string): string => Buffer.from(s, 'utf8').toString('hex');
    const page = parseTextPage(`${hex('a,b;')},7,00000000000000aa;${hex('😀')},8,00000000000000bb`, 2, [true, false], false);
    assert.deepEqual(keyHashesOf(page), [{ key: ['a,b;', '7'], hash: '00000000000000aa' }, { key: ['😀', '8'], hash: '00000000000000bb' }]);
  });

  it('refuses a page shorter or longer than its row count, and a hash that is not hex', () => {
    assert.throws(() => parseTextPage('1,00000000000000ff', 2, [false], true), /malformed/);
    assert.throws(() => parseTextPage('1,00000000000000ff;2,00000000000000ff', 1, [false], true), /more than/);
    assert.throws(() => parseTextPage('1,00000000000000fg', 1, [false], true), /not a hex digit/);
  });

  it('parses binary pages, sorting rows the database sent out of key order', () => {
    const page = parseBinaryIntPage(binaryRows([[3n, -1n], [1n, 1n], [2n, 0x0123456789abcdefn]]));
    assert.deepEqual(keyHashesOf(page), [
      { key: ['1'], hash: '0000000000000001' },
      { key: ['2'], hash: '0123456789abcdef' },
      { key: ['3'], hash: 'ffffffffffffffff' },
    ]);
    assert.deepEqual(page.ints === null ? null : [...page.ints], [1, 2, 3]);
  });

  it('keeps binary keys beyond 2^53 exact (as texts) and negative keys in order', () => {
    const max = (1n << 63n) - 1n;
    const page = parseBinaryIntPage(binaryRows([[max, 5n], [-(1n << 60n), 6n], [-1n, 7n]]));
    assert.equal(page.ints, null);
    assert.deepEqual(keyHashesOf(page).map((k) => k.key[0]), [String(-(1n << 60n)), '-1', String(max)]);
    assert.deepEqual([0, 1, 2].map((i) => hashHex(page, i)), ['0000000000000006', '0000000000000007', '0000000000000005']);
    assert.throws(() => parseBinaryIntPage(new Uint8Array(15)), /16-byte/);
  });

  it('builds pages from per-row items', () => {
    const page = pageOfKeyHashes([{ key: ['9'], hash: 'ffffffff00000001' }], true);
    assert.deepEqual([page.hi[0], page.lo[0], page.ints?.[0]], [0xffffffff, 1, 9]);
    assert.equal(pageOfKeyHashes([{ key: ['x'], hash: '0000000000000001' }], false).ints, null);
    assert.throws(() => pageOfKeyHashes([{ key: ['1'], hash: 'XYZ' }], true), /16 lowercase hex/);
  });
});
