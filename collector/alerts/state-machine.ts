// The alert state machine, per label set: a pure transition function, no clock and no I/O.
//
//            fire (for = 0)
//   inactive ──────────────────────────────▶ firing ──resolve──▶ resolved
//      │  ▲                                   ▲  │                  │
//  fire│  │hold/resolve ("cancelled")   fire, │  │hold (inside the   │ fire: a new episode
//      ▼  │                             for   │  │hysteresis band)   ▼ starts (pending/firing)
//    pending ─────────────────────────────────┘  └──▶ stays firing
//
// Levels come from the rule's condition (conditions.ts): `fire` = the value breaches the threshold, `resolve` =
// it no longer breaches the resolve threshold, `hold` = in between (the hysteresis band) or not measurable yet.
// Pending needs the fire condition without a break; a firing alert resolves only on `resolve`, so a value that
// hovers around the threshold inside the band does not flap.

export type Level = 'fire' | 'hold' | 'resolve';

export type AlertState =
  | { readonly kind: 'inactive' }
  | { readonly kind: 'pending'; readonly activeAt: number; readonly updatedAt: number; readonly value: number }
  | { readonly kind: 'firing'; readonly activeAt: number; readonly firedAt: number; readonly updatedAt: number; readonly value: number }
  | { readonly kind: 'resolved'; readonly activeAt: number; readonly firedAt: number; readonly resolvedAt: number; readonly updatedAt: number; readonly value: number };

export type AlertStateKind = AlertState['kind'];

export type Observation =
  /** The rule's condition evaluated on a value observed at `at` (epoch ms). */
  | { readonly kind: 'level'; readonly level: Level; readonly at: number; readonly value: number }
  /** Time passed without a new value: promotes a pending alert whose `for` has elapsed. */
  | { readonly kind: 'tick'; readonly at: number };

/** What a step did, when it changed the state kind: the events stored and notified. */
export type Transition = 'pending' | 'firing' | 'resolved' | 'cancelled';

export interface Step {
  readonly state: AlertState;
  readonly transition?: Transition;
}

export const INACTIVE: AlertState = Object.freeze({ kind: 'inactive' });

/** Applies one observation to `state` under a rule whose `for` duration is `forMs`. */
export function step(state: AlertState, obs: Observation, forMs: number): Step {
  // A late observation (older than what the state already reflects) must not roll the state back.
  if (state.kind !== 'inactive' && obs.at < state.updatedAt) return { state };
  return obs.kind === 'tick' ? onTick(state, obs.at, forMs) : onLevel(state, obs, forMs);
}

function onTick(state: AlertState, at: number, forMs: number): Step {
  if (state.kind !== 'pending' || at - state.activeAt < forMs) return { state };
  return { state: { kind: 'firing', activeAt: state.activeAt, firedAt: at, updatedAt: state.updatedAt, value: state.value }, transition: 'firing' };
}

function onLevel(state: AlertState, obs: { readonly level: Level; readonly at: number; readonly value: number }, forMs: number): Step {
  const { level, at, value } = obs;
  switch (state.kind) {
    case 'inactive':
    case 'resolved':
      if (level !== 'fire') return { state: state.kind === 'resolved' ? { ...state, updatedAt: at } : state };
      if (forMs === 0) return { state: { kind: 'firing', activeAt: at, firedAt: at, updatedAt: at, value }, transition: 'firing' };
      return { state: { kind: 'pending', activeAt: at, updatedAt: at, value }, transition: 'pending' };
    case 'pending':
      if (level !== 'fire') return { state: INACTIVE, transition: 'cancelled' };
      if (at - state.activeAt >= forMs) return { state: { kind: 'firing', activeAt: state.activeAt, firedAt: at, updatedAt: at, value }, transition: 'firing' };
      return { state: { ...state, updatedAt: at, value } };
    case 'firing':
      if (level === 'resolve') {
        return { state: { kind: 'resolved', activeAt: state.activeAt, firedAt: state.firedAt, resolvedAt: at, updatedAt: at, value }, transition: 'resolved' };
      }
      return { state: { ...state, updatedAt: at, value } };
  }
}

/** True while the alert is pending or firing. */
export function isActive(state: AlertState): boolean {
  return state.kind === 'pending' || state.kind === 'firing';
}
