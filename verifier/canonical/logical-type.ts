// The logical column types the verifier compares. Every engine type maps to one of these (or is rejected);
// the canonical encoding (encode.ts, SPEC.md) is defined per logical type, not per engine type.

/** A column's logical type; `decimal.scale` is the declared scale (null when the engine type has none). */
export type LogicalType =
  | { readonly kind: 'int' }
  | { readonly kind: 'decimal'; readonly scale: number | null }
  | { readonly kind: 'float'; readonly bits: 32 | 64 }
  | { readonly kind: 'bool' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'date' }
  | { readonly kind: 'time' }
  | { readonly kind: 'text' }
  | { readonly kind: 'bytes' }
  | { readonly kind: 'json' }
  | { readonly kind: 'uuid' };

export type LogicalKind = LogicalType['kind'];

/** A column as the verifier sees it: its name in the store, the engine's type text and the logical type. */
export interface Column {
  readonly name: string;
  readonly engineType: string;
  readonly type: LogicalType;
  /**
   * What else, besides `engineType`, a native row hash depends on (MariaDB: the collation, which names the character set; PostgreSQL: the
   * collation, prefixed `nondeterministic:` when it equates different bytes). Absent: nothing.
   */
  readonly hashTrait?: string | undefined;
}

/** Key columns whose order is numeric in every engine; all other kinds are ordered by the bytes of their canonical text. */
export function isNumericOrdered(type: LogicalType): boolean {
  return type.kind === 'int' || type.kind === 'decimal';
}

/** A short display form, e.g. `decimal(2)` or `float64`, used in messages and reports. */
export function describeType(type: LogicalType): string {
  switch (type.kind) {
    case 'decimal':
      return type.scale === null ? 'decimal' : `decimal(${type.scale})`;
    case 'float':
      return `float${type.bits}`;
    case 'int':
    case 'bool':
    case 'timestamp':
    case 'date':
    case 'time':
    case 'text':
    case 'bytes':
    case 'json':
    case 'uuid':
      return type.kind;
  }
}

/**
 * The logical type both sides are compared under, or null when the two cannot be compared.
 * Equal kinds always agree (decimals of different declared scale compare by value); a JSON column
 * compares with a text column as JSON (MariaDB stores JSON as LONGTEXT); a bool with an int as int,
 * because MySQL's BOOLEAN is TINYINT(1) and may legitimately hold other values; bytes with text as bytes.
 */
export function reconcileTypes(a: LogicalType, b: LogicalType): LogicalType | null {
  if (a.kind === b.kind) {
    if (a.kind === 'float' && b.kind === 'float') return { kind: 'float', bits: a.bits === 32 || b.bits === 32 ? 32 : 64 };
    return a;
  }
  const pair = new Set([a.kind, b.kind]);
  if (pair.has('json') && pair.has('text')) return { kind: 'json' };
  if (pair.has('bool') && pair.has('int')) return { kind: 'int' };
  if (pair.has('uuid') && pair.has('text')) return { kind: 'uuid' };
  // ClickHouse has no separate binary type: its String holds a bytea/BLOB as bytes, compared as UTF-8 bytes of text.
  if (pair.has('bytes') && pair.has('text')) return { kind: 'bytes' };
  return null;
}
