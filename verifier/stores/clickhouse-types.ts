// ClickHouse type map: engine type text → logical type, through the wrappers that do not change a value.
import type { LogicalType } from '../canonical/logical-type.js';

/** Strips the wrappers that do not change a value's canonical form: `Nullable(…)` and `LowCardinality(…)`. */
export function innerType(engineType: string): string {
  const m = /^(?:Nullable|LowCardinality)\((.*)\)$/s.exec(engineType.trim());
  return m?.[1] === undefined ? engineType.trim() : innerType(m[1]);
}

const INT_RE = /^U?Int(8|16|32|64|128|256)$/;
// Decimal(P, S), Decimal(P) (scale 0) and DecimalNN(S) (the single argument is the scale).
const DECIMAL_RE = /^Decimal(?:(32|64|128|256)\((\d+)\)|\((\d+)(?:,\s*(\d+))?\))$/;

/** The logical type of a ClickHouse column type, or null when the verifier cannot compare it (Array, Map, IPv4, …). */
export function clickhouseLogicalType(engineType: string): LogicalType | null {
  const t = innerType(engineType);
  if (INT_RE.test(t)) return { kind: 'int' };
  const dec = DECIMAL_RE.exec(t);
  if (dec !== null) return { kind: 'decimal', scale: Number(dec[2] ?? dec[4] ?? 0) };
  if (t === 'Float32') return { kind: 'float', bits: 32 };
  if (t === 'Float64') return { kind: 'float', bits: 64 };
  if (t === 'Bool') return { kind: 'bool' };
  if (/^DateTime(64)?(\(.*\))?$/.test(t)) return { kind: 'timestamp' };
  if (t === 'Date' || t === 'Date32') return { kind: 'date' };
  if (/^Time(64\(\d+\))?$/.test(t)) return { kind: 'time' };
  // String holds arbitrary bytes: it is text by default, and compares as bytes against a binary column.
  if (t === 'String' || /^Enum(8|16)\(/.test(t)) return { kind: 'text' };
  if (/^FixedString\(\d+\)$/.test(t)) return { kind: 'bytes' };
  if (t === 'UUID') return { kind: 'uuid' };
  if (t === 'JSON' || t.startsWith('JSON(') || /^Object\('json'\)$/i.test(t)) return { kind: 'json' };
  return null;
}
