// docker-compose.yml against what the tests run: every syncwatch service runs `serve` with a role's flags from
// deploy/roles.json (which test/fault/scale-out.test.ts and test/integration/roles-*.test.ts start) and the config
// file those tests load, or `agent` with flags the agent accepts and a config file that validates. Only
// place-specific flags (addresses, directories) may differ — no drift between compose and tested configuration.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { AgentConfigSchema } from '../../agents/agent-config.js';
import { AGENT_HELP } from '../../cli/agent.js';
import { SERVE_HELP, parseRoles } from '../../cli/serve.js';
import { loadConfig, loadYamlFile } from '../../lib/config/load.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const PLACE_FLAGS = new Set(['--host', '--port', '--data-dir', '--kafka-brokers', '--clickhouse-url', '--config']);

interface Service {
  readonly image?: string;
  readonly command?: string[] | string;
  readonly healthcheck?: { readonly test?: unknown };
  readonly depends_on?: Record<string, { condition?: string }>;
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const roles = JSON.parse(readFileSync(join(ROOT, 'deploy', 'roles.json'), 'utf8')) as Record<string, unknown>;
const ROLE_ARGS = Object.fromEntries(Object.entries(roles).filter((e): e is [string, string[]] => Array.isArray(e[1])));
/** Sources of the tests that start scale-out roles: a role counts as tested when one of them starts it. */
const testSources = [
  readFileSync(join(ROOT, 'test', 'fault', 'scale-out.test.ts'), 'utf8'),
  ...readdirSync(join(ROOT, 'test', 'integration')).filter((f) => f.startsWith('roles-') && f.endsWith('.test.ts')).map((f) => readFileSync(join(ROOT, 'test', 'integration', f), 'utf8')),
].join('\n');

/** The syncwatch invocation of a service: its arguments after ./bin/syncwatch, or undefined for other images' services. */
function syncwatchArgs(s: Service): string[] | undefined {
  if (!Array.isArray(s.command) || s.command[0] !== './bin/syncwatch') return undefined;
  return s.command.slice(1);
}

function flagValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

function withoutPlaceFlags(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (PLACE_FLAGS.has(a)) i++;
    else out.push(a);
  }
  return out;
}

describe('docker-compose.yml', () => {
  const services = Object.entries(compose.services);
  const serves = services.flatMap(([name, s]) => { const a = syncwatchArgs(s); return a?.[0] === 'serve' ? [{ name, args: a.slice(1) }] : []; });
  const agents = services.flatMap(([name, s]) => { const a = syncwatchArgs(s); return a?.[0] === 'agent' ? [{ name, args: a.slice(1) }] : []; });

  it('has the stack the issue asks for', () => {
    const names = new Set(Object.keys(compose.services));
    for (const n of ['clickhouse', 'kafka', 'postgres-primary', 'postgres-standby', 'mysql-primary', 'mysql-replica', 'proxy', 'writer', 'verifier']) assert.ok(names.has(n), `service ${n}`);
    const roleOf = (args: readonly string[]): string => flagValue(args, '--roles') ?? '';
    assert.equal(serves.filter((s) => roleOf(s.args).split(',').includes('collector')).length, 2, 'two collectors');
    assert.equal(serves.filter((s) => roleOf(s.args) === 'alerter').length, 2, 'two alerters');
    assert.ok(agents.length >= 2, 'an agent next to each database');
  });

  it('runs every serve service with a tested role invocation and the tested config file', () => {
    assert.ok(serves.length >= 6);
    for (const { name, args } of serves) {
      assert.equal(flagValue(args, '--config'), 'deploy/syncwatch.yaml', `${name}: --config`);
      const rest = withoutPlaceFlags(args);
      const role = Object.entries(ROLE_ARGS).find(([, a]) => JSON.stringify(a) === JSON.stringify(rest))?.[0];
      assert.ok(role !== undefined, `${name}: ${rest.join(' ')} is not one of deploy/roles.json`);
      assert.ok(testSources.includes(`ROLES.${role}`) || testSources.includes(`ROLES['${role}']`) || testSources.includes(`role('${role}'`), `${name}: role ${role} is started by a test`);
      parseRoles(flagValue(args, '--roles'));
      for (const a of args) if (a.startsWith('--')) assert.ok(Object.keys(SERVE_HELP.flags).some((f) => f.split(' ')[0] === a), `${name}: ${a} is a serve flag`);
      assert.ok(compose.services[name]?.healthcheck?.test !== undefined, `${name}: health check`);
    }
    // The tests load these same files.
    assert.match(testSources, /join\(ROOT, 'deploy', 'syncwatch\.yaml'\)/);
    assert.match(testSources, /join\(ROOT, 'deploy', 'roles\.json'\)/);
  });

  it('points serve at a config file that loads', () => {
    const saved = process.env['SYNCWATCH_WEBHOOK_SECRET'];
    process.env['SYNCWATCH_WEBHOOK_SECRET'] = 'compose-test-secret-0123456789';
    try {
      const config = loadConfig(join(ROOT, 'deploy', 'syncwatch.yaml'));
      assert.ok(config.alerts.rules.length > 0 && config.alerts.receivers.length > 0);
      const url = new URL(config.alerts.receivers[0]?.url ?? '');
      assert.ok(compose.services[url.hostname] !== undefined, `receiver host ${url.hostname} is a compose service`);
    } finally {
      if (saved === undefined) delete process.env['SYNCWATCH_WEBHOOK_SECRET'];
      else process.env['SYNCWATCH_WEBHOOK_SECRET'] = saved;
    }
  });

  it('runs agents with agent flags and config files that validate, behind the proxy', () => {
    for (const { name, args } of agents) {
      for (const a of args) if (a.startsWith('--')) assert.ok(Object.keys(AGENT_HELP.flags).some((f) => f.split(' ')[0] === a), `${name}: ${a} is an agent flag`);
      assert.equal(flagValue(args, '--collector'), 'http://proxy:8080', `${name}: ships through the proxy`);
      const file = flagValue(args, '--config') ?? '';
      assert.match(file, /^deploy\//);
      const config = loadYamlFile(AgentConfigSchema, join(ROOT, file));
      assert.ok(config.probes.some((p) => p.kind === 'postgres' || p.kind === 'mysql'), `${name}: a lag probe`);
    }
  });

  it('proxies to the collector services by name and waits for health before depending services start', () => {
    const nginx = readFileSync(join(ROOT, 'deploy', 'nginx.conf'), 'utf8');
    const upstreams = [...nginx.matchAll(/server (\S+):8080/g)].map((m) => m[1]);
    const collectors = serves.filter((s) => (flagValue(s.args, '--roles') ?? '').split(',').includes('collector')).map((s) => s.name);
    assert.deepEqual(upstreams.sort(), collectors.sort());
    for (const [name, s] of services) {
      for (const [dep, cond] of Object.entries(s.depends_on ?? {})) {
        const target = compose.services[dep];
        assert.ok(target !== undefined, `${name} depends on unknown ${dep}`);
        if (cond.condition === 'service_healthy') assert.ok(target.healthcheck?.test !== undefined, `${name} waits for ${dep}, which has no health check`);
      }
    }
  });
});
