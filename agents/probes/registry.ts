// Probe kind → factory, one line each. Adding a kind: write `<kind>-probe.ts` with its config schema and
// factory, add the schema to PROBE_CONFIG_SCHEMAS in ../agent-config.ts, and add one line here.
import type { ProbeConfig, ProbeKind } from '../agent-config.js';
import type { Probe, ProbeContext } from '../probe.js';
import { createFilesProbe } from './files-probe.js';
import { createHeartbeatProbe } from './heartbeat-probe.js';
import { createHostProbe } from './host-probe.js';
import { createKafkaProbe } from './kafka-probe.js';
import { createMysqlProbe } from './mysql-probe.js';
import { createPostgresProbe } from './postgres-probe.js';
import { createRedisProbe } from './redis-probe.js';

type ProbeConfigOf<K extends ProbeKind> = Extract<ProbeConfig, { kind: K }>;
type ProbeFactory<K extends ProbeKind> = (config: ProbeConfigOf<K>, context: ProbeContext) => Probe;

/** The factory for each probe kind; the mapped type makes a missing kind a compile error. */
export const PROBE_FACTORIES: { readonly [K in ProbeKind]: ProbeFactory<K> } = {
  host: (config, context) => createHostProbe(config, context),
  postgres: createPostgresProbe,
  mysql: createMysqlProbe,
  kafka: createKafkaProbe,
  redis: createRedisProbe,
  files: createFilesProbe,
  heartbeat: createHeartbeatProbe,
};

/** Builds the probe a validated config entry describes (generic so each kind meets its own factory, cast-free). */
export function createProbe<K extends ProbeKind>(config: ProbeConfigOf<K> & { readonly kind: K }, context: ProbeContext): Probe {
  const factory: ProbeFactory<K> = PROBE_FACTORIES[config.kind];
  return factory(config, context);
}
