// File-tree sync probe (rsync-style pipelines): writes a heartbeat file into the source tree every interval
// and reads it back from the target tree → files_sync_lag_seconds; every `treeStatsIntervalMs` also the file
// count and byte total of both trees, so a sync that copies heartbeats but drops data still shows.
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import type { Point } from '../../lib/protocol/ingest-batch.js';
import type { Probe, ProbeCheckResult, ProbeContext } from '../probe.js';
import { readHeartbeatFile, writeHeartbeatFile } from './files/heartbeat-file.js';
import { treeStats, type TreeStats } from './files/tree-stats.js';
import { EndpointHealth } from './lag/endpoints.js';
import { HeartbeatTracker, type Beat } from './lag/heartbeat-tracker.js';
import { lagProbeFields, lagProbeSettings, type LagProbeSettings } from './lag/lag-config.js';
import { PointList } from './lag/points.js';

export const DEFAULT_HEARTBEAT_FILE = '.syncwatch-heartbeat';
export const DEFAULT_TREE_STATS_INTERVAL_MS = 60_000;

export const FilesProbeConfigSchema = Type.Object(
  {
    ...lagProbeFields('files'),
    sourceDir: Type.String({ minLength: 1, description: 'root of the source tree (the probe writes its heartbeat file here)' }),
    targetDir: Type.String({ minLength: 1, description: 'root of the target tree the sync copies into' }),
    heartbeatFile: Type.Optional(Type.String({ pattern: '^(?!\\.{1,2}$)[A-Za-z0-9._-]{1,100}$', description: `file name at the tree root; default ${DEFAULT_HEARTBEAT_FILE}` })),
    treeStatsIntervalMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400_000, description: 'how often both trees are walked for file count and bytes; 0 = every collection; default 60000' })),
    maxTreeEntries: Type.Optional(Type.Integer({ minimum: 1, description: 'directory entries walked per tree at most; default 1000000' })),
  },
  { additionalProperties: false },
);
export type FilesProbeConfig = Static<typeof FilesProbeConfigSchema>;

export function createFilesProbe(config: FilesProbeConfig, context: ProbeContext): Probe {
  return new FilesProbe(config, context);
}

const SIDES = ['source', 'target'] as const;

class FilesProbe implements Probe {
  readonly kind = 'files';
  readonly name: string;
  readonly intervalMs: number;
  readonly #settings: LagProbeSettings;
  readonly #context: ProbeContext;
  readonly #config: FilesProbeConfig;
  readonly #fileName: string;
  readonly #endpoints: EndpointHealth;
  readonly #tracker = new HeartbeatTracker();
  /** Last complete beat read from the target; reused when the file is caught mid-copy. */
  #seen: Beat | undefined;
  #statsDueAt = 0;
  #walking = false;
  #finishedStats: [string, TreeStats][] = [];
  /** Aborted by close(): ends a tree walk in progress. */
  readonly #closing = new AbortController();

  constructor(config: FilesProbeConfig, context: ProbeContext) {
    this.#settings = lagProbeSettings(this.kind, config);
    this.#config = Object.freeze({ ...config });
    this.#context = context;
    this.name = this.#settings.name;
    this.intervalMs = this.#settings.intervalMs;
    this.#fileName = config.heartbeatFile ?? DEFAULT_HEARTBEAT_FILE;
    this.#endpoints = new EndpointHealth(this, context.logger, { source: `source ${config.sourceDir}`, target: `target ${config.targetDir}` }, []);
  }

  async collect(signal: AbortSignal): Promise<Point[]> {
    this.#endpoints.beginRound();
    const points = new PointList(this.#context.clock.now(), { pipeline: this.#settings.pipeline, host: this.#context.hostLabel });
    const { sourceDir, targetDir } = this.#config;
    const pipeline = this.#settings.pipeline;
    await this.#endpoints.attempt('source', async () => {
      const path = join(sourceDir, this.#fileName);
      if (!this.#tracker.started) this.#tracker.resumeAfter((await readHeartbeatFile(path, pipeline, signal))?.seq ?? 0);
      const beat = { seq: this.#tracker.nextSeq(), ts: this.#context.clock.now() };
      await writeHeartbeatFile(path, pipeline, beat, signal);
      this.#tracker.recordWrite(beat);
    });
    const read = await this.#endpoints.attempt('target', async () => {
      await access(targetDir, constants.R_OK); // a missing target tree is an outage, not "no heartbeat yet"
      return readHeartbeatFile(join(targetDir, this.#fileName), pipeline, signal);
    });
    if (read.ok) {
      if (read.value !== null) this.#seen = read.value;
      points.flag('files_heartbeat_seen', this.#seen !== undefined);
      const lagMs = this.#tracker.lagMs(this.#seen, this.#context.clock.now());
      if (lagMs !== undefined) points.add('files_sync_lag_seconds', lagMs / 1000);
    }
    this.#collectTreeStats(points);
    this.#endpoints.finishRound(points);
    return points.points;
  }

  /**
   * Tree walks run beside the collections, not inside them: walking a large tree can take longer than an
   * interval, and the heartbeat must not wait for it. Each collection reports the walk finished since the
   * previous one, and starts the next walk when it is due.
   */
  #collectTreeStats(points: PointList): void {
    for (const [side, stats] of this.#finishedStats) {
      points.add('files_count', stats.files, { side });
      points.add('files_bytes', stats.bytes, { side });
      points.flag('files_tree_truncated', stats.truncated, { side });
    }
    this.#finishedStats = [];
    const now = this.#context.clock.now();
    if (this.#walking || this.#closing.signal.aborted || now < this.#statsDueAt) return;
    this.#statsDueAt = now + (this.#config.treeStatsIntervalMs ?? DEFAULT_TREE_STATS_INTERVAL_MS);
    this.#walking = true;
    void this.#walkTrees().finally(() => { this.#walking = false; });
  }

  async #walkTrees(): Promise<void> {
    const options = { exclude: new Set([this.#fileName]), maxEntries: this.#config.maxTreeEntries, signal: this.#closing.signal };
    const finished: [string, TreeStats][] = [];
    for (const side of SIDES) {
      try {
        finished.push([side, await treeStats(side === 'source' ? this.#config.sourceDir : this.#config.targetDir, options)]);
      } catch (err) {
        // The heartbeat round reports an unreachable tree; here it is only a missing figure.
        if (!this.#closing.signal.aborted) this.#context.logger.debug({ probe: this.name, err: this.#endpoints.describeFailure(side, err) }, 'tree walk failed');
      }
    }
    this.#finishedStats = finished;
  }

  check(): Promise<ProbeCheckResult> {
    return this.#endpoints.check([
      ['source', () => access(this.#config.sourceDir, constants.W_OK)],
      ['target', () => access(this.#config.targetDir, constants.R_OK)],
    ]);
  }

  close(): Promise<void> {
    this.#closing.abort();
    return Promise.resolve();
  }
}
