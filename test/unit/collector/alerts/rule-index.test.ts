// The rule index never misses a matching rule: candidates ⊇ matches, checked against brute force on random data.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesAll, parseMatchers, type Matcher } from '../../../../collector/alerts/matchers.js';
import { RuleIndex } from '../../../../collector/alerts/rule-index.js';

function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

describe('rule index', () => {
  it('finds exactly the rules brute force finds, for equality, negative and regex matchers', () => {
    const random = rng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const labelNames = ['pipeline', 'host', 'group'];
    const values = ['a', 'b', 'c', ''];
    const ops = ['=', '!=', '=~', '!~'];
    const rules: { id: number; matchers: readonly Matcher[] }[] = [];
    for (let id = 0; id < 300; id++) {
      const n = Math.floor(random() * 3);
      const texts = Array.from({ length: n }, () => `${pick(labelNames)}${pick(ops)}"${pick(values)}${random() < 0.3 ? '.*' : ''}"`);
      rules.push({ id, matchers: parseMatchers(texts) });
    }
    const index = new RuleIndex<{ id: number; matchers: readonly Matcher[] }>();
    for (const r of rules) index.add(r);
    for (let i = 0; i < 500; i++) {
      const labels: Record<string, string> = {};
      for (const l of labelNames) if (random() < 0.8) labels[l] = pick(values);
      const expected = rules.filter((r) => matchesAll(r.matchers, labels)).map((r) => r.id).sort((x, y) => x - y);
      const found: number[] = [];
      index.candidates(labels, (r) => { if (matchesAll(r.matchers, labels)) found.push(r.id); });
      assert.deepEqual(found.sort((x, y) => x - y), expected, JSON.stringify(labels));
      assert.equal(new Set(found).size, found.length, 'each rule visited once');
    }
  });
});
