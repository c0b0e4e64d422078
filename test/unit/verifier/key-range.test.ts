import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogicalType } from '../../../verifier/canonical/logical-type.js';
import { FULL_RANGE, compareBytes, compareDecimalText, compareKeys, formatRange, inRange, splitRange } from '../../../verifier/key-range.js';

const INT: LogicalType = { kind: 'int' };
const TEXT: LogicalType = { kind: 'text' };
const DEC: LogicalType = { kind: 'decimal', scale: 3 };

describe('key ranges', () => {
  it('orders integers numerically, not as text', () => {
    assert.ok(compareKeys(['9'], ['10'], [INT]) < 0);
    assert.ok(compareKeys(['-10'], ['-9'], [INT]) < 0);
    assert.equal(compareKeys(['18446744073709551615'], ['18446744073709551615'], [INT]), 0);
    assert.ok(compareKeys(['9223372036854775807'], ['9223372036854775808'], [INT]) < 0);
  });

  it('orders decimals by value', () => {
    const sorted = ['-10.5', '-2', '-0.01', '0', '0.009', '0.1', '1', '1.05', '10'];
    const shuffled = [...sorted].reverse();
    assert.deepEqual(shuffled.sort((a, b) => compareDecimalText(a, b)), sorted);
    assert.ok(compareKeys(['1.5'], ['1.50001'], [DEC]) < 0);
  });

  it('orders strings by UTF-8 bytes: case-sensitive, trailing spaces count, astral after U+FFFD', () => {
    assert.ok(compareKeys(['B'], ['a'], [TEXT]) < 0, 'uppercase sorts before lowercase in byte order');
    assert.ok(compareKeys(['a'], ['a '], [TEXT]) < 0);
    assert.ok(compareKeys(['a\t'], ['a '], [TEXT]) < 0);
    assert.ok(compareBytes('\uFFFD', '😀') < 0, 'UTF-16 order would put the emoji first');
    assert.ok(['\uFFFD', '😀'].sort()[0] === '😀', 'sanity: JS string order differs');
  });

  it('compares composite keys column by column', () => {
    const types = [TEXT, INT];
    assert.ok(compareKeys(['a', '10'], ['a', '9'], types) > 0);
    assert.ok(compareKeys(['a', '10'], ['b', '1'], types) < 0);
    assert.equal(compareKeys(['a', '1'], ['a', '1'], types), 0);
  });

  it('ranges are half-open', () => {
    const r = { lower: ['10'], upper: ['20'] };
    assert.ok(inRange(['10'], r, [INT]));
    assert.ok(inRange(['19'], r, [INT]));
    assert.ok(!inRange(['20'], r, [INT]));
    assert.ok(!inRange(['9'], r, [INT]));
    assert.ok(inRange(['-99999'], FULL_RANGE, [INT]));
  });

  it('splits a range at bounds into pieces that cover it exactly', () => {
    const r = { lower: ['10'], upper: ['50'] };
    assert.deepEqual(splitRange(r, [['30'], ['20'], ['20'], ['10'], ['60'], ['5']], [INT]), [
      { lower: ['10'], upper: ['20'] },
      { lower: ['20'], upper: ['30'] },
      { lower: ['30'], upper: ['50'] },
    ]);
    assert.deepEqual(splitRange(FULL_RANGE, [], [INT]), [FULL_RANGE]);
    assert.deepEqual(splitRange(FULL_RANGE, [['5']], [INT]), [{ lower: null, upper: ['5'] }, { lower: ['5'], upper: null }]);
  });

  it('formats ranges for messages', () => {
    assert.equal(formatRange({ lower: null, upper: ['a', '1'] }), '[-∞, ("a","1"))');
  });
});
