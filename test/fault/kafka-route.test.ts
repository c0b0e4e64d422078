// Kafka route under faults, with real processes: agents → collector (produces) → broker → writer (inserts).
// The broker is restarted mid-stream and the writer is killed with -9 mid-stream and restarted; then count.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateToken } from '../../lib/auth/tokens.js';
import { createKafka } from '../../lib/kafka.js';
import { createSilentLogger } from '../../lib/log.js';
import { createStorage } from '../../lib/storage/create-storage.js';
import { countSequencePoints, startSequenceAgents, type SequenceAgents } from '../support/ingest-agents.js';
import { startKafkaBroker, type KafkaBroker } from '../support/kafka-broker.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { waitFor } from '../support/wait-for.js';

const RUN_MS = Number(process.env['SYNCWATCH_FAULT_RUN_MS'] ?? 45_000);
const TOPIC = 'syncwatch.ingest';
const GROUP = 'syncwatch-writers';

/** True once the writers' group has committed every partition up to its end. */
async function writersCaughtUp(brokers: readonly string[]): Promise<boolean> {
  const admin = createKafka({ brokers, clientId: 'fault-test', logger: createSilentLogger() }).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(TOPIC);
    const [committed] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    // A partition that never received a message has no commit (-1); it is caught up when it is empty.
    return ends.every((end) => {
      const c = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
      return BigInt(c === '-1' ? end.low : c) >= BigInt(end.high);
    });
  } finally {
    await admin.disconnect();
  }
}

describe('Kafka route: broker restart and writer kill -9 mid-stream', () => {
  const root = mkdtempSync(join(tmpdir(), 'sw-kafka-fault-'));
  const agentToken = generateToken('agent');
  let broker: KafkaBroker | undefined;
  let collector: ServeProcess | undefined;
  let writer: ServeProcess | undefined;
  let agents: SequenceAgents | undefined;
  after(async () => {
    await agents?.stop();
    await collector?.kill9();
    await writer?.kill9();
    await broker?.stop();
  });

  it('stores every point exactly once', { timeout: RUN_MS + 180_000 }, async () => {
    broker = await startKafkaBroker();
    const kafkaArgs = ['--route', 'kafka', '--kafka-brokers', broker.brokers.join(',')];
    const writerDir = join(root, 'writer');
    const startWriter = (port?: number): Promise<ServeProcess> =>
      startServe({ dataDir: writerDir, localAgent: false, extraArgs: ['--roles', 'writer', ...kafkaArgs], ...(port === undefined ? {} : { port }) });
    writer = await startWriter();
    collector = await startServe({ dataDir: join(root, 'collector'), localAgent: false, env: { SYNCWATCH_AGENT_TOKEN: agentToken }, extraArgs: ['--roles', 'collector', ...kafkaArgs] });
    agents = await startSequenceAgents({ count: 3, collectorUrl: collector.url, token: agentToken, spoolRoot: root });

    await new Promise((r) => setTimeout(r, RUN_MS / 3));
    await broker.restart();
    await new Promise((r) => setTimeout(r, RUN_MS / 3));
    const writerPort = writer.port;
    await writer.kill9();
    writer = await startWriter(writerPort);
    await new Promise((r) => setTimeout(r, RUN_MS / 3));

    const produced = await agents.finish(120_000);
    assert.ok(produced > 1000, `expected sustained production, got ${produced}`);
    try {
      await waitFor('the writers to commit every partition to its end', () => writersCaughtUp(broker?.brokers ?? []), { timeoutMs: 90_000, intervalMs: 500 });
    } catch (err) {
      throw new Error(`${(err as Error).message}\nwriter output:\n${writer.output().slice(-3000)}`);
    }
    await writer.stop();
    writer = undefined;
    const storage = createStorage({ dataDir: writerDir });
    try {
      assert.deepEqual(await countSequencePoints(storage), { total: produced, distinct: produced }, `produced ${produced}`);
    } finally {
      await storage.close();
    }
  });
});
