// ClickHouse persistence of verification runs: run rows (a new row version per state change, read with FINAL),
// classified differences, segment checkpoints, and each pair's hash chain over its finished runs.
import { CHAIN_GENESIS, chainHash, type ChainLink } from '../../lib/integrity/hash-chain.js';
import type { QueryParams, Storage } from '../../lib/storage/storage.js';
import { TABLES, qualified } from '../../lib/storage/tables.js';
import { chainRecord, type DiffClass, type DiffKind, type StoredDiff, type VerificationRun } from './run-types.js';

/** One finished segment of a run, enough to resume without reading it again. */
export interface Checkpoint {
  readonly runId: string;
  readonly segment: number;
  readonly sourceCount: number;
  readonly sourceHash: string;
  readonly targetCount: number;
  readonly targetHash: string;
  readonly leaves: number;
  readonly mismatched: number;
  /** JSON of the segment's differences (verifier Diff values). */
  readonly diffs: string;
  /** When the segment's differences were seen, epoch ms. */
  readonly foundAt: number;
  readonly doneAt: number;
}

export interface RunListQuery {
  readonly pair?: string | undefined;
  /** Runs started strictly before this epoch ms (paging backwards). */
  readonly before?: number | undefined;
  readonly limit: number;
}

export interface DiffQuery {
  readonly kind?: DiffKind | undefined;
  readonly class?: DiffClass | undefined;
  readonly offset: number;
  readonly limit: number;
}

export interface RunStore {
  /** Writes the run's current state as a new row version. */
  save(run: VerificationRun): Promise<void>;
  /** Links the finished run into its pair's chain (next seq, prev hash, record hash) and saves it; returns it. */
  finish(run: VerificationRun): Promise<VerificationRun>;
  get(id: string): Promise<VerificationRun | undefined>;
  /** Newest first. */
  list(q: RunListQuery): Promise<VerificationRun[]>;
  /** Runs whose newest state is `running` (on start-up: candidates for resume). */
  listRunning(): Promise<VerificationRun[]>;
  insertDiffs(diffs: readonly StoredDiff[]): Promise<void>;
  listDiffs(runId: string, q: DiffQuery): Promise<{ total: number; diffs: StoredDiff[] }>;
  saveCheckpoint(c: Checkpoint): Promise<void>;
  /** The run's finished segments, by segment number. */
  loadCheckpoints(runId: string): Promise<Checkpoint[]>;
  /** The pair's finished runs in chain order, as links for checkChain. */
  readChain(pair: string): Promise<(ChainLink & { readonly run: VerificationRun })[]>;
  /** The pair's newest run that finished (any status but running) at or before `atMs`: what a point-in-time report shows. */
  latestFinished(pair: string, atMs: number): Promise<VerificationRun | undefined>;
  /** Every pair that has stored runs, by name. */
  listPairs(): Promise<string[]>;
}

type RunRow = Record<string, unknown>;

const COLUMNS: readonly (readonly [keyof VerificationRun, string])[] = [
  ['id', 'id'], ['pair', 'pair'], ['trigger', 'trigger'], ['triggeredBy', 'triggered_by'], ['owner', 'owner'], ['attempt', 'attempt'],
  ['startedAt', 'started_at'], ['heartbeatAt', 'heartbeat_at'], ['finishedAt', 'finished_at'], ['status', 'status'], ['verdict', 'verdict'],
  ['error', 'error'], ['sourceUrl', 'source_url'], ['targetUrl', 'target_url'], ['sourceTable', 'source_table'], ['targetTable', 'target_table'],
  ['sourceRoot', 'source_root'], ['targetRoot', 'target_root'], ['sourceRows', 'source_rows'], ['targetRows', 'target_rows'], ['rowHash', 'row_hash'],
  ['sourceDigestPath', 'source_digest_path'], ['targetDigestPath', 'target_digest_path'], ['sourceSnapshot', 'source_snapshot'],
  ['targetSnapshot', 'target_snapshot'], ['segmentBounds', 'segment_bounds'], ['segments', 'segments'], ['segmentsDone', 'segments_done'],
  ['leaves', 'leaves'], ['mismatchedLeaves', 'mismatched_leaves'], ['differences', 'differences'], ['confirmed', 'confirmed'],
  ['inFlight', 'in_flight'], ['suspected', 'suspected'], ['lagSamples', 'lag_samples'], ['lagMinMs', 'lag_min_ms'], ['lagMaxMs', 'lag_max_ms'],
  ['lagAvgMs', 'lag_avg_ms'], ['graceMs', 'grace_ms'], ['configFingerprint', 'config_fingerprint'], ['specVersion', 'spec_version'],
  ['chainSeq', 'chain_seq'], ['prevHash', 'prev_hash'], ['recordHash', 'record_hash'],
];

