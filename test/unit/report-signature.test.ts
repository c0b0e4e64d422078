// Report signing keys (generation, file modes, rotation), signatures over canonical JSON, chain status, CSV/HTML escaping.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { chainStatus } from '../../collector/reports/chain-status.js';
import { csvField } from '../../collector/reports/report-csv.js';
import { escapeHtml, renderReportHtml } from '../../collector/reports/report-html.js';
import { REPORT_FORMAT_VERSION, REPORT_KIND, type ConsistencyReportBody } from '../../collector/reports/report-types.js';
import type { ChainedRun } from '../../collector/reports/run-history.js';
import { parsePublicKeys, signBody, verifyDocument } from '../../collector/reports/signature.js';
import { ReportKeyRing } from '../../collector/reports/signing-keys.js';
import { parseReportTime } from '../../collector/routes/reports.js';
import { signedJsonOf } from '../../cli/report.js';
import { CHAIN_GENESIS, chainHash } from '../../lib/integrity/hash-chain.js';
import type { VerificationRun } from '../../verifier/runs/run-types.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sw-report-unit-'));
  dirs.push(d);
  return d;
}

describe('report signing keys', () => {
  it('generates one key on first open, private file 0600, and reloads the same key', () => {
    const dir = tempDir();
    const ring = ReportKeyRing.open(dir);
    const files = readdirSync(join(dir, 'report-keys'));
    const privateFile = files.find((f) => f.endsWith('.key.pem'));
    assert.ok(privateFile !== undefined);
    assert.equal(statSync(join(dir, 'report-keys', privateFile)).mode & 0o777, 0o600);
    assert.equal(ReportKeyRing.open(dir).currentKeyId, ring.currentKeyId);
    assert.match(ring.currentKeyId, /^[0-9a-f]{32}$/);
  });

  it('rotation keeps old public keys so that old reports still verify, and deletes the old private key', () => {
    const dir = tempDir();
    const ring = ReportKeyRing.open(dir);
    const oldId = ring.currentKeyId;
    const oldDoc = signBody({ n: 1 }, oldId, ring.signingKey);
    const next = ring.rotate();
    assert.notEqual(next.keyId, oldId);
    assert.ok(!readdirSync(join(dir, 'report-keys')).includes(`${oldId}.key.pem`));
    const reopened = ReportKeyRing.open(dir);
    assert.equal(reopened.currentKeyId, next.keyId);
    const listed = reopened.publicKeys();
    assert.deepEqual(listed.map((k) => [k.keyId, k.current]), [[next.keyId, true], [oldId, false]]);
    assert.ok(listed[1]?.retiredAt !== null);
    const keys = parsePublicKeys(JSON.stringify({ keys: listed }));
    assert.deepEqual(verifyDocument(oldDoc, keys), { valid: true, keyId: oldId });
    const newDoc = signBody({ n: 2 }, reopened.currentKeyId, reopened.signingKey);
    assert.deepEqual(verifyDocument(newDoc, keys), { valid: true, keyId: next.keyId });
    // PEM input works too, and the key id is recomputed from the key itself.
    const pemKeys = parsePublicKeys(listed.map((k) => k.publicKeyPem).join('\n'));
    assert.deepEqual([...pemKeys.keys()].sort(), [next.keyId, oldId].sort());
  });
});

