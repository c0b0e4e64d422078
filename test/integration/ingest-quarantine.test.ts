// A batch real ClickHouse refuses for good (here: a CHECK constraint it violates) must not hold the batches queued
// behind it: the flusher splits the group, moves that one batch aside to disk (counted), and stores the rest.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Quarantine } from '../../collector/routing/quarantine.js';
import type { IngestBatch } from '../../lib/protocol/ingest-batch.js';
import { createTestCollector, type TestCollector } from '../support/collector-app.js';
import { uniqueName } from '../support/unique-name.js';
import { waitFor } from '../support/wait-for.js';

let c: TestCollector;
before(async () => {
  // A long coalescing delay so that the poison batch shares one insert with good ones.
  c = await createTestCollector({ tuning: { maxDelayMs: 400 } });
  await c.storage.exec(`ALTER TABLE ${c.storage.database}.metric_points ADD CONSTRAINT no_poison CHECK metric != 'poison_metric'`);
});
after(async () => { await c.close(); });

const auth = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

function batch(metric: string, n: number): IngestBatch {
  const now = Date.now();
  return { agent: 'quarantine-test', batchId: uniqueName('q'), points: Array.from({ length: n }, (_, i) => ({ ts: now - i, metric, labels: { host: 'h' }, value: i })) };
}

async function post(body: IngestBatch): Promise<number> {
  return (await c.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: JSON.stringify(body), headers: auth(c.tokens.agent) })).statusCode;
}

async function stored(metric: string): Promise<number> {
  const rows = await c.storage.query<{ n: string }>(`SELECT count() AS n FROM ${c.storage.database}.metric_points WHERE metric = {m:String}`, { m: metric });
  return Number(rows[0]?.n ?? 0);
}

describe('direct route: a batch ClickHouse refuses for good', () => {
  it('is moved aside with its reason, counted, and the batches around it are stored', async () => {
    const good = Array.from({ length: 8 }, () => batch('good_metric', 10));
    const poison = batch('poison_metric', 3);
    const statuses = await Promise.all([...good.slice(0, 4), poison, ...good.slice(4)].map(post));
    assert.deepEqual(statuses, Array(9).fill(200), 'every batch is acknowledged (durable in the WAL)');

    await waitFor('the good batches stored', async () => (await stored('good_metric')) === 80, { timeoutMs: 30_000 });
    const aside = new Quarantine(join(c.dataDir, 'quarantine'));
    const files = await waitFor('the poison batch set aside', () => { const l = aside.list(); return l.length > 0 ? l : undefined; }, { timeoutMs: 30_000 });
    assert.equal(files.length, 1);
    const [file] = files;
    if (file === undefined) assert.fail('no file');
    assert.deepEqual(file.batch, poison, 'the file is the batch exactly as sent');
    assert.match(file.reason, /VIOLATED_CONSTRAINT|no_poison/);
    assert.equal(await stored('poison_metric'), 0);

    const metrics = (await c.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${c.tokens.viewer}` } })).body;
    assert.match(metrics, /^syncwatch_ingest_quarantined_batches_total 1$/m);
    assert.equal((await c.sink.check()).ok, true, 'the sink is healthy again once the batch is aside');

    // Once the cause is fixed, the file is re-sent as it is and stored once.
    await c.storage.exec(`ALTER TABLE ${c.storage.database}.metric_points DROP CONSTRAINT no_poison`);
    const body = JSON.parse(readFileSync(file.path, 'utf8')) as IngestBatch;
    assert.equal(await post(body), 200);
    await waitFor('the re-sent batch stored', async () => (await stored('poison_metric')) === 3, { timeoutMs: 30_000 });
    assert.equal(await stored('good_metric'), 80, 'nothing doubled');
  });
});
