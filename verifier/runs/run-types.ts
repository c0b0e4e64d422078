// What a verification run and its differences look like once stored, and the part of a run its hash chain covers.
import type { KeyTuple } from '../key-range.js';

export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'aborted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const DIFF_KINDS = ['missing', 'extra', 'changed'] as const;
export type DiffKind = (typeof DIFF_KINDS)[number];
export const DIFF_CLASSES = ['in_flight', 'suspected', 'confirmed'] as const;
export type DiffClass = (typeof DIFF_CLASSES)[number];

/** One run; times are epoch ms (0 = not yet); lag figures are ms, -1 when no lag was measured. */
export interface VerificationRun {
  readonly id: string;
  readonly pair: string;
  /** `schedule`, `api` or `resume`. */
  readonly trigger: string;
  readonly triggeredBy: string;
  /** The process that runs it (`host:pid:uuid`); a run whose owner stopped heartbeating is resumed at start-up. */
  readonly owner: string;
  /** 1 for the first attempt; grows with each resume after a crash or a dropped connection. */
  readonly attempt: number;
  readonly startedAt: number;
  readonly heartbeatAt: number;
  readonly finishedAt: number;
  readonly status: RunStatus;
  /** `consistent`, `drift` or '' while running / when failed. */
  readonly verdict: string;
  readonly error: string;
  /** Store URLs with passwords redacted. */
  readonly sourceUrl: string;
  readonly targetUrl: string;
  readonly sourceTable: string;
  readonly targetTable: string;
  /** Merkle roots as count:hash16. */
  readonly sourceRoot: string;
  readonly targetRoot: string;
  readonly sourceRows: number;
  readonly targetRows: number;
  readonly rowHash: string;
  readonly sourceDigestPath: string;
  readonly targetDigestPath: string;
  /** Where each side was read: snapshot positions (WAL LSN, GTID set) per attempt, `;`-separated; '' when unknown. */
  readonly sourceSnapshot: string;
  readonly targetSnapshot: string;
  /** JSON array of the segment cut keys, fixed at the first attempt so a resume compares the same segments. */
  readonly segmentBounds: string;
  readonly segments: number;
  readonly segmentsDone: number;
  readonly leaves: number;
  readonly mismatchedLeaves: number;
  /** Differences found by the comparison, before re-checks. */
  readonly differences: number;
  readonly confirmed: number;
  readonly inFlight: number;
  readonly suspected: number;
  readonly lagSamples: number;
  readonly lagMinMs: number;
  readonly lagMaxMs: number;
  readonly lagAvgMs: number;
  /** The longest grace waited before a re-check round. */
  readonly graceMs: number;
  readonly configFingerprint: string;
  readonly specVersion: number;
  /** Position in the pair's hash chain (1, 2, …); 0 until the run finished. */
  readonly chainSeq: number;
  readonly prevHash: string;
  readonly recordHash: string;
}

/** One classified difference of a run. */
export interface StoredDiff {
  readonly runId: string;
  readonly seq: number;
  readonly key: KeyTuple;
  readonly kind: DiffKind;
  readonly columns: readonly string[];
  readonly class: DiffClass;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly durationMs: number;
  readonly rounds: number;
}

/** The fields a run's record hash covers: all of it except bookkeeping that changes while it runs and the links. */
export type ChainRecord = Omit<VerificationRun, 'heartbeatAt' | 'owner' | 'prevHash' | 'recordHash'>;

export function chainRecord(run: VerificationRun): ChainRecord {
  return omit(run, ['heartbeatAt', 'owner', 'prevHash', 'recordHash']);
}

/** `value` without `keys` (a copy). */
export function omit<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Omit<T, K> {
  const drop = new Set<PropertyKey>(keys);
  return Object.fromEntries(Object.entries(value).filter(([k]) => !drop.has(k))) as Omit<T, K>;
}
