// Kafka consumer-group probe (kafkajs admin): per group, topic and partition the committed and log-end
// offsets, the offset lag, an estimated time lag and a Burrow-style window status (kafka-window.ts).
// One admin client, short timeouts, few quick retries (the interval is the real retry), re-made after a failure.
import { Type, type Static } from '@sinclair/typebox';
import { Kafka, logLevel } from 'kafkajs';
import type { Point } from '../../lib/protocol/ingest-batch.js';
import type { Probe, ProbeCheckResult, ProbeContext } from '../probe.js';
import { ConsumerLagTracker } from './kafka/consumer-lag.js';
import { windowStatusValue } from './kafka-window.js';
import { abortable } from './lag/abortable.js';
import { EndpointHealth } from './lag/endpoints.js';
import { lagProbeFields, lagProbeSettings, type LagProbeSettings } from './lag/lag-config.js';
import { PointList } from './lag/points.js';

export const DEFAULT_WINDOW_SIZE = 10;

export const KafkaProbeConfigSchema = Type.Object(
  {
    ...lagProbeFields('kafka'),
    brokers: Type.Array(Type.String({ pattern: '^[^\\s/@]+:\\d{1,5}$' }), { minItems: 1, description: 'bootstrap brokers, host:port' }),
    groups: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { minItems: 1, description: 'consumer groups to watch' }),
    topics: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 249 }), { minItems: 1, description: 'only these topics; default every topic the group committed offsets for' })),
    windowSize: Type.Optional(Type.Integer({ minimum: 2, maximum: 1_000, description: `samples per status window; window × interval must exceed the consumers' commit interval; default ${DEFAULT_WINDOW_SIZE}` })),
  },
  { additionalProperties: false },
);
export type KafkaProbeConfig = Static<typeof KafkaProbeConfigSchema>;

/** The part of the kafkajs admin client this probe uses. */
export interface KafkaAdminLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  describeGroups(groupIds: string[]): Promise<{ groups: { groupId: string; members: unknown[] }[] }>;
  fetchOffsets(options: { groupId: string; topics?: string[] }): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
  fetchTopicOffsets(topic: string): Promise<{ partition: number; high: string; low: string }[]>;
}

interface GroupOffsets {
  readonly group: string;
  readonly members: number;
  readonly committed: readonly { topic: string; partitions: readonly { partition: number; offset: string }[] }[];
}

interface OffsetSnapshot {
  readonly ts: number;
  /** topic → partition → high and low watermarks; a topic missing here could not be read. */
  readonly ends: ReadonlyMap<string, ReadonlyMap<number, { readonly high: number; readonly low: number }>>;
  readonly groups: readonly GroupOffsets[];
}

export function createKafkaProbe(config: KafkaProbeConfig, context: ProbeContext): Probe {
  return new KafkaProbe(config, context);
}

const ENDPOINT = 'cluster';
/**
 * A couple of quick retries: the first group-coordinator lookup on a fresh broker answers "not available"
 * by design, and without a retry every first collection would fail. Bounded well inside an interval.
 */
const QUICK_RETRY = { retries: 2, initialRetryTime: 100, maxRetryTime: 500 };

class KafkaProbe implements Probe {
  readonly kind = 'kafka';
  readonly name: string;
  readonly intervalMs: number;
  readonly #settings: LagProbeSettings;
  readonly #context: ProbeContext;
  readonly #config: KafkaProbeConfig;
  readonly #kafka: Kafka;
  readonly #endpoints: EndpointHealth;
  readonly #tracker: ConsumerLagTracker;
  #admin: Promise<KafkaAdminLike> | undefined;

