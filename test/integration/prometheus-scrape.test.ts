// A real Prometheus scrapes a real collector's /metrics with a viewer-or-better bearer token: the latest lag per
// pipeline reaches Prometheus' query API as the syncwatch_pipeline_lag_seconds gauge, labelled by pipeline.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { newBatchId } from '../../lib/ids.js';
import { prometheusUnavailable, startPrometheus, type PromSample, type RunningPrometheus } from '../support/prometheus.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { uniqueName } from '../support/unique-name.js';
import { waitFor } from '../support/wait-for.js';

const unavailable = await prometheusUnavailable();
if (unavailable !== undefined) console.log(`prometheus-scrape: skipped: ${unavailable}`);

describe('Prometheus scrapes the collector', { skip: unavailable ?? false }, () => {
  let serve: ServeProcess;
  let prometheus: RunningPrometheus;
  let dir: string;
  const pipeline = uniqueName('pg_main');

  before(async () => {
    serve = await startServe({ localAgent: false });
    dir = await mkdtemp(join(tmpdir(), 'sw-prom-token-'));
    const tokenFile = join(dir, 'token');
    await writeFile(tokenFile, serve.token, { mode: 0o600 });
    const target = `127.0.0.1:${serve.port}`;
    prometheus = await startPrometheus([
      { name: 'syncwatch', target, credentialsFile: tokenFile },
      { name: 'syncwatch-no-token', target },
    ]);
  });
  after(async () => {
    await prometheus.stop();
    await serve.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function ingestLag(value: number): Promise<void> {
    const body = { agent: 'prom-test', batchId: newBatchId('prom-test'), points: [{ ts: Date.now(), metric: 'pg_replay_lag_seconds', labels: { pipeline, host: 'db-1' }, value }] };
    const res = await fetch(`${serve.url}/api/v1/ingest`, { method: 'POST', headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200, await res.text());
  }

  /** Waits until Prometheus answers the lag gauge of our pipeline with `value`; returns the sample. */
  function lagInPrometheus(value: number): Promise<PromSample> {
    const promql = `syncwatch_pipeline_lag_seconds{pipeline="${pipeline}"}`;
    let last: PromSample[] = [];
    return waitFor(`Prometheus to return ${promql} = ${value}`, async () => {
      last = await prometheus.query(promql);
      return last.find((s) => Number(s.value[1]) === value);
    }, { timeoutMs: 30_000, intervalMs: 250 }).catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}; last answer ${JSON.stringify(last)}; targets ${prometheus.url}/api/v1/targets\n${prometheus.output().slice(-2000)}`);
    });
  }

  it('returns the lag gauge with the pipeline label and the latest value', async () => {
    await ingestLag(12.5);
    const sample = await lagInPrometheus(12.5);
    assert.deepEqual(
      { pipeline: sample.metric['pipeline'], metric: sample.metric['metric'], job: sample.metric['job'], name: sample.metric['__name__'] },
      { pipeline, metric: 'pg_replay_lag_seconds', job: 'syncwatch', name: 'syncwatch_pipeline_lag_seconds' },
    );
    await ingestLag(3.25);
    await lagInPrometheus(3.25);
    assert.equal(serve.running, true, 'the collector kept running');
  });

  it('scrapes only with a token: the job without one is down with a 401', async () => {
    const targets = await waitFor('both scrape targets to have a health verdict', async () => {
      const all = await prometheus.targets();
      return all.length === 2 && all.every((t) => t.health !== 'unknown') ? all : undefined;
    }, { timeoutMs: 20_000, intervalMs: 250 });
    const byJob = new Map(targets.map((t) => [t.labels['job'], t]));
    assert.equal(byJob.get('syncwatch')?.health, 'up', JSON.stringify(byJob.get('syncwatch')));
    assert.equal(byJob.get('syncwatch-no-token')?.health, 'down');
    assert.match(byJob.get('syncwatch-no-token')?.lastError ?? '', /401/);
  });
});
