// An agent loads only the client libraries of the probe kinds it runs (each costs memory in a small agent).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { createProbe } from '../../../agents/probes/registry.js';
import { testProbeContext } from '../../support/probes.js';

const require = createRequire(import.meta.url);
const CLIENTS = /node_modules\/(pg|mysql2|ioredis|kafkajs)\//;

function loadedClients(): string[] {
  return [...new Set(Object.keys(require.cache).flatMap((k) => { const m = CLIENTS.exec(k); return m?.[1] === undefined ? [] : [m[1]]; }))].sort();
}

describe('probe modules load on demand', () => {
  it('a host probe loads no database or Kafka client; a postgres probe loads pg only, on first connect', async () => {
    const host = await createProbe({ kind: 'host', name: 'h', intervalMs: 1_000 }, testProbeContext());
    assert.deepEqual(loadedClients(), []);
    await host.close();
    const pgProbe = await createProbe({ kind: 'postgres', pipeline: 'lazy', url: 'postgres://nobody@127.0.0.1:1/none', timeoutMs: 500 }, testProbeContext());
    assert.deepEqual(loadedClients(), [], 'nothing is loaded before the first connection');
    const result = await pgProbe.check();
    assert.equal(result.ok, false, 'port 1 refuses the connection');
    assert.deepEqual(loadedClients(), ['pg']);
    await pgProbe.close();
  });
});
