// One verification run of a configured pair, resumable:
//
//   plan (fresh stores) ─▶ segment cut keys (fixed at the first attempt, stored with the run)
//     ─▶ per segment not yet checkpointed: runVerify on snapshot stores clipped to the segment, paced
//        (a transient error closes the snapshot, backs off and retries the segment on a new one)
//        ─▶ checkpoint (digests, differences, when they were seen)
//   ─▶ re-check the differing keys (recheck.ts) ─▶ classified differences, verdict from confirmed ones only
import type { Logger } from 'pino';
import { SyncwatchError, describeError } from '../../lib/errors.js';
import { CANONICAL_SPEC_VERSION } from '../canonical/encode.js';
import { EMPTY_DIGEST, combineDigests, formatDigest, type ChunkDigest } from '../digest.js';
import { FULL_RANGE, splitRange, type KeyTuple } from '../key-range.js';
import { planComparison, type ComparisonPlan } from '../plan.js';
import { validateRowFilter } from '../row-filter.js';
import type { Diff } from '../row-diff.js';
import { runVerify } from '../run.js';
import type { Store } from '../store.js';
import { openStore } from '../stores/registry.js';
import type { Checkpoint, RunStore } from '../runs/run-store.js';
import type { VerificationRun } from '../runs/run-types.js';
import type { PairConfig } from './config.js';
import { openSnapshotSide, type OpenedSide } from './open-side.js';
import { Pacer } from './pacer.js';
import { LagStats, type LagReader } from './pipeline-lag.js';
import { recheck, type ClassifiedDiff } from './recheck.js';
import { segmentStore } from './segment-store.js';
import { retryTransient } from './transient.js';

export interface ExecuteDeps {
  readonly runs: RunStore;
  readonly lag: LagReader;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Retries of one segment after transient errors. @default 5 */
  readonly maxRetries?: number;
  /** Called after each checkpoint (tests use it to kill a connection or the process mid-run). */
  readonly onSegment?: (run: VerificationRun) => void;
}

export interface ExecuteResult {
  readonly run: VerificationRun;
  readonly diffs: readonly ClassifiedDiff[];
}

function parseDigest(text: string): ChunkDigest {
  const [count = '0', hash = '0'] = text.split(':');
  return { count: Number(count), hash: BigInt(`0x${hash}`) };
}

async function planPair(source: Store, target: Store, pair: PairConfig, signal: AbortSignal): Promise<ComparisonPlan> {
  const filter = (side: 'source' | 'target'): string | undefined => {
    const text = pair[side].where;
    return text === undefined ? undefined : validateRowFilter(text, `verification.pairs (${pair.name}).${side}.where`);
  };
  const [s, t] = await Promise.all([source.describe(pair.source.table, { signal }), target.describe(pair.target.table ?? pair.source.table, { signal })]);
  return planComparison(s, t, { key: pair.key, columns: pair.columns, sourceWhere: filter('source'), targetWhere: filter('target') });
}

