// Kafka route end to end with a real broker: collector produces, writer consumes into chdb, offsets after insert,
// and a batch that reaches Kafka twice (an agent retry through another collector) is stored once.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KafkaSink } from '../../collector/routing/kafka-sink.js';
import { startServer, type RunningServer } from '../../collector/server.js';
import { generateToken, hashToken } from '../../lib/auth/tokens.js';
import { validateConfig } from '../../lib/config/load.js';
import { newBatchId } from '../../lib/ids.js';
import { createKafka } from '../../lib/kafka.js';
import { createSilentLogger } from '../../lib/log.js';
import type { IngestBatch } from '../../lib/protocol/ingest-batch.js';
import { kafkaBrokersForTests } from '../support/kafka-broker.js';
import { uniqueName } from '../support/unique-name.js';
import { waitFor } from '../support/wait-for.js';

describe('Kafka route', { timeout: 120_000 }, () => {
  let server: RunningServer;
  let brokers: string[];
  const topic = uniqueName('sw-ingest');
  const admin = generateToken('admin');
  const auth = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };

  before(async () => {
    brokers = await kafkaBrokersForTests();
    const config = validateConfig({
      server: { port: 0 },
      storage: { dataDir: mkdtempSync(join(tmpdir(), 'sw-kafka-route-')) },
      ingest: { route: 'kafka', rateLimitPerMinute: 0 },
      kafka: { brokers, topic, partitions: 3 },
    }, 'test');
    server = await startServer({ config, tokens: [{ name: 'admin', role: 'admin', sha256: hashToken(admin) }], roles: ['collector', 'writer'], logger: createSilentLogger() });
  });
  after(async () => { await server.close(); });

  async function storedCount(metric: string): Promise<number> {
    // A range under 6 hours reads raw points (longer ones read rollups), so this counts stored points.
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await fetch(`${server.url}/api/v1/series?metric=${metric}&from=${from}&to=${to}`, { headers: auth });
    const body = (await res.json()) as { series: { points: unknown[] }[] };
    return body.series.reduce((n, s) => n + s.points.length, 0);
  }

  it('stores ingested batches through Kafka, and a resent batch id once', async () => {
    const t0 = Date.now() - 60_000;
    const batches: IngestBatch[] = [0, 1, 2].map((b) => ({
      agent: 'kafka-agent',
      batchId: newBatchId('kafka-agent'),
      points: Array.from({ length: 100 }, (_, i) => ({ ts: t0 + b * 1000 + i, metric: 'kafka_route_probe', labels: { pipeline: `p${b}`, host: 'k' }, value: i })),
    }));
    for (const batch of batches) {
      const res = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers: auth, body: JSON.stringify(batch) });
      assert.equal(res.status, 200, await res.text());
    }
    const again = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers: auth, body: JSON.stringify(batches[0]) });
    assert.deepEqual(await again.json(), { batchId: batches[0]?.batchId, accepted: 0, duplicate: true });
    await waitFor('300 points stored by the writer', async () => (await storedCount('kafka_route_probe')) === 300, { timeoutMs: 30_000 });

    // Another collector (its own producer, no memory of the batch) sends the same batch to Kafka again.
    const other = new KafkaSink({ kafka: createKafka({ brokers, clientId: 'other-collector', logger: createSilentLogger() }), topic, partitions: 3, logger: createSilentLogger() });
    await other.start();
    const marker: IngestBatch = { agent: 'kafka-agent', batchId: newBatchId('marker'), points: [{ ts: t0, metric: 'kafka_route_marker', labels: { pipeline: 'p1', host: 'k' }, value: 1 }] };
    const resent = batches[1];
    assert.ok(resent);
    assert.deepEqual(await other.accept(resent, Date.now()), { kind: 'accepted' });
    assert.deepEqual(await other.accept(marker, Date.now()), { kind: 'accepted' });
    await other.close();
    // Same partition (same pipeline key), so once the marker is stored the redelivered batch has been handled too.
    await waitFor('marker stored', async () => (await storedCount('kafka_route_marker')) === 1, { timeoutMs: 30_000 });
    assert.equal(await storedCount('kafka_route_probe'), 300);
  });

  it('reports the route in readiness', async () => {
    const res = await fetch(`${server.url}/readyz`);
    const body = (await res.json()) as { checks: Record<string, { ok: boolean }> };
    assert.equal(res.status, 200);
    assert.equal(body.checks['writer']?.ok, true);
    assert.equal(body.checks['ingest']?.ok, true);
  });
});
