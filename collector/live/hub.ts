// Live hub: topic subscriptions with bounded per-client buffers, per-topic message ids, a replay ring for clients
// that resume, and heartbeats. A client whose socket cannot keep up is dropped with a reason instead of letting
// its queue grow without bound; one that stops answering pings is dropped too.
//
// Publishing API (stable; the ingest route, alerting and relays such as a Kafka relay use only this):
//   hub.publish(topic, message): void
// `message` is any LiveMessage; the hub adds `topic` and `id` and serializes it once for every subscriber; what a
// client gets in one event-loop turn leaves in one corked write when add() was given the connection's stream. A
// wrapper hub (e.g. one that publishes through Kafka into a local hub) should forward add's `stream`, subscribe's
// `lastIds` and `lastIds()`, or its clients get no coalescing / no replay; pongs reach the hub through the socket. Ids
// grow by one per message within a topic and keep growing across restarts (they start from the start-up time in
// microseconds), so a client's last-seen id from an earlier server is recognised as older than anything held.
import type { Point } from '../../lib/protocol/ingest-batch.js';
import type { AlertsLiveMessage } from '../alerts/live-messages.js';
import type { RunsLiveMessage } from '../../verifier/service/live-message.js';
import { ReplayRing } from './replay-ring.js';

export const LIVE_TOPICS = ['points', 'alerts', 'runs'] as const;
export type LiveTopic = (typeof LIVE_TOPICS)[number];

/** The smallest socket shape the hub needs (satisfied by `ws.WebSocket`). */
export interface LiveSocket {
  readonly bufferedAmount: number;
  /** A Buffer is sent as a text frame with `{ binary: false }` (encoded once for all clients, not once per client). */
  send(data: string | Buffer, options?: { binary?: boolean }): void;
  close(code: number, reason: string): void;
  /** Protocol-level ping; a socket without it gets only the heartbeat message. */
  ping?(): void;
  /** Drops the connection without a closing handshake (for a peer that no longer answers). */
  terminate?(): void;
  /** Where the hub hears pongs (ws.WebSocket's event emitter). */
  on?(event: 'pong', listener: () => void): unknown;
}

export type LiveMessage =
  | { readonly type: 'points'; readonly points: readonly Point[] }
  | AlertsLiveMessage
  | RunsLiveMessage;

/** Last-seen id per topic, as a resuming client sends it. */
export type LastIds = Partial<Record<LiveTopic, number>>;

/** Why a resuming client cannot be given everything it missed from memory. */
export type GapReason = 'evicted' | 'restarted' | 'unknown_id';

/** The connection under a socket (a net.Socket): corked, a burst of frames leaves in one write. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

interface Client {
  readonly socket: LiveSocket;
  readonly topics: Set<LiveTopic>;
  /** A ping went out and no pong came back yet. */
  awaitingPong: boolean;
  /** With a stream, published messages wait in `queue` until the end of the event-loop turn. */
  readonly stream: Corkable | undefined;
  queue: Buffer[];
  queuedBytes: number;
}

interface TopicState {
  /** The next id to hand out. */
  next: number;
  /** The first id of this process: anything older was published by an earlier one. */
  readonly first: number;
  readonly ring: ReplayRing;
}

export interface LiveHub {
  /**
   * Registers a socket; it receives nothing until it subscribes. Returns a function that removes it. With the
   * socket's underlying `stream`, messages published in one event-loop turn are written to it in one go.
   */
  add(socket: LiveSocket, stream?: Corkable): () => void;
  /**
   * Subscribes; with `lastIds`, first sends per topic a `gap` message when memory no longer holds everything
   * after the given id, then every held message after it, in order, before any newer one.
   */
  subscribe(socket: LiveSocket, topics: readonly LiveTopic[], lastIds?: LastIds): void;
  unsubscribe(socket: LiveSocket, topics: readonly LiveTopic[]): void;
  /** Sends a message to every subscriber of `topic`; never blocks on a slow client. */
  publish(topic: LiveTopic, message: LiveMessage): void;
  /** The id of the newest message of each topic (the first id − 1 while none was published). */
  lastIds?(): Record<LiveTopic, number>;
  /** Period of pings and heartbeat messages; 0 when off. Announced to clients in `ready`. */
  readonly heartbeatIntervalMs?: number;
  readonly size: number;
  /** Stops the heartbeat timer. */
  close?(): void;
}

export interface LiveHubOptions {
  /** A client with more than this many bytes queued in its socket is disconnected. @default 4 MiB */
  readonly maxBufferedBytes?: number;
  /** Messages kept per topic for resuming clients. @default 10000 */
  readonly replayMessages?: number;
  /** Bytes of messages kept per topic. @default 2 MiB */
  readonly replayBytes?: number;
  /** Ping + heartbeat message period; 0 disables. @default 15000 */
  readonly heartbeatIntervalMs?: number;
  /** Called once per dropped client with `slow_consumer` or `heartbeat_timeout`. */
  readonly onDrop?: (reason: string) => void;
  /** Epoch ms (tests). */
  readonly now?: () => number;
}

/** WebSocket close code for "try again later" (RFC 6455 §7.4.1 registry: 1013). */
export const CLOSE_SLOW_CONSUMER = 1013;

const TEXT_FRAME = { binary: false } as const;

/** Where a client that learns of a gap reloads what it missed. */
const REFETCH: Record<LiveTopic, string> = { points: '/api/v1/latest', alerts: '/api/v1/alerts', runs: '/api/v1/verifications' };

