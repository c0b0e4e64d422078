// Finds the rules a point may match without trying each one: rules are filed under the value of their first
// equality matcher (e.g. pipeline="orders"), so a point is checked against the rules filed under its own label
// values plus the rules that have no equality matcher. With 1000 rules on one metric, one per pipeline, a point
// costs a few map lookups instead of 1000 matcher checks.
import type { Matcher } from './matchers.js';

export class RuleIndex<T extends { readonly matchers: readonly Matcher[] }> {
  /** label → value → rules whose first `=` matcher is label="value". */
  readonly #byLabel = new Map<string, Map<string, T[]>>();
  /** Rules without an equality matcher: always candidates. */
  readonly #scan: T[] = [];

  add(rule: T): void {
    const eq = rule.matchers.find((m) => m.op === '=');
    if (eq === undefined) {
      this.#scan.push(rule);
      return;
    }
    let byValue = this.#byLabel.get(eq.label);
    if (byValue === undefined) this.#byLabel.set(eq.label, (byValue = new Map<string, T[]>()));
    const list = byValue.get(eq.value);
    if (list === undefined) byValue.set(eq.value, [rule]);
    else list.push(rule);
  }

  /** Calls `visit` for every rule that may match `labels` (a superset of the matching ones). */
  candidates(labels: Readonly<Record<string, string>>, visit: (rule: T) => void): void {
    for (const [label, byValue] of this.#byLabel) {
      const list = byValue.get(labels[label] ?? '');
      if (list !== undefined) for (const r of list) visit(r);
    }
    for (const r of this.#scan) visit(r);
  }
}
