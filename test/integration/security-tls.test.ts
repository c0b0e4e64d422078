// server.tls with a self-signed certificate made by the openssl CLI: the server speaks HTTPS only, clients that
// trust the certificate get answers, others are refused, the report CLI verifies over HTTPS with
// NODE_EXTRA_CA_CERTS, and an unreadable key file stops start-up naming the config key.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startReportServer, type ReportServer } from './report-harness.js';

const ROOT = new URL('../..', import.meta.url).pathname;

function get(url: string, ca?: Buffer, token?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const headers = token === undefined ? {} : { authorization: `Bearer ${token}` };
    const req = u.protocol === 'https:'
      ? httpsRequest(u, { ca, headers, timeout: 5000 })
      : httpRequest(u, { headers, timeout: 5000 });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body }); });
    });
    req.on('timeout', () => { req.destroy(new Error('timeout')); });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS', () => {
  let dir: string;
  let h: ReportServer;
  let cert: Buffer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sw-tls-'));
    const made = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=syncwatch-test',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { encoding: 'utf8' });
    assert.equal(made.status, 0, `openssl: ${made.stderr}`);
    cert = readFileSync(join(dir, 'cert.pem'));
    h = await startReportServer({ config: { server: { tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') } } } });
  });

  after(async () => {
    await h.close(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS to a client that trusts the certificate, and refuses one that does not', async () => {
    assert.match(h.server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await get(`${h.server.url}/healthz`, cert);
    assert.equal(health.status, 200);
    const keys = await get(`${h.server.url}/api/v1/reports/keys`, cert);
    assert.equal(keys.status, 200);
    const series = await get(`${h.server.url}/api/v1/alerts`, cert, h.tokens.viewer);
    assert.equal(series.status, 200, series.body);
    await assert.rejects(get(`${h.server.url}/healthz`), /self-signed|self signed/);
  });

  it('does not speak plain HTTP on the TLS port', async () => {
    const plain = h.server.url.replace('https:', 'http:');
    const outcome = await get(`${plain}/healthz`).then((r) => `status ${r.status}`, (err: unknown) => `error ${String(err)}`);
    assert.ok(!outcome.startsWith('status 200'), outcome);
  });

  it('the report CLI verifies against the server over HTTPS with NODE_EXTRA_CA_CERTS', async () => {
    const at = new Date().toISOString();
    const res = await h.api('GET', `/api/v1/reports/consistency?at=${encodeURIComponent(at)}`, 'auditor');
    assert.equal(res.statusCode, 200, res.body);
    const file = join(dir, 'report.json');
    writeFileSync(file, res.body);
    const result = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(process.execPath, [join(ROOT, 'bin', 'syncwatch'), 'report', 'verify', file, '--server', h.server.url], {
        cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') }, timeout: 60_000,
      }, (err, stdout, stderr) => { resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, out: stdout + stderr }); });
    });
    assert.equal(result.code, 0, result.out);
    assert.match(result.out, /^VALID /);
  });

  it('an unreadable key file stops start-up naming server.tls.key', async () => {
    await assert.rejects(
      startReportServer({ dataDir: join(dir, 'other'), config: { server: { tls: { cert: join(dir, 'cert.pem'), key: join(dir, 'missing.pem') } } } }),
      (err: Error) => err.message.startsWith('server.tls.key: cannot read'),
    );
  });
});
