// The `alerts:` section of the config file (rules, receivers, route) and the checks the schema cannot express,
// reported one line per problem as `alerts.rules[2] (lag_high).resolveThreshold: …`.
import { Type, type Static } from '@sinclair/typebox';
import { ReceiverSchema, receiverProblems } from '../webhooks/receivers.js';
import { parseMatcher } from './matchers.js';
import { RouteSchema } from './routing.js';
import { RuleSchema, type Rule } from './rules.js';
import { templateProblems } from './template.js';

export const AlertsConfigSchema = Type.Object(
  {
    sweepIntervalMs: Type.Integer({ minimum: 100, default: 1000, description: 'absence rules, pending `for` promotion and repeats are checked this often' }),
    externalUrl: Type.Optional(Type.String({ format: 'url', description: 'base URL receivers link back to; default: the server URL' })),
    rules: Type.Array(RuleSchema, { default: [] }),
    receivers: Type.Array(ReceiverSchema, { default: [] }),
    route: RouteSchema,
  },
  { additionalProperties: false, default: {} },
);
export type AlertsConfig = Static<typeof AlertsConfigSchema>;

function matcherProblems(where: string, texts: readonly string[]): string[] {
  return texts.flatMap((t, i) => {
    const parsed = parseMatcher(t);
    return typeof parsed === 'string' ? [`${where}[${i}]: ${parsed}`] : [];
  });
}

function ruleProblems(rule: Rule): string[] {
  const problems = matcherProblems('matchers', rule.matchers);
  for (const [name, text] of Object.entries(rule.annotations)) problems.push(...templateProblems(text).map((p) => `annotations.${name}: ${p}`));
  for (const reserved of ['alertname', 'severity']) if (reserved in rule.labels) problems.push(`labels.${reserved}: is set from the rule's ${reserved === 'alertname' ? 'name' : 'severity'}; remove it here`);
  if ((rule.kind === 'threshold' || rule.kind === 'rate') && rule.resolveThreshold !== undefined) {
    const { op, threshold: t, resolveThreshold: r } = rule;
    if (op === '==' || op === '!=') problems.push(`resolveThreshold: hysteresis needs an ordering operator (>, >=, <, <=), not ${op}`);
    else if ((op === '>' || op === '>=') && r > t) problems.push(`resolveThreshold: must be at most threshold (${t}) for op ${op}, got ${r}`);
    else if ((op === '<' || op === '<=') && r < t) problems.push(`resolveThreshold: must be at least threshold (${t}) for op ${op}, got ${r}`);
  }
  return problems;
}

/** Every semantic problem of a schema-valid alerts section, as `alerts.…: message` lines. */
export function alertsConfigProblems(alerts: AlertsConfig, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const seenRules = new Map<string, number>();
  alerts.rules.forEach((rule, i) => {
    const where = `alerts.rules[${i}] (${rule.name})`;
    const earlier = seenRules.get(rule.name);
    if (earlier !== undefined) problems.push(`${where}.name: duplicate of alerts.rules[${earlier}]`);
    else seenRules.set(rule.name, i);
    problems.push(...ruleProblems(rule).map((p) => `${where}.${p}`));
  });
  const receivers = new Map<string, number>();
  alerts.receivers.forEach((r, i) => {
    const where = `alerts.receivers[${i}] (${r.name})`;
    const earlier = receivers.get(r.name);
    if (earlier !== undefined) problems.push(`${where}.name: duplicate of alerts.receivers[${earlier}]`);
    else receivers.set(r.name, i);
    problems.push(...receiverProblems(r, env).map((p) => `${where}.${p}`));
  });
  const unknownReceivers = (where: string, names: readonly string[]): string[] =>
    names.flatMap((n, i) => (receivers.has(n) ? [] : [`${where}[${i}]: unknown receiver ${JSON.stringify(n)}; configured: ${[...receivers.keys()].join(', ') || '(none)'}`]));
  problems.push(...unknownReceivers('alerts.route.receivers', alerts.route.receivers));
  alerts.route.routes.forEach((r, i) => {
    problems.push(...matcherProblems(`alerts.route.routes[${i}].matchers`, r.matchers));
    problems.push(...unknownReceivers(`alerts.route.routes[${i}].receivers`, r.receivers));
  });
  return problems;
}
