// A rule's condition: a value (and for rate rules, the series' recent history) → a Level for the state machine.
// Hysteresis: a rule fires when `value op threshold` and resolves only when `value op resolveThreshold` no
// longer holds; between the two the level is `hold`.
import { kafkaWindowState } from '../../lib/protocol/kafka-window.js';
import { compare, type ComparisonOp, type Rule } from './rules.js';
import type { Level } from './state-machine.js';

/** Recent samples of one series, oldest first, for rate rules. */
export interface RateHistory {
  readonly ts: number[];
  readonly values: number[];
}

/** Fire / hold / resolve for a comparison with an optional resolve threshold. */
export function thresholdLevel(value: number, op: ComparisonOp, threshold: number, resolveThreshold: number | undefined): Level {
  if (compare(value, op, threshold)) return 'fire';
  if (resolveThreshold !== undefined && compare(value, op, resolveThreshold)) return 'hold';
  return 'resolve';
}

/**
 * Adds a sample and returns the change per second over the rule's window: from the newest sample at least
 * `windowMs` older than this one, to this one. Undefined until the history spans a whole window, so a
 * series that just appeared neither fires nor resolves on two close samples.
 */
export function pushRate(history: RateHistory, ts: number, value: number, windowMs: number): number | undefined {
  const last = history.ts.at(-1);
  if (last !== undefined && ts <= last) return undefined;
  history.ts.push(ts);
  history.values.push(value);
  // Keep exactly one sample at or before the window start (the base) and everything after it.
  let base = -1;
  for (let i = 0; i < history.ts.length; i++) {
    if ((history.ts[i] ?? 0) <= ts - windowMs) base = i;
    else break;
  }
  if (base > 0) {
    history.ts.splice(0, base);
    history.values.splice(0, base);
  }
  if (base < 0) return undefined;
  const t0 = history.ts[0] ?? ts;
  const v0 = history.values[0] ?? value;
  return ((value - v0) * 1000) / (ts - t0);
}

/** The level of one observed value for a rule; `rate` is the change per second for rate rules. */
export function levelOf(rule: Rule, value: number, rate: number | undefined): Level {
  switch (rule.kind) {
    case 'threshold':
      return thresholdLevel(value, rule.op, rule.threshold, rule.resolveThreshold);
    case 'rate':
      return rate === undefined ? 'hold' : thresholdLevel(rate, rule.op, rule.threshold, rule.resolveThreshold);
    case 'kafka_window': {
      const state = kafkaWindowState(value);
      if (state === undefined) return 'hold';
      return rule.states.includes(state) ? 'fire' : 'resolve';
    }
    case 'verification_drift':
      return value >= rule.minDifferences ? 'fire' : 'resolve';
    case 'absence':
      // A point arriving is the opposite of absence.
      return 'resolve';
  }
}
