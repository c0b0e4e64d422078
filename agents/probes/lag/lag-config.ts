// Config fields every lag probe shares (kind, name, pipeline, interval, timeout) and their defaults.
import { Type, type TLiteral, type TOptional, type TString, type TInteger } from '@sinclair/typebox';

/** Lag is an SRE's first question, so lag probes look once a second unless told otherwise. */
export const LAG_PROBE_DEFAULT_INTERVAL_MS = 1_000;

/** Same alphabet as pipeline names in the config's `pipelines` section. */
export const PIPELINE_NAME_PATTERN = '^[A-Za-z0-9_.:-]{1,100}$';

/** The TypeBox properties every lag probe schema starts with; spread them into `Type.Object`. */
export function lagProbeFields<K extends string>(kind: K): {
  kind: TLiteral<K>;
  name: TOptional<TString>;
  pipeline: TString;
  intervalMs: TOptional<TInteger>;
  timeoutMs: TOptional<TInteger>;
} {
  return {
    kind: Type.Literal(kind),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: `probe label; default "${kind}-<pipeline>"` })),
    pipeline: Type.String({ pattern: PIPELINE_NAME_PATTERN, description: 'pipeline name; the `pipeline` label of every point' }),
    intervalMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 3_600_000, description: 'default 1000' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000, description: 'connect and statement timeout; default the interval, within 1000–10000' })),
  };
}

/** The shared fields with defaults applied. */
export interface LagProbeSettings {
  readonly name: string;
  readonly pipeline: string;
  readonly intervalMs: number;
  /** Bound on connecting and on each statement or command, milliseconds. */
  readonly timeoutMs: number;
}

export function lagProbeSettings(kind: string, config: { readonly name?: string; readonly pipeline: string; readonly intervalMs?: number; readonly timeoutMs?: number }): LagProbeSettings {
  const intervalMs = config.intervalMs ?? LAG_PROBE_DEFAULT_INTERVAL_MS;
  return Object.freeze({
    name: config.name ?? `${kind}-${config.pipeline}`,
    pipeline: config.pipeline,
    intervalMs,
    // Tied to the interval so that one slow target cannot pile collections up, but never so short that a
    // healthy remote database fails its TLS handshake.
    timeoutMs: config.timeoutMs ?? Math.min(Math.max(intervalMs, 1_000), 10_000),
  });
}
