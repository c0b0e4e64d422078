// Answers requests that Node's HTTP parser refuses before fastify sees them (broken framing, conflicting lengths,
// oversized headers) in the API's error shape, instead of fastify's default `{error, message, statusCode}` body.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorCode } from '../../lib/errors.js';

/** What a refused request is told, by Node's parser error code; anything else is a 400. */
const REFUSALS: Readonly<Record<string, { readonly status: number; readonly message: string }>> = {
  HPE_HEADER_OVERFLOW: { status: 431, message: 'request headers are larger than the server accepts' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'the request was not received in time' },
};

/** The fastify `clientErrorHandler`: writes one JSON error response and closes the connection. */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode = 'SW_REQUEST_INVALID';
  const refusal = REFUSALS[err.code ?? ''] ?? { status: 400, message: `malformed HTTP request (${err.code ?? 'unknown parser error'})` };
  const body = JSON.stringify({ error: { code, message: refusal.message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