export async function executeRun(pair: PairConfig, initial: VerificationRun, deps: ExecuteDeps): Promise<ExecuteResult> {
  const { signal, logger } = deps;
  let run = initial;
  const stats = new LagStats();
  const pipeline = pair.pipeline;
  const lagNow = pipeline === undefined ? undefined : async (): Promise<number | undefined> => deps.lag(pipeline);
  const pacer = (): Pacer => new Pacer({
    rowsPerSecond: pair.throttle.rowsPerSecond, maxReplicaLagSeconds: pair.throttle.maxReplicaLagSeconds, lag: lagNow, signal,
    onLag: (s) => { stats.add(s); },
    onPause: (s) => { logger.info({ pair: pair.name, lagSeconds: s }, 'verification paused: replica lag above maxReplicaLagSeconds'); },
  });
  const [sourcePacer, targetPacer] = [pacer(), pacer()];
  const fresh = { source: openStore(pair.source.url, `verification.pairs (${pair.name}).source.url`), target: openStore(pair.target.url, `verification.pairs (${pair.name}).target.url`) };
  let snapshot: { source: OpenedSide; target: OpenedSide } | undefined;
  const retry = {
    signal, retries: deps.maxRetries,
    onRetry: (err: unknown, attempt: number, waitMs: number) => { logger.warn({ pair: pair.name, run: run.id, attempt, waitMs, err: describeError(err) }, 'verification step failed; retrying'); },
  };
  const closeSnapshot = async (): Promise<void> => {
    const s = snapshot;
    snapshot = undefined;
    if (s !== undefined) await Promise.all([s.source.store.close(), s.target.store.close()]).catch(() => undefined);
  };
  try {
    const plan = await retryTransient(() => planPair(fresh.source, fresh.target, pair, signal), retry);
    const keyTypes = plan.layout.keyTypes;
    if (run.segmentBounds === '') {
      await sourcePacer.gate();
      const segmentRows = pair.chunkRows * pair.checkpointChunks;
      const bounds = await retryTransient(() => fresh.source.splitKeySpace(plan.source, FULL_RANGE, segmentRows, { signal }), retry);
      // Sampling the cut keys scanned (about) the whole key space: it counts against the source's rate.
      await sourcePacer.took(bounds.length * segmentRows);
      run = { ...run, segmentBounds: JSON.stringify(bounds), segments: bounds.length + 1, sourceTable: plan.source.table, targetTable: plan.target.table };
      await deps.runs.save(run);
    }
    const segments = splitRange(FULL_RANGE, JSON.parse(run.segmentBounds) as KeyTuple[], keyTypes);
    const done = new Map((await deps.runs.loadCheckpoints(run.id)).map((c) => [c.segment, c]));

    for (const [i, range] of segments.entries()) {
      if (done.has(i)) continue;
      await retryTransient(async () => {
        try {
          if (snapshot === undefined) {
            const source = await openSnapshotSide(pair.source.url, 'source');
            const target = await openSnapshotSide(pair.target.url, 'target').catch(async (err: unknown) => { await source.store.close(); throw err; });
            snapshot = { source, target };
            const join = (old: string, p: string): string => (p === '' ? old : old === '' ? p : `${old}; ${p}`);
            run = { ...run, sourceSnapshot: join(run.sourceSnapshot, source.position), targetSnapshot: join(run.targetSnapshot, target.position) };
          }
          await Promise.all([sourcePacer.gate(), targetPacer.gate()]);
          const result = await runVerify({
            source: segmentStore(snapshot.source.store, range, keyTypes, sourcePacer),
            target: segmentStore(snapshot.target.store, range, keyTypes, targetPacer),
            table: pair.source.table, targetTable: pair.target.table, key: pair.key, columns: pair.columns,
            sourceWhere: pair.source.where, targetWhere: pair.target.where, chunkRows: pair.chunkRows, signal,
          });
          const now = Date.now();
          const checkpoint: Checkpoint = {
            runId: run.id, segment: i, sourceCount: result.source.rows, sourceHash: result.source.root, targetCount: result.target.rows, targetHash: result.target.root,
            leaves: result.evidence.leaves, mismatched: result.evidence.mismatchedLeaves, diffs: JSON.stringify(result.diffs), foundAt: now, doneAt: now,
          };
          await deps.runs.saveCheckpoint(checkpoint);
          done.set(i, checkpoint);
          run = {
            ...run, heartbeatAt: now, segmentsDone: done.size, rowHash: result.rowHash, specVersion: result.specVersion,
            sourceDigestPath: result.source.digestPath, targetDigestPath: result.target.digestPath,
          };
          await deps.runs.save(run);
          deps.onSegment?.(run);
        } catch (err) {
          // A session that failed may be broken, and its snapshot is gone with it: the retry takes a new one.
          await closeSnapshot();
          throw err;
        }
      }, { ...retry, onRetry: (err, attempt, waitMs) => { logger.warn({ pair: pair.name, run: run.id, segment: i, attempt, waitMs, err: describeError(err) }, 'verification segment failed; retrying on a new snapshot'); } });
    }
    await closeSnapshot();

    const checkpoints = [...done.values()].sort((a, b) => a.segment - b.segment);
    let sourceRoot = EMPTY_DIGEST;
    let targetRoot = EMPTY_DIGEST;
    const found: { diff: Diff; foundAt: number }[] = [];
    for (const c of checkpoints) {
      sourceRoot = combineDigests(sourceRoot, parseDigest(c.sourceHash));
      targetRoot = combineDigests(targetRoot, parseDigest(c.targetHash));
      for (const diff of JSON.parse(c.diffs) as Diff[]) found.push({ diff, foundAt: c.foundAt });
    }
    const baseGraceMs = pair.graceSeconds * 1000;
    const { diffs, maxGraceMs } = await recheck({
      source: fresh.source, target: fresh.target, plan, diffs: found, rounds: pair.recheckRounds, signal,
      read: (fn) => retryTransient(fn, retry),
      async graceMs() {
        const lag = lagNow === undefined ? undefined : await lagNow();
        stats.add(lag);
        // A difference younger than the pipeline's lag may simply not have arrived yet.
        return Math.max(baseGraceMs, lag === undefined ? 0 : Math.ceil(lag * 1000));
      },
    });
    const count = (c: ClassifiedDiff['class']): number => diffs.filter((d) => d.class === c).length;
    const lag = stats.summary;
    run = {
      ...run, status: 'succeeded', finishedAt: Date.now(), heartbeatAt: Date.now(), verdict: count('confirmed') > 0 ? 'drift' : 'consistent',
      sourceRoot: formatDigest(sourceRoot), targetRoot: formatDigest(targetRoot), sourceRows: sourceRoot.count, targetRows: targetRoot.count,
      leaves: checkpoints.reduce((n, c) => n + c.leaves, 0), mismatchedLeaves: checkpoints.reduce((n, c) => n + c.mismatched, 0),
      differences: found.length, confirmed: count('confirmed'), inFlight: count('in_flight'), suspected: count('suspected'),
      lagSamples: lag.samples, lagMinMs: lag.minMs, lagMaxMs: lag.maxMs, lagAvgMs: lag.avgMs, graceMs: maxGraceMs,
      specVersion: run.specVersion === 0 ? CANONICAL_SPEC_VERSION : run.specVersion,
    };
    return { run, diffs };
  } catch (err) {
    if (err instanceof SyncwatchError || signal.aborted) throw err;
    throw new SyncwatchError('SW_INTERNAL', `verification of ${pair.name} failed: ${describeError(err)}`, { cause: err });
  } finally {
    await closeSnapshot();
    await Promise.all([fresh.source.close(), fresh.target.close()]).catch(() => undefined);
  }
}
