// Live hub over Kafka, so that any dashboard instance can serve any client: processes that make live messages
// (collectors: points, alerters: alert transitions) produce them to one topic; every dashboard instance consumes
// that topic with a group of its own, from the latest offset, into its local hub. Live messages are a view, not a
// record: a message lost while no dashboard listens is fine, and history comes from ClickHouse over HTTP.
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { LIVE_TOPICS, type LiveHub, type LiveMessage, type LiveTopic } from '../live/hub.js';

export const LIVE_RELAY_TOPIC = 'syncwatch.live';

/** Bytes of messages held while Kafka is slow; beyond this the oldest are dropped (and counted) rather than growing memory. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const FLUSH_MS = 50;

interface Envelope {
  readonly topic: LiveTopic;
  readonly message: LiveMessage;
}

/** Produces hub messages to the relay topic, batched every FLUSH_MS. */
export class LivePublisher {
  readonly #producer: Producer;
  readonly #logger: Logger;
  #buffer: string[] = [];
  #bufferedBytes = 0;
  #inFlight = false;
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> = Promise.resolve();
  #dropped = 0;

  constructor(kafka: Kafka, logger: Logger) {
    this.#producer = kafka.producer({ allowAutoTopicCreation: false });
    this.#logger = logger;
  }

  async start(): Promise<void> {
    await this.#producer.connect();
  }

  get dropped(): number {
    return this.#dropped;
  }

  publish(topic: LiveTopic, message: LiveMessage): void {
    const text = JSON.stringify({ topic, message } satisfies Envelope);
    this.#buffer.push(text);
    this.#bufferedBytes += text.length;
    while (this.#bufferedBytes > MAX_BUFFERED_BYTES && this.#buffer.length > 1) {
      this.#bufferedBytes -= this.#buffer.shift()?.length ?? 0;
      this.#dropped++;
    }
    this.#timer ??= setTimeout(() => { this.#flush(); }, FLUSH_MS);
  }

  /** One send at a time: while Kafka is slow, messages wait in the bounded buffer, not in a chain of sends. */
  #flush(): void {
    this.#timer = undefined;
    if (this.#inFlight) {
      this.#timer = setTimeout(() => { this.#flush(); }, FLUSH_MS);
      return;
    }
    const values = this.#buffer;
    this.#buffer = [];
    this.#bufferedBytes = 0;
    if (values.length === 0) return;
    this.#inFlight = true;
    this.#sending = this.#producer.send({ topic: LIVE_RELAY_TOPIC, acks: 1, messages: values.map((value) => ({ value })) })
      .then(() => undefined, (err: unknown) => {
        this.#dropped += values.length;
        this.#logger.warn({ err, messages: values.length }, 'live relay: could not produce; messages dropped');
      })
      .finally(() => { this.#inFlight = false; });
  }

  async close(): Promise<void> {
    clearTimeout(this.#timer);
    await this.#sending;
    this.#flush();
    await this.#sending;
    await this.#producer.disconnect();
  }
}

/** A hub whose publish goes to Kafka; everything else (sockets, replay, heartbeats) is `local`'s, which the subscriber feeds. */
export function relayedHub(local: LiveHub, publisher: LivePublisher): LiveHub {
  const publish: LiveHub['publish'] = (topic, message) => { publisher.publish(topic, message); };
  return new Proxy(local, { get: (target, prop, receiver) => (prop === 'publish' ? publish : Reflect.get(target, prop, receiver) as unknown) });
}

/** Parses one relayed message; anything else on the topic is skipped. */
export function parseEnvelope(value: Buffer | null): Envelope | undefined {
  if (value === null) return undefined;
  try {
    const parsed = JSON.parse(value.toString('utf8')) as Partial<Envelope>;
    if (typeof parsed.topic !== 'string' || !(LIVE_TOPICS as readonly string[]).includes(parsed.topic)) return undefined;
    if (typeof parsed.message !== 'object') return undefined;
    return parsed as Envelope;
  } catch {
    return undefined;
  }
}

/** Consumes the relay topic into the local hub: a group of its own (every instance sees every message), from latest. */
export class LiveSubscriber {
  readonly #consumer: Consumer;
  readonly #hub: LiveHub;

  constructor(kafka: Kafka, hub: LiveHub) {
    this.#consumer = kafka.consumer({ groupId: `syncwatch-dashboard-${randomUUID()}`, sessionTimeout: 10_000, heartbeatInterval: 1000 });
    this.#hub = hub;
  }

  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: LIVE_RELAY_TOPIC, fromBeginning: false });
    await this.#consumer.run({
      autoCommit: false,
      eachMessage: ({ message }) => {
        const e = parseEnvelope(message.value);
        if (e !== undefined) this.#hub.publish(e.topic, e.message);
        return Promise.resolve();
      },
    });
  }

  async close(): Promise<void> {
    await this.#consumer.disconnect();
  }
}
