// The body of a signed point-in-time consistency report. A contract for auditors' tools: add fields, never rename.
import type { ChainStatus } from './chain-status.js';
import type { LagStat } from './lag-window.js';

export const REPORT_KIND = 'syncwatch.consistency-report';
export const REPORT_FORMAT_VERSION = 1;

export interface DiffEntry {
  readonly seq: number;
  readonly kind: string;
  readonly key: readonly string[];
  readonly columns: readonly string[];
  readonly class: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly rounds: number;
}

export interface DiffSection {
  readonly total: number;
  /** The first `shown` differences, by seq. */
  readonly first: readonly DiffEntry[];
  /** Where to page through all of them (relative URL), or null when all are shown. */
  readonly more: string | null;
}

export interface SideSection {
  /** Store URL with any password replaced by ***. */
  readonly url: string;
  readonly table: string;
  readonly rows: number;
  readonly merkleRoot: string;
  readonly digestPath: string;
  /** The row filter applied on this side, or null. */
  readonly where: string | null;
  /** Where the engine says this side was read (snapshot, LSN, GTID set), one per attempt; '' when it gives none. */
  readonly readPoint: string;
}

export interface RunSection {
  readonly id: string;
  readonly trigger: string;
  readonly triggeredBy: string;
  readonly attempt: number;
  readonly status: string;
  readonly verdict: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly source: SideSection;
  readonly target: SideSection;
  readonly canonicalSpecVersion: number;
  readonly rowHash: string;
  readonly configFingerprint: string;
  readonly chunks: { readonly leaves: number; readonly mismatchedLeaves: number; readonly segments: number; readonly segmentsDone: number };
  readonly differences: {
    readonly found: number;
    readonly confirmed: DiffSection;
    readonly inFlight: DiffSection;
    readonly suspected: DiffSection;
  };
  readonly coverage: {
    readonly key: readonly string[] | null;
    /** Compared columns, or null = every source column. */
    readonly columns: readonly string[] | null;
    readonly rowsCompared: { readonly source: number; readonly target: number };
    readonly chunksCompared: number;
    readonly skipped: readonly { readonly what: string; readonly why: string }[];
  };
  readonly lag: {
    /** What the verifier measured while re-checking (ms; null when it measured none). */
    readonly duringRun: { readonly samples: number; readonly minMs: number | null; readonly maxMs: number | null; readonly avgMs: number | null; readonly graceMs: number };
    /** The pipeline's lag metrics in a window around the run, from stored metric points. */
    readonly window: { readonly pipeline: string; readonly from: string; readonly to: string; readonly metrics: readonly LagStat[] };
  };
  readonly chainLink: { readonly seq: number; readonly prevHash: string; readonly recordHash: string };
}

export interface PairSection {
  readonly pair: string;
  /** Whether the pair is in this server's configuration now. */
  readonly configured: boolean;
  readonly outcome: 'consistent' | 'drift' | 'no-run';
  readonly message: string;
  readonly run: RunSection | null;
  /** A newer finished run at or before T that produced no verdict (failed, aborted), when there is one. */
  readonly newerUnfinishedAttempt: { readonly id: string; readonly status: string; readonly finishedAt: string; readonly error: string } | null;
  readonly chain: ChainStatus;
}

export interface ConsistencyReportBody {
  readonly kind: typeof REPORT_KIND;
  readonly formatVersion: typeof REPORT_FORMAT_VERSION;
  readonly at: string;
  readonly generatedAt: string;
  readonly requestedBy: string;
  readonly scope: { readonly pair: string | null };
  readonly summary: { readonly pairs: number; readonly consistent: number; readonly drift: number; readonly noRun: number; readonly chainsIntact: boolean };
  readonly pairs: readonly PairSection[];
}
