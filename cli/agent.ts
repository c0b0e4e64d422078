// `agent`: a standalone agent that probes this host (and later, pipelines) and ships to a collector.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { AgentConfigSchema } from '../agents/agent-config.js';
import { createAgent } from '../agents/agent.js';
import { loadYamlFile } from '../lib/config/load.js';
import { SyncwatchError } from '../lib/errors.js';
import { createLogger } from '../lib/log.js';
import { parseFlags, parseHttpUrl, type CommandHelp } from './args.js';

export const AGENT_HELP: CommandHelp = {
  usage: 'syncwatch agent --collector URL --token T [options]',
  summary: 'Run an agent: probes write points to a disk spool; the shipper sends them to the collector, retrying until acknowledged.',
  flags: {
    '--collector URL': 'collector base URL, e.g. http://127.0.0.1:8080 (or collectorUrl in the config file)',
    '--token T': 'agent token (prefer the SYNCWATCH_AGENT_TOKEN environment variable: flags show up in ps)',
    '--config FILE': 'agent YAML file: probes, spool limits, host label (see README "Agent configuration")',
    '--spool-dir DIR': 'where unsent points wait on disk (default ./data/spool/<name>)',
    '--name NAME': 'agent name shown in the collector (default: this host name)',
    '-h, --help': 'show this help',
  },
};

const FLAGS = {
  collector: { type: 'string' },
  token: { type: 'string' },
  config: { type: 'string' },
  'spool-dir': { type: 'string' },
  name: { type: 'string' },
} as const;

export async function runAgent(argv: readonly string[]): Promise<undefined> {
  const flags = parseFlags(argv, FLAGS, 'agent');
  const str = (name: string): string | undefined => (typeof flags[name] === 'string' ? flags[name] : undefined);
  const config = loadYamlFile(AgentConfigSchema, str('config'));
  const collectorText = str('collector') ?? config.collectorUrl;
  if (collectorText === undefined) throw new SyncwatchError('SW_USAGE', 'agent: --collector URL is required (or collectorUrl in the config file)');
  const collectorUrl = parseHttpUrl(collectorText, '--collector');
  const token = str('token') ?? process.env['SYNCWATCH_AGENT_TOKEN'];
  if (token === undefined || token === '') throw new SyncwatchError('SW_USAGE', 'agent: --token T is required (or set SYNCWATCH_AGENT_TOKEN)');
  const agentName = str('name') ?? hostname();
  const spoolDir = resolve(str('spool-dir') ?? config.spoolDir ?? `./data/spool/${agentName}`);
  const logger = createLogger({ name: 'syncwatch-agent' });
  const agent = createAgent({ collectorUrl: collectorUrl.origin + collectorUrl.pathname.replace(/\/$/, ''), token, agentName, spoolDir, config, logger });
  await agent.start();
  logger.info({ collector: collectorUrl.origin, agentName, spoolDir, probes: config.probes.map((p) => p.kind) }, 'agent started');
  const shutdown = (): void => {
    void agent.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return undefined;
}
