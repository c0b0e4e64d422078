// Probe kind → factory, one line each. Adding a kind: write `<kind>-probe.ts` with its config schema and
// factory, add the schema to PROBE_CONFIG_SCHEMAS in ../agent-config.ts, and add one line here.
// Factories are loaded on first use, so an agent loads only the client libraries (pg, mysql2, ioredis, kafkajs)
// of the probe kinds it is configured with: a host-only agent never pays for the database drivers.
import type { ProbeConfig, ProbeKind } from '../agent-config.js';
import type { Probe, ProbeContext } from '../probe.js';

type ProbeConfigOf<K extends ProbeKind> = Extract<ProbeConfig, { kind: K }>;
type ProbeFactory<K extends ProbeKind> = (config: ProbeConfigOf<K>, context: ProbeContext) => Probe;

/** A loader of the factory for each probe kind; the mapped type makes a missing kind a compile error. */
export const PROBE_FACTORIES: { readonly [K in ProbeKind]: () => Promise<ProbeFactory<K>> } = {
  host: async () => { const { createHostProbe } = await import('./host-probe.js'); return (config, context) => createHostProbe(config, context); },
  postgres: async () => (await import('./postgres-probe.js')).createPostgresProbe,
  mysql: async () => (await import('./mysql-probe.js')).createMysqlProbe,
  kafka: async () => (await import('./kafka-probe.js')).createKafkaProbe,
  redis: async () => (await import('./redis-probe.js')).createRedisProbe,
  files: async () => (await import('./files-probe.js')).createFilesProbe,
  heartbeat: async () => (await import('./heartbeat-probe.js')).createHeartbeatProbe,
};

/** Builds the probe a validated config entry describes (generic so each kind meets its own factory, cast-free). */
export async function createProbe<K extends ProbeKind>(config: ProbeConfigOf<K> & { readonly kind: K }, context: ProbeContext): Promise<Probe> {
  const load: () => Promise<ProbeFactory<K>> = PROBE_FACTORIES[config.kind];
  return (await load())(config, context);
}
