// A real HTTP webhook receiver for tests (node:http on loopback): records every request, checks each signature
// the way the README tells users to (HMAC-SHA256 over "timestamp.body"), can answer 503 or stop listening to
// simulate an outage, and de-duplicates by Idempotency-Key like a careful receiver would.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  readonly path: string;
  readonly key: string;
  readonly body: string;
  readonly json: unknown;
  /** The signature header was present, fresh and matched the body under the receiver's secret. */
  readonly signatureOk: boolean;
  readonly attempt: number;
  /** performance.now() at arrival. */
  readonly at: number;
}

export interface WebhookReceiver {
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Every request that reached the handler while up, in arrival order (including 503-answered ones). */
  readonly requests: readonly ReceivedWebhook[];
  /** Requests answered 2xx, first per idempotency key, in arrival order. */
  accepted(): ReceivedWebhook[];
  /** How many 2xx requests arrived per idempotency key. */
  acceptedCounts(): Map<string, number>;
  /** `up` answers 200, `reject` answers 503. */
  setMode(mode: 'up' | 'reject'): void;
  /** Stops listening (connections refused) until start() again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

function checkSignature(secret: string, header: string | undefined, body: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (m === null) return false;
  const [, t = '', v1 = ''] = m;
  if (Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startWebhookReceiver(options: { secret: string; port?: number }): Promise<WebhookReceiver> {
  const requests: ReceivedWebhook[] = [];
  const acceptedKeys = new Map<string, number>();
  const accepted: ReceivedWebhook[] = [];
  let mode: 'up' | 'reject' = 'up';
  let port = options.port ?? 0;
  let server: Server | undefined;

  const listen = async (): Promise<void> => {
    const s = createServer((req, res) => {
      void readBody(req).then((body) => {
        const key = String(req.headers['idempotency-key'] ?? '');
        let json: unknown;
        try { json = JSON.parse(body); } catch { json = undefined; }
        const signatureHeader = req.headers['x-syncwatch-signature'];
        const r: ReceivedWebhook = {
          path: req.url ?? '', key, body, json,
          signatureOk: checkSignature(options.secret, typeof signatureHeader === 'string' ? signatureHeader : undefined, body),
          attempt: Number(req.headers['x-syncwatch-attempt'] ?? 0),
          at: performance.now(),
        };
        requests.push(r);
        if (mode === 'reject') { res.writeHead(503).end('down'); return; }
        acceptedKeys.set(key, (acceptedKeys.get(key) ?? 0) + 1);
        if (acceptedKeys.get(key) === 1) accepted.push(r);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => { resolve(); });
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  };
  await listen();

  return {
    get port() { return port; },
    get url() { return `http://127.0.0.1:${port}`; },
    requests,
    accepted: () => [...accepted],
    acceptedCounts: () => new Map(acceptedKeys),
    setMode(m) { mode = m; },
    async stop() {
      const s = server;
      server = undefined;
      if (s === undefined) return;
      const closed = new Promise<void>((resolve) => { s.close(() => { resolve(); }); });
      s.closeAllConnections();
      await closed;
    },
    async start() {
      if (server === undefined) await listen();
    },
  };
}
