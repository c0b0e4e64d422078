// Every registered route against the README's endpoint × role table: the table lists every route and only those,
// its ✓ marks are the route's declared permission, and the server answers 401 without a token or with an unknown
// one, 403 for each ✗ role, and lets each ✓ role through authentication.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { PERMISSIONS } from '../../lib/auth/tokens.js';
import { ROLES, type Role } from '../../lib/config/schema.js';
import { startReportServer, type ReportServer } from './report-harness.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

type Cell = 'public' | 'yes' | 'no';
interface MatrixRow { readonly endpoint: string; readonly cells: Readonly<Record<Role, Cell>> }

/** The rows of the "Endpoint × role" table, keyed by `METHOD /path`. */
function readMatrix(): Map<string, MatrixRow> {
  const start = README.indexOf('### Endpoint × role');
  assert.ok(start >= 0, 'README has an "Endpoint × role" section');
  const section = README.slice(start, README.indexOf('\n#', start + 5));
  const header = /^\| endpoint \| (.+) \|$/m.exec(section);
  assert.deepEqual(header?.[1]?.split(' | '), [...ROLES], 'matrix columns are the roles in order');
  const rows = new Map<string, MatrixRow>();
  for (const m of section.matchAll(/^\| `([A-Z]+ \S+)`[^|]* \| (.+) \|$/gm)) {
    const cells = (m[2] ?? '').split(' | ').map((c): Cell => (c === 'public' ? 'public' : c === '✓' ? 'yes' : c === '✗' ? 'no' : assert.fail(`cell ${c} in ${m[0]}`)));
    rows.set(m[1] ?? '', { endpoint: m[1] ?? '', cells: Object.fromEntries(ROLES.map((r, i) => [r, cells[i] ?? 'no'])) as Record<Role, Cell> });
  }
  return rows;
}

/** README row for a route: static dashboard files are covered by the `GET /` row. */
function rowKey(method: string, url: string): string {
  const m = method === 'HEAD' ? 'GET' : method;
  const api = url.startsWith('/api/') || ['/healthz', '/readyz', '/metrics', '/ws'].includes(url);
  return api ? `${m} ${url}` : 'GET /';
}

describe('endpoint × role', () => {
  let h: ReportServer;

  before(async () => {
    const url = 'postgres://verifier@127.0.0.1:1/none';
    h = await startReportServer({
      config: {
        alerts: { rules: [{ kind: 'threshold', name: 'lag_high', metric: 'test_lag_seconds', op: '>', threshold: 10 }] },
        verification: { pairs: [{ name: 'p', source: { url, table: 't' }, target: { url, table: 't' }, schedule: '0 0 1 1 *' }] },
      },
    });
  });
  after(async () => { await h.close(true); });

  it('the README table lists every registered route with its declared permission, and nothing else', () => {
    const matrix = readMatrix();
    const routes = h.server.app.routeCatalogue;
    assert.ok(routes.length >= 25, `only ${routes.length} routes catalogued`);
    const used = new Set<string>();
    for (const route of routes) {
      const key = rowKey(route.method, route.url);
      const row = matrix.get(key);
      assert.ok(row !== undefined, `README "Endpoint × role" lacks ${key}`);
      used.add(key);
      const allowed = ROLES.filter((r) => row.cells[r] === 'yes');
      if (route.permission === undefined) {
        // /ws authenticates with its first message; every other route without a permission is public.
        if (route.url === '/ws') assert.deepEqual(allowed, PERMISSIONS.read, 'GET /ws row');
        else assert.ok(ROLES.every((r) => row.cells[r] === 'public'), `${key} is public in the code but not in the README`);
      } else {
        assert.deepEqual(allowed, [...PERMISSIONS[route.permission]], `${route.method} ${route.url}: README vs permission "${route.permission}"`);
      }
    }
    assert.deepEqual([...matrix.keys()].filter((k) => !used.has(k)), [], 'README rows without a route');
    // No API route is public by accident: the only public one is the report keys.
    assert.deepEqual(routes.filter((r) => r.permission === undefined && r.url.startsWith('/api/')).map((r) => `${r.method} ${r.url}`).sort(), ['GET /api/v1/reports/keys', 'HEAD /api/v1/reports/keys']);
  });

  it('answers 401 without a token or with an unknown one, 403 for each wrong role, and lets each right role in', async () => {
    let checked = 0;
    for (const route of h.server.app.routeCatalogue) {
      if (route.permission === undefined) continue;
      const url = route.url.replace(/:[A-Za-z]+/g, '00000000-0000-0000-0000-000000000000');
      const method = route.method as 'GET' | 'POST' | 'DELETE' | 'HEAD';
      const call = (authorization?: string) => h.server.app.inject({ method, url, headers: authorization === undefined ? {} : { authorization } });
      const none = await call();
      assert.equal(none.statusCode, 401, `${method} ${url} without a token`);
      if (method !== 'HEAD') assert.equal(none.json<{ error: { code: string } }>().error.code, 'SW_AUTH_MISSING');
      assert.equal((await call('Bearer sw_admin_unknown')).statusCode, 401, `${method} ${url} unknown token`);
      const allowed: readonly Role[] = PERMISSIONS[route.permission];
      for (const role of ROLES) {
        const res = await call(`Bearer ${h.tokens[role]}`);
        if (allowed.includes(role)) {
          assert.ok(res.statusCode !== 401 && res.statusCode !== 403 && res.statusCode < 500, `${method} ${url} as ${role}: ${res.statusCode} ${res.body}`);
        } else {
          assert.equal(res.statusCode, 403, `${method} ${url} as ${role}`);
          if (method !== 'HEAD') assert.equal(res.json<{ error: { code: string } }>().error.code, 'SW_AUTH_FORBIDDEN');
        }
        checked++;
      }
    }
    assert.ok(checked >= 80, `${checked} route × role checks`);
  });

  it('GET /ws lets each role the README marks ✓ in after its first message, and closes on the others with 4401', async () => {
    const row = readMatrix().get('GET /ws');
    assert.ok(row !== undefined);
    for (const role of [...ROLES, null]) {
      const socket = new WebSocket(`${h.server.url.replace('http', 'ws')}/ws`);
      const first = new Promise<{ ready: boolean; code?: number }>((resolve) => {
        socket.on('message', (raw: Buffer) => { resolve({ ready: (JSON.parse(raw.toString()) as { type: string }).type === 'ready' }); });
        socket.on('close', (code: number) => { resolve({ ready: false, code }); });
      });
      await once(socket, 'open');
      socket.send(JSON.stringify({ type: 'auth', token: role === null ? 'sw_viewer_unknown' : h.tokens[role] }));
      const outcome = await first;
      socket.close();
      if (role !== null && row.cells[role] === 'yes') assert.equal(outcome.ready, true, `${role} over /ws`);
      else assert.deepEqual(outcome, { ready: false, code: 4401 }, `${role ?? 'unknown token'} over /ws`);
    }
  });

  it('public routes answer without a token', async () => {
    for (const url of ['/healthz', '/readyz', '/api/v1/reports/keys', '/']) {
      const res = await h.server.app.inject({ method: 'GET', url });
      assert.ok(res.statusCode === 200 || (url === '/readyz' && res.statusCode === 503), `${url}: ${res.statusCode}`);
    }
  });
});
