// Hostile ingest bodies: each maker mutates a fresh valid batch (whose points are marked origin=hostile) into
// something the collector must refuse whole, and says what it did so a failure names the case.
import { gzipSync } from 'node:zlib';
import { GZIP_HEADERS, INGEST_URL, JSON_HEADERS, validBatch, withRawToken, type GenContext, type IngestRequest } from './valid-batch.js';

export interface HostileCase {
  readonly kind: string;
  readonly detail: string;
  /** The statuses this case may get; every one is a 4xx. */
  readonly expect: readonly number[];
  readonly request: IngestRequest;
}

export type CaseMaker = (ctx: GenContext) => Omit<HostileCase, 'kind'>;

const PLACEHOLDER = '@@placeholder@@';
const VALUE = /"value":[-+0-9.e]+/;
const DAY_MS = 86_400_000;

export const post = (payload: string | Buffer | undefined, headers: Readonly<Record<string, string>> = JSON_HEADERS): IngestRequest =>
  payload === undefined ? { method: 'POST', url: INGEST_URL, headers } : { method: 'POST', url: INGEST_URL, headers, payload };

const hostileText = (ctx: GenContext): string => JSON.stringify(validBatch(ctx, 'hostile'));

/** A deep copy of a hostile batch as plain records, with one of its points (and that point's labels) picked. */
function loosen(ctx: GenContext): { doc: Record<string, unknown>; point: Record<string, unknown>; labels: Record<string, unknown> } {
  const doc = structuredClone(validBatch(ctx, 'hostile')) as unknown as Record<string, unknown>;
  const points = doc['points'] as Record<string, unknown>[];
  const point = points[ctx.rng.int(0, points.length - 1)] ?? {};
  return { doc, point, labels: point['labels'] as Record<string, unknown> };
}

/** Picks one `[detail, body]` variant; the variants are thunks so only the chosen one is built. */
function variant(ctx: GenContext, variants: readonly (readonly [string, () => string | Buffer])[], expect: readonly number[] = [400]): Omit<HostileCase, 'kind'> {
  const [detail, make] = ctx.rng.pick(variants);
  return { detail, expect, request: post(make()) };
}

const badJson: CaseMaker = (ctx) => {
  const text = hostileText(ctx);
  const { rng } = ctx;
  return variant(ctx, [
    ['truncated', () => text.slice(0, rng.int(1, text.length - 1))],
    ['trailing garbage', () => text + rng.pick(['x', '}', ',', ' {}', '\u0000', 'null', ']'])],
    ['two documents', () => text + text],
    ['single-quoted key', () => text.replace('"agent"', "'agent'")],
    ['trailing comma', () => `${text.slice(0, -2)},]}`],
    ['comment', () => `/* hi */${text}`],
    ['unquoted key', () => text.replace('"batchId"', 'batchId')],
    ['undefined token', () => text.replace(VALUE, '"value":undefined')],
    ['hex number', () => text.replace(VALUE, '"value":0x1F')],
    ['leading zeros', () => text.replace(VALUE, '"value":007')],
    ['plus sign', () => text.replace(VALUE, '"value":+1')],
    ['bare fraction', () => text.replace(VALUE, '"value":.5')],
    ['raw control character in a string', () => text.replace('"origin"', '"ori\u0001gin"')],
    ['invalid escape', () => text.replace('"origin"', '"ori\\xgin"')],
    ['random printable garbage', () => Array.from({ length: rng.int(1, 200) }, () => String.fromCharCode(rng.int(0x20, 0x7e))).join('')],
  ]);
};

const wrongType: CaseMaker = (ctx) => {
  const { rng, now } = ctx;
  const { doc, point } = loosen(ctx);
  const targets: readonly (readonly [Record<string, unknown>, string, readonly unknown[]])[] = [
    [doc, 'agent', [42, null, true, [], {}, '']],
    [doc, 'batchId', [42, null, '', 'has space', 'slash/in/id', 'x'.repeat(129)]],
    [doc, 'sentAt', ['now', 1.5, -1, {}, true, null]],
    [doc, 'points', [{}, 'points', null, 7, [[]], ['p'], [null]]],
    [point, 'ts', [String(now), new Date(now).toISOString(), now + 0.5, null, true, [], {}]],
    [point, 'metric', [42, '', '1digit_first', 'has space', 'dash-ed', 'x'.repeat(201), null, 'ü_metric']],
    [point, 'labels', [[], 'host=a', null, 3, { host: 1 }, { host: null }, { host: {} }, { host: ['a'] }, { host: true }]],
    [point, 'value', ['1', null, true, [], {}, '0x1', '']],
  ];
  const [target, field, values] = rng.pick(targets);
  if (rng.chance(0.15) && field !== 'sentAt') {
    Reflect.deleteProperty(target, field);
    return { detail: `${field} missing`, expect: [400], request: post(JSON.stringify(doc)) };
  }
  const wrong = rng.pick(values);
  target[field] = wrong;
  return { detail: `${field} = ${JSON.stringify(wrong).slice(0, 40)}`, expect: [400], request: post(JSON.stringify(doc)) };
};

