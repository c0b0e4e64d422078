// Builds the body of a point-in-time consistency report: per pair, the newest run that finished with a verdict at
// or before T, its evidence, the lag around it and the state of the pair's chain. Everything in it is as of T
// (runs finishing after T and lag points after T are left out), so two reports for one T agree.
import type { StoredDiff, VerificationRun } from '../../verifier/runs/run-types.js';
import type { DiffClass } from '../../verifier/runs/run-types.js';
import type { PairConfig } from '../../verifier/service/config.js';
import { redactUrl } from '../../verifier/stores/redact-url.js';
import { SyncwatchError } from '../../lib/errors.js';
import type { SeenHead } from '../audit/chain-anchors.js';
import { chainStatus } from './chain-status.js';
import type { LagStat } from './lag-window.js';
import { REPORT_FORMAT_VERSION, REPORT_KIND, type ConsistencyReportBody, type DiffSection, type PairSection, type RunSection } from './report-types.js';
import type { RunHistory } from './run-history.js';

/** Lag points this long before a run started and after it finished are counted as "around" it. */
export const LAG_WINDOW_MS = 5 * 60_000;

export interface ReportInputs {
  readonly history: RunHistory;
  readonly lag: (pipeline: string, fromMs: number, toMs: number) => Promise<LagStat[]>;
  readonly pairs: readonly PairConfig[];
  readonly atMs: number;
  readonly pair?: string | undefined;
  readonly nowMs: number;
  readonly requestedBy: string;
  /** Differences listed per class before the "more" link. @default 100 */
  readonly diffLimit?: number;
  /** The newest chain head per pair that earlier reports stated (audit log). */
  readonly seenHeads?: ReadonlyMap<string, SeenHead>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

function diffLink(runId: string, cls: DiffClass, offset: number): string {
  return `/api/v1/verifications/${encodeURIComponent(runId)}/differences?class=${cls}&offset=${offset}`;
}

async function diffSection(history: RunHistory, runId: string, cls: DiffClass, limit: number): Promise<DiffSection> {
  const { total, diffs } = await history.diffs(runId, cls, 0, limit);
  return {
    total,
    first: diffs.map((d: StoredDiff) => ({ seq: d.seq, kind: d.kind, key: [...d.key], columns: [...d.columns], class: d.class, firstSeen: iso(d.firstSeen), lastSeen: iso(d.lastSeen), rounds: d.rounds })),
    more: total > diffs.length ? diffLink(runId, cls, diffs.length) : null,
  };
}

function nullableMs(samples: number, v: number): number | null {
  return samples === 0 || v < 0 ? null : v;
}

async function runSection(run: VerificationRun, config: PairConfig | undefined, inputs: ReportInputs, limit: number): Promise<RunSection> {
  const pipeline = config?.pipeline ?? run.pair;
  const from = run.startedAt - LAG_WINDOW_MS;
  const to = Math.min(run.finishedAt + LAG_WINDOW_MS, inputs.atMs);
  const [confirmed, inFlight, suspected, metrics] = await Promise.all([
    diffSection(inputs.history, run.id, 'confirmed', limit),
    diffSection(inputs.history, run.id, 'in_flight', limit),
    diffSection(inputs.history, run.id, 'suspected', limit),
    inputs.lag(pipeline, from, to),
  ]);
  const skipped: { what: string; why: string }[] = [];
  if (run.segmentsDone < run.segments) skipped.push({ what: `${run.segments - run.segmentsDone} of ${run.segments} segments`, why: `run ${run.status} before comparing them` });
  if (suspected.total > 0) skipped.push({ what: `${suspected.total} differences not classified`, why: 'they still differed or changed between re-checks when the re-check rounds ran out (suspected)' });
  if (config === undefined) skipped.push({ what: 'key, columns and filters from the configuration', why: 'the pair is no longer configured on this server; the run itself is reported as stored' });
  return {
    id: run.id, trigger: run.trigger, triggeredBy: run.triggeredBy, attempt: run.attempt, status: run.status, verdict: run.verdict,
    startedAt: iso(run.startedAt), finishedAt: iso(run.finishedAt), durationMs: run.finishedAt - run.startedAt,
    source: { url: redactUrl(run.sourceUrl), table: run.sourceTable, rows: run.sourceRows, merkleRoot: run.sourceRoot, digestPath: run.sourceDigestPath, where: config?.source.where ?? null, readPoint: run.sourceSnapshot },
    target: { url: redactUrl(run.targetUrl), table: run.targetTable, rows: run.targetRows, merkleRoot: run.targetRoot, digestPath: run.targetDigestPath, where: config?.target.where ?? config?.source.where ?? null, readPoint: run.targetSnapshot },
    canonicalSpecVersion: run.specVersion,
    rowHash: run.rowHash,
    configFingerprint: run.configFingerprint,
    chunks: { leaves: run.leaves, mismatchedLeaves: run.mismatchedLeaves, segments: run.segments, segmentsDone: run.segmentsDone },
    differences: { found: run.differences, confirmed, inFlight, suspected },
    coverage: {
      key: config?.key ?? null,
      columns: config?.columns ?? null,
      rowsCompared: { source: run.sourceRows, target: run.targetRows },
      chunksCompared: run.leaves,
      skipped,
    },
    lag: {
      duringRun: { samples: run.lagSamples, minMs: nullableMs(run.lagSamples, run.lagMinMs), maxMs: nullableMs(run.lagSamples, run.lagMaxMs), avgMs: nullableMs(run.lagSamples, run.lagAvgMs), graceMs: run.graceMs },
      window: { pipeline, from: iso(from), to: iso(to), metrics },
    },
    chainLink: { seq: run.chainSeq, prevHash: run.prevHash, recordHash: run.recordHash },
  };
}

async function pairSection(name: string, inputs: ReportInputs, limit: number): Promise<PairSection> {
  const config = inputs.pairs.find((p) => p.name === name);
  const links = await inputs.history.chain(name);
  const chain = chainStatus(name, links, inputs.seenHeads?.get(name));
  // Chain order is finish order; the newest run that finished by T with a verdict is the one that answers for T.
  const byT = links.map((l) => l.run).filter((r) => r.finishedAt > 0 && r.finishedAt <= inputs.atMs).sort((a, b) => a.finishedAt - b.finishedAt || a.chainSeq - b.chainSeq);
  const withVerdict = byT.filter((r) => r.status === 'succeeded' && (r.verdict === 'consistent' || r.verdict === 'drift'));
  const run = withVerdict[withVerdict.length - 1];
  const newest = byT[byT.length - 1];
  const newerUnfinishedAttempt = newest !== undefined && newest !== run
    ? { id: newest.id, status: newest.status, finishedAt: iso(newest.finishedAt), error: newest.error }
    : null;
  if (run === undefined) {
    return { pair: name, configured: config !== undefined, outcome: 'no-run', message: `no run of pair ${name} finished with a verdict at or before ${iso(inputs.atMs)}`, run: null, newerUnfinishedAttempt, chain };
  }
  const section = await runSection(run, config, inputs, limit);
  const outcome = run.verdict === 'consistent' ? 'consistent' : 'drift';
  const message = outcome === 'consistent'
    ? `as of ${iso(inputs.atMs)}, the newest run (finished ${section.finishedAt}) found target ${section.target.table} consistent with source ${section.source.table}`
    : `as of ${iso(inputs.atMs)}, the newest run (finished ${section.finishedAt}) found ${section.differences.confirmed.total} confirmed and ${section.differences.inFlight.total} in-flight differences`;
  return { pair: name, configured: config !== undefined, outcome, message, run: section, newerUnfinishedAttempt, chain };
}

export async function buildConsistencyReport(inputs: ReportInputs): Promise<ConsistencyReportBody> {
  const limit = inputs.diffLimit ?? 100;
  const known = new Set([...inputs.pairs.map((p) => p.name), ...(await inputs.history.pairs())]);
  if (inputs.pair !== undefined && !known.has(inputs.pair)) {
    throw new SyncwatchError('SW_NOT_FOUND', `querystring.pair: no pair named ${JSON.stringify(inputs.pair)} is configured or has runs`);
  }
  const names = inputs.pair !== undefined ? [inputs.pair] : [...known].sort();
  const pairs: PairSection[] = [];
  for (const name of names) pairs.push(await pairSection(name, inputs, limit));
  return {
    kind: REPORT_KIND,
    formatVersion: REPORT_FORMAT_VERSION,
    at: iso(inputs.atMs),
    generatedAt: iso(inputs.nowMs),
    requestedBy: inputs.requestedBy,
    scope: { pair: inputs.pair ?? null },
    summary: {
      pairs: pairs.length,
      consistent: pairs.filter((p) => p.outcome === 'consistent').length,
      drift: pairs.filter((p) => p.outcome === 'drift').length,
      noRun: pairs.filter((p) => p.outcome === 'no-run').length,
      chainsIntact: pairs.every((p) => p.chain.intact),
    },
    pairs,
  };
}