describe('report rotate-key', () => {
  it('rotates the key of a data directory from the command line', () => {
    const dir = tempDir();
    const first = ReportKeyRing.open(dir).currentKeyId;
    const bin = new URL('../../bin/syncwatch', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [bin, 'report', 'rotate-key', '--data-dir', dir], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const ring = ReportKeyRing.open(dir);
    assert.notEqual(ring.currentKeyId, first);
    assert.match(r.stdout, new RegExp(`${first} → ${ring.currentKeyId}`));
    assert.deepEqual(ring.publicKeys().map((k) => k.keyId).sort(), [first, ring.currentKeyId].sort());
  });
});

describe('signatures', () => {
  const ring = ReportKeyRing.open(tempDir());
  const keys = parsePublicKeys(JSON.stringify({ keys: ring.publicKeys() }));
  const body = { b: [1, 2, { z: 'ü', a: null }], a: 'x', n: 1.5 };

  it('a saved report verifies whatever its key order or whitespace', () => {
    const doc = signBody(body, ring.currentKeyId, ring.signingKey);
    const reordered = JSON.parse(JSON.stringify({ signature: doc.signature, body: { n: 1.5, a: 'x', b: [1, 2, { a: null, z: 'ü' }] } }, null, 4)) as unknown;
    assert.deepEqual(verifyDocument(reordered, keys), { valid: true, keyId: ring.currentKeyId });
  });

  it('every single changed byte of the body fails verification', () => {
    const text = JSON.stringify(signBody(body, ring.currentKeyId, ring.signingKey));
    const start = text.indexOf('"body"') + 7;
    const end = text.indexOf(',"signature"');
    let checked = 0;
    for (let i = start; i < end; i++) {
      const ch = text[i] ?? '';
      if (!/[a-z0-9]/.test(ch)) continue;
      const changed = `${text.slice(0, i)}${ch === '1' ? '2' : ch === 'x' ? 'y' : '1'}${text.slice(i + 1)}`;
      let doc: unknown;
      try { doc = JSON.parse(changed); } catch { continue; }
      const outcome = verifyDocument(doc, keys);
      assert.equal(outcome.valid, false, `byte ${i} changed: ${changed}`);
      checked++;
    }
    assert.ok(checked >= 5);
  });

  it('names the reason: unknown key, wrong algorithm, missing parts', () => {
    const doc = signBody(body, ring.currentKeyId, ring.signingKey);
    const reason = (d: unknown): string => { const o = verifyDocument(d, keys); return o.valid ? 'valid' : o.reason; };
    assert.match(reason({ ...doc, signature: { ...doc.signature, keyId: 'f'.repeat(32) } }), /no public key with id/);
    assert.match(reason({ ...doc, signature: { ...doc.signature, algorithm: 'RSA' } }), /algorithm/);
    assert.match(reason({ body }), /no "signature"/);
    assert.match(reason([]), /not a JSON object/);
  });

  it('the HTML rendering embeds the signed JSON, escaped, and it comes back exactly', () => {
    const doc = signBody({ text: '</pre><script>alert("x")</script> & \'q\'' }, ring.currentKeyId, ring.signingKey);
    const json = JSON.stringify(doc, null, 2);
    const html = `<!DOCTYPE html><html><body><pre id="signed-report">${escapeHtml(json)}</pre></body></html>`;
    assert.ok(!html.includes('<script>'));
    assert.equal(signedJsonOf(html), json);
  });
});

describe('HTML report', () => {
  it('escapes every value, even hostile names, and loads nothing from outside', () => {
    const ring = ReportKeyRing.open(tempDir());
    const evil = '<img src=x onerror="alert(1)">&\'';
    const body: ConsistencyReportBody = {
      kind: REPORT_KIND, formatVersion: REPORT_FORMAT_VERSION, at: '2026-11-21T10:00:00.000Z', generatedAt: '2026-11-21T10:00:01.000Z', requestedBy: evil,
      scope: { pair: evil }, summary: { pairs: 1, consistent: 0, drift: 0, noRun: 1, chainsIntact: false },
      pairs: [{
        pair: evil, configured: false, outcome: 'no-run', message: evil, run: null,
        newerUnfinishedAttempt: { id: evil, status: 'failed', finishedAt: '2026-11-21T09:00:00.000Z', error: evil },
        chain: { pair: evil, intact: false, length: 2, head: evil, headSeq: 2, broken: { chainSeq: 2, runId: evil, reason: evil } },
      }],
    };
    const doc = signBody(body, ring.currentKeyId, ring.signingKey);
    const html = renderReportHtml(doc, JSON.stringify(doc, null, 2));
    assert.doesNotMatch(html, /<img|<script|<link|<iframe|href=|url\(/i);
    assert.ok(html.includes(escapeHtml(evil)));
    assert.match(html, /BROKEN at seq 2/);
    const keys = parsePublicKeys(JSON.stringify({ keys: ring.publicKeys() }));
    assert.deepEqual(verifyDocument(JSON.parse(signedJsonOf(html)), keys), { valid: true, keyId: ring.currentKeyId });
  });
});

describe('report helpers', () => {
  it('`at` must be present, ISO-8601 and not in the future; the message names at', () => {
    const now = Date.parse('2026-11-21T10:00:00Z');
    assert.equal(parseReportTime('2026-11-21T09:00:00Z', now), Date.parse('2026-11-21T09:00:00Z'));
    for (const bad of [undefined, '', 'yesterday', '2026-13-45T00:00:00Z', '2026-11-21T10:00:01Z']) {
      assert.throws(() => parseReportTime(bad, now), (err: Error) => err.message.startsWith('querystring.at:'), String(bad));
    }
  });

  it('CSV fields are quoted and formula-like text is neutralised', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,"b"'), '"a,""b"""');
    assert.equal(csvField('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
    assert.equal(csvField(12), '12');
  });

  it('chain status names an edited run and a deleted one', () => {
    const runs: ChainedRun[] = [];
    let prev = CHAIN_GENESIS;
    for (let seq = 1; seq <= 4; seq++) {
      const run = { id: `run-${seq}`, chainSeq: seq, verdict: 'consistent' } as unknown as VerificationRun;
      const hash = chainHash(prev, run);
      runs.push({ prevHash: prev, hash, record: run, run });
      prev = hash;
    }
    assert.equal(chainStatus('p', runs).intact, true);
    assert.equal(chainStatus('p', runs).head, prev);
    const edited = runs.map((l, i) => (i === 1 ? { ...l, record: { ...(l.record as object), verdict: 'drift' } } : l));
    assert.deepEqual(chainStatus('p', edited).broken, { chainSeq: 2, runId: 'run-2', reason: 'record 1 does not match its hash (it was edited)' });
    // The newest run gone: a valid chain by itself, broken against the head an earlier report stated.
    const shorter = runs.slice(0, 3);
    assert.equal(chainStatus('p', shorter).intact, true);
    assert.equal(chainStatus('p', shorter, { seq: 3, at: 0 }).intact, true);
    assert.match(chainStatus('p', shorter, { seq: 4, at: 0 }).broken?.reason ?? '', /ends at seq 3, but at 1970-01-01T00:00:00.000Z a report stated it reached seq 4/);
    const deleted = runs.filter((_l, i) => i !== 2);
    const broken = chainStatus('p', deleted).broken;
    assert.equal(broken?.chainSeq, 3);
    assert.match(broken.reason, /seq 3 is missing/);
  });

  it('the report-keys manifest is JSON a person can read', () => {
    const dir = tempDir();
    ReportKeyRing.open(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'report-keys', 'keys.json'), 'utf8')) as { keys: unknown[] };
    assert.equal(manifest.keys.length, 1);
  });
});