const nanInfinity: CaseMaker = (ctx) => {
  const { rng } = ctx;
  const { doc, point, labels } = loosen(ctx);
  const raw = ['NaN', 'Infinity', '-Infinity', '+Infinity', '-NaN', '1e400', '-1e400', '1e309'];
  const quoted = ['"NaN"', '"Infinity"', '"-Infinity"', '"1e400"'];
  const field = rng.pick(['value', 'ts', 'sentAt', 'label'] as const);
  // A label value may legitimately be the string "NaN"; only bare tokens are wrong there.
  const token = rng.pick(field === 'label' ? raw : [...raw, ...quoted]);
  if (field === 'sentAt') doc['sentAt'] = PLACEHOLDER;
  else if (field === 'label') labels['host'] = PLACEHOLDER;
  else point[field] = PLACEHOLDER;
  return { detail: `${field} = ${token}`, expect: [400], request: post(withRawToken(JSON.stringify(doc), PLACEHOLDER, token)) };
};

const hugeLabels: CaseMaker = (ctx) => {
  const { rng } = ctx;
  const { doc, labels } = loosen(ctx);
  const kind = rng.pick(['too many labels', 'label name too long', 'invalid label name', 'label value too long'] as const);
  if (kind === 'too many labels') for (let i = rng.int(33, 5000); i > 0; i--) labels[`l${i}`] = 'v';
  else if (kind === 'label name too long') labels['n'.repeat(rng.int(101, 5000))] = 'v';
  else if (kind === 'invalid label name') labels[rng.pick(['a-b', '1a', '', 'ünï', 'a b', 'a.b', 'a:b', '$x', '\u0000'])] = 'v';
  else labels['host'] = 'v'.repeat(rng.int(1001, 500_000));
  return { detail: kind, expect: [400], request: post(JSON.stringify(doc)) };
};

const deepNesting: CaseMaker = (ctx) => {
  const { rng } = ctx;
  const depth = rng.pick([64, 1000, 10_000, 100_000]);
  const arrays = rng.chance(0.5);
  const nest = arrays ? '['.repeat(depth) + ']'.repeat(depth) : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const { doc, point, labels } = loosen(ctx);
  const where = rng.pick(['label value', 'value', 'ts', 'extra key', 'points element', 'whole body'] as const);
  if (where === 'label value') labels['host'] = PLACEHOLDER;
  else if (where === 'value' || where === 'ts') point[where] = PLACEHOLDER;
  else if (where === 'extra key') doc['nested'] = PLACEHOLDER;
  else if (where === 'points element') (doc['points'] as unknown[]).push(PLACEHOLDER);
  const body = where === 'whole body' ? nest : withRawToken(JSON.stringify(doc), PLACEHOLDER, nest);
  return { detail: `${depth} nested ${arrays ? 'arrays' : 'objects'} as ${where}`, expect: [400], request: post(body) };
};

const longStrings: CaseMaker = (ctx) => {
  const { rng } = ctx;
  const { doc, point } = loosen(ctx);
  return variant(ctx, [
    ['agent of 201+ chars', () => JSON.stringify({ ...doc, agent: 'a'.repeat(rng.int(201, 500_000)) })],
    ['metric of 201+ chars', () => { point['metric'] = 'm'.repeat(rng.int(201, 5000)); return JSON.stringify(doc); }],
    ['batchId of 129+ chars', () => JSON.stringify({ ...doc, batchId: 'b'.repeat(rng.int(129, 10_000)) })],
    ['whole body one long string', () => JSON.stringify('s'.repeat(rng.int(1, 3_000_000)))],
  ]);
};

const timestamps: CaseMaker = (ctx) => {
  const { rng, now } = ctx;
  const { doc, point } = loosen(ctx);
  if (rng.chance(0.25)) {
    const sentAt = rng.pick([-1, 1.5, 1e300, 32_503_680_000_001, -1e300]);
    doc['sentAt'] = sentAt;
    return { detail: `sentAt = ${sentAt}`, expect: [400], request: post(JSON.stringify(doc)) };
  }
  const ts = rng.pick([-1, -now, now + 2 * DAY_MS + rng.int(0, DAY_MS), Date.UTC(2200, 0, 1), 32_503_680_000_000, 32_503_680_000_001, 2 ** 53, now - 31 * DAY_MS - rng.int(0, 365 * DAY_MS), 0, 1, now + 0.5, 1e21]);
  point['ts'] = ts;
  return { detail: `ts = ${ts}`, expect: [400], request: post(JSON.stringify(doc)) };
};

