// Live hub: topic subscriptions with bounded per-client buffers. A client whose socket cannot keep up is
// dropped with a reason instead of letting its queue grow without bound.
import type { Point } from '../../lib/protocol/ingest-batch.js';
import type { AlertsLiveMessage } from '../alerts/live-messages.js';

export const LIVE_TOPICS = ['points', 'alerts'] as const;
export type LiveTopic = (typeof LIVE_TOPICS)[number];

/** The smallest socket shape the hub needs (satisfied by `ws.WebSocket`). */
export interface LiveSocket {
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code: number, reason: string): void;
}

export type LiveMessage =
  | { readonly type: 'points'; readonly points: readonly Point[] }
  | AlertsLiveMessage;

interface Client {
  readonly socket: LiveSocket;
  readonly topics: Set<LiveTopic>;
}

export interface LiveHub {
  /** Registers a socket; it receives nothing until it subscribes. Returns a function that removes it. */
  add(socket: LiveSocket): () => void;
  subscribe(socket: LiveSocket, topics: readonly LiveTopic[]): void;
  unsubscribe(socket: LiveSocket, topics: readonly LiveTopic[]): void;
  /** Sends a message to every subscriber of `topic`; never blocks on a slow client. */
  publish(topic: LiveTopic, message: LiveMessage): void;
  readonly size: number;
}

export interface LiveHubOptions {
  /** A client with more than this many bytes queued in its socket is disconnected. @default 4 MiB */
  readonly maxBufferedBytes?: number;
  readonly onDrop?: (reason: string) => void;
}

/** WebSocket close code for "try again later" (RFC 6455 §7.4.1 registry: 1013). */
export const CLOSE_SLOW_CONSUMER = 1013;

export function createLiveHub(options: LiveHubOptions = {}): LiveHub {
  const maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const clients = new Map<LiveSocket, Client>();
  return {
    add(socket) {
      clients.set(socket, { socket, topics: new Set() });
      return () => clients.delete(socket);
    },
    subscribe(socket, topics) {
      const client = clients.get(socket);
      for (const t of topics) client?.topics.add(t);
    },
    unsubscribe(socket, topics) {
      const client = clients.get(socket);
      for (const t of topics) client?.topics.delete(t);
    },
    publish(topic, message) {
      let text: string | undefined;
      for (const client of clients.values()) {
        if (!client.topics.has(topic)) continue;
        if (client.socket.bufferedAmount > maxBuffered) {
          clients.delete(client.socket);
          client.socket.close(CLOSE_SLOW_CONSUMER, 'slow consumer: send buffer exceeded');
          options.onDrop?.('slow_consumer');
          continue;
        }
        text ??= JSON.stringify({ ...message, topic });
        client.socket.send(text);
      }
    },
    get size() {
      return clients.size;
    },
  };
}
