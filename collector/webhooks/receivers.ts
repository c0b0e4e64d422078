// Webhook receivers as configured in `alerts.receivers`, and their resolved form with secrets read from the
// environment. A secret is kept out of every log line and API answer: only `hasSecret` is ever shown.
import { Type, type Static } from '@sinclair/typebox';
import { readSecretEnv } from '../../lib/config/secrets.js';
import { PAYLOAD_FORMATS, type PayloadFormat } from './payloads/registry.js';

/** Environment variable names that may hold a receiver secret. */
export const ENV_NAME_PATTERN = '^[A-Z_][A-Z0-9_]{0,127}$';

export const ReceiverSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,100}$' }),
    format: Type.Union(PAYLOAD_FORMATS.map((f) => Type.Literal(f)), { default: 'alertmanager' }),
    url: Type.String({ format: 'url' }),
    secret: Type.Optional(Type.String({ minLength: 16, description: 'HMAC key; prefer secretEnv so the file holds no secret' })),
    secretEnv: Type.Optional(Type.String({ pattern: ENV_NAME_PATTERN, description: 'environment variable holding the HMAC key' })),
    routingKey: Type.Optional(Type.String({ minLength: 1, description: 'PagerDuty integration key' })),
    routingKeyEnv: Type.Optional(Type.String({ pattern: ENV_NAME_PATTERN })),
    timeoutMs: Type.Integer({ minimum: 100, default: 5000, description: 'per attempt' }),
    giveUpAfterMs: Type.Integer({ minimum: 1000, default: 3_600_000, description: 'after this long undelivered, a notification is recorded as failed' }),
    backoff: Type.Object(
      {
        initialMs: Type.Integer({ minimum: 10, default: 1000 }),
        maxMs: Type.Integer({ minimum: 10, default: 60_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);
export type ReceiverConfig = Static<typeof ReceiverSchema>;

/** A receiver ready to deliver to: secrets resolved. */
export interface Receiver {
  readonly name: string;
  readonly format: PayloadFormat;
  readonly url: string;
  /** HMAC key; undefined sends unsigned (allowed for Slack and PagerDuty, which cannot check it). */
  readonly secret: string | undefined;
  readonly routingKey: string | undefined;
  readonly timeoutMs: number;
  readonly giveUpAfterMs: number;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
}

/** Problems with one receiver that the schema cannot express (names relative to the receiver). */
export function receiverProblems(r: ReceiverConfig, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  if (r.secret !== undefined && r.secretEnv !== undefined) problems.push('secret: give secret or secretEnv, not both');
  if (r.secretEnv !== undefined && readSecretEnv(r.secretEnv, env) === undefined) problems.push(`secretEnv: environment variable ${r.secretEnv} is not set`);
  if (r.format === 'alertmanager' && r.secret === undefined && r.secretEnv === undefined) {
    problems.push('secretEnv: a generic (alertmanager) receiver must have a signing secret (secretEnv or secret)');
  }
  if (r.format === 'pagerduty') {
    if (r.routingKey === undefined && r.routingKeyEnv === undefined) problems.push('routingKeyEnv: a pagerduty receiver needs routingKey or routingKeyEnv');
    if (r.routingKeyEnv !== undefined && readSecretEnv(r.routingKeyEnv, env) === undefined) problems.push(`routingKeyEnv: environment variable ${r.routingKeyEnv} is not set`);
  }
  if (r.backoff.maxMs < r.backoff.initialMs) problems.push('backoff.maxMs: must be at least backoff.initialMs');
  return problems;
}

/** Resolves secrets from the environment; the config has been checked by receiverProblems. */
export function resolveReceiver(r: ReceiverConfig, env: NodeJS.ProcessEnv): Receiver {
  return Object.freeze({
    name: r.name,
    format: r.format,
    url: r.url,
    secret: r.secret ?? (r.secretEnv === undefined ? undefined : readSecretEnv(r.secretEnv, env)),
    routingKey: r.routingKey ?? (r.routingKeyEnv === undefined ? undefined : readSecretEnv(r.routingKeyEnv, env)),
    timeoutMs: r.timeoutMs,
    giveUpAfterMs: r.giveUpAfterMs,
    backoff: { initialMs: r.backoff.initialMs, maxMs: r.backoff.maxMs },
  });
}
