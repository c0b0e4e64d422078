// A real `serve` composition in this process (startServer: embedded chdb in a temp dir, migrations, alerting, the
// verifier service, reports, audit) with one token per role, for the report, audit and security tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse as InjectResponse } from 'fastify';
import type { Logger } from 'pino';
import { generateToken, hashToken } from '../../lib/auth/tokens.js';
import { validateConfig } from '../../lib/config/load.js';
import { ROLES, type Config, type Role } from '../../lib/config/schema.js';
import { createSilentLogger } from '../../lib/log.js';
import { SERVER_ROLES, startServer, type RunningServer } from '../../collector/server.js';

export interface ReportServer {
  readonly server: RunningServer;
  readonly config: Config;
  readonly dataDir: string;
  readonly tokens: Readonly<Record<Role, string>>;
  /** An HTTP call through fastify's inject; role null = no token. */
  api(method: 'GET' | 'POST' | 'DELETE', url: string, role: Role | null, body?: object): Promise<InjectResponse>;
  /** Closes the server; the data dir stays for a restart unless `remove`. */
  close(remove?: boolean): Promise<void>;
}

export interface ReportServerOptions {
  /** Config file content beside the defaults (server.port 0, storage.dataDir, localAgent off). */
  readonly config?: Record<string, unknown>;
  readonly dataDir?: string;
  readonly logger?: Logger;
  readonly tokens?: Readonly<Record<Role, string>>;
  readonly env?: NodeJS.ProcessEnv;
}

export async function startReportServer(options: ReportServerOptions = {}): Promise<ReportServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sw-report-'));
  const tokens = options.tokens ?? (Object.fromEntries(ROLES.map((r) => [r, generateToken(r)])) as Record<Role, string>);
  const raw = options.config ?? {};
  const server0 = (raw['server'] ?? {}) as Record<string, unknown>;
  const config = validateConfig({ ...raw, server: { port: 0, ...server0 }, storage: { dataDir }, localAgent: { enabled: false } }, 'test', options.env ?? process.env);
  const server = await startServer({
    config,
    tokens: ROLES.map((role) => ({ name: `test-${role}`, role, sha256: hashToken(tokens[role]) })),
    roles: [...SERVER_ROLES],
    logger: options.logger ?? createSilentLogger(),
  });
  return {
    server,
    config,
    dataDir,
    tokens,
    async api(method, url, role, body) {
      return server.app.inject({
        method, url, headers: role === null ? {} : { authorization: `Bearer ${tokens[role]}` }, ...(body === undefined ? {} : { payload: body }),
      });
    },
    async close(remove = false) {
      await server.close();
      if (remove) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls a run until it is no longer running; returns its final view. */
export async function waitForRun(h: ReportServer, id: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await h.api('GET', `/api/v1/verifications/${id}`, 'admin');
    const run = res.json<{ run?: Record<string, unknown> }>().run;
    if (run !== undefined && run['status'] !== 'running') return run;
    if (Date.now() > deadline) throw new Error(`run ${id} still running after ${timeoutMs} ms: ${res.body}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
