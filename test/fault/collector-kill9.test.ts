// kill -9 the collector three times during sustained ingest from three agents; restart it each time.
// Then count: every point produced is stored exactly once (WAL replay + batch-id dedup + agent spool retries).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { generateToken } from '../../lib/auth/tokens.js';
import { createStorage } from '../../lib/storage/create-storage.js';
import { countSequencePoints, startSequenceAgents, type SequenceAgents } from '../support/ingest-agents.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const RUN_MS = Number(process.env['SYNCWATCH_FAULT_RUN_MS'] ?? 60_000);
const KILLS = 3;

describe('collector kill -9 under sustained ingest', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sw-kill9-'));
  const agentToken = generateToken('agent');
  const env = { SYNCWATCH_AGENT_TOKEN: agentToken };
  let serve: ServeProcess | undefined;
  let agents: SequenceAgents | undefined;
  after(async () => {
    await agents?.stop();
    await serve?.kill9();
  });

  it(`stores every point exactly once across ${KILLS} crashes`, { timeout: RUN_MS + 120_000 }, async () => {
    serve = await startServe({ dataDir, localAgent: false, env });
    const port = serve.port;
    agents = await startSequenceAgents({ count: 3, collectorUrl: serve.url, token: agentToken, spoolRoot: dataDir });
    for (let k = 1; k <= KILLS; k++) {
      await new Promise((r) => setTimeout(r, RUN_MS / (KILLS + 1)));
      await serve.kill9();
      serve = await startServe({ dataDir, port, localAgent: false, env });
    }
    await new Promise((r) => setTimeout(r, RUN_MS / (KILLS + 1)));
    const produced = await agents.finish();
    assert.ok(produced > 1000, `expected sustained production, got ${produced}`);
    // A graceful stop flushes what the collector still queues; the count is then read from its data dir.
    await serve.stop();
    serve = undefined;
    const storage = createStorage({ dataDir });
    try {
      assert.deepEqual(await countSequencePoints(storage), { total: produced, distinct: produced }, `produced ${produced}`);
    } finally {
      await storage.close();
    }
  });
});
