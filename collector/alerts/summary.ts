// Annotations of an alert at a transition: the rule's templates rendered, plus a default summary per rule kind
// for rules that do not write their own.
import type { AlertRecord } from './alert-record.js';
import type { Rule } from './rules.js';
import { formatValue, renderTemplate } from './template.js';
import { thresholdOf } from './rules.js';

function describeSeries(series: Readonly<Record<string, string>>): string {
  const parts = Object.entries(series).map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

function defaultSummary(rule: Rule, value: number, series: Readonly<Record<string, string>>): string {
  const where = describeSeries(series);
  switch (rule.kind) {
    case 'threshold':
      return `${rule.metric} is ${formatValue(value)}, ${rule.op} ${formatValue(rule.threshold)}${where}`;
    case 'rate':
      return `${rule.metric} changes by ${formatValue(value)}/s, ${rule.op} ${formatValue(rule.threshold)}/s over ${rule.windowMs / 1000} s${where}`;
    case 'absence':
      return `no ${rule.metric} for ${formatValue(value)} s${where}`;
    case 'kafka_window':
      return `Kafka consumer window is ${rule.states.join('/')}${where}`;
    case 'verification_drift':
      return `verification found ${formatValue(value)} confirmed differences${where}`;
  }
}

/** Renders the rule's annotations for the alert's current state (value 0 while inactive). */
export function renderAnnotations(rule: Rule, alert: Pick<AlertRecord, 'labels' | 'series' | 'state'>): Record<string, string> {
  const value = alert.state.kind === 'inactive' ? 0 : alert.state.value;
  const ctx = { labels: alert.labels, value, threshold: thresholdOf(rule), rule: rule.name, severity: rule.severity };
  const out: Record<string, string> = {};
  for (const [name, template] of Object.entries(rule.annotations)) out[name] = renderTemplate(template, ctx);
  out['summary'] ??= defaultSummary(rule, value, alert.series);
  return out;
}
