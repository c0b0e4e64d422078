// De-duplication and repeat decisions for one notification group, as a pure function of what the group's
// receivers were last told and what its alerts are now.
//
// A group is notified when an alert fires that the receiver was not told about, or when an alert it was told
// is firing has resolved. Otherwise nothing is sent, except a reminder after `repeatIntervalMs` while a firing
// alert is neither silenced nor acknowledged. Silenced alerts are left out of notifications, but the group
// remembers that the receiver saw them firing, so their eventual resolve is still sent.

export interface Member {
  readonly id: string;
  readonly status: 'firing' | 'resolved';
  readonly silenced: boolean;
  readonly acknowledged: boolean;
}

/** What the group's receiver was last told. */
export interface GroupMemory {
  /** Ids the last notification left firing (including silenced ones it had told about before). */
  readonly lastFiring: ReadonlySet<string>;
  /** Epoch ms of the last notification; undefined for a group never notified. */
  readonly lastSentAt: number | undefined;
}

export type FlushDecision =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'send';
      readonly reason: 'changed' | 'repeat';
      /** Ids to list as firing, then as resolved. */
      readonly firing: readonly string[];
      readonly resolved: readonly string[];
      /** The memory's lastFiring after this notification. */
      readonly nextFiring: readonly string[];
    };

export function decideFlush(members: readonly Member[], memory: GroupMemory, now: number, repeatIntervalMs: number): FlushDecision {
  const firing = members.filter((m) => m.status === 'firing' && !m.silenced);
  const resolved = members.filter((m) => m.status === 'resolved' && memory.lastFiring.has(m.id));
  const fresh = firing.filter((m) => !memory.lastFiring.has(m.id));
  const stillToldFiring = members.filter((m) => m.status === 'firing' && m.silenced && memory.lastFiring.has(m.id));
  const send = (reason: 'changed' | 'repeat'): FlushDecision => ({
    kind: 'send',
    reason,
    firing: firing.map((m) => m.id),
    resolved: resolved.map((m) => m.id),
    nextFiring: [...firing, ...stillToldFiring].map((m) => m.id),
  });
  if (fresh.length > 0 || resolved.length > 0) return send('changed');
  const due = memory.lastSentAt !== undefined && now - memory.lastSentAt >= repeatIntervalMs;
  if (due && firing.some((m) => !m.acknowledged)) return send('repeat');
  return { kind: 'none' };
}

/** When a group that changed may be flushed: group_wait after creation, else group_interval after the last send. */
export function nextFlushAt(memory: GroupMemory, now: number, groupWaitMs: number, groupIntervalMs: number, createdAt: number): number {
  if (memory.lastSentAt === undefined) return Math.max(now, createdAt + groupWaitMs);
  return Math.max(now, memory.lastSentAt + groupIntervalMs);
}
