// Redis replication probe for one primary → replica link: offset lag in bytes (primary's
// master_repl_offset minus what the replica processed), link state and time since the last I/O from the
// replica's side. When the replica does not answer (hung, stopped), the primary's view — the replica's
// last acknowledged offset and its age — stands in, so a stuck replica still shows growing lag.
import { Type, type Static } from '@sinclair/typebox';
import type { Point } from '../../lib/protocol/ingest-batch.js';
import type { Probe, ProbeCheckResult, ProbeContext } from '../probe.js';
import { EndpointHealth, type Attempt } from './lag/endpoints.js';
import { lagProbeFields, lagProbeSettings, type LagProbeSettings } from './lag/lag-config.js';
import { PointList } from './lag/points.js';
import { hostPortOf, secretsOf } from './lag/redact.js';
import { findReplicaEntry, parseReplicationInfo, processedOffset, type ReplicationInfo } from './redis/replication-info.js';
import { RedisSession } from './redis/redis-session.js';

const REDIS_URL = '^rediss?://';

export const RedisProbeConfigSchema = Type.Object(
  {
    ...lagProbeFields('redis'),
    primaryUrl: Type.String({ pattern: REDIS_URL, description: 'redis:// URL of the primary' }),
    replicaUrl: Type.String({ pattern: REDIS_URL, description: 'redis:// URL of the replica' }),
  },
  { additionalProperties: false },
);
export type RedisProbeConfig = Static<typeof RedisProbeConfigSchema>;

export function createRedisProbe(config: RedisProbeConfig, context: ProbeContext): Probe {
  return new RedisProbe(config, context);
}

class RedisProbe implements Probe {
  readonly kind = 'redis';
  readonly name: string;
  readonly intervalMs: number;
  readonly #settings: LagProbeSettings;
  readonly #context: ProbeContext;
  readonly #primary: RedisSession;
  readonly #replica: RedisSession;
  readonly #endpoints: EndpointHealth;
  /** The `replica` label: host:port of the replica URL, never its password. */
  readonly #replicaLabel: string;
  readonly #replicaHost: string;
  readonly #replicaPort: number;

  constructor(config: RedisProbeConfig, context: ProbeContext) {
    this.#settings = lagProbeSettings(this.kind, config);
    this.#context = context;
    this.name = this.#settings.name;
    this.intervalMs = this.#settings.intervalMs;
    this.#primary = new RedisSession(config.primaryUrl, this.#settings.timeoutMs);
    this.#replica = new RedisSession(config.replicaUrl, this.#settings.timeoutMs);
    const replicaUrl = new URL(config.replicaUrl);
    this.#replicaLabel = hostPortOf(config.replicaUrl);
    this.#replicaHost = replicaUrl.hostname;
    this.#replicaPort = replicaUrl.port === '' ? 6379 : Number(replicaUrl.port);
    this.#endpoints = new EndpointHealth(this, context.logger,
      { primary: `primary ${hostPortOf(config.primaryUrl)}`, replica: `replica ${this.#replicaLabel}` },
      secretsOf([config.primaryUrl, config.replicaUrl]));
  }

  async collect(signal: AbortSignal): Promise<Point[]> {
    this.#endpoints.beginRound();
    const points = new PointList(this.#context.clock.now(), { pipeline: this.#settings.pipeline, host: this.#context.hostLabel });
    // Replica first: the primary's offset read afterwards is never older, so the difference is never negative
    // from the ordering alone (it errs by what was written between the two reads).
    const replica = await this.#endpoints.attempt('replica', async () => parseReplicationInfo(await this.#replica.info('replication', signal)));
    const primary = await this.#endpoints.attempt('primary', async () => parseReplicationInfo(await this.#primary.info('replication', signal)));
    this.#addPoints(points, replica, primary);
    this.#endpoints.finishRound(points);
    return points.points;
  }

  #addPoints(points: PointList, replica: Attempt<ReplicationInfo>, primary: Attempt<ReplicationInfo>): void {
    const labels = { replica: this.#replicaLabel };
    const entry = primary.ok ? findReplicaEntry(primary.value, this.#replicaHost, this.#replicaPort) : undefined;
    if (primary.ok) points.add('redis_connected_replicas', primary.value.replicas.length);
    if (replica.ok) {
      const info = replica.value;
      points.flag('redis_replica_link_up', info.role === 'slave' && info.linkUp, labels);
      points.flag('redis_replica_sync_in_progress', info.syncInProgress, labels);
      points.add('redis_replica_last_io_seconds', info.role === 'slave' ? info.lastIoSecondsAgo : undefined, labels);
      if (primary.ok) {
        const processed = processedOffset(info, primary.value);
        const offset = primary.value.masterReplOffset;
        points.add('redis_replica_offset_lag_bytes', processed === undefined || offset === undefined ? undefined : Math.max(0, offset - processed), labels);
      }
    } else if (primary.ok) {
      // The replica is silent: what the primary last heard from it is all there is.
      points.flag('redis_replica_link_up', entry?.state === 'online', labels);
      points.add('redis_replica_last_io_seconds', entry?.lag, labels);
      const offset = primary.value.masterReplOffset;
      points.add('redis_replica_offset_lag_bytes', entry === undefined || offset === undefined ? undefined : Math.max(0, offset - entry.offset), labels);
    }
  }

  check(): Promise<ProbeCheckResult> {
    return this.#endpoints.check([['primary', () => this.#primary.info('server')], ['replica', () => this.#replica.info('server')]]);
  }

  async close(): Promise<void> {
    await Promise.all([this.#primary.close(), this.#replica.close()]);
  }
}
