// The `live:` section of the config file: WebSocket heartbeats, per-client buffer bound and the replay ring.
import { Type, type Static } from '@sinclair/typebox';

export const LiveConfigSchema = Type.Object(
  {
    heartbeatIntervalMs: Type.Integer({ minimum: 100, default: 15_000, description: 'ping and heartbeat message period; a client that has not answered the previous ping is dropped' }),
    maxBufferedBytes: Type.Integer({ minimum: 1024, default: 4 * 1024 * 1024, description: 'bytes queued for one client beyond which it is dropped as a slow consumer' }),
    replayMessages: Type.Integer({ minimum: 0, default: 10_000, description: 'messages kept per topic for clients resuming with a last-seen id' }),
    replayBytes: Type.Integer({ minimum: 0, default: 2 * 1024 * 1024, description: 'bytes of messages kept per topic for resuming clients' }),
  },
  { additionalProperties: false, default: {} },
);
export type LiveConfig = Static<typeof LiveConfigSchema>;
