import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMatcher, matchesAll, parseMatcher, parseMatchers } from '../../../../collector/alerts/matchers.js';
import { renderTemplate, templateProblems } from '../../../../collector/alerts/template.js';

describe('label matchers', () => {
  it('parses the four operators, quoted or bare, with escapes', () => {
    assert.deepEqual(parseMatcher('pipeline="orders"'), { label: 'pipeline', op: '=', value: 'orders' });
    assert.deepEqual(parseMatcher(' host != db1 '), { label: 'host', op: '!=', value: 'db1' });
    assert.deepEqual(parseMatcher('x="a\\"b"'), { label: 'x', op: '=', value: 'a"b' });
    const re = parseMatcher("host=~'db-.*'");
    assert.ok(typeof re !== 'string' && re.op === '=~' && re.regex !== undefined);
    assert.equal(formatMatcher(parseMatchers(['a!~"x|y"'])[0] ?? assert.fail()), 'a!~"x|y"');
  });

  it('anchors regexes and treats a missing label as empty', () => {
    const m = parseMatchers(['host=~"db-1"', 'env!="prod"', 'team!~".+"']);
    assert.equal(matchesAll(m, { host: 'db-1' }), true);
    assert.equal(matchesAll(m, { host: 'db-10' }), false);
    assert.equal(matchesAll(m, { host: 'db-1', env: 'prod' }), false);
    assert.equal(matchesAll(m, { host: 'db-1', team: 'dba' }), false);
    assert.equal(matchesAll([], {}), true);
  });

  it('reports bad text and bad regexes instead of throwing', () => {
    assert.match(parseMatcher('=x') as string, /cannot parse/);
    assert.match(parseMatcher('a=~"["') as string, /invalid regex/);
    assert.throws(() => parseMatchers(['?']), /cannot parse/);
  });
});

describe('annotation templates', () => {
  const ctx = { labels: { pipeline: 'orders' }, value: 0.1 + 0.2, threshold: 30, rule: 'lag_high', severity: 'critical' };
  it('renders labels, value, threshold, rule and severity; missing labels are empty', () => {
    assert.equal(
      renderTemplate('{{ $rule }} [{{$severity}}]: {{ $labels.pipeline }}{{ $labels.nope }} at {{ $value }} > {{ $threshold }}', ctx),
      'lag_high [critical]: orders at 0.3 > 30',
    );
  });
  it('lists unknown placeholders', () => {
    assert.deepEqual(templateProblems('{{ $value }} {{ .Labels.x }}'), ['unknown placeholder {{ .Labels.x }}; use $value, $threshold, $rule, $severity or $labels.NAME']);
    assert.deepEqual(templateProblems('plain text'), []);
  });
});