function toRow(run: VerificationRun, version: number): RunRow {
  const row: RunRow = { version };
  for (const [field, column] of COLUMNS) row[column] = run[field];
  return row;
}

function fromRow(row: RunRow): VerificationRun {
  const out: Record<string, unknown> = {};
  for (const [field, column] of COLUMNS) {
    const v = row[column];
    out[field] = typeof v === 'string' || typeof v === 'number' ? v : String(v);
  }
  // Integers may arrive as strings from some drivers: numbers are numbers again before anything hashes them.
  for (const [field] of COLUMNS) {
    const v = out[field];
    if (typeof v === 'string' && NUMERIC.has(field)) out[field] = Number(v);
  }
  return out as unknown as VerificationRun;
}

const NUMERIC = new Set<keyof VerificationRun>([
  'attempt', 'startedAt', 'heartbeatAt', 'finishedAt', 'sourceRows', 'targetRows', 'segments', 'segmentsDone', 'leaves', 'mismatchedLeaves',
  'differences', 'confirmed', 'inFlight', 'suspected', 'lagSamples', 'lagMinMs', 'lagMaxMs', 'lagAvgMs', 'graceMs', 'specVersion', 'chainSeq',
]);

const SELECT_RUN = COLUMNS.map(([, c]) => c).join(', ');

/** Versions only grow within a process, even for two writes in one millisecond. */
function versionClock(): () => number {
  let last = 0;
  return () => {
    last = Math.max(last + 1, Date.now() * 1000);
    return last;
  };
}

