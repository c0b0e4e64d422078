// The live relay of one process, by role: producers (collector, alerter, verifier) publish to Kafka, a dashboard consumes
// into its local hub; the hub the HTTP app uses publishes through Kafka so every dashboard instance sees it.
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { LiveHub } from '../live/hub.js';
import { ensureTopics } from '../routing/alerter-topics.js';
import { LIVE_RELAY_TOPIC, LivePublisher, LiveSubscriber, relayedHub } from './live-relay.js';

export interface LiveRelay {
  /** The hub for the app: publish → Kafka, sockets → the local hub. */
  readonly hub: LiveHub;
  /** Present when this process produces live messages. */
  readonly publisher: LivePublisher | undefined;
  close(): Promise<void>;
}

export interface LiveRelayOptions {
  readonly kafka: Kafka;
  readonly local: LiveHub;
  /** Collector, alerter or verifier role here. */
  readonly produce: boolean;
  /** Dashboard role here. */
  readonly consume: boolean;
  readonly partitions: number;
  readonly logger: Logger;
}

export async function startLiveRelay(o: LiveRelayOptions): Promise<LiveRelay> {
  await ensureTopics(o.kafka, [{ topic: LIVE_RELAY_TOPIC, partitions: o.partitions }]);
  const publisher = o.produce ? new LivePublisher(o.kafka, o.logger.child({ component: 'live-relay' })) : undefined;
  const subscriber = o.consume ? new LiveSubscriber(o.kafka, o.local) : undefined;
  try {
    await publisher?.start();
    await subscriber?.start();
  } catch (err) {
    await subscriber?.close().catch(() => undefined);
    await publisher?.close().catch(() => undefined);
    throw err;
  }
  return {
    hub: publisher === undefined ? o.local : relayedHub(o.local, publisher),
    publisher,
    async close() {
      await subscriber?.close();
      await publisher?.close();
    },
  };
}
