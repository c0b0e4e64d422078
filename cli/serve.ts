// `serve`: every role in one process — collector, dashboard and (unless disabled) a local agent for this host.
import { join, resolve } from 'node:path';
import { bootstrapTokens } from '../lib/auth/bootstrap-tokens.js';
import { generateToken, hashToken } from '../lib/auth/tokens.js';
import { loadConfig } from '../lib/config/load.js';
import type { Config, TokenEntry } from '../lib/config/schema.js';
import { tokensFromEnv } from '../lib/config/secrets.js';
import { createLogger } from '../lib/log.js';
import { SyncwatchError } from '../lib/errors.js';
import { createAgent } from '../agents/agent.js';
import { SERVER_ROLES, startServer, type ServerRole } from '../collector/server.js';
import { parseFlags, parsePort, type CommandHelp } from './args.js';

export const SERVE_HELP: CommandHelp = {
  usage: 'syncwatch serve [options]',
  summary: 'Run the collector, the dashboard and a local host agent in one process (embedded ClickHouse by default).',
  flags: {
    '--config FILE': 'YAML config file (see README "Configuration"); flags override it',
    '--port N': 'HTTP port (default 8080; 0 picks a free port)',
    '--host ADDR': 'bind address (default 127.0.0.1; use 0.0.0.0 only behind TLS/a proxy)',
    '--data-dir DIR': 'data directory: embedded ClickHouse, tokens, agent spool (default ./data)',
    '--clickhouse-url URL': 'ClickHouse server, e.g. http://user:pass@host:8123 (absent = embedded chdb)',
    '--no-local-agent': 'do not run the built-in agent that reports this host',
    '--roles LIST': 'comma-separated roles to run: collector, writer, alerter, verifier, dashboard (default: all; run them in separate processes with --route kafka)',
    '--route MODE': 'ingest route: direct (local WAL → ClickHouse, default) or kafka (produce to Kafka; writers insert)',
    '--kafka-brokers LIST': 'comma-separated host:port of Kafka brokers (kafka route)',
    '-h, --help': 'show this help',
  },
};

const FLAGS = {
  config: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  'clickhouse-url': { type: 'string' },
  'no-local-agent': { type: 'boolean' },
  roles: { type: 'string' },
  route: { type: 'string' },
  'kafka-brokers': { type: 'string' },
} as const;

/** Parses --roles; unknown names are a usage error listing the valid ones. */
export function parseRoles(text: string | undefined): ServerRole[] {
  if (text === undefined) return [...SERVER_ROLES];
  const roles = text.split(',').map((r) => r.trim()).filter((r) => r !== '');
  const unknown = roles.filter((r) => !(SERVER_ROLES as readonly string[]).includes(r));
  if (roles.length === 0 || unknown.length > 0) {
    throw new SyncwatchError('SW_USAGE', `--roles: unknown role ${JSON.stringify(unknown[0] ?? '')}; use a comma-separated subset of ${SERVER_ROLES.join(',')}`);
  }
  return roles as ServerRole[];
}

/** Applies command-line flags over the file's values (flags win). */
export function applyServeFlags(config: Config, flags: Record<string, string | boolean | undefined>): Config {
  const str = (name: string): string | undefined => (typeof flags[name] === 'string' ? flags[name] : undefined);
  const port = str('port');
  const clickhouseUrl = str('clickhouse-url');
  const route = str('route');
  if (route !== undefined && route !== 'direct' && route !== 'kafka') throw new SyncwatchError('SW_USAGE', `--route: must be direct or kafka, got ${JSON.stringify(route)}`);
  const brokers = str('kafka-brokers')?.split(',').map((b) => b.trim()).filter((b) => b !== '');
  if (brokers?.some((b) => !/^[^\s:]+:\d+$/.test(b)) === true) throw new SyncwatchError('SW_USAGE', '--kafka-brokers: must be host:port[,host:port...]');
  return {
    ...config,
    ingest: { ...config.ingest, route: route ?? config.ingest.route },
    kafka: { ...config.kafka, brokers: brokers ?? config.kafka.brokers },
    server: { ...config.server, host: str('host') ?? config.server.host, port: port === undefined ? config.server.port : parsePort(port, '--port') },
    storage: { ...config.storage, dataDir: str('data-dir') ?? config.storage.dataDir, ...(clickhouseUrl === undefined ? {} : { clickhouseUrl }) },
    localAgent: { ...config.localAgent, enabled: flags['no-local-agent'] === true ? false : config.localAgent.enabled },
  };
}

export async function runServe(argv: readonly string[]): Promise<undefined> {
  const flags = parseFlags(argv, FLAGS, 'serve');
  const config = applyServeFlags(loadConfig(typeof flags['config'] === 'string' ? flags['config'] : undefined), flags);
  const logger = createLogger();
  const dataDir = resolve(config.storage.dataDir);
  const boot = bootstrapTokens(dataDir);
  const localAgentToken = generateToken('agent');
  const tokens: TokenEntry[] = [
    ...boot.entries,
    ...config.auth.tokens,
    ...tokensFromEnv().map((t) => ({ name: t.name, role: t.role, sha256: hashToken(t.token) })),
    ...(config.localAgent.enabled ? [{ name: 'local-agent', role: 'agent' as const, sha256: hashToken(localAgentToken) }] : []),
  ];
  const roles = parseRoles(typeof flags['roles'] === 'string' ? flags['roles'] : undefined);
  const collector = await startServer({ config: { ...config, storage: { ...config.storage, dataDir } }, tokens, roles, logger });
  const agent = config.localAgent.enabled && roles.includes('collector')
    ? createAgent({
        collectorUrl: collector.url,
        token: localAgentToken,
        agentName: config.localAgent.name,
        spoolDir: join(dataDir, 'spool', config.localAgent.name),
        config: config.localAgent.agent,
        logger: logger.child({ component: 'agent' }),
      })
    : undefined;
  await agent?.start();

  logger.info({ url: collector.url, roles, route: config.ingest.route, dataDir }, 'syncwatch serving');
  process.stdout.write(`syncwatch: dashboard at ${collector.url}/\n`);
  process.stdout.write(
    boot.generatedAdminTokenFile === undefined
      ? `syncwatch: sign in with the admin token in ${boot.adminTokenFile}\n`
      : `syncwatch: generated an admin token into ${boot.generatedAdminTokenFile} (it is not shown anywhere else)\n`,
  );

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    void (async () => {
      await agent?.stop();
      await collector.close();
      process.exit(0);
    })();
  };
  process.once('SIGINT', () => { shutdown('SIGINT'); });
  process.once('SIGTERM', () => { shutdown('SIGTERM'); });
  return undefined;
}