const duplicateKeys: CaseMaker = (ctx) => {
  const text = hostileText(ctx);
  return variant(ctx, [
    ['agent twice', () => `{"agent":"first",${text.slice(1)}`],
    ['batchId twice', () => `{"batchId":${JSON.stringify(ctx.nextBatchId('hostile'))},${text.slice(1)}`],
    ['points twice (the later one valid)', () => `{"points":[],${text.slice(1)}`],
    ['value twice in a point', () => text.replace('{"ts":', '{"value":1,"ts":')],
    ['a label twice', () => text.replace('"labels":{', '"labels":{"origin":"valid",')],
    ['agent twice, once escaped', () => `{"\\u0061gent":"x",${text.slice(1)}`],
  ]);
};

const prototypeKeys: CaseMaker = (ctx) => {
  const text = hostileText(ctx);
  const polluter = '{"polluted":"yes"}';
  return variant(ctx, [
    ['__proto__ label (string)', () => text.replace('"labels":{', '"labels":{"__proto__":"x",')],
    ['__proto__ label (object)', () => text.replace('"labels":{', `"labels":{"__proto__":${polluter},`)],
    ['__proto__ at top level', () => `{"__proto__":${polluter},${text.slice(1)}`],
    ['__proto__ in a point', () => text.replace('{"ts":', `{"__proto__":${polluter},"ts":`)],
    ['constructor.prototype at top level', () => `{"constructor":{"prototype":${polluter}},${text.slice(1)}`],
    ['constructor.prototype in labels', () => text.replace('"labels":{', `"labels":{"constructor":{"prototype":${polluter}},`)],
    ['escaped __proto__ label', () => text.replace('"labels":{', `"labels":{"\\u005f_proto__":${polluter},`)],
  ]);
};

const INVALID_UTF8 = [[0xff], [0xfe], [0xc3, 0x28], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]];

const invalidUtf8: CaseMaker = (ctx) => {
  const { rng } = ctx;
  const { doc, labels } = loosen(ctx);
  labels['host'] = PLACEHOLDER;
  const [before = '', after = ''] = JSON.stringify(doc).split(PLACEHOLDER);
  const bytes = rng.pick(INVALID_UTF8);
  const body = Buffer.concat([Buffer.from(`${before}ok`), Buffer.from(bytes), Buffer.from(after)]);
  const gzip = rng.chance(0.4);
  const detail = `bytes ${bytes.map((b) => b.toString(16)).join(' ')} in a label value${gzip ? ' (gzip)' : ''}`;
  return { detail, expect: [400], request: gzip ? post(gzipSync(body), GZIP_HEADERS) : post(body) };
};

const loneSurrogate: CaseMaker = (ctx) => {
  const { rng } = ctx;
  const { doc, labels } = loosen(ctx);
  const escape = rng.pick(['\\ud800', '\\udfff', '\\ud83dx', '\\ude00\\ud83d', 'a\\ud800b', '\\uDBFF', '\\ud83d\\ud83d']);
  if (rng.chance(0.5)) labels['host'] = PLACEHOLDER;
  else doc['agent'] = PLACEHOLDER;
  return { detail: `"${escape}"`, expect: [400], request: post(withRawToken(JSON.stringify(doc), PLACEHOLDER, `"${escape}"`)) };
};

const unknownField: CaseMaker = (ctx) => {
  const { rng } = ctx;
  const { doc, point } = loosen(ctx);
  const onPoint = rng.chance(0.5);
  const name = rng.pick(onPoint ? ['tags', 'timestamp', 'Value', 'labels2'] : ['extra', 'Agent', 'points ', '__meta']);
  (onPoint ? point : doc)[name] = 1;
  return { detail: `${onPoint ? 'point' : 'batch'} field "${name}"`, expect: [400], request: post(JSON.stringify(doc)) };
};

const empty: CaseMaker = (ctx) => {
  const [detail, payload, headers] = ctx.rng.pick([
    ['empty body', '', JSON_HEADERS],
    ['a space', ' ', JSON_HEADERS],
    ['whitespace', '\n\t\r ', JSON_HEADERS],
    ['{}', '{}', JSON_HEADERS],
    ['[]', '[]', JSON_HEADERS],
    ['null', 'null', JSON_HEADERS],
    ['0', '0', JSON_HEADERS],
    ['""', '""', JSON_HEADERS],
    ['true', 'true', JSON_HEADERS],
    ['agent only', '{"agent":"a"}', JSON_HEADERS],
    ['no body, JSON content type', undefined, JSON_HEADERS],
    ['no body, no content type', undefined, {}],
  ] as const);
  return { detail, expect: [400], request: post(payload, headers) };
};

/** Body-level hostile kinds by name. */
export const BODY_CASES: Readonly<Record<string, CaseMaker>> = {
  'bad-json': badJson,
  'wrong-type': wrongType,
  'nan-infinity': nanInfinity,
  'huge-labels': hugeLabels,
  'deep-nesting': deepNesting,
  'long-strings': longStrings,
  timestamps,
  'duplicate-keys': duplicateKeys,
  'prototype-keys': prototypeKeys,
  'invalid-utf8': invalidUtf8,
  'lone-surrogate': loneSurrogate,
  'unknown-field': unknownField,
  empty,
};
