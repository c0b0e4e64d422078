// GET /ws: authenticate with the first message, then subscribe to live topics (optionally resuming after the
// last-seen id per topic). Browsers cannot set an Authorization header on a WebSocket, and a token in the URL
// would land in access logs, so the token travels in the first message instead. Pings and heartbeat messages
// come from the hub once authenticated.
import { Type, type Static, type TInteger } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { allows, type TokenStore } from '../../lib/auth/tokens.js';
import type { CollectorMetrics } from '../../lib/telemetry/metrics.js';
import { LIVE_TOPICS, type LiveHub, type LiveTopic } from './hub.js';

const Topics = Type.Array(Type.Union(LIVE_TOPICS.map((t) => Type.Literal(t))), { minItems: 1 });
const LastIds = Type.Partial(Type.Object(Object.fromEntries(LIVE_TOPICS.map((t) => [t, Type.Integer({ minimum: 0 })])) as Record<LiveTopic, TInteger>, { additionalProperties: false }));
export const ClientMessageSchema = Type.Union([
  Type.Object({ type: Type.Literal('auth'), token: Type.String({ minLength: 1, maxLength: 512 }) }),
  Type.Object({ type: Type.Literal('subscribe'), topics: Topics, lastIds: Type.Optional(LastIds) }),
  Type.Object({ type: Type.Literal('unsubscribe'), topics: Topics }),
]);
export type ClientMessage = Static<typeof ClientMessageSchema>;

/** Close codes in the 4000–4999 application range. */
export const CLOSE_UNAUTHORIZED = 4401;
const AUTH_TIMEOUT_MS = 10_000;

function parseMessage(raw: Buffer): ClientMessage | string {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return 'message: malformed JSON';
  }
  if (Value.Check(ClientMessageSchema, value)) return value;
  return `message: expected {"type":"auth","token":...} or {"type":"subscribe"|"unsubscribe","topics":[${LIVE_TOPICS.map((t) => `"${t}"`).join(',')}]} (subscribe may add "lastIds":{"<topic>":<id>})`;
}

export function wsRoutes(app: FastifyInstance, opts: { hub: LiveHub; tokens: TokenStore; metrics: CollectorMetrics }): void {
  app.get('/ws', { websocket: true }, (socket: WebSocket, request) => {
    let authed = false;
    let remove: (() => void) | undefined;
    const authTimer = setTimeout(() => { socket.close(CLOSE_UNAUTHORIZED, 'authenticate within 10 s'); }, AUTH_TIMEOUT_MS);
    const send = (message: object): void => { socket.send(JSON.stringify(message)); };

    socket.on('message', (raw: Buffer) => {
      const message = parseMessage(raw);
      if (typeof message === 'string') { send({ type: 'error', message }); return; }
      switch (message.type) {
        case 'auth': {
          const principal = opts.tokens.authenticate(message.token);
          if (principal === undefined || !allows(principal.role, 'read')) {
            socket.close(CLOSE_UNAUTHORIZED, principal === undefined ? 'unknown token' : `role "${principal.role}" may not read`);
            return;
          }
          clearTimeout(authTimer);
          if (!authed) {
            authed = true;
            // The upgraded request's socket is the connection ws writes to: the hub corks it around bursts.
            remove = opts.hub.add(socket, request.raw.socket);
            opts.metrics.liveClients.inc();
          }
          {
            const heartbeatMs = opts.hub.heartbeatIntervalMs ?? 0;
            send({ type: 'ready', role: principal.role, topics: LIVE_TOPICS, ...(heartbeatMs > 0 ? { heartbeatMs } : {}) });
            return;
          }
        }
        case 'subscribe':
        case 'unsubscribe':
          if (!authed) { send({ type: 'error', message: 'authenticate first: {"type":"auth","token":"..."}' }); return; }
          if (message.type === 'unsubscribe') {
            opts.hub.unsubscribe(socket, message.topics);
            send({ type: 'unsubscribed', topics: message.topics });
            return;
          }
          {
            // The reply first, then (synchronously, so nothing newer slips in between) any gap and replay.
            const head = opts.hub.lastIds?.();
            send({ type: 'subscribed', topics: message.topics, ...(head === undefined ? {} : { ids: Object.fromEntries(message.topics.map((t) => [t, head[t]])) }) });
            opts.hub.subscribe(socket, message.topics, message.lastIds);
            return;
          }
      }
    });
    socket.on('close', () => {
      clearTimeout(authTimer);
      if (remove) {
        remove();
        opts.metrics.liveClients.dec();
      }
    });
  });
}
