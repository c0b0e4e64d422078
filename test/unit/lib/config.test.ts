import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig, toDottedPath, validateConfig } from '../../../lib/config/load.js';
import { isSyncwatchError } from '../../../lib/errors.js';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(isSyncwatchError(err));
    assert.equal(err.code, 'SW_CONFIG_INVALID');
    return err.message.split('\n').slice(1);
  }
  assert.fail('expected a config error');
}

describe('config', () => {
  it('fills defaults for an empty file: loopback bind, embedded storage, local host agent', () => {
    const c = validateConfig({}, 'test');
    assert.equal(c.server.host, '127.0.0.1');
    assert.equal(c.server.port, 8080);
    assert.equal(c.storage.clickhouseUrl, undefined);
    assert.equal(c.localAgent.enabled, true);
    assert.deepEqual(c.localAgent.agent.probes.map((p) => p.kind), ['host']);
  });

  it('lists every problem as path: message, collected not thrown one at a time', () => {
    const problems = problemsOf(() => validateConfig({
      server: { port: 'eighty' },
      pipelines: [
        { name: 'ok', source: { url: 'postgres://a@h/db' }, target: { url: 'mysql://b@h/db' } },
        { name: 'ok2', source: { url: 'postgres://a@h/db' }, target: { url: 'mysql://b@h/db' } },
        { name: 'bad', source: { url: 'not a url' }, target: { url: 'mysql://b@h/db' } },
      ],
      surprise: true,
    }, 'test'));
    assert.ok(problems.includes('pipelines[2].source.url: must be a URL'), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('server.port: ')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('(root): ') || p.includes('surprise')), problems.join('\n'));
  });

  it('names the line of a YAML syntax error and a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sw-config-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'server:\n  port: [1,\n');
    assert.match(problemsOf(() => loadConfig(file)).join('\n'), /line \d+/);
    assert.throws(() => loadConfig(join(dir, 'missing.yaml')), /cannot read config file .*missing\.yaml \(ENOENT\)/);
  });

  it('turns JSON pointers into the paths people read', () => {
    assert.equal(toDottedPath('/pipelines/2/source/url'), 'pipelines[2].source.url');
    assert.equal(toDottedPath(''), '(root)');
    assert.equal(toDottedPath('/a~1b/0'), 'a/b[0]');
  });
});