  constructor(config: KafkaProbeConfig, context: ProbeContext) {
    this.#settings = lagProbeSettings(this.kind, config);
    this.#config = Object.freeze({ ...config });
    this.#context = context;
    this.name = this.#settings.name;
    this.intervalMs = this.#settings.intervalMs;
    const timeout = this.#settings.timeoutMs;
    this.#kafka = new Kafka({ clientId: `syncwatch-${this.name}`, brokers: [...config.brokers], logLevel: logLevel.NOTHING,
      connectionTimeout: timeout, requestTimeout: timeout, retry: QUICK_RETRY });
    this.#endpoints = new EndpointHealth(this, context.logger, { [ENDPOINT]: `kafka ${config.brokers.join(',')}` }, []);
    this.#tracker = new ConsumerLagTracker(config.windowSize ?? DEFAULT_WINDOW_SIZE);
  }

  async collect(signal: AbortSignal): Promise<Point[]> {
    this.#endpoints.beginRound();
    const points = new PointList(this.#context.clock.now(), { pipeline: this.#settings.pipeline, host: this.#context.hostLabel });
    await this.#endpoints.attempt(ENDPOINT, async () => {
      const admin = await this.#connectedAdmin();
      try {
        await abortable(this.#collectGroups(admin, points), signal);
      } catch (err) {
        this.#dropAdmin();
        throw err;
      }
    });
    this.#endpoints.finishRound(points);
    return points.points;
  }

  async #collectGroups(admin: KafkaAdminLike, points: PointList): Promise<void> {
    const snapshot = await this.#readOffsets(admin);
    this.#tracker.beginRound();
    for (const [topic, partitions] of snapshot.ends) {
      for (const [partition, { high }] of partitions) {
        this.#tracker.recordLogEnd(topic, partition, snapshot.ts, high);
        points.add('kafka_partition_log_end_offset', high, { topic, partition: String(partition) });
      }
    }
    for (const group of snapshot.groups) this.#addGroup(points, group, snapshot);
    this.#tracker.endRound();
  }

  /** Everything one collection needs, read from the cluster before any bookkeeping changes. */
  async #readOffsets(admin: KafkaAdminLike): Promise<OffsetSnapshot> {
    const { groups, topics } = this.#config;
    const described = await admin.describeGroups([...groups]);
    const committed = await Promise.all(groups.map((groupId) => admin.fetchOffsets({ groupId, ...(topics === undefined ? {} : { topics: [...topics] }) })));
    const ts = this.#context.clock.now();
    const ends = new Map<string, Map<number, { high: number; low: number }>>();
    await Promise.all([...new Set(committed.flat().map((t) => t.topic))].map(async (topic) => {
      const offsets = await admin.fetchTopicOffsets(topic).catch(() => undefined); // a deleted topic: ERR below
      if (offsets !== undefined) ends.set(topic, new Map(offsets.map((o) => [o.partition, { high: Number(o.high), low: Number(o.low) }])));
    }));
    return {
      ts,
      ends,
      groups: groups.map((group, i) => ({
        group,
        members: described.groups.find((g) => g.groupId === group)?.members.length ?? 0,
        committed: committed[i] ?? [],
      })),
    };
  }

  #addGroup(points: PointList, { group, members, committed }: GroupOffsets, snapshot: OffsetSnapshot): void {
    points.add('kafka_consumer_group_members', members, { group });
    let totalLag = 0;
    for (const { topic, partitions } of committed) {
      for (const { partition, offset } of partitions) {
        const labels = { group, topic, partition: String(partition) };
        const end = snapshot.ends.get(topic)?.get(partition);
        if (end === undefined) {
          points.add('kafka_partition_window_status', windowStatusValue(this.#tracker.unreadable(group, topic, partition).status), labels);
          continue;
        }
        // Never committed (-1): everything still in the log is unconsumed, so count from the log start.
        const hasCommitted = Number(offset) >= 0;
        const position = hasCommitted ? Number(offset) : end.low;
        const lag = this.#tracker.observe(group, topic, partition, { ts: snapshot.ts, committed: position, logEnd: end.high }, members > 0);
        totalLag += lag.offsetLag;
        if (hasCommitted) points.add('kafka_consumer_committed_offset', position, labels);
        points.add('kafka_consumer_offset_lag', lag.offsetLag, labels);
        points.add('kafka_consumer_time_lag_seconds', lag.timeLagMs === undefined ? undefined : lag.timeLagMs / 1000, labels);
        points.add('kafka_partition_window_status', windowStatusValue(lag.verdict.status), labels);
      }
    }
    points.add('kafka_consumer_group_offset_lag', totalLag, { group });
  }

  #connectedAdmin(): Promise<KafkaAdminLike> {
    this.#admin ??= (async () => {
      const admin = this.#kafka.admin({ retry: QUICK_RETRY });
      await admin.connect();
      return admin;
    })();
    const admin = this.#admin;
    admin.catch(() => { if (this.#admin === admin) this.#admin = undefined; });
    return admin;
  }

  #dropAdmin(): void {
    const admin = this.#admin;
    this.#admin = undefined;
    void admin?.then((a) => a.disconnect()).catch(() => undefined);
  }

  check(): Promise<ProbeCheckResult> {
    return this.#endpoints.check([[ENDPOINT, async () => (await this.#connectedAdmin()).describeGroups([...this.#config.groups])]]);
  }

  async close(): Promise<void> {
    const admin = this.#admin;
    this.#admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }
}