export function createLiveHub(options: LiveHubOptions = {}): LiveHub {
  const maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const now = options.now ?? Date.now;
  const clients = new Map<LiveSocket, Client>();
  const base = now() * 1000;
  const topics = Object.fromEntries(LIVE_TOPICS.map((t): [LiveTopic, TopicState] => [t, {
    next: base, first: base, ring: new ReplayRing(options.replayMessages ?? 10_000, options.replayBytes ?? 2 * 1024 * 1024, base),
  }])) as Record<LiveTopic, TopicState>;

  const drop = (client: Client, reason: 'slow_consumer' | 'heartbeat_timeout'): void => {
    clients.delete(client.socket);
    client.queue = [];
    client.queuedBytes = 0;
    if (reason === 'slow_consumer') {
      // The close frame queues behind what is buffered; ws destroys the socket if the peer never reads it (30 s).
      client.socket.close(CLOSE_SLOW_CONSUMER, `slow consumer: more than ${maxBuffered} bytes queued`);
    } else if (client.socket.terminate !== undefined) {
      client.socket.terminate();
    } else {
      client.socket.close(1001, 'heartbeat timeout: no pong');
    }
    options.onDrop?.(reason);
  };

  /** Sends unless the client is over its bound, in which case it is dropped; false once dropped. */
  const deliver = (client: Client, data: string | Buffer): boolean => {
    if (client.socket.bufferedAmount > maxBuffered) {
      drop(client, 'slow_consumer');
      return false;
    }
    client.socket.send(data, TEXT_FRAME);
    return true;
  };

  /** Writes what the client has queued, corked: one write for the burst instead of one per frame. */
  const flushClient = (client: Client): void => {
    if (client.queue.length === 0 || client.stream === undefined) return;
    const queue = client.queue;
    client.queue = [];
    client.queuedBytes = 0;
    client.stream.cork();
    try {
      for (const data of queue) client.socket.send(data, TEXT_FRAME);
    } finally {
      client.stream.uncork();
    }
  };
  let flushScheduled = false;
  const flushAll = (): void => {
    flushScheduled = false;
    for (const client of clients.values()) flushClient(client);
  };

  /** Queues for the end of the turn (or sends at once without a stream); drops the client over its bound. */
  const enqueue = (client: Client, data: Buffer): void => {
    if (client.stream === undefined) {
      deliver(client, data);
      return;
    }
    if (client.socket.bufferedAmount + client.queuedBytes > maxBuffered) {
      drop(client, 'slow_consumer');
      return;
    }
    client.queue.push(data);
    client.queuedBytes += data.length;
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushAll);
    }
  };

  const lastIdOf = (topic: LiveTopic): number => topics[topic].next - 1;

  const resume = (client: Client, topic: LiveTopic, lastId: number): void => {
    const state = topics[topic];
    const head = state.next - 1;
    let reason: GapReason | undefined;
    if (lastId > head) reason = 'unknown_id';
    else if (lastId < state.first - 1) reason = 'restarted';
    else if (lastId < state.ring.evictedUpTo) reason = 'evicted';
    const held = state.ring.after(lastId);
    if (reason !== undefined) {
      const gap = { type: 'gap', topic, reason, lastId, firstId: held[0]?.id ?? state.next, refetch: REFETCH[topic] };
      client.socket.send(JSON.stringify(gap));
    }
    // Replay is bounded by the ring's bytes, so it is not checked against the client's bound message by message.
    for (const e of held) client.socket.send(e.data, TEXT_FRAME);
  };

  const heartbeat = (): void => {
    const at = now();
    for (const client of clients.values()) {
      flushClient(client);
      if (client.awaitingPong && client.socket.ping !== undefined) {
        drop(client, 'heartbeat_timeout');
        continue;
      }
      const ids = Object.fromEntries([...client.topics].map((t) => [t, lastIdOf(t)]));
      if (!deliver(client, JSON.stringify({ type: 'heartbeat', at, ids }))) continue;
      if (client.socket.ping !== undefined) {
        client.awaitingPong = true;
        client.socket.ping();
      }
    }
  };
  const intervalMs = options.heartbeatIntervalMs ?? 15_000;
  const timer = intervalMs > 0 ? setInterval(heartbeat, intervalMs) : undefined;
  timer?.unref();

  return {
    add(socket, stream) {
      const client: Client = { socket, topics: new Set(), awaitingPong: false, stream, queue: [], queuedBytes: 0 };
      clients.set(socket, client);
      socket.on?.('pong', () => { client.awaitingPong = false; });
      return () => {
        client.queue = [];
        return clients.delete(socket);
      };
    },
    subscribe(socket, list, lastIds) {
      const client = clients.get(socket);
      if (client === undefined) return;
      // What is queued goes first, so a replay never overtakes older messages of the client's other topics.
      flushClient(client);
      for (const t of list) {
        client.topics.add(t);
        const lastId = lastIds?.[t];
        if (lastId !== undefined) resume(client, t, lastId);
      }
    },
    unsubscribe(socket, list) {
      const client = clients.get(socket);
      for (const t of list) client?.topics.delete(t);
    },
    publish(topic, message) {
      const state = topics[topic];
      const id = state.next;
      state.next += 1;
      const data = Buffer.from(JSON.stringify({ ...message, topic, id }));
      state.ring.push({ id, data });
      // Deleting the current entry while iterating a Map is safe: a dropped client is simply not revisited.
      for (const client of clients.values()) {
        if (client.topics.has(topic)) enqueue(client, data);
      }
    },
    lastIds: () => Object.fromEntries(LIVE_TOPICS.map((t) => [t, lastIdOf(t)])) as Record<LiveTopic, number>,
    heartbeatIntervalMs: timer === undefined ? 0 : intervalMs,
    get size() {
      return clients.size;
    },
    close() {
      clearInterval(timer);
    },
  };
}
