// In-process canonical encoding: the reference that every engine's SQL fragments are tested against.
// A value becomes canonical text per logical type (see SPEC.md, version CANONICAL_SPEC_VERSION); a row becomes
// the concatenation of self-delimiting fields, so that NULL, '' and any text are never confused.
import { SyncwatchError } from '../../lib/errors.js';
import type { LogicalType } from './logical-type.js';

/** Bump when any canonical form changes: digests of different versions are not comparable. */
export const CANONICAL_SPEC_VERSION = 1;

/** A value as a driver or a test hands it over, before canonicalisation. */
export type RawValue = string | number | bigint | boolean | Date | Uint8Array | object | null | undefined;

/** One canonical field: canonical text, or null for SQL NULL. */
export type CanonicalField = string | null;

const ENCODER = new TextEncoder();

function invalid(type: LogicalType, value: unknown, why: string): SyncwatchError {
  return new SyncwatchError('SW_STORE_VALUE_INVALID', `cannot encode ${JSON.stringify(String(value))} as ${type.kind}: ${why}`);
}

/** The canonical text of `value` under `type`; null stays null (distinct from ''). */
export function encodeValue(type: LogicalType, value: RawValue): CanonicalField {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'int':
      return encodeInt(type, value);
    case 'bool':
      return typeof value === 'boolean' ? (value ? '1' : '0') : encodeBoolText(type, value);
    case 'decimal':
      return encodeDecimal(type, value);
    case 'float':
      return encodeFloat(type, value);
    case 'timestamp':
      return encodeTimestamp(type, value);
    case 'date':
      return encodeTimestamp(type, value).slice(0, 10);
    case 'time':
      return encodeTime(type, value);
    case 'text':
      if (typeof value !== 'string') throw invalid(type, value, 'not a string');
      return value;
    case 'bytes':
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
      if (typeof value === 'string' && /^([0-9a-fA-F]{2})*$/.test(value)) return value.toLowerCase();
      throw invalid(type, value, 'not bytes or hex');
    case 'json':
      return encodeJson(type, value);
    case 'uuid':
      if (typeof value !== 'string') throw invalid(type, value, 'not a string');
      return value.toLowerCase();
  }
}

function encodeInt(type: LogicalType, value: RawValue): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value).toString();
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) return BigInt(value.trim()).toString();
  throw invalid(type, value, 'not an integer');
}

function encodeBoolText(type: LogicalType, value: RawValue): string {
  if (value === 't' || value === 'true') return '1';
  if (value === 'f' || value === 'false') return '0';
  return encodeInt(type, value);
}

/** Decimals compare by value: '1.50' at scale 2 and '1.5000' at scale 4 are both '1.5'; '-0.00' is '0'. */
function encodeDecimal(type: LogicalType, value: RawValue): string {
  const text = typeof value === 'number' || typeof value === 'bigint' ? String(value) : value;
  if (typeof text !== 'string') throw invalid(type, value, 'not a number');
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) throw invalid(type, value, 'not a plain decimal');
  const intPart = (m[2] ?? '').replace(/^0+/, '') || '0';
  const fracPart = (m[3] ?? '').replace(/0+$/, '');
  const body = fracPart === '' ? intPart : `${intPart}.${fracPart}`;
  return m[1] === '-' && body !== '0' ? `-${body}` : body;
}

/**
 * Floats: the shortest text that round-trips the IEEE value (ECMAScript Number::toString), NaN and ±Infinity
 * spelled out. A 32-bit float is first rounded to float32, so that an engine handing over '0.1' and one handing
 * over 0.10000000149011612 for the same stored float agree. -0 is written '0': MariaDB/MySQL store -0 as 0 and
 * SQL compares -0 = 0, so a signed zero would be a false difference on every PostgreSQL → MariaDB pipeline.
 */
function encodeFloat(type: LogicalType & { kind: 'float' }, value: RawValue): string {
  let n = typeof value === 'string' ? parseFloatText(value) : typeof value === 'number' ? value : Number.NaN;
  if (typeof value !== 'string' && typeof value !== 'number') throw invalid(type, value, 'not a number');
  if (type.bits === 32) n = Math.fround(n);
  return String(n);
}

function parseFloatText(text: string): number {
  const t = text.trim();
  if (/^[+-]?inf(inity)?$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(t)) return Number.NaN;
  return Number(t);
}

const TS_RE = /^(-?\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Timestamps: UTC at microsecond precision, `YYYY-MM-DD HH:MM:SS.ffffff`. Text without an offset is taken as UTC
 * wall-clock time (how DATETIME and `timestamp without time zone` are compared); an offset is applied.
 */
function encodeTimestamp(type: LogicalType, value: RawValue): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalid(type, value, 'invalid date');
    return formatUtc(value.getTime(), (value.getTime() % 1000 + 1000) % 1000 * 1000);
  }
  if (typeof value !== 'string') throw invalid(type, value, 'not a date/time');
  const m = TS_RE.exec(value.trim());
  if (m === null) throw invalid(type, value, 'not YYYY-MM-DD[ HH:MM:SS[.ffffff]][offset]');
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const micros = Number(frac.padEnd(6, '0').slice(0, 6));
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  return formatUtc(date.getTime() - zoneOffsetMs(zone), micros);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return (zone.startsWith('-') ? -1 : 1) * minutes * 60_000;
}

function formatUtc(ms: number, micros: number): string {
  const d = new Date(ms - ((ms % 1000) + 1000) % 1000);
  const year = d.getUTCFullYear();
  const yyyy = year < 0 ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0');
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${yyyy}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(micros).padStart(6, '0')}`;
}

/** Times of day: `HH:MM:SS.ffffff` (MySQL TIME may exceed 24 h or be negative; the text keeps that as is). */
function encodeTime(type: LogicalType, value: RawValue): string {
  if (typeof value !== 'string') throw invalid(type, value, 'not a time');
  const m = /^(-?)(\d{2,3}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(value.trim());
  if (m === null) throw invalid(type, value, 'not HH:MM:SS[.ffffff]');
  const [, sign = '', h = '', mi = '', s = '', frac = ''] = m;
  return `${sign}${h}:${mi}:${s}.${frac.padEnd(6, '0').slice(0, 6)}`;
}

/** JSON: parsed and re-serialised without whitespace, object keys sorted by UTF-16 code units, numbers as doubles. */
function encodeJson(type: LogicalType, value: RawValue): string {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (err) {
      throw invalid(type, value, err instanceof Error ? err.message : 'not JSON');
    }
  }
  return JSON.stringify(sortKeys(parsed));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/**
 * The canonical row text: each field is `N` for NULL, else `<UTF-8 byte length>:<text>`. Fields are
 * self-delimiting, so no choice of text in one column can imitate another split of the row.
 */
export function rowText(fields: readonly CanonicalField[]): string {
  let out = '';
  for (const f of fields) out += f === null ? 'N' : `${Buffer.byteLength(f, 'utf8')}:${f}`;
  return out;
}

/** The UTF-8 bytes of a canonical text; key and chunk-bound comparison works on these. */
export function utf8(text: string): Uint8Array {
  return ENCODER.encode(text);
}
