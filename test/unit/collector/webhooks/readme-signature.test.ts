// The verification snippet and shell one-liner in the README verify what the outbox actually sends.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { computeSignature, signatureHeader } from '../../../../collector/webhooks/signature.js';

const README = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');

type Verify = (secret: string, header: string | undefined, rawBody: string | Buffer) => boolean;

async function loadSnippet(): Promise<Verify> {
  const block = /```js\n(\/\/ verify-syncwatch-signature\.mjs\n[\s\S]*?)```/.exec(README);
  assert.ok(block?.[1] !== undefined, 'README has the verify-syncwatch-signature.mjs snippet');
  const file = join(mkdtempSync(join(tmpdir(), 'sw-readme-')), 'verify.mjs');
  writeFileSync(file, block[1]);
  const mod = (await import(pathToFileURL(file).href)) as { verifySyncwatchSignature: Verify };
  return mod.verifySyncwatchSignature;
}

describe('README webhook signature documentation', () => {
  it('the JavaScript snippet accepts a real signature and rejects a tampered body, wrong secret or stale timestamp', async () => {
    const verify = await loadSnippet();
    const secret = 'a-long-enough-secret-value';
    const body = JSON.stringify({ version: '4', status: 'firing', alerts: [{ labels: { pipeline: 'ü' } }] });
    const header = signatureHeader(secret, Date.now(), body);
    assert.equal(verify(secret, header, body), true);
    assert.equal(verify(secret, header, Buffer.from(body)), true);
    assert.equal(verify(secret, header, body.replace('firing', 'resolved')), false);
    assert.equal(verify('another-secret-of-length', header, body), false);
    assert.equal(verify(secret, signatureHeader(secret, Date.now() - 3_600_000, body), body), false);
    assert.equal(verify(secret, undefined, body), false);
  });

  it('the openssl one-liner prints the v1 value', (t) => {
    const oneLiner = /`(printf '%s\.%s' "\$T" "\$BODY" \| openssl dgst -sha256 -hmac "\$SECRET")`/.exec(README)?.[1];
    assert.ok(oneLiner !== undefined, 'README has the openssl one-liner');
    const body = '{"status":"firing"}';
    let out: string;
    try {
      out = execFileSync('sh', ['-c', oneLiner], { env: { PATH: process.env['PATH'], T: '1700000000', BODY: body, SECRET: 'k3y-k3y-k3y-k3y-k3y' }, encoding: 'utf8' });
    } catch {
      t.skip('openssl is not installed here');
      return;
    }
    assert.ok(out.trim().endsWith(computeSignature('k3y-k3y-k3y-k3y-k3y', 1700000000, body)), out);
  });
});
