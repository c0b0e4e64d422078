// Request decompression for `Content-Encoding: gzip`, bounded by the route's bodyLimit on the inflated bytes.
// A gzip bomb is refused at the limit and inflating stops there: fastify's own limit check only stops listening,
// and the rest of a 256 MiB bomb went on inflating (~150 ms of CPU per 256 KiB request).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { SyncwatchError } from '../../lib/errors.js';

/** Fastify compares `receivedEncodedLength` of the stream preParsing returns with Content-Length. */
type CountedStream = Transform & { receivedEncodedLength: number };

export function gunzipPreParsing(request: FastifyRequest, _reply: FastifyReply, payload: Readable): Promise<Readable> {
  const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'identity') return Promise.resolve(payload);
  if (encoding !== 'gzip') {
    return Promise.reject(new SyncwatchError('SW_UNSUPPORTED_MEDIA_TYPE', `content-encoding "${encoding}" is not supported; send gzip or no encoding`));
  }
  const limit = request.routeOptions.bodyLimit;
  const gunzip = createGunzip();
  let inflated = 0;
  const bounded = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      inflated += chunk.length;
      if (inflated <= limit) {
        callback(null, chunk);
        return;
      }
      payload.unpipe(gunzip);
      gunzip.destroy();
      callback(new SyncwatchError('SW_INGEST_BODY_TOO_LARGE', `body: larger than the limit of ${limit} bytes (after decompression); send smaller batches`));
    },
  }) as CountedStream;
  bounded.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    bounded.receivedEncodedLength += chunk.length;
  });
  // A corrupt stream surfaces as a 400 naming the problem rather than a 500.
  gunzip.on('error', (err) => {
    bounded.destroy(new SyncwatchError('SW_REQUEST_INVALID', `body: invalid gzip data (${err.message})`, { cause: err }));
  });
  return Promise.resolve(payload.pipe(gunzip).pipe(bounded));
}
