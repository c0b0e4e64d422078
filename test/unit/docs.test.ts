// The README must document every error code, CLI flag and config key the code defines — and no stale codes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { TObject, TSchema } from '@sinclair/typebox';
import { AgentConfigSchema } from '../../agents/agent-config.js';
import { AGENT_HELP } from '../../cli/agent.js';
import { SERVE_HELP } from '../../cli/serve.js';
import { VERIFY_HELP } from '../../cli/verify.js';
import { REPORT_HELP } from '../../cli/report.js';
import { ConfigSchema } from '../../lib/config/schema.js';
import { TOKEN_ENV_VARS } from '../../lib/config/secrets.js';
import { ERROR_CATALOGUE } from '../../lib/errors.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

function keysOf(schema: TSchema, prefix: string, depth: number): string[] {
  const props = (schema as Partial<TObject>).properties;
  if (props === undefined || depth === 0) return [prefix];
  return Object.entries(props).flatMap(([k, s]) => keysOf(s, prefix === '' ? k : `${prefix}.${k}`, depth - 1));
}

describe('README stays in lockstep with the code', () => {
  it('documents every error code, and only those', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      assert.ok(README.includes(`| \`${code}\` | ${entry.httpStatus} |`), `README error table lacks ${code} (${entry.httpStatus})`);
    }
    const documented = [...README.matchAll(/^\| `(SW_[A-Z_]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual(documented.filter((c) => c !== undefined && !(c in ERROR_CATALOGUE)), []);
  });

  it('documents every CLI flag', () => {
    for (const help of [SERVE_HELP, AGENT_HELP, VERIFY_HELP, REPORT_HELP]) {
      for (const flag of Object.keys(help.flags)) assert.ok(README.includes(`| \`${flag}\` |`), `README lacks flag ${flag} of "${help.usage}"`);
    }
  });

  it('documents every config key and secret variable', () => {
    const keys = keysOf(ConfigSchema, '', 2).filter((k) => !k.startsWith('localAgent.agent.'));
    for (const key of keys) assert.ok(README.includes(`| \`${key}\` |`), `README lacks config key ${key}`);
    for (const key of keysOf(AgentConfigSchema, '', 1)) assert.ok(README.includes(`| \`${key}\` |`), `README lacks agent key ${key}`);
    for (const name of Object.keys(TOKEN_ENV_VARS)) assert.ok(README.includes(name), `README lacks ${name}`);
  });
});
