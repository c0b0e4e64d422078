// Alert rules as written in the `alerts.rules` list of the config file: a union discriminated by `kind`.
// The schema is the single source of the Rule types; semantic checks the schema cannot express (hysteresis
// direction, matcher syntax, template placeholders) live in config-check.ts.
import { Type, type Static, type TLiteral } from '@sinclair/typebox';
import { KAFKA_WINDOW_METRIC, KAFKA_WINDOW_STATES } from '../../lib/protocol/kafka-window.js';
import { LABEL_NAME_PATTERN, METRIC_NAME_PATTERN } from '../../lib/protocol/ingest-batch.js';

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const COMPARISON_OPS = ['>', '>=', '<', '<=', '==', '!='] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

export const RULE_KINDS = ['threshold', 'absence', 'rate', 'kafka_window', 'verification_drift'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** Points the verifier emits per pair after a run: the number of confirmed differences (0 when consistent). */
export const DRIFT_METRIC = 'syncwatch_verification_confirmed_differences';

/** Alert names become the `alertname` label, so they follow label-value conventions of Prometheus rule names. */
export const RULE_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_:]{0,99}$';

const literals = <T extends string>(values: readonly T[]): TLiteral<T>[] => values.map((v) => Type.Literal(v));

const Labels = Type.Record(Type.String({ pattern: LABEL_NAME_PATTERN }), Type.String({ maxLength: 1000 }), { default: {} });

/** Fields every rule kind has. */
const common = {
  name: Type.String({ pattern: RULE_NAME_PATTERN, description: 'becomes the alertname label' }),
  matchers: Type.Array(Type.String({ minLength: 1, maxLength: 1000 }), { default: [], description: 'label matchers: pipeline="orders", host=~"db-.*"' }),
  severity: Type.Union(literals(SEVERITIES), { default: 'warning' }),
  labels: Labels,
  annotations: Type.Record(Type.String({ pattern: LABEL_NAME_PATTERN }), Type.String({ maxLength: 4000 }), {
    default: {},
    description: 'templated: {{ $labels.NAME }}, {{ $value }}, {{ $threshold }}, {{ $rule }}, {{ $severity }}',
  }),
};
const Metric = Type.String({ pattern: METRIC_NAME_PATTERN });
const ForMs = Type.Integer({ minimum: 0, default: 0, description: 'how long the condition must hold before the alert fires' });
const Op = Type.Union(literals(COMPARISON_OPS));

export const ThresholdRuleSchema = Type.Object(
  {
    kind: Type.Literal('threshold'),
    ...common,
    metric: Metric,
    op: Op,
    threshold: Type.Number(),
    resolveThreshold: Type.Optional(Type.Number({ description: 'hysteresis: resolves only once the value no longer breaches this' })),
    forMs: ForMs,
  },
  { additionalProperties: false },
);

export const AbsenceRuleSchema = Type.Object(
  {
    kind: Type.Literal('absence'),
    ...common,
    metric: Metric,
    silentForMs: Type.Integer({ minimum: 1, description: 'fires when a series has sent no point for this long' }),
    by: Type.Optional(Type.Array(Type.String({ pattern: LABEL_NAME_PATTERN }), { minItems: 1, description: 'labels that identify a source; default: all labels' })),
  },
  { additionalProperties: false },
);

export const RateRuleSchema = Type.Object(
  {
    kind: Type.Literal('rate'),
    ...common,
    metric: Metric,
    op: Op,
    threshold: Type.Number({ description: 'change per second' }),
    resolveThreshold: Type.Optional(Type.Number()),
    windowMs: Type.Integer({ minimum: 1000, description: 'the change is measured over this window' }),
    forMs: ForMs,
  },
  { additionalProperties: false },
);

export const KafkaWindowRuleSchema = Type.Object(
  {
    kind: Type.Literal('kafka_window'),
    ...common,
    metric: Type.String({ pattern: METRIC_NAME_PATTERN, default: KAFKA_WINDOW_METRIC }),
    states: Type.Array(Type.Union(literals(KAFKA_WINDOW_STATES)), { minItems: 1, default: ['STALL', 'STOP'] }),
    forMs: ForMs,
  },
  { additionalProperties: false },
);

export const DriftRuleSchema = Type.Object(
  {
    kind: Type.Literal('verification_drift'),
    ...common,
    metric: Type.String({ pattern: METRIC_NAME_PATTERN, default: DRIFT_METRIC }),
    minDifferences: Type.Integer({ minimum: 1, default: 1 }),
  },
  { additionalProperties: false },
);

export const RuleSchema = Type.Union([ThresholdRuleSchema, AbsenceRuleSchema, RateRuleSchema, KafkaWindowRuleSchema, DriftRuleSchema]);

export type ThresholdRule = Static<typeof ThresholdRuleSchema>;
export type AbsenceRule = Static<typeof AbsenceRuleSchema>;
export type RateRule = Static<typeof RateRuleSchema>;
export type KafkaWindowRule = Static<typeof KafkaWindowRuleSchema>;
export type DriftRule = Static<typeof DriftRuleSchema>;
/** One alert rule; `kind` discriminates. */
export type Rule = Static<typeof RuleSchema>;

/** `value op threshold`. */
export function compare(value: number, op: ComparisonOp, threshold: number): boolean {
  switch (op) {
    case '>': return value > threshold;
    case '>=': return value >= threshold;
    case '<': return value < threshold;
    case '<=': return value <= threshold;
    case '==': return value === threshold;
    case '!=': return value !== threshold;
  }
}

/** The rule's `for` duration (absence and drift rules fire as soon as their condition holds). */
export function forMsOf(rule: Rule): number {
  switch (rule.kind) {
    case 'threshold':
    case 'rate':
    case 'kafka_window':
      return rule.forMs;
    case 'absence':
    case 'verification_drift':
      return 0;
  }
}

/** The figure a summary's `{{ $threshold }}` prints, when the rule has one. */
export function thresholdOf(rule: Rule): number | undefined {
  switch (rule.kind) {
    case 'threshold':
    case 'rate':
      return rule.threshold;
    case 'absence':
      return rule.silentForMs / 1000;
    case 'verification_drift':
      return rule.minDifferences;
    case 'kafka_window':
      return undefined;
  }
}
