// WebSocket live hub over a real socket: auth by first message, subscribe, points pushed on ingest.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { createTestCollector, type TestCollector } from '../support/collector-app.js';
import { uniqueName } from '../support/unique-name.js';
import { waitFor } from '../support/wait-for.js';

let c: TestCollector;
let wsUrl: string;
before(async () => {
  c = await createTestCollector();
  const address = await c.app.listen({ host: '127.0.0.1', port: 0 });
  wsUrl = `${address.replace('http', 'ws')}/ws`;
});
after(async () => { await c.close(); });

function collect(ws: WebSocket): { type: string; [k: string]: unknown }[] {
  const messages: { type: string }[] = [];
  ws.on('message', (raw: Buffer) => messages.push(JSON.parse(raw.toString()) as { type: string }));
  return messages;
}

describe('GET /ws', () => {
  it('closes with 4401 on an unknown token and on a role that may not read', async () => {
    for (const token of ['nope', c.tokens.agent]) {
      const ws = new WebSocket(wsUrl);
      await once(ws, 'open');
      ws.send(JSON.stringify({ type: 'auth', token }));
      const [code] = (await once(ws, 'close')) as [number, Buffer];
      assert.equal(code, 4401);
    }
  });

  it('answers malformed messages with an error and keeps the connection', async () => {
    const ws = new WebSocket(wsUrl);
    const messages = collect(ws);
    await once(ws, 'open');
    ws.send('{not json');
    ws.send(JSON.stringify({ type: 'subscribe', topics: ['points'] }));
    await waitFor('two error replies', () => messages.length >= 2);
    assert.equal(messages[0]?.type, 'error');
    assert.match(String(messages[1]?.['message']), /authenticate first/);
    ws.close();
  });

  it('pushes ingested points to a subscribed viewer', async () => {
    const ws = new WebSocket(wsUrl);
    const messages = collect(ws);
    await once(ws, 'open');
    ws.send(JSON.stringify({ type: 'auth', token: c.tokens.viewer }));
    await waitFor('ready', () => messages.find((m) => m.type === 'ready'));
    ws.send(JSON.stringify({ type: 'subscribe', topics: ['points'] }));
    await waitFor('subscribed', () => messages.find((m) => m.type === 'subscribed'));
    const point = { ts: Date.now(), metric: 'live_probe', labels: { host: 'w' }, value: 42 };
    const res = await c.app.inject({
      method: 'POST',
      url: '/api/v1/ingest',
      payload: { agent: 'a', batchId: uniqueName('live'), points: [point] },
      headers: { authorization: `Bearer ${c.tokens.agent}` },
    });
    assert.equal(res.statusCode, 200);
    const pushed = await waitFor('points message', () => messages.find((m) => m.type === 'points'));
    assert.deepEqual(pushed['points'], [point]);
    ws.close();
  });
});
