// A lease per verification pair, so that two verifiers never run the same pair at once — held through a Kafka
// consumer group, not home-made consensus. The topic `syncwatch.verifier-pairs` has no messages; it only has
// partitions. A pair maps to one partition (hash of its name) and the verifier whose group member owns that
// partition holds the pair's lease. The group's rebalance protocol hands a partition to a new member only after
// every member rejoined (or was expelled after its session timed out), and a member gives its leases up the
// moment it starts rejoining (kafkajs REBALANCING), or when its heartbeats stop succeeding — so a run in progress
// is aborted before anyone else can acquire the pair.
import { createHash } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';

export const VERIFIER_PAIRS_TOPIC = 'syncwatch.verifier-pairs';
export const VERIFIER_GROUP = 'syncwatch-verifiers';

/** What the verifier service needs: take a pair before running it, give it back after. */
export interface PairLease {
  /** True when this process holds the pair's lease now; a false answer means another verifier runs it. */
  acquire(pair: string): Promise<boolean>;
  /** Ends this process's use of the pair (the lease itself stays with the partition owner). */
  release(pair: string): void;
  /** Aborted when the lease is lost (rebalance, heartbeats failing) while the pair is acquired: stop the run. */
  signal(pair: string): AbortSignal;
}

/** The partition a pair maps to: the same on every verifier. */
export function pairPartition(pair: string, partitions: number): number {
  return createHash('sha256').update(pair).digest().readUInt32BE(0) % partitions;
}

export interface KafkaPairLeaseOptions {
  readonly kafka: Kafka;
  readonly logger: Logger;
  /** Partitions of the lease topic: more than the number of verifiers spreads pairs. @default 12 */
  readonly partitions?: number;
  /** Consumer session timeout; a dead verifier's pairs move after this long. @default 10000 */
  readonly sessionTimeoutMs?: number;
}

export class KafkaPairLease implements PairLease {
  readonly #o: KafkaPairLeaseOptions;
  readonly #consumer: Consumer;
  readonly #partitions: number;
  readonly #sessionMs: number;
  #owned = new Set<number>();
  #lastHeartbeatAt = 0;
  #watchdog: NodeJS.Timeout | undefined;
  readonly #acquired = new Map<string, AbortController>();

  constructor(options: KafkaPairLeaseOptions) {
    this.#o = options;
    this.#partitions = options.partitions ?? 12;
    this.#sessionMs = options.sessionTimeoutMs ?? 10_000;
    this.#consumer = options.kafka.consumer({ groupId: VERIFIER_GROUP, sessionTimeout: this.#sessionMs, heartbeatInterval: Math.max(100, Math.floor(this.#sessionMs / 10)), maxWaitTimeInMs: 500 });
  }

  async start(): Promise<void> {
    const admin = this.#o.kafka.admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(VERIFIER_PAIRS_TOPIC)) {
        await admin.createTopics({ waitForLeaders: true, topics: [{ topic: VERIFIER_PAIRS_TOPIC, numPartitions: this.#partitions }] }).catch((err: unknown) => {
          if (!(err instanceof Error && /already exists/i.test(err.message))) throw err;
        });
      }
    } finally {
      await admin.disconnect();
    }
    const { events } = this.#consumer;
    this.#consumer.on(events.REBALANCING, () => { this.#setOwned([], 'rebalancing'); });
    this.#consumer.on(events.GROUP_JOIN, (e) => {
      this.#lastHeartbeatAt = Date.now();
      this.#setOwned(e.payload.memberAssignment[VERIFIER_PAIRS_TOPIC] ?? [], 'assigned');
    });
    this.#consumer.on(events.HEARTBEAT, () => { this.#lastHeartbeatAt = Date.now(); });
    this.#consumer.on(events.CRASH, () => { this.#setOwned([], 'consumer crashed'); });
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: VERIFIER_PAIRS_TOPIC, fromBeginning: false });
    await this.#consumer.run({ autoCommit: false, eachMessage: () => Promise.resolve() });
    // Self-fencing: without a successful heartbeat for half a session the group may already have moved on.
    this.#watchdog = setInterval(() => {
      if (this.#owned.size > 0 && Date.now() - this.#lastHeartbeatAt > this.#sessionMs / 2) this.#setOwned([], 'heartbeats stale');
    }, 250);
  }

  /** Whether this member owns the pair's partition now (as far as it can tell). */
  holds(pair: string): boolean {
    return this.#owned.has(pairPartition(pair, this.#partitions)) && Date.now() - this.#lastHeartbeatAt <= this.#sessionMs / 2;
  }

  acquire(pair: string): Promise<boolean> {
    if (!this.holds(pair)) return Promise.resolve(false);
    if (!this.#acquired.has(pair)) this.#acquired.set(pair, new AbortController());
    return Promise.resolve(true);
  }

  release(pair: string): void {
    this.#acquired.delete(pair);
  }

  signal(pair: string): AbortSignal {
    return this.#acquired.get(pair)?.signal ?? AbortSignal.abort(new Error(`lease for ${pair} not held`));
  }

  async close(): Promise<void> {
    clearInterval(this.#watchdog);
    this.#setOwned([], 'closing');
    await this.#consumer.disconnect();
  }

  #setOwned(partitions: readonly number[], why: string): void {
    this.#owned = new Set(partitions);
    for (const [pair, ctl] of this.#acquired) {
      if (this.#owned.has(pairPartition(pair, this.#partitions))) continue;
      this.#o.logger.warn({ pair, why }, 'verifier lease lost; aborting the run');
      ctl.abort(new Error(`lease for ${pair} lost: ${why}`));
      this.#acquired.delete(pair);
    }
  }
}
