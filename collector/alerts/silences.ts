// Silences: label matchers and a time window that mute notifications of the alerts they match (the alerts
// still change state, are stored and are pushed live). Created, listed and expired through the API; stored in
// alert_silences (newest version wins) and held in memory for matching.
import { randomUUID } from 'node:crypto';
import { TABLES, qualified } from '../../lib/storage/tables.js';
import type { Storage } from '../../lib/storage/storage.js';
import { matchesAll, parseMatchers, type Matcher } from './matchers.js';

export interface Silence {
  readonly id: string;
  /** Matcher texts, e.g. `pipeline="orders"`. */
  readonly matchers: readonly string[];
  /** Epoch ms. */
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly createdAt: number;
  /** Who last changed it (created or expired it). */
  readonly updatedBy: string;
}

export type SilenceStatus = 'pending' | 'active' | 'expired';

export function silenceStatus(s: Silence, now: number): SilenceStatus {
  if (now >= s.endsAt) return 'expired';
  return now < s.startsAt ? 'pending' : 'active';
}

interface Entry {
  silence: Silence;
  readonly parsed: readonly Matcher[];
}

/** Expired silences are listed for this long after they end. */
const KEEP_EXPIRED_MS = 7 * 24 * 3600 * 1000;

export class Silences {
  readonly #storage: Storage;
  readonly #table: string;
  readonly #entries = new Map<string, Entry>();
  #lastVersion = 0;

  constructor(storage: Storage) {
    this.#storage = storage;
    this.#table = qualified(storage.database, TABLES.alertSilences);
  }

  /** Reads the silences that are active, pending or recently expired. */
  async load(now: number): Promise<void> {
    const rows = await this.#storage.query<{ id: string; matchers: string[]; starts_at: number; ends_at: number; created_by: string; comment: string; created_at: number; updated_by: string }>(
      `SELECT * FROM ${this.#table} FINAL WHERE ends_at > {since:Int64}`,
      { since: now - KEEP_EXPIRED_MS },
    );
    for (const r of rows) {
      this.#put({ id: r.id, matchers: r.matchers, startsAt: r.starts_at, endsAt: r.ends_at, createdBy: r.created_by, comment: r.comment, createdAt: r.created_at, updatedBy: r.updated_by });
    }
  }

  /** Ids of the silences muting an alert with these labels at `now`. */
  matching(labels: Readonly<Record<string, string>>, now: number): string[] {
    const ids: string[] = [];
    for (const e of this.#entries.values()) if (silenceStatus(e.silence, now) === 'active' && matchesAll(e.parsed, labels)) ids.push(e.silence.id);
    return ids;
  }

  /** Newest first; expired ones only when asked. */
  list(now: number, includeExpired: boolean): Silence[] {
    return [...this.#entries.values()]
      .map((e) => e.silence)
      .filter((s) => includeExpired || silenceStatus(s, now) !== 'expired')
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Whether some silence starts or ends in (from, to]: notifications must be re-examined then. */
  changedBetween(from: number, to: number): boolean {
    for (const { silence: s } of this.#entries.values()) {
      if ((s.startsAt > from && s.startsAt <= to) || (s.endsAt > from && s.endsAt <= to)) return true;
    }
    return false;
  }

  /** Stores a new silence; matchers have been checked by the route. */
  async create(input: { matchers: readonly string[]; startsAt: number; endsAt: number; comment: string }, by: string, now: number): Promise<Silence> {
    const silence: Silence = { id: randomUUID(), matchers: [...input.matchers], startsAt: input.startsAt, endsAt: input.endsAt, createdBy: by, comment: input.comment, createdAt: now, updatedBy: by };
    await this.#write(silence);
    this.#put(silence);
    return silence;
  }

  /** Ends a silence now; undefined when unknown. An expired silence is returned unchanged. */
  async expire(id: string, by: string, now: number): Promise<Silence | undefined> {
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    if (silenceStatus(entry.silence, now) === 'expired') return entry.silence;
    const silence: Silence = { ...entry.silence, endsAt: now, startsAt: Math.min(entry.silence.startsAt, now), updatedBy: by };
    await this.#write(silence);
    entry.silence = silence;
    return silence;
  }

  #put(s: Silence): void {
    this.#entries.set(s.id, { silence: s, parsed: parseMatchers(s.matchers) });
  }

  async #write(s: Silence): Promise<void> {
    this.#lastVersion = Math.max(Date.now() * 1000, this.#lastVersion + 1);
    await this.#storage.insert(this.#table, [{
      id: s.id, version: this.#lastVersion, matchers: s.matchers, starts_at: s.startsAt, ends_at: s.endsAt,
      created_by: s.createdBy, comment: s.comment, created_at: s.createdAt, updated_by: s.updatedBy,
    }]);
  }
}
