// The alert engine: feeds ingested points to the state machine of each (rule, label set) and reports every
// transition through `emit`. It is synchronous and in-memory; storing, pushing and notifying are the caller's
// (alerting.ts). Points are looked up by metric name, so a point no rule mentions costs one map lookup, and
// within a metric by the rules' equality matchers (rule-index.ts).
import type { Point } from '../../lib/protocol/ingest-batch.js';
import { fingerprintOf, labelsKey, type AlertEventKind, type AlertRecord } from './alert-record.js';
import { levelOf, pushRate, type RateHistory } from './conditions.js';
import { matchesAll, parseMatchers, type Matcher } from './matchers.js';
import { RuleIndex } from './rule-index.js';
import { forMsOf, type Rule } from './rules.js';
import { INACTIVE, isActive, step, type AlertState, type Observation } from './state-machine.js';
import { renderAnnotations } from './summary.js';

export interface AlertEvent {
  readonly kind: AlertEventKind;
  /** Epoch ms: the observation's time for transitions, the clock's for acknowledgements and sweeps. */
  readonly at: number;
  readonly alert: AlertRecord;
  /** Who acknowledged, for `acknowledged`. */
  readonly actor?: string;
}

interface Series {
  record: AlertRecord;
  /** Rate rules: recent samples. */
  readonly history?: RateHistory;
  /** Absence rules: collector time of the last point. */
  lastSeen?: number;
}

interface CompiledRule {
  readonly rule: Rule;
  readonly matchers: readonly Matcher[];
  readonly forMs: number;
  /** Label set key → series; calm threshold series are not kept, rate and absence series are. */
  readonly series: Map<string, Series>;
}

/** Resolved alerts kept for GET /api/v1/alerts?state=resolved; older ones are in ClickHouse. */
const RECENT_RESOLVED = 500;

export type AckResult = { readonly kind: 'ok'; readonly alert: AlertRecord } | { readonly kind: 'not_found' } | { readonly kind: 'not_active'; readonly alert: AlertRecord };

export class AlertEngine {
  readonly #rules: readonly CompiledRule[];
  readonly #byMetric = new Map<string, RuleIndex<CompiledRule>>();
  readonly #byName = new Map<string, CompiledRule>();
  readonly #byId = new Map<string, { readonly cr: CompiledRule; readonly key: string }>();
  readonly #resolved: AlertRecord[] = [];
  readonly #emit: (e: AlertEvent) => void;

  /** `rules` have passed the config checks. */
  constructor(rules: readonly Rule[], emit: (e: AlertEvent) => void) {
    this.#emit = emit;
    this.#rules = rules.map((rule) => ({ rule, matchers: parseMatchers(rule.matchers), forMs: forMsOf(rule), series: new Map<string, Series>() }));
    for (const cr of this.#rules) {
      this.#byName.set(cr.rule.name, cr);
      let index = this.#byMetric.get(cr.rule.metric);
      if (index === undefined) this.#byMetric.set(cr.rule.metric, (index = new RuleIndex()));
      index.add(cr);
    }
  }

  /** Evaluates accepted points; point time drives `for` and rates, `receivedAt` (collector time) drives absence. */
  observe(points: readonly Point[], receivedAt: number): void {
    for (const p of points) {
      const index = this.#byMetric.get(p.metric);
      if (index === undefined) continue;
      // The label-set key is computed once per point, and only when some rule matches it.
      let key: string | undefined;
      index.candidates(p.labels, (cr) => {
        if (!matchesAll(cr.matchers, p.labels)) return;
        key ??= labelsKey(p.labels);
        this.#observeOne(cr, p, key, receivedAt);
      });
    }
  }

