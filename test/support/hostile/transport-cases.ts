// Hostile ingest requests at the HTTP level: content types and encodings, gzip bombs and broken gzip, batches past
// the limits, wrong methods and paths, bad credentials. Expensive bodies are built once per size and reused.
import { gzipSync } from 'node:zlib';
import { MAX_POINTS_PER_BATCH } from '../../../lib/protocol/ingest-batch.js';
import { post, type CaseMaker } from './body-cases.js';
import { GZIP_HEADERS, INGEST_URL, JSON_HEADERS, MARKER_METRIC, validBatch, type GenContext, type HttpMethod } from './valid-batch.js';

const hostileText = (ctx: GenContext): string => JSON.stringify(validBatch(ctx, 'hostile'));

const contentType: CaseMaker = (ctx) => {
  const type = ctx.rng.pick([
    'text/plain', 'text/html', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz',
    'application/octet-stream', 'application/jsonx', 'application/x-json', 'json', '*/*', 'application/json; charset=utf-16',
    'application/json; charset=iso-8859-1', 'application/json; charset="latin1"', 'application/json; charset=utf-32le', '(none)',
  ]);
  const headers: Record<string, string> = type === '(none)' ? {} : { 'content-type': type };
  return { detail: `content-type ${type}`, expect: [415], request: post(hostileText(ctx), headers) };
};

const contentEncoding: CaseMaker = (ctx) => {
  const text = hostileText(ctx);
  const [detail, expect, payload, headers] = ctx.rng.pick([
    ['content-encoding br', [415], text, { ...JSON_HEADERS, 'content-encoding': 'br' }],
    ['content-encoding deflate', [415], text, { ...JSON_HEADERS, 'content-encoding': 'deflate' }],
    ['content-encoding compress', [415], text, { ...JSON_HEADERS, 'content-encoding': 'compress' }],
    ['content-encoding "gzip, gzip"', [415], gzipSync(gzipSync(text)), { ...JSON_HEADERS, 'content-encoding': 'gzip, gzip' }],
    ['content-encoding zstd', [415], text, { ...JSON_HEADERS, 'content-encoding': 'zstd' }],
    ['gzip declared, plain JSON sent', [400], text, GZIP_HEADERS],
    ['gzip sent, not declared', [400], gzipSync(text), JSON_HEADERS],
    ['gzip inside gzip, declared once', [400], gzipSync(gzipSync(text)), GZIP_HEADERS],
  ] as const);
  return { detail, expect, request: post(payload, headers) };
};

const bombs = new Map<string, Buffer>();
/** gzip bodies that inflate far beyond the limit, built once per limit (the largest is 64 MiB of zeros). */
function bomb(name: string, limit: number): Buffer {
  const key = `${name}/${limit}`;
  let gz = bombs.get(key);
  if (gz === undefined) {
    const inflated =
      name === 'zeros x4' ? Buffer.alloc(limit * 4)
        : name === '64 MiB of zeros' ? Buffer.alloc(64 * 1024 * 1024)
          : name === 'JSON then whitespace' ? Buffer.concat([Buffer.from('{"agent":"a","batchId":"b",'), Buffer.alloc(limit * 3, 0x20), Buffer.from('"points":[]}')])
            : Buffer.from(`{"agent":"${'a'.repeat(limit * 2)}","batchId":"b","points":[]}`);
    gz = gzipSync(inflated, { level: 9 });
    bombs.set(key, gz);
  }
  return gz;
}

const gzipBomb: CaseMaker = (ctx) => {
  const name = ctx.rng.pick(['zeros x4', '64 MiB of zeros', 'JSON then whitespace', 'one string twice the limit']);
  const gz = bomb(name, ctx.bodyLimitBytes);
  return { detail: `${name} (${gz.length} bytes of gzip)`, expect: [413], request: post(gz, GZIP_HEADERS) };
};

const brokenGzip: CaseMaker = (ctx) => {
  const { rng } = ctx;
  const gz = Buffer.from(gzipSync(hostileText(ctx)));
  const cut = rng.int(1, gz.length - 1);
  // Bytes 4–9 of the header (mtime, flags, OS) are not checked by inflate; the magic and the trailer are.
  const corrupt = (at: number): Buffer => { const copy = Buffer.from(gz); copy[at] = (copy[at] ?? 0) ^ 0xff; return copy; };
  const [detail, body] = rng.pick([
    [`truncated at ${cut} of ${gz.length}`, gz.subarray(0, cut)],
    ['trailer cut off', gz.subarray(0, gz.length - rng.int(1, 8))],
    ['magic corrupted', corrupt(rng.int(0, 1))],
    ['CRC corrupted', corrupt(gz.length - rng.int(5, 8))],
    ['length corrupted', corrupt(gz.length - rng.int(1, 4))],
  ] as const);
  return { detail, expect: [400], request: post(body, GZIP_HEADERS) };
};

