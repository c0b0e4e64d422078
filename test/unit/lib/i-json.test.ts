// I-JSON checks on top of JSON.parse: duplicate member names (also when spelled with escapes) and unpaired
// surrogate escapes, in a single pass that survives deep nesting and very wide objects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iJsonProblem } from '../../../lib/protocol/i-json.js';

describe('iJsonProblem', () => {
  it('accepts valid I-JSON, including the same name in different objects and escaped quotes in names', () => {
    for (const text of ['{}', '[]', '"x"', '1', '{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}', '{"a\\"":1,"a":2,"c":"\\\\\\""}', '{"e":"\\ud83d\\ude00"}', '["a","a"]']) {
      assert.equal(iJsonProblem(text), undefined, text);
    }
  });
  it('names a duplicate key at any depth, also when one spelling is escaped', () => {
    assert.match(iJsonProblem('{"a":1,"a":2}') ?? '', /duplicate key "a"/);
    assert.match(iJsonProblem('[{"x":[{"k":1,"k":1}]}]') ?? '', /duplicate key "k"/);
    assert.match(iJsonProblem('{"agent":1,"\\u0061gent":2}') ?? '', /duplicate key "agent"/);
    assert.match(iJsonProblem('{"":1,"":2}') ?? '', /duplicate key ""/);
  });
  it('finds a duplicate in a wide object (past the small-object list) without quadratic cost', () => {
    const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    const text = JSON.stringify(wide);
    assert.equal(iJsonProblem(text), undefined);
    assert.match(iJsonProblem(`${text.slice(0, -1)},"k99999":0}`) ?? '', /duplicate key "k99999"/);
  });
  it('names unpaired surrogate escapes and accepts pairs', () => {
    for (const escape of ['\\ud800', '\\udfff', '\\ud83dx', '\\ude00\\ud83d', '\\ud83d\\ud83d']) {
      assert.match(iJsonProblem(`{"a":"${escape}"}`) ?? '', /unpaired UTF-16 surrogate/, escape);
    }
    assert.equal(iJsonProblem('{"a":"\\\\ud800"}'), undefined, 'an escaped backslash before "ud800" is no escape');
  });
  it('survives nesting far deeper than the call stack', () => {
    assert.equal(iJsonProblem('['.repeat(200_000) + ']'.repeat(200_000)), undefined);
    assert.match(iJsonProblem(`${'{"a":'.repeat(100_000)}{"b":1,"b":2}${'}'.repeat(100_000)}`) ?? '', /duplicate key "b"/);
  });
});
