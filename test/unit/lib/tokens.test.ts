import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenStore, allows, generateToken, hashToken } from '../../../lib/auth/tokens.js';
import { tokensFromEnv } from '../../../lib/config/secrets.js';

describe('tokens', () => {
  it('authenticates by hash and never stores the token', () => {
    const admin = generateToken('admin');
    const viewer = generateToken('viewer');
    const store = new TokenStore([
      { name: 'a', role: 'admin', sha256: hashToken(admin) },
      { name: 'v', role: 'viewer', sha256: hashToken(viewer) },
    ]);
    assert.deepEqual(store.authenticate(viewer), { name: 'v', role: 'viewer' });
    assert.deepEqual(store.authenticate(admin), { name: 'a', role: 'admin' });
    assert.equal(store.authenticate(`${admin}x`), undefined);
    assert.equal(store.authenticate(''), undefined);
    assert.match(admin, /^sw_admin_[A-Za-z0-9_-]{32}$/);
  });

  it('grants each role only its permissions', () => {
    assert.equal(allows('agent', 'ingest'), true);
    assert.equal(allows('agent', 'read'), false);
    assert.equal(allows('viewer', 'read'), true);
    assert.equal(allows('viewer', 'report'), false);
    assert.equal(allows('auditor', 'report'), true);
    assert.equal(allows('auditor', 'ingest'), false);
    for (const p of ['ingest', 'read', 'report', 'admin'] as const) assert.equal(allows('admin', p), true);
  });

  it('reads one token per role from the environment', () => {
    const tokens = tokensFromEnv({ SYNCWATCH_ADMIN_TOKEN: 'x1', SYNCWATCH_AGENT_TOKEN: 'x2', SYNCWATCH_VIEWER_TOKEN: '', OTHER: 'y' });
    assert.deepEqual(tokens.map((t) => [t.role, t.token]), [['admin', 'x1'], ['agent', 'x2']]);
  });
});
