// The verifier inside `serve`: runs each configured pair on its cron schedule (node-cron) or on demand, never two
// runs of one pair at once; persists runs, publishes their start and finish on the `runs` live topic, and feeds the
// confirmed-difference count to alerting (metric syncwatch_verification_confirmed_differences {pair}).
// At start-up, a run left `running` by a process that is gone resumes from its last checkpoint.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { SyncwatchError, describeError } from '../../lib/errors.js';
import type { Point } from '../../lib/protocol/ingest-batch.js';
import type { HealthResult, Storage } from '../../lib/storage/storage.js';
import { CANONICAL_SPEC_VERSION } from '../canonical/encode.js';
import { redactUrl } from '../stores/redact-url.js';
import { createRunStore, type RunStore } from '../runs/run-store.js';
import type { StoredDiff, VerificationRun } from '../runs/run-types.js';
import { verificationConfigProblems, type PairConfig, type VerificationConfig } from './config.js';
import { executeRun, type ExecuteDeps } from './execute-run.js';
import { pairFingerprint } from './fingerprint.js';
import type { RunsLiveMessage } from './live-message.js';
import { createLagReader, type LagReader } from './pipeline-lag.js';
import type { PairLease } from '../../collector/lease/pair-lease.js';

export const DRIFT_METRIC = 'syncwatch_verification_confirmed_differences';

export interface VerifierServiceDeps {
  readonly config: VerificationConfig;
  readonly storage: Storage;
  readonly logger: Logger;
  /** The live hub's publish (topic `runs`). */
  readonly publish?: ((topic: 'runs', message: RunsLiveMessage) => void) | undefined;
  /** The alert engine's observe hook. */
  readonly observe?: ((points: readonly Point[], receivedAt: number) => void) | undefined;
  /** Overrides the pipeline-lag reader (defaults to the stored metric points). */
  readonly lag?: LagReader | undefined;
  /** Test hooks passed to each run. */
  readonly runHooks?: Pick<ExecuteDeps, 'onSegment' | 'maxRetries'> | undefined;
  /** Scaled out (serve --roles verifier): only the holder of a pair's lease runs it; losing the lease aborts the run. */
  readonly lease?: PairLease | undefined;
}

export interface TriggerResult {
  readonly id: string;
  /** True when a run of the pair was already going: `id` is that run's. */
  readonly alreadyRunning: boolean;
}

export interface VerifierService {
  /** Starts a run of `pair` now (or reports the one already running); unknown pairs are SW_REQUEST_INVALID. */
  trigger(pair: string, by?: string): Promise<TriggerResult>;
  readonly runs: RunStore;
  readonly pairs: readonly string[];
  /** Resolves when the pair's current run (if any) has ended. */
  settled(pair: string): Promise<void>;
  check(): Promise<HealthResult>;
  close(): Promise<void>;
}

/** Owners of the services alive in this process: a `running` run owned by anything else on this host with a dead pid is orphaned. */
const LIVE_OWNERS = new Set<string>();
/** A run whose owner on another host has not heartbeated for this long is taken over. */
const STALE_HEARTBEAT_MS = 120_000;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function orphaned(run: VerificationRun, now: number): boolean {
  const [host, pid] = run.owner.split(':');
  if (LIVE_OWNERS.has(run.owner)) return false;
  if (host === hostname()) return Number(pid) === process.pid || !pidAlive(Number(pid));
  return now - run.heartbeatAt > STALE_HEARTBEAT_MS;
}

