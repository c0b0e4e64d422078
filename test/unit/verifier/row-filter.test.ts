import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateRowFilter } from '../../../verifier/row-filter.js';

const rejects = (text: string, why: RegExp): void => {
  assert.throws(() => validateRowFilter(text, '--where'), (e: { code?: string; message?: string }) => e.code === 'SW_USAGE' && why.test(e.message ?? '') && (e.message ?? '').startsWith('--where:'), text);
};

describe('row filters', () => {
  it('accepts one boolean expression, with quotes, doubled quotes and parentheses inside literals', () => {
    assert.equal(validateRowFilter("  created >= '2024-01-01' AND (region = 'eu' OR note = 'it''s (odd); -- fine')  ", '--where'), "created >= '2024-01-01' AND (region = 'eu' OR note = 'it''s (odd); -- fine')");
    assert.equal(validateRowFilter('"Mixed Case" IS NOT NULL AND `x` > 0', '--where'), '"Mixed Case" IS NOT NULL AND `x` > 0');
    assert.equal(validateRowFilter("name LIKE 'a\\'b%'", '--where'), "name LIKE 'a\\'b%'");
  });

  it('rejects what would break out of the parentheses it is wrapped in, or end the statement', () => {
    rejects('1=1) OR (1=1', /unmatched "\)"/);
    rejects('(a = 1', /unmatched "\("/);
    rejects("a = 'x", /unterminated ' quote/);
    rejects('a = 1; DROP TABLE t', /";"/);
    rejects('a = 1 -- rest', /comment/);
    rejects('a = 1 /* x */', /comment/);
    rejects('', /empty/);
  });

  it('rejects bind-parameter markers the drivers would try to fill', () => {
    rejects('a = ?', /bind parameter/);
    rejects("a = 'why?'", /"\?"/);
    rejects('a = $1', /bind parameter/);
    rejects('a = {p:String}', /bind parameter/);
  });
});
