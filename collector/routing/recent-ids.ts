// A bounded set of recently accepted batch ids: the fast path that answers an agent's retry without a query.
export class RecentIds {
  readonly #ids = new Set<string>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  add(id: string): void {
    this.#ids.add(id);
    // Sets iterate in insertion order, so the first entry is the oldest.
    if (this.#ids.size > this.#capacity) {
      const oldest = this.#ids.values().next();
      if (oldest.done !== true) this.#ids.delete(oldest.value);
    }
  }

  delete(id: string): void {
    this.#ids.delete(id);
  }
}
