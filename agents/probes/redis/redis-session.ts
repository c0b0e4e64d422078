// One ioredis connection per probe endpoint: lazy, bounded by timeouts, never queueing or retrying on its
// own (the probe's interval is the retry), replaced after any failure.
import { Redis } from 'ioredis';
import { abortable, withDeadline } from '../lag/abortable.js';

export class RedisSession {
  readonly #url: string;
  readonly #timeoutMs: number;
  #client: Redis | undefined;

  constructor(url: string, timeoutMs: number) {
    this.#url = url;
    this.#timeoutMs = timeoutMs;
  }

  /** The text of `INFO <section>`; rejects on timeout, on abort, or when the server cannot be reached. */
  async info(section: string, signal?: AbortSignal): Promise<string> {
    signal?.throwIfAborted();
    const client = this.#connectLazily();
    // One deadline for connect + command: ioredis's own timeouts do not cover its connect-time commands
    // against a server that accepts connections but does not answer (a stopped process).
    const deadline = withDeadline(this.#timeoutMs, signal);
    try {
      return await abortable((async () => {
        if (client.status === 'wait') await client.connect();
        return client.info(section);
      })(), deadline);
    } catch (err) {
      this.#drop(client);
      throw err;
    }
  }

  /** Disconnects; the session reconnects if used again. Never throws. */
  close(): Promise<void> {
    if (this.#client !== undefined) this.#drop(this.#client);
    return Promise.resolve();
  }

  #connectLazily(): Redis {
    this.#client ??= newClient(this.#url, this.#timeoutMs);
    return this.#client;
  }

  #drop(client: Redis): void {
    if (this.#client === client) this.#client = undefined;
    client.disconnect();
  }
}

function newClient(url: string, timeoutMs: number): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    // No ready check: it sends INFO and waits, unbounded, on a server that accepts but does not answer
    // (a stopped process); the probe's own INFO has a timeout instead.
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    disableClientInfo: true, // CLIENT SETINFO is noise in the server's client list and one more round trip
  });
  client.on('error', () => undefined); // failures surface on the awaited command
  return client;
}