function newRun(pair: PairConfig, id: string, owner: string, trigger: string, by: string): VerificationRun {
  const now = Date.now();
  return {
    id, pair: pair.name, trigger, triggeredBy: by, owner, attempt: 1, startedAt: now, heartbeatAt: now, finishedAt: 0, status: 'running', verdict: '', error: '',
    sourceUrl: redactUrl(pair.source.url), targetUrl: redactUrl(pair.target.url), sourceTable: pair.source.table, targetTable: pair.target.table ?? pair.source.table,
    sourceRoot: '', targetRoot: '', sourceRows: 0, targetRows: 0, rowHash: '', sourceDigestPath: '', targetDigestPath: '', sourceSnapshot: '', targetSnapshot: '',
    segmentBounds: '', segments: 0, segmentsDone: 0, leaves: 0, mismatchedLeaves: 0, differences: 0, confirmed: 0, inFlight: 0, suspected: 0,
    lagSamples: 0, lagMinMs: -1, lagMaxMs: -1, lagAvgMs: -1, graceMs: 0, configFingerprint: pairFingerprint(pair), specVersion: CANONICAL_SPEC_VERSION,
    chainSeq: 0, prevHash: '', recordHash: '',
  };
}

export async function startVerifierService(deps: VerifierServiceDeps): Promise<VerifierService> {
  const problems = verificationConfigProblems(deps.config);
  if (problems.length > 0) throw new SyncwatchError('SW_CONFIG_INVALID', `invalid configuration:\n${problems.join('\n')}`);
  const { logger } = deps;
  const runs = createRunStore(deps.storage);
  const lag = deps.lag ?? createLagReader(deps.storage);
  const owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  LIVE_OWNERS.add(owner);
  const pairs = new Map(deps.config.pairs.map((p) => [p.name, p]));
  const active = new Map<string, { id: string; done: Promise<void> }>();
  const stop = new AbortController();
  let closed = false;

  // The segment cut keys are resume bookkeeping and can be long: live subscribers do not get them.
  const publish = (event: RunsLiveMessage['event'], run: VerificationRun): void => { deps.publish?.('runs', { type: 'run', event, run: { ...run, segmentBounds: '' } }); };

  const finishWith = async (run: VerificationRun, diffs: readonly StoredDiff[]): Promise<VerificationRun> => {
    await runs.insertDiffs(diffs);
    const done = await runs.finish(run);
    publish('finished', done);
    if (done.status === 'succeeded') {
      deps.observe?.([{ ts: done.finishedAt, metric: DRIFT_METRIC, labels: { pair: done.pair }, value: done.confirmed }], Date.now());
    }
    logger.info({ pair: done.pair, run: done.id, status: done.status, verdict: done.verdict, confirmed: done.confirmed, inFlight: done.inFlight, suspected: done.suspected, rows: done.sourceRows }, 'verification finished');
    return done;
  };

  const execute = (pair: PairConfig, run: VerificationRun): { id: string; done: Promise<void> } => {
    const work = (async (): Promise<void> => {
      try {
        const signal = deps.lease === undefined ? stop.signal : AbortSignal.any([stop.signal, deps.lease.signal(pair.name)]);
        const { run: finished, diffs } = await executeRun(pair, run, { runs, lag, logger, signal, ...deps.runHooks });
        await finishWith(finished, diffs.map((d, seq) => ({
          runId: finished.id, seq, key: d.diff.key, kind: d.diff.kind, columns: d.diff.kind === 'changed' ? d.diff.columns : [], class: d.class,
          firstSeen: d.firstSeen, lastSeen: d.lastSeen, durationMs: d.lastSeen - d.firstSeen, rounds: d.rounds,
        })));
      } catch (err) {
        if (stop.signal.aborted) {
          // Shutting down: the run stays `running` and resumes from its checkpoint at the next start.
          logger.info({ pair: pair.name, run: run.id }, 'verification interrupted by shutdown; it resumes at the next start');
          return;
        }
        logger.error({ pair: pair.name, run: run.id, err: describeError(err) }, 'verification failed');
        const latest = (await runs.get(run.id).catch(() => undefined)) ?? run;
        await finishWith({ ...latest, status: 'failed', verdict: '', error: describeError(err), finishedAt: Date.now(), heartbeatAt: Date.now() }, [])
          .catch((e: unknown) => { logger.error({ err: describeError(e) }, 'could not record a failed verification'); });
      } finally {
        deps.lease?.release(pair.name);
        active.delete(pair.name);
      }
    })();
    const entry = { id: run.id, done: work };
    active.set(pair.name, entry);
    return entry;
  };

  const trigger = async (name: string, by = 'system', how = 'api'): Promise<TriggerResult> => {
    if (closed) throw new SyncwatchError('SW_INTERNAL', 'the verifier is shutting down');
    const pair = pairs.get(name);
    if (pair === undefined) {
      throw new SyncwatchError('SW_REQUEST_INVALID', `body.pair: unknown pair ${JSON.stringify(name)}; configured: ${[...pairs.keys()].join(', ') || '(none)'}`);
    }
    const running = active.get(name);
    if (running !== undefined) return { id: running.id, alreadyRunning: true };
    // Another verifier holds the pair's lease: it runs the pair, this one does not.
    if (deps.lease !== undefined && !(await deps.lease.acquire(name))) return { id: '', alreadyRunning: true };
    if (active.has(name)) return { id: active.get(name)?.id ?? '', alreadyRunning: true };
    const run = newRun(pair, randomUUID(), owner, how, by);
    // Claimed before the first await, so a second trigger in the same tick sees it.
    const placeholder = { id: run.id, done: Promise.resolve() };
    active.set(name, placeholder);
    try {
      await runs.save(run);
    } catch (err) {
      active.delete(name);
      throw err;
    }
    publish('started', run);
    logger.info({ pair: name, run: run.id, trigger: how }, 'verification started');
    execute(pair, run);
    return { id: run.id, alreadyRunning: false };
  };

  // Orphaned runs first, so that a schedule firing right away finds the pair busy rather than starting over.
  for (const orphan of await runs.listRunning()) {
    if (!orphaned(orphan, Date.now())) continue;
    const pair = pairs.get(orphan.pair);
    const fingerprint = pair === undefined ? '' : pairFingerprint(pair);
    if (pair === undefined || fingerprint !== orphan.configFingerprint || active.has(pair.name)) {
      const why = pair === undefined ? 'the pair is no longer configured' : 'the pair configuration changed before the run could resume';
      await finishWith({ ...orphan, status: 'aborted', error: why, finishedAt: Date.now(), heartbeatAt: Date.now() }, []);
      continue;
    }
    // Scaled out: resumed only by the verifier holding the pair's lease now.
    if (deps.lease !== undefined && !(await deps.lease.acquire(pair.name))) continue;
    const resumed: VerificationRun = { ...orphan, owner, attempt: orphan.attempt + 1, heartbeatAt: Date.now() };
    await runs.save(resumed);
    publish('resumed', resumed);
    logger.info({ pair: pair.name, run: resumed.id, attempt: resumed.attempt, segmentsDone: resumed.segmentsDone, segments: resumed.segments }, 'verification resumed');
    execute(pair, resumed);
  }

  const tasks: ScheduledTask[] = deps.config.pairs.map((pair) => cron.schedule(pair.schedule, async () => {
    try {
      const result = await trigger(pair.name, 'schedule', 'schedule');
      if (result.alreadyRunning) logger.info({ pair: pair.name, run: result.id }, 'scheduled verification skipped: the previous run is still going');
    } catch (err) {
      logger.error({ pair: pair.name, err: describeError(err) }, 'scheduled verification could not start');
    }
  }, { name: `verify:${pair.name}` }));

  return {
    trigger: (pair, by) => trigger(pair, by, 'api'),
    runs,
    pairs: [...pairs.keys()],
    async settled(pair) {
      await active.get(pair)?.done;
    },
    check() {
      return Promise.resolve({ ok: true, detail: `${pairs.size} pairs, ${active.size} running` });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const t of tasks) await t.destroy();
      stop.abort();
      await Promise.all([...active.values()].map((a) => a.done));
      LIVE_OWNERS.delete(owner);
    },
  };
}
