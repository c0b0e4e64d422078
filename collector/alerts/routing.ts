// Which receivers get an alert, and how its notifications are grouped and timed: a top-level route with
// optional child routes matched in order (the first match wins unless it says `continue`), as in Alertmanager.
import { Type, type Static } from '@sinclair/typebox';
import { LABEL_NAME_PATTERN } from '../../lib/protocol/ingest-batch.js';
import { matchesAll, parseMatchers } from './matchers.js';

const timing = {
  groupBy: Type.Array(Type.String({ pattern: LABEL_NAME_PATTERN }), { description: 'labels whose values form a group; alerts in one group share notifications' }),
  groupWaitMs: Type.Integer({ minimum: 0, description: 'wait before the first notification of a new group, to batch alerts that fire together' }),
  groupIntervalMs: Type.Integer({ minimum: 0, description: 'least time between two notifications of one group' }),
  repeatIntervalMs: Type.Integer({ minimum: 1000, description: 'an unchanged, unacknowledged firing group is notified again after this' }),
};

export const ChildRouteSchema = Type.Object(
  {
    matchers: Type.Array(Type.String({ minLength: 1, maxLength: 1000 }), { minItems: 1 }),
    receivers: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    groupBy: Type.Optional(timing.groupBy),
    groupWaitMs: Type.Optional(timing.groupWaitMs),
    groupIntervalMs: Type.Optional(timing.groupIntervalMs),
    repeatIntervalMs: Type.Optional(timing.repeatIntervalMs),
    continue: Type.Boolean({ default: false, description: 'also try the routes after this one' }),
  },
  { additionalProperties: false },
);

export const RouteSchema = Type.Object(
  {
    receivers: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'receivers of alerts no child route matches' }),
    groupBy: Type.Array(Type.String({ pattern: LABEL_NAME_PATTERN }), { default: ['alertname'] }),
    groupWaitMs: Type.Integer({ minimum: 0, default: 0 }),
    groupIntervalMs: Type.Integer({ minimum: 0, default: 1000 }),
    repeatIntervalMs: Type.Integer({ minimum: 1000, default: 4 * 3600 * 1000 }),
    routes: Type.Array(ChildRouteSchema, { default: [] }),
  },
  { additionalProperties: false, default: {} },
);
export type RouteConfig = Static<typeof RouteSchema>;

/** Where one alert's notifications go and how they are grouped and timed. */
export interface RouteTarget {
  readonly receiver: string;
  readonly groupBy: readonly string[];
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
}

export interface Router {
  /** The targets for an alert with these labels (empty: the alert is stored and pushed, not notified). */
  route(labels: Readonly<Record<string, string>>): RouteTarget[];
}

/** Builds a router from a checked route config. */
export function createRouter(config: RouteConfig): Router {
  const children = config.routes.map((r) => ({ ...r, parsed: parseMatchers(r.matchers) }));
  const targets = (receivers: readonly string[], r: Partial<RouteConfig>): RouteTarget[] =>
    receivers.map((receiver) => ({
      receiver,
      groupBy: r.groupBy ?? config.groupBy,
      groupWaitMs: r.groupWaitMs ?? config.groupWaitMs,
      groupIntervalMs: r.groupIntervalMs ?? config.groupIntervalMs,
      repeatIntervalMs: r.repeatIntervalMs ?? config.repeatIntervalMs,
    }));
  return {
    route(labels) {
      const out: RouteTarget[] = [];
      for (const child of children) {
        if (!matchesAll(child.parsed, labels)) continue;
        out.push(...targets(child.receivers, child));
        if (!child.continue) return out;
      }
      return out.length > 0 ? out : targets(config.receivers, {});
    },
  };
}

/** The group an alert belongs to for a target: Alertmanager-style `{}:{label="value",…}` with the receiver. */
export function groupKeyOf(target: RouteTarget, labels: Readonly<Record<string, string>>): { key: string; groupLabels: Record<string, string> } {
  const groupLabels: Record<string, string> = {};
  for (const name of target.groupBy) {
    const v = labels[name];
    if (v !== undefined) groupLabels[name] = v;
  }
  const inner = Object.entries(groupLabels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',');
  return { key: `${target.receiver}:{${inner}}`, groupLabels };
}