  #observeOne(cr: CompiledRule, p: Point, key: string, receivedAt: number): void {
    const rule = cr.rule;
    if (rule.kind === 'absence') {
      const s = this.#seriesFor(cr, seriesLabels(rule, p.labels));
      s.lastSeen = Math.max(s.lastSeen ?? 0, receivedAt);
      if (s.record.state.kind === 'firing') this.#apply(cr, s, { kind: 'level', level: 'resolve', at: receivedAt, value: 0 });
      return;
    }
    let s = cr.series.get(key);
    let rate: number | undefined;
    if (rule.kind === 'rate') {
      s ??= this.#seriesFor(cr, p.labels);
      if (s.history === undefined) return;
      rate = pushRate(s.history, p.ts, p.value, rule.windowMs);
    }
    const level = levelOf(rule, p.value, rate);
    if (s === undefined && level !== 'fire') return;
    s ??= this.#seriesFor(cr, p.labels);
    this.#apply(cr, s, { kind: 'level', level, at: p.ts, value: rate ?? p.value });
  }

  /** Absence rules fire for silent series; pending alerts whose `for` elapsed fire. Call about once a second. */
  sweep(now: number): void {
    for (const cr of this.#rules) {
      const rule = cr.rule;
      for (const s of cr.series.values()) {
        if (rule.kind === 'absence') {
          const silentMs = now - (s.lastSeen ?? now);
          if (silentMs >= rule.silentForMs && s.record.state.kind !== 'firing') this.#apply(cr, s, { kind: 'level', level: 'fire', at: now, value: silentMs / 1000 });
        } else if (s.record.state.kind === 'pending') {
          this.#apply(cr, s, { kind: 'tick', at: now });
        }
      }
    }
  }

  /** Makes an absence rule track a label set seen before a restart, as if seen at `at`. */
  seen(ruleName: string, labels: Readonly<Record<string, string>>, at: number): void {
    const cr = this.#byName.get(ruleName);
    if (cr?.rule.kind !== 'absence' || !matchesAll(cr.matchers, labels)) return;
    const s = this.#seriesFor(cr, seriesLabels(cr.rule, labels));
    s.lastSeen = Math.max(s.lastSeen ?? 0, at);
  }

  /**
   * Takes back alerts stored before a restart. An active alert whose rule is no longer configured can never
   * resolve by itself, so it is resolved now (and notified) rather than left firing forever.
   */
  restore(records: readonly AlertRecord[], now: number): void {
    for (const r of records) {
      const cr = this.#byName.get(r.rule);
      if (cr === undefined) {
        if (r.state.kind === 'firing') {
          const state: AlertState = { kind: 'resolved', activeAt: r.state.activeAt, firedAt: r.state.firedAt, resolvedAt: now, updatedAt: now, value: r.state.value };
          this.#emit({ kind: 'resolved', at: now, alert: { ...r, state, ack: undefined } });
        }
        continue;
      }
      if (!isActive(r.state)) continue;
      const s = this.#seriesFor(cr, r.series);
      s.record = { ...s.record, state: r.state, annotations: r.annotations, ack: r.ack };
      if (cr.rule.kind === 'absence') s.lastSeen ??= now;
    }
  }

  acknowledge(id: string, by: string, at: number): AckResult {
    const found = this.#byId.get(id);
    const s = found === undefined ? undefined : found.cr.series.get(found.key);
    if (s === undefined) {
      const resolved = this.#resolved.find((r) => r.id === id);
      return resolved === undefined ? { kind: 'not_found' } : { kind: 'not_active', alert: resolved };
    }
    if (!isActive(s.record.state)) return { kind: 'not_active', alert: s.record };
    s.record = { ...s.record, ack: { by, at } };
    this.#emit({ kind: 'acknowledged', at, alert: s.record, actor: by });
    return { kind: 'ok', alert: s.record };
  }

  /** Pending and firing alerts, then recently resolved ones (newest first). */
  list(): AlertRecord[] {
    const active: AlertRecord[] = [];
    for (const cr of this.#rules) for (const s of cr.series.values()) if (isActive(s.record.state)) active.push(s.record);
    return [...active, ...[...this.#resolved].reverse()];
  }

  get(id: string): AlertRecord | undefined {
    const found = this.#byId.get(id);
    return (found === undefined ? undefined : found.cr.series.get(found.key)?.record) ?? this.#resolved.find((r) => r.id === id);
  }

  #seriesFor(cr: CompiledRule, series: Readonly<Record<string, string>>): Series {
    const key = labelsKey(series);
    let s = cr.series.get(key);
    if (s !== undefined) return s;
    const rule = cr.rule;
    const labels = { ...series, ...rule.labels, alertname: rule.name, severity: rule.severity };
    const id = fingerprintOf(labels);
    const record: AlertRecord = { id, rule: rule.name, severity: rule.severity, series: { ...series }, labels, annotations: {}, state: INACTIVE, ack: undefined };
    s = rule.kind === 'rate' ? { record, history: { ts: [], values: [] } } : { record };
    cr.series.set(key, s);
    this.#byId.set(id, { cr, key });
    return s;
  }

  #apply(cr: CompiledRule, s: Series, obs: Observation): void {
    const result = step(s.record.state, obs, cr.forMs);
    if (result.transition === undefined) {
      s.record = { ...s.record, state: result.state };
      return;
    }
    const ended = result.transition === 'resolved' || result.transition === 'cancelled';
    const next: AlertRecord = { ...s.record, state: result.state, ack: ended ? undefined : s.record.ack };
    const record = { ...next, annotations: renderAnnotations(cr.rule, next) };
    this.#emit({ kind: result.transition, at: obs.at, alert: record });
    if (result.transition === 'resolved') {
      this.#resolved.push(record);
      if (this.#resolved.length > RECENT_RESOLVED) this.#resolved.shift();
    }
    if (!ended) {
      s.record = record;
      return;
    }
    // The episode is over: keep history-bearing series (rate, absence) at rest, forget the rest.
    if (s.history !== undefined || cr.rule.kind === 'absence') s.record = { ...record, state: INACTIVE };
    else {
      cr.series.delete(labelsKey(record.series));
      this.#byId.delete(record.id);
    }
  }
}

/** The labels that identify a series for a rule: all of them, or an absence rule's `by` subset. */
function seriesLabels(rule: Rule, labels: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  if (rule.kind !== 'absence' || rule.by === undefined) return labels;
  const out: Record<string, string> = {};
  for (const name of rule.by) {
    const v = labels[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}