export function createRunStore(storage: Storage): RunStore {
  const runs = qualified(storage.database, TABLES.verificationRuns);
  const diffsTable = qualified(storage.database, TABLES.verificationDiffs);
  const checkpoints = qualified(storage.database, TABLES.verificationCheckpoints);
  const nextVersion = versionClock();
  // Finishing runs of one pair one at a time keeps its chain a chain (runs of a pair never overlap anyway).
  const chainQueues = new Map<string, Promise<unknown>>();

  const save = (run: VerificationRun): Promise<void> => storage.insert(runs, [toRow(run, nextVersion())]);
  const select = async (where: string, params: QueryParams, tail = ''): Promise<VerificationRun[]> =>
    (await storage.query<RunRow>(`SELECT ${SELECT_RUN} FROM ${runs} FINAL WHERE ${where} ${tail}`, params)).map(fromRow);

  return {
    save,
    finish(run) {
      const previous = chainQueues.get(run.pair) ?? Promise.resolve();
      const next = previous.catch(() => undefined).then(async () => {
        const [head] = await select('pair = {pair:String} AND chain_seq > 0', { pair: run.pair }, 'ORDER BY chain_seq DESC LIMIT 1');
        const linked = { ...run, chainSeq: (head?.chainSeq ?? 0) + 1, prevHash: head?.recordHash ?? CHAIN_GENESIS, recordHash: '' };
        const done: VerificationRun = { ...linked, recordHash: chainHash(linked.prevHash, chainRecord(linked)) };
        await save(done);
        return done;
      });
      chainQueues.set(run.pair, next);
      return next;
    },
    async get(id) {
      const [run] = await select('id = {id:String}', { id }, 'LIMIT 1');
      return run;
    },
    list(q) {
      const filters = ['1'];
      if (q.pair !== undefined) filters.push('pair = {pair:String}');
      if (q.before !== undefined) filters.push('started_at < {before:Int64}');
      return select(filters.join(' AND '), { limit: q.limit, ...(q.pair !== undefined ? { pair: q.pair } : {}), ...(q.before !== undefined ? { before: q.before } : {}) },
        'ORDER BY started_at DESC, id DESC LIMIT {limit:UInt32}');
    },
    listRunning: () => select("status = 'running'", {}, 'ORDER BY started_at'),
    async insertDiffs(list) {
      if (list.length === 0) return;
      const rows = list.map((d) => ({
        run_id: d.runId, seq: d.seq, key: d.key, kind: d.kind, columns: d.columns, class: d.class,
        first_seen: d.firstSeen, last_seen: d.lastSeen, duration_ms: d.durationMs, rounds: d.rounds,
      }));
      // A retried insert of the same page is stored once.
      for (let i = 0; i < rows.length; i += 10_000) {
        const page = rows.slice(i, i + 10_000);
        await storage.insert(diffsTable, page, { dedupToken: `${list[0]?.runId ?? ''}:diffs:${i}` });
      }
    },
    async listDiffs(runId, q) {
      const filters = ['run_id = {run:String}'];
      if (q.kind !== undefined) filters.push('kind = {kind:String}');
      if (q.class !== undefined) filters.push('class = {class:String}');
      const params = { run: runId, offset: q.offset, limit: q.limit, ...(q.kind !== undefined ? { kind: q.kind } : {}), ...(q.class !== undefined ? { class: q.class } : {}) };
      const where = filters.join(' AND ');
      const [count] = await storage.query<{ n: number | string }>(`SELECT count() AS n FROM ${diffsTable} FINAL WHERE ${where}`, params);
      const rows = await storage.query<Record<string, unknown>>(
        `SELECT run_id, seq, key, kind, columns, class, first_seen, last_seen, duration_ms, rounds FROM ${diffsTable} FINAL WHERE ${where}
         ORDER BY seq LIMIT {limit:UInt32} OFFSET {offset:UInt32}`, params);
      return {
        total: Number(count?.n ?? 0),
        diffs: rows.map((r) => ({
          runId: String(r['run_id']), seq: Number(r['seq']), key: r['key'] as string[], kind: r['kind'] as DiffKind, columns: r['columns'] as string[],
          class: r['class'] as DiffClass, firstSeen: Number(r['first_seen']), lastSeen: Number(r['last_seen']), durationMs: Number(r['duration_ms']), rounds: Number(r['rounds']),
        })),
      };
    },
    saveCheckpoint: (c) => storage.insert(checkpoints, [{
      run_id: c.runId, segment: c.segment, source_count: c.sourceCount, source_hash: c.sourceHash, target_count: c.targetCount, target_hash: c.targetHash,
      leaves: c.leaves, mismatched: c.mismatched, diffs: c.diffs, found_at: c.foundAt, done_at: c.doneAt,
    }]),
    async loadCheckpoints(runId) {
      const rows = await storage.query<Record<string, unknown>>(
        `SELECT run_id, segment, source_count, source_hash, target_count, target_hash, leaves, mismatched, diffs, found_at, done_at
         FROM ${checkpoints} FINAL WHERE run_id = {run:String} ORDER BY segment`, { run: runId });
      return rows.map((r) => ({
        runId: String(r['run_id']), segment: Number(r['segment']), sourceCount: Number(r['source_count']), sourceHash: String(r['source_hash']),
        targetCount: Number(r['target_count']), targetHash: String(r['target_hash']), leaves: Number(r['leaves']), mismatched: Number(r['mismatched']),
        diffs: String(r['diffs']), foundAt: Number(r['found_at']), doneAt: Number(r['done_at']),
      }));
    },
    async latestFinished(pair, atMs) {
      const [run] = await select('pair = {pair:String} AND chain_seq > 0 AND finished_at <= {at:Int64}', { pair, at: atMs }, 'ORDER BY finished_at DESC, chain_seq DESC LIMIT 1');
      return run;
    },
    async listPairs() {
      return (await storage.query<{ pair: string }>(`SELECT DISTINCT pair FROM ${runs} ORDER BY pair`)).map((r) => r.pair);
    },
    async readChain(pair) {
      const list = await select('pair = {pair:String} AND chain_seq > 0', { pair }, 'ORDER BY chain_seq');
      return list.map((run) => ({ prevHash: run.prevHash, hash: run.recordHash, record: chainRecord(run), run }));
    },
  };
}