const hugeTexts = new Map<number, string>();
/** `points` minimal valid points in one batch whose id is BATCH_ID, built once per count. */
function hugeText(ctx: GenContext, points: number): string {
  let text = hugeTexts.get(points);
  if (text === undefined) {
    const point = { ts: ctx.now, metric: MARKER_METRIC, labels: { origin: 'hostile' }, value: 1 };
    text = JSON.stringify({ agent: 'huge', batchId: 'BATCH_ID', points: Array.from({ length: points }, () => point) });
    hugeTexts.set(points, text);
  }
  return text.replace('BATCH_ID', ctx.nextBatchId('hostile'));
}

const hugeBatch: CaseMaker = (ctx) => {
  const over = ctx.rng.chance(0.5);
  // ~87 bytes per point: one past the point limit fits the body limit, the other overshoots it.
  const points = over ? Math.ceil((ctx.bodyLimitBytes * 1.2) / 80) : MAX_POINTS_PER_BATCH + 1;
  return { detail: `${points} points${over ? ' (past the body limit)' : ''}`, expect: over ? [413] : [400], request: post(hugeText(ctx, points)) };
};

const wrongMethod: CaseMaker = (ctx) => {
  const { rng } = ctx;
  if (rng.chance(0.5)) {
    const method = rng.pick<HttpMethod>(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
    const withBody = method === 'PUT' || method === 'PATCH' || method === 'DELETE';
    const request = { method, url: INGEST_URL, headers: withBody ? JSON_HEADERS : {}, ...(withBody ? { payload: hostileText(ctx) } : {}) };
    return { detail: `${method} ${INGEST_URL}`, expect: [404, 405], request };
  }
  const url = rng.pick(['/api/v1/ingest/', '/api/v1/Ingest', '/api/v1/ingest/extra', '/api/v2/ingest', '/api/v1//ingest', '/api/v1/ingest%00', '/API/V1/INGEST', '/api/v1/ingest/..', '/api/v1/ingest;x']);
  return { detail: `POST ${url}`, expect: [400, 404], request: { ...post(hostileText(ctx)), url } };
};

const badAuth: CaseMaker = (ctx) => {
  const { tokens } = ctx;
  const [detail, expect, authorization] = ctx.rng.pick([
    ['no Authorization', [401], undefined],
    ['"Bearer" alone', [401], 'Bearer'],
    ['"Bearer " with nothing', [401], 'Bearer '],
    ['unknown token', [401], 'Bearer sw_agent_not_a_real_token'],
    ['Basic credentials', [401], 'Basic dXNlcjpwYXNz'],
    ['10 000-character token', [401], `Bearer ${'x'.repeat(10_000)}`],
    ['token plus extra word', [401], `Bearer ${tokens.agent} extra`],
    ['token with a suffix', [401], `Bearer ${tokens.agent}x`],
    ['viewer token', [403], `Bearer ${tokens.viewer}`],
    ['auditor token', [403], `Bearer ${tokens.auditor}`],
  ] as const);
  const headers = authorization === undefined ? JSON_HEADERS : { ...JSON_HEADERS, authorization };
  return { detail, expect, request: { ...post(hostileText(ctx), headers), ownAuth: true } };
};

/** Transport-level hostile kinds by name, with how often each is drawn relative to the body kinds (weight 1). */
export const TRANSPORT_CASES: Readonly<Record<string, { readonly make: CaseMaker; readonly weight: number }>> = {
  'content-type': { make: contentType, weight: 1 },
  'content-encoding': { make: contentEncoding, weight: 1 },
  // Each inflates up to the body limit (6 MiB in the test) before it is refused.
  'gzip-bomb': { make: gzipBomb, weight: 0.5 },
  'broken-gzip': { make: brokenGzip, weight: 1 },
  // Each is a few MB to parse; a handful proves the point without slowing the file down.
  'huge-batch': { make: hugeBatch, weight: 0.15 },
  'wrong-method': { make: wrongMethod, weight: 1 },
  'bad-auth': { make: badAuth, weight: 1 },
};
