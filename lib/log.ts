// pino logger factory; the one place where secrets are redacted from log lines.
import { pino, type Logger } from 'pino';

/** Paths that may carry secrets: tokens, auth headers, DSN passwords. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'password',
  '*.password',
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  '*.authorization',
  'secret',
  '*.secret',
];

export interface LogOptions {
  readonly level?: string;
  readonly name?: string;
}

export function createLogger(options: LogOptions = {}): Logger {
  return pino({
    name: options.name ?? 'syncwatch',
    level: options.level ?? process.env['SYNCWATCH_LOG_LEVEL'] ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  });
}

/** A logger that writes nothing, for tests and library use. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}

export type { Logger };
