// Groups alerts per (receiver, group labels), times their notifications (group wait, group interval, repeat
// interval) and hands each notification to `send` (the persisted webhook outbox). What each group last told its
// receiver is restored after a restart, so an alert that was already notified is not notified again.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import type { Notification, NotifiedAlert } from '../webhooks/notification.js';
import type { AlertRecord } from './alert-record.js';
import { decideFlush, nextFlushAt, type GroupMemory, type Member } from './grouping.js';
import { groupKeyOf, type RouteTarget, type Router } from './routing.js';

export interface NotifierDeps {
  readonly router: Router;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Whether a silence mutes this alert now. */
  isSilenced(alert: AlertRecord): boolean;
  /** Stores and queues a notification; resolves once it is durable. `nextFiring` is remembered with it. */
  send(n: Notification, nextFiring: readonly string[]): Promise<void>;
  externalUrl(): string;
}

interface Group {
  readonly key: string;
  readonly target: RouteTarget;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly createdAt: number;
  readonly members: Map<string, AlertRecord>;
  memory: GroupMemory;
  timer: NodeJS.Timeout | undefined;
  busy: Promise<void> | undefined;
  dirty: boolean;
}

/** A failed send (ClickHouse down) is tried again after this long. */
const RETRY_SEND_MS = 1000;

export class Notifier {
  readonly #deps: NotifierDeps;
  readonly #groups = new Map<string, Group>();
  readonly #memories: Map<string, GroupMemory>;
  #closed = false;

  /** `memories`: what each group key was last told, from the outbox (empty on a fresh install). */
  constructor(deps: NotifierDeps, memories: ReadonlyMap<string, GroupMemory> = new Map()) {
    this.#deps = deps;
    this.#memories = new Map(memories);
  }

  /** Takes an alert's new state (firing, resolved, acknowledged); pending alerts are nobody's business yet. */
  update(alert: AlertRecord): void {
    if (alert.state.kind !== 'firing' && alert.state.kind !== 'resolved') return;
    for (const target of this.#deps.router.route(alert.labels)) {
      const { key, groupLabels } = groupKeyOf(target, alert.labels);
      let g = this.#groups.get(key);
      if (g === undefined) {
        g = { key, target, groupLabels, createdAt: this.#deps.clock.now(), members: new Map(), memory: this.#memories.get(key) ?? { lastFiring: new Set(), lastSentAt: undefined }, timer: undefined, busy: undefined, dirty: false };
        this.#memories.delete(key);
        this.#groups.set(key, g);
      }
      g.members.set(alert.id, alert);
      this.#schedule(g);
    }
  }

  /** Re-examines every group (silences changed). */
  refresh(): void {
    for (const g of this.#groups.values()) this.#schedule(g);
  }

  /** Schedules groups whose repeat interval has passed. */
  tick(now: number): void {
    for (const g of this.#groups.values()) {
      if (g.memory.lastSentAt !== undefined && now - g.memory.lastSentAt >= g.target.repeatIntervalMs) this.#schedule(g);
    }
  }

  /** Stops timers and waits for notifications being stored. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const g of this.#groups.values()) clearTimeout(g.timer);
    await Promise.all([...this.#groups.values()].flatMap((g) => (g.busy === undefined ? [] : [g.busy])));
  }

  #schedule(g: Group): void {
    if (this.#closed) return;
    if (g.busy !== undefined) {
      g.dirty = true;
      return;
    }
    if (g.timer !== undefined) return;
    const now = this.#deps.clock.now();
    const at = nextFlushAt(g.memory, now, g.target.groupWaitMs, g.target.groupIntervalMs, g.createdAt);
    g.timer = setTimeout(() => {
      g.timer = undefined;
      g.busy = this.#flush(g).finally(() => {
        g.busy = undefined;
        if (g.dirty) {
          g.dirty = false;
          this.#schedule(g);
        }
      });
    }, at - now);
  }

  async #flush(g: Group): Promise<void> {
    const now = this.#deps.clock.now();
    const members: Member[] = [...g.members.values()].map((a) => ({ id: a.id, status: a.state.kind === 'firing' ? 'firing' : 'resolved', silenced: this.#deps.isSilenced(a), acknowledged: a.ack !== undefined }));
    const decision = decideFlush(members, g.memory, now, g.target.repeatIntervalMs);
    if (decision.kind === 'send') {
      const alerts = [...decision.firing, ...decision.resolved].map((id) => notified(g.members.get(id)));
      const n: Notification = {
        id: randomUUID(),
        receiver: g.target.receiver,
        groupKey: g.key,
        groupLabels: g.groupLabels,
        status: decision.firing.length > 0 ? 'firing' : 'resolved',
        alerts: alerts.filter((a) => a !== undefined),
        externalUrl: this.#deps.externalUrl(),
        createdAt: now,
      };
      try {
        await this.#deps.send(n, decision.nextFiring);
      } catch (err) {
        this.#deps.logger.error({ err, group: g.key }, 'could not store a notification; retrying');
        g.dirty = false;
        setTimeout(() => { this.#schedule(g); }, RETRY_SEND_MS).unref();
        return;
      }
      g.memory = { lastFiring: new Set(decision.nextFiring), lastSentAt: now };
    }
    // Resolved alerts the receiver no longer believes firing are done with; an empty group is dropped.
    for (const [id, a] of g.members) if (a.state.kind === 'resolved' && !g.memory.lastFiring.has(id)) g.members.delete(id);
    if (g.members.size === 0 && g.memory.lastFiring.size === 0) this.#groups.delete(g.key);
  }
}

function notified(a: AlertRecord | undefined): NotifiedAlert | undefined {
  if (a === undefined || (a.state.kind !== 'firing' && a.state.kind !== 'resolved')) return undefined;
  return {
    fingerprint: a.id,
    status: a.state.kind,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.state.activeAt,
    endsAt: a.state.kind === 'resolved' ? a.state.resolvedAt : undefined,
    value: a.state.value,
  };
}
