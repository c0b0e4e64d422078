// The last messages of one topic, serialized, bounded by count and by bytes, for clients that resume with the
// id they saw last. A circular buffer: pushing at 10k messages/s must not shift arrays.

export interface RingEntry {
  readonly id: number;
  /** The message as sent: UTF-8 JSON. */
  readonly data: Buffer;
}

export class ReplayRing {
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  #entries: (RingEntry | undefined)[];
  #start = 0;
  #count = 0;
  #bytes = 0;
  /** The highest id no longer held: the last one pushed out, or the id before the first one. */
  #evictedUpTo: number;

  constructor(maxEntries: number, maxBytes: number, firstId: number) {
    this.#maxEntries = Math.max(0, maxEntries);
    this.#maxBytes = Math.max(0, maxBytes);
    this.#entries = new Array<RingEntry | undefined>(this.#maxEntries);
    this.#evictedUpTo = firstId - 1;
  }

  /** Ids up to this one are no longer held; a client that last saw an older id has missed something. */
  get evictedUpTo(): number {
    return this.#evictedUpTo;
  }

  get size(): number {
    return this.#count;
  }

  get bytes(): number {
    return this.#bytes;
  }

  push(entry: RingEntry): void {
    if (this.#maxEntries === 0 || entry.data.length > this.#maxBytes) {
      this.#evictedUpTo = entry.id;
      return;
    }
    while (this.#count > 0 && (this.#count >= this.#maxEntries || this.#bytes + entry.data.length > this.#maxBytes)) this.#evictOldest();
    this.#entries[(this.#start + this.#count) % this.#maxEntries] = entry;
    this.#count += 1;
    this.#bytes += entry.data.length;
  }

  /** Held entries with an id above `lastId`, oldest first. */
  after(lastId: number): RingEntry[] {
    const out: RingEntry[] = [];
    for (let i = 0; i < this.#count; i++) {
      const e = this.#entries[(this.#start + i) % this.#maxEntries];
      if (e !== undefined && e.id > lastId) out.push(e);
    }
    return out;
  }

  #evictOldest(): void {
    const e = this.#entries[this.#start];
    this.#entries[this.#start] = undefined;
    this.#start = (this.#start + 1) % this.#maxEntries;
    this.#count -= 1;
    if (e !== undefined) {
      this.#bytes -= e.data.length;
      this.#evictedUpTo = e.id;
    }
  }
}
