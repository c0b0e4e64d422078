// Alert rules in the config file: defaults, and every invalid rule rejected at start-up naming the rule and field.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../../../lib/config/load.js';
import { isSyncwatchError } from '../../../../lib/errors.js';

const ENV = { HOOK_SECRET: 'a-long-enough-secret-value', PD_KEY: 'pd-routing-key' };

function problemsOf(alerts: unknown, env: NodeJS.ProcessEnv = ENV): string[] {
  try {
    validateConfig({ alerts }, 'test.yaml', env);
  } catch (err) {
    assert.ok(isSyncwatchError(err) && err.code === 'SW_CONFIG_INVALID', String(err));
    return err.message.split('\n').slice(1);
  }
  assert.fail('expected a config error');
}

const threshold = { kind: 'threshold', name: 'lag_high', metric: 'pg_replay_lag_seconds', op: '>', threshold: 30 };

describe('alerts config', () => {
  it('is empty by default and fills rule, receiver and route defaults', () => {
    assert.deepEqual(validateConfig({}, 't').alerts.rules, []);
    const c = validateConfig({
      alerts: {
        rules: [threshold, { kind: 'kafka_window', name: 'kafka_stalled' }, { kind: 'verification_drift', name: 'drift' }],
        receivers: [{ name: 'hook', url: 'http://127.0.0.1:9/hook', secretEnv: 'HOOK_SECRET' }],
        route: { receivers: ['hook'] },
      },
    }, 't', ENV).alerts;
    assert.deepEqual(c.rules[0], { ...threshold, matchers: [], severity: 'warning', labels: {}, annotations: {}, forMs: 0 });
    assert.deepEqual(c.rules[1], { kind: 'kafka_window', name: 'kafka_stalled', metric: 'kafka_partition_window_status', states: ['STALL', 'STOP'], matchers: [], severity: 'warning', labels: {}, annotations: {}, forMs: 0 });
    assert.equal(c.rules[2]?.kind === 'verification_drift' ? c.rules[2].minDifferences : -1, 1);
    assert.equal(c.receivers[0]?.format, 'alertmanager');
    assert.deepEqual(c.receivers[0].backoff, { initialMs: 1000, maxMs: 60_000 });
    assert.deepEqual({ ...c.route, routes: undefined }, { receivers: ['hook'], groupBy: ['alertname'], groupWaitMs: 0, groupIntervalMs: 1000, repeatIntervalMs: 14_400_000, routes: undefined });
  });

  it('names the rule and the field for a schema problem, explained by the rule kind', () => {
    const problems = problemsOf({
      rules: [
        { ...threshold, threshold: 'thirty' },
        { kind: 'absence', name: 'agent_silent', metric: 'syncwatch_probe_up', silentForMs: 0, op: '>' },
        { kind: 'sometimes', name: 'weird' },
        { ...threshold, name: 'bad name!' },
      ],
    });
    assert.ok(problems.includes('alerts.rules[0] (lag_high).threshold: must be number'), problems.join('\n'));
    assert.ok(problems.includes('alerts.rules[1] (agent_silent).op: unknown key'), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('alerts.rules[1] (agent_silent).silentForMs: ')), problems.join('\n'));
    assert.ok(problems.includes('alerts.rules[2] (weird).kind: must be one of threshold, absence, rate, kafka_window, verification_drift'), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('alerts.rules[3] (bad name!).name: ')), problems.join('\n'));
    // Fields with defaults are not reported missing just because the rule was invalid elsewhere.
    assert.ok(!problems.some((p) => /matchers|severity|forMs/.test(p)), problems.join('\n'));
  });

  it('checks what the schema cannot: hysteresis direction, matchers, templates, duplicates, reserved labels', () => {
    const problems = problemsOf({
      rules: [
        { ...threshold, resolveThreshold: 40, matchers: ['pipeline=~"("', 'nonsense'], annotations: { summary: 'lag {{ $value }} on {{ $labels.pipeline }} {{ $nope }}' } },
        { ...threshold, op: '<', resolveThreshold: 10 },
        { ...threshold, name: 'eq', op: '==', resolveThreshold: 30 },
        { kind: 'rate', name: 'lag_high', metric: 'm', op: '>', threshold: 0, windowMs: 10_000, labels: { severity: 'x' } },
      ],
    });
    assert.deepEqual(problems, [
      'alerts.rules[0] (lag_high).matchers[0]: invalid regex in matcher "pipeline=~\\"(\\"": Invalid regular expression: /^(?:()$/: Unterminated group',
      'alerts.rules[0] (lag_high).matchers[1]: cannot parse matcher "nonsense"; use label="value", label!="value", label=~"regex" or label!~"regex"',
      'alerts.rules[0] (lag_high).annotations.summary: unknown placeholder {{ $nope }}; use $value, $threshold, $rule, $severity or $labels.NAME',
      'alerts.rules[0] (lag_high).resolveThreshold: must be at most threshold (30) for op >, got 40',
      'alerts.rules[1] (lag_high).name: duplicate of alerts.rules[0]',
      'alerts.rules[1] (lag_high).resolveThreshold: must be at least threshold (30) for op <, got 10',
      'alerts.rules[2] (eq).resolveThreshold: hysteresis needs an ordering operator (>, >=, <, <=), not ==',
      'alerts.rules[3] (lag_high).name: duplicate of alerts.rules[0]',
      'alerts.rules[3] (lag_high).labels.severity: is set from the rule\'s severity; remove it here',
    ]);
  });

  it('checks receivers and routes: secrets present, formats complete, receivers known', () => {
    const problems = problemsOf({
      receivers: [
        { name: 'hook', url: 'http://127.0.0.1:9/', secretEnv: 'MISSING_SECRET' },
        { name: 'plain', url: 'http://127.0.0.1:9/' },
        { name: 'pd', format: 'pagerduty', url: 'http://127.0.0.1:9/' },
        { name: 'hook', format: 'slack', url: 'not a url' },
      ],
      route: { receivers: ['hook', 'nobody'], routes: [{ matchers: ['severity="critical"'], receivers: ['pd', 'ghost'] }] },
    });
    assert.ok(problems.includes('alerts.receivers[3] (hook).url: must be a URL'), problems.join('\n'));
    const second = problemsOf({
      receivers: [
        { name: 'hook', url: 'http://127.0.0.1:9/', secretEnv: 'MISSING_SECRET' },
        { name: 'plain', url: 'http://127.0.0.1:9/' },
        { name: 'pd', format: 'pagerduty', url: 'http://127.0.0.1:9/' },
        { name: 'hook', format: 'slack', url: 'http://127.0.0.1:9/' },
      ],
      route: { receivers: ['hook', 'nobody'], routes: [{ matchers: ['severity="critical"'], receivers: ['pd', 'ghost'] }] },
    });
    assert.deepEqual(second, [
      'alerts.receivers[0] (hook).secretEnv: environment variable MISSING_SECRET is not set',
      'alerts.receivers[1] (plain).secretEnv: a generic (alertmanager) receiver must have a signing secret (secretEnv or secret)',
      'alerts.receivers[2] (pd).routingKeyEnv: a pagerduty receiver needs routingKey or routingKeyEnv',
      'alerts.receivers[3] (hook).name: duplicate of alerts.receivers[0]',
      'alerts.route.receivers[1]: unknown receiver "nobody"; configured: hook, plain, pd',
      'alerts.route.routes[0].receivers[1]: unknown receiver "ghost"; configured: hook, plain, pd',
    ]);
  });
});
