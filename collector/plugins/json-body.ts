// The JSON body parser of every route: UTF-8 only, I-JSON rules (unique keys, no unpaired surrogates) and fastify's
// prototype-poisoning guard. A body that storage would later refuse, or that another parser would read differently,
// is a 400 here, before any handler acknowledges it.
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { SyncwatchError } from '../../lib/errors.js';
import { iJsonProblem } from '../../lib/protocol/i-json.js';

type Done = (err: Error | null, body?: unknown) => void;
/** Fastify's own parser in its callback form (the union type also admits a promise form it does not use). */
type StringParser = (request: FastifyRequest, body: string, done: Done) => void;

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;

/** Why a JSON body's bytes are refused before parsing, or undefined. */
export function jsonBytesProblem(contentType: string | undefined, body: Buffer): SyncwatchError | undefined {
  const charset = CHARSET.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return new SyncwatchError('SW_UNSUPPORTED_MEDIA_TYPE', `charset "${charset}" is not supported; JSON bodies are UTF-8`);
  }
  if (body.length === 0) return new SyncwatchError('SW_REQUEST_INVALID', 'body: empty; send a JSON object');
  if (!isUtf8(body)) return new SyncwatchError('SW_REQUEST_INVALID', 'body: not valid UTF-8');
  return undefined;
}

/** Fastify's parser says only "not valid JSON"; parsing again (failures only) recovers what is wrong. */
function describeParseFailure(err: Error, text: string): Error {
  try {
    JSON.parse(text);
  } catch (syntax) {
    return new SyncwatchError('SW_REQUEST_INVALID', `body: malformed JSON (${syntax instanceof Error ? syntax.message : String(syntax)})`);
  }
  // Valid JSON that fastify refused: it carries a prototype-poisoning key.
  return 'code' in err && err.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
    ? new SyncwatchError('SW_REQUEST_INVALID', 'body: keys "__proto__" and "constructor": {"prototype": …} are not allowed')
    : err;
}

function jsonBodyPlugin(app: FastifyInstance, _opts: unknown, done: () => void): void {
  const parse = app.getDefaultJsonParser('error', 'error') as StringParser;
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, next: Done) => {
    const refused = jsonBytesProblem(request.headers['content-type'], body);
    if (refused !== undefined) {
      next(refused);
      return;
    }
    const text = body.toString('utf8');
    parse(request, text, (err, value) => {
      if (err !== null) {
        next(describeParseFailure(err, text));
        return;
      }
      const problem = iJsonProblem(text);
      if (problem === undefined) next(null, value);
      else next(new SyncwatchError('SW_REQUEST_INVALID', `body: ${problem}`));
    });
  });
  done();
}

export default fp(jsonBodyPlugin, { name: 'syncwatch-json-body' });
