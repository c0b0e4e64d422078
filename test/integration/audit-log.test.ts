// The audit log on a real in-process server (embedded ClickHouse): an entry for each administrative and auditor
// action with who, what, when and from where; refused tokens; nothing for viewers' reads or agents' ingest; the
// per-instance hash chain broken by editing or deleting an entry; continued across a graceful restart.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuditLog } from '../../collector/audit/audit-log.js';
import { createSilentLogger } from '../../lib/log.js';
import { TABLES, qualified } from '../../lib/storage/tables.js';
import { createTempPgDatabase, withPgClient, type TempDatabase } from '../support/services.js';
import { startReportServer, waitForRun, type ReportServer } from './report-harness.js';

interface Entry { seq: number; at: string; instance: string; actor: string; role: string; action: string; method: string; target: string; status: number; remote: string; detail: Record<string, unknown> }
interface ChainAnswer { intact: boolean; instance: string; instances: { instance: string; intact: boolean; length: number; brokenSeq?: number; reason?: string }[] }

describe('audit log', () => {
  let db: TempDatabase;
  let h: ReportServer;
  const since = new Date(Date.now() - 1000).toISOString();

  const config = (url: string): Record<string, unknown> => ({
    alerts: { rules: [{ kind: 'threshold', name: 'lag_high', metric: 'test_lag_seconds', op: '>', threshold: 10, severity: 'warning' }] },
    verification: { pairs: [{ name: 'audited', source: { url, table: 't' }, target: { url, table: 't' }, schedule: '0 0 1 1 *', graceSeconds: 0 }] },
  });
  const entries = async (query = ''): Promise<Entry[]> => {
    const res = await h.api('GET', `/api/v1/audit?since=${encodeURIComponent(since)}&limit=10000${query}`, 'admin');
    assert.equal(res.statusCode, 200, res.body);
    return res.json<{ entries: Entry[] }>().entries;
  };
  const chain = async (): Promise<ChainAnswer> => {
    const res = await h.api('GET', '/api/v1/audit/chain', 'admin');
    assert.equal(res.statusCode, 200, res.body);
    return res.json<ChainAnswer>();
  };

  before(async () => {
    db = await createTempPgDatabase('sw_audit');
    await withPgClient(db.url, async (c) => { await c.query('CREATE TABLE t (id integer PRIMARY KEY)'); await c.query('INSERT INTO t VALUES (1), (2)'); });
    h = await startReportServer({ config: config(db.url) });
  });

  after(async () => {
    await h.close(true);
    await db.drop();
  });

  it('records each administrative and auditor action with actor, role, target, status and address', async () => {
    const silence = await h.api('POST', '/api/v1/silences', 'admin', { matchers: ['pipeline="orders"'], durationMs: 60_000, comment: 'maintenance' });
    assert.equal(silence.statusCode, 201, silence.body);
    const silenceId = silence.json<{ silence: { id: string } }>().silence.id;
    // A named action is stored before it is answered: in the table at once, without the listing's flush.
    const stored = await h.server.storage.query<{ action: string }>(`SELECT action FROM ${qualified(h.server.storage.database, TABLES.auditLog)} WHERE action = 'silence.create'`);
    assert.equal(stored.length, 1);
    assert.equal((await h.api('DELETE', `/api/v1/silences/${silenceId}`, 'admin')).statusCode, 200);

    const ingest = await h.api('POST', '/api/v1/ingest', 'agent', { agent: 'a1', batchId: 'audit-1', points: [{ ts: Date.now(), metric: 'test_lag_seconds', labels: { pipeline: 'orders' }, value: 50 }] });
    assert.equal(ingest.statusCode, 200, ingest.body);
    let alertId: string | undefined;
    for (let i = 0; i < 50 && alertId === undefined; i++) {
      alertId = (await h.api('GET', '/api/v1/alerts', 'viewer')).json<{ alerts: { id: string; state: string }[] }>().alerts.find((a) => a.state === 'firing')?.id;
      if (alertId === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(alertId !== undefined, 'alert fired');
    assert.equal((await h.api('POST', `/api/v1/alerts/${alertId}/ack`, 'admin')).statusCode, 200);

    const run = await h.api('POST', '/api/v1/verifications', 'admin', { pair: 'audited' });
    assert.equal(run.statusCode, 202, run.body);
    const runId = run.json<{ id: string }>().id;
    await waitForRun(h, runId);
    const at = new Date().toISOString();
    assert.equal((await h.api('GET', `/api/v1/reports/consistency?at=${encodeURIComponent(at)}&format=csv`, 'auditor')).statusCode, 200);
    assert.equal((await h.api('POST', '/api/v1/reports/keys/rotate', 'admin')).statusCode, 200);
    assert.equal((await h.api('GET', '/api/v1/series?metric=test_lag_seconds', 'auditor')).statusCode, 200);
    // Refused: a viewer trying an admin action, and a token nobody issued. Not recorded: the viewer's reads.
    assert.equal((await h.api('POST', '/api/v1/silences', 'viewer', { matchers: ['a="b"'], durationMs: 60_000 })).statusCode, 403);
    const unknown = await h.server.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: { authorization: 'Bearer sw_admin_not-a-real-token' } });
    assert.equal(unknown.statusCode, 401);
    assert.equal((await h.api('GET', '/api/v1/series?metric=test_lag_seconds', 'viewer')).statusCode, 200);

    const list = await entries();
    const one = (action: string): Entry => {
      const [found, ...more] = list.filter((e) => e.action === action);
      assert.ok(found !== undefined && more.length === 0, `${action} once: ${JSON.stringify(list.map((e) => e.action))}`);
      return found;
    };
    const created = one('silence.create');
    assert.equal(created.actor, 'test-admin');
    assert.equal(created.role, 'admin');
    assert.equal(created.method, 'POST');
    assert.equal(created.status, 201);
    assert.equal(created.remote, '127.0.0.1');
    assert.deepEqual(created.detail['matchers'], ['pipeline="orders"']);
    assert.deepEqual(created.detail['created'], { silenceId });
    assert.ok(Math.abs(Date.parse(created.at) - Date.now()) < 60_000);
    assert.equal(one('silence.expire').target, `/api/v1/silences/${silenceId}`);
    assert.equal(one('alert.acknowledge').target, `/api/v1/alerts/${alertId}/ack`);
    const trigger = one('verification.trigger');
    assert.equal(trigger.detail['pair'], 'audited');
    assert.deepEqual(trigger.detail['created'], { id: runId });
    const download = one('report.download');
    assert.equal(download.actor, 'test-auditor');
    assert.deepEqual(download.detail['query'], { at, format: 'csv', diffLimit: 100 });
    assert.equal(one('report.key-rotate').role, 'admin');
    const denied = one('auth.denied');
    assert.deepEqual([denied.actor, denied.role, denied.status], ['test-viewer', 'viewer', 403]);
    const stranger = one('auth.unknown-token');
    assert.deepEqual([stranger.actor, stranger.status], ['', 401]);
    // Plain token use by admins and auditors: the auditor's read, and the admin's polling of the run.
    const requests = list.filter((e) => e.action === 'request').map((e) => `${e.actor} ${e.target}`);
    assert.deepEqual(requests.filter((r) => !r.startsWith('test-admin /api/v1/verifications/')), ['test-auditor /api/v1/series']);
    assert.ok(requests.includes(`test-admin /api/v1/verifications/${runId}`));
    assert.ok(!list.some((e) => e.role === 'agent' || (e.role === 'viewer' && e.action !== 'auth.denied')));
    // Entries of one instance are in seq order without gaps.
    const seqs = list.filter((e) => e.instance === list[0]?.instance).map((e) => e.seq);
    assert.deepEqual(seqs, seqs.map((_s, i) => (seqs[0] ?? 0) + i));
    assert.equal((await h.api('GET', '/api/v1/audit', 'auditor')).statusCode, 403);
    assert.equal((await h.api('GET', '/api/v1/audit?since=noon', 'admin')).statusCode, 400);
  });

  it('entries queued at a graceful close are stored, and the chain continues after a restart', async () => {
    const before = await entries();
    const last = before[before.length - 1];
    assert.ok(last !== undefined);
    // Answered, then closed at once: the entry for this request is still queued when close() starts.
    assert.equal((await h.api('GET', '/api/v1/silences', 'admin')).statusCode, 200);
    const { dataDir, tokens } = h;
    await h.close();
    h = await startReportServer({ dataDir, tokens, config: config(db.url) });
    const afterRestart = await entries();
    const silences = afterRestart.find((e) => e.target === '/api/v1/silences' && e.method === 'GET');
    assert.ok(silences !== undefined, 'the entry queued at close was stored');
    // In between: the listing above, recorded once it was answered.
    assert.equal(afterRestart.find((e) => e.seq === last.seq + 1)?.action, 'audit.read');
    assert.equal(silences.seq, last.seq + 2);
    const answer = await chain();
    assert.equal(answer.intact, true, JSON.stringify(answer));
    assert.ok((answer.instances.find((i) => i.instance === answer.instance)?.length ?? 0) >= 3);
  });

  it('the chain is intact, breaks when an entry is edited or deleted, and names where', async () => {
    const table = qualified(h.server.storage.database, TABLES.auditLog);
    assert.equal((await chain()).intact, true);
    const target = (await entries('&action=silence.create'))[0];
    assert.ok(target !== undefined);
    await h.server.storage.exec(`ALTER TABLE ${table} UPDATE actor = 'someone-else' WHERE seq = {seq:UInt64} SETTINGS mutations_sync = 2`, { seq: target.seq });
    const edited = await chain();
    assert.equal(edited.intact, false);
    const mine = edited.instances.find((i) => i.instance === edited.instance);
    assert.equal(mine?.brokenSeq, target.seq);
    assert.match(String(mine.reason), /edited/);
    await h.server.storage.exec(`ALTER TABLE ${table} UPDATE actor = 'test-admin' WHERE seq = {seq:UInt64} SETTINGS mutations_sync = 2`, { seq: target.seq });
    assert.equal((await chain()).intact, true);
    await h.server.storage.exec(`DELETE FROM ${table} WHERE seq = {seq:UInt64}`, { seq: target.seq + 1 });
    const deleted = await chain();
    assert.equal(deleted.intact, false);
    assert.equal(deleted.instances.find((i) => i.instance === deleted.instance)?.brokenSeq, target.seq + 2);
    assert.match(deleted.instances.find((i) => i.instance === deleted.instance)?.reason ?? '', /removed or edited/);
  });

  it('a chain whose newest entries were deleted is reported by the process that wrote them', async () => {
    const log = new AuditLog({ storage: h.server.storage, instance: 'tail-test', logger: createSilentLogger() });
    await log.open();
    for (let i = 0; i < 3; i++) log.record({ actor: 'x', role: 'admin', action: 'request', method: 'GET', target: `/t/${i}`, status: 200, detail: {}, remote: '127.0.0.1' });
    await log.flush();
    const table = qualified(h.server.storage.database, TABLES.auditLog);
    await h.server.storage.exec(`DELETE FROM ${table} WHERE instance = 'tail-test' AND seq = 3`);
    const tail = (await log.checkChains()).find((c) => c.instance === 'tail-test');
    assert.equal(tail?.check.intact, true);
    assert.match(String(tail.missingTail), /up to seq 3, but the newest stored one is 2/);
    await log.close();
  });

});
