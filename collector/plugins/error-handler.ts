// Every error leaves as JSON `{error: {code, message}}` with the right status; internals stay in the log.
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { isSyncwatchError, type ErrorCode } from '../../lib/errors.js';
import { toDottedPath } from '../../lib/config/load.js';

interface ValidationIssue {
  readonly instancePath: string;
  readonly message?: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
}

/** `body.points[0].ts: must be integer` — names the field the way the client wrote it. */
export function describeValidation(context: string, issues: readonly ValidationIssue[]): string {
  return issues
    .slice(0, 10)
    .map((i) => {
      const base = toDottedPath(i.instancePath);
      const field = i.keyword === 'required' ? `${base === '(root)' ? '' : `${base}.`}${String(i.params['missingProperty'])}` : base;
      const extra = i.keyword === 'additionalProperties' ? ` (${String(i.params['additionalProperty'])})` : '';
      const where = field === '(root)' ? context : `${context}.${field}`;
      return `${where}: ${i.keyword === 'required' ? 'is required' : (i.message ?? i.keyword)}${extra}`;
    })
    .join('; ');
}

/** Fastify's own error codes → ours, so clients see one vocabulary. */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'SW_INGEST_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'SW_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'SW_REQUEST_INVALID',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'SW_REQUEST_INVALID',
  FST_ERR_CTP_INVALID_JSON_BODY: 'SW_REQUEST_INVALID',
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The error code this request was answered with, for per-route rejection metrics; null when it succeeded. */
    errorCode: ErrorCode | null;
  }
}

function errorHandlerPlugin(app: FastifyInstance, _opts: unknown, done: () => void): void {
  app.decorateRequest('errorCode', null);
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (isSyncwatchError(err)) {
      if (err.httpStatus >= 500) request.log.error({ err }, err.message);
      request.errorCode = err.code;
      return reply.code(err.httpStatus).send({ error: { code: err.code, message: err.message } });
    }
    if (err.validation) {
      const message = describeValidation(err.validationContext ?? 'request', err.validation);
      request.errorCode = 'SW_REQUEST_INVALID';
      return reply.code(400).send({ error: { code: 'SW_REQUEST_INVALID', message } });
    }
    const mapped = FASTIFY_CODES[err.code];
    if (mapped !== undefined || (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500)) {
      const status = err.statusCode ?? 400;
      const message =
        err instanceof SyntaxError
          ? `body: malformed JSON (${err.message})`
          : mapped === 'SW_UNSUPPORTED_MEDIA_TYPE'
            ? `content-type "${request.headers['content-type'] ?? ''}" is not supported; send application/json`
            : mapped === 'SW_INGEST_BODY_TOO_LARGE'
              ? `body: larger than the limit of ${request.routeOptions.bodyLimit} bytes (after decompression); send smaller batches`
              : err.message;
      request.errorCode = mapped ?? 'SW_REQUEST_INVALID';
      return reply.code(status).send({ error: { code: request.errorCode, message } });
    }
    request.log.error({ err }, 'unhandled error');
    request.errorCode = 'SW_INTERNAL';
    return reply.code(500).send({ error: { code: 'SW_INTERNAL', message: 'internal error; see the collector log' } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: 'SW_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}` } }),
  );
  done();
}

export default fp(errorHandlerPlugin, { name: 'syncwatch-error-handler' });
