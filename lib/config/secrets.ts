// The only reader of secret environment variables: SYNCWATCH_<ROLE>_TOKEN each add one token of that role.
import type { Role } from './schema.js';

export const TOKEN_ENV_VARS = {
  SYNCWATCH_ADMIN_TOKEN: 'admin',
  SYNCWATCH_AGENT_TOKEN: 'agent',
  SYNCWATCH_VIEWER_TOKEN: 'viewer',
  SYNCWATCH_AUDITOR_TOKEN: 'auditor',
} as const satisfies Record<string, Role>;

export interface PlainToken {
  readonly name: string;
  readonly role: Role;
  readonly token: string;
}

export function tokensFromEnv(env: NodeJS.ProcessEnv = process.env): PlainToken[] {
  const out: PlainToken[] = [];
  for (const [name, role] of Object.entries(TOKEN_ENV_VARS)) {
    const token = env[name];
    if (token !== undefined && token !== '') out.push({ name: `env:${name}`, role, token });
  }
  return out;
}

/** A secret named in the config by its environment variable (webhook keys); undefined when unset or empty. */
export function readSecretEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}
