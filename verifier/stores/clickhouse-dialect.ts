// ClickHouse as a SQL dialect: one canonical SQL fragment per logical type (the type map is clickhouse-types.ts),
// producing the same canonical text and md5-64 row hash as encode.ts (see canonical/SPEC.md).
import type { Column, LogicalType } from '../canonical/logical-type.js';
import { CLICKHOUSE_FIX_SQL } from './clickhouse-fix-sql.js';
import { innerType } from './clickhouse-types.js';
import type { SqlDialect } from './sql-dialect.js';

/** Backtick quoting; ClickHouse treats a backslash inside backticks as an escape, so it is escaped too. */
export function quoteClickhouseIdent(name: string): string {
  return `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '``')}\``;
}

function canonical(column: Column, as: LogicalType): string | null {
  const q = quoteClickhouseIdent(column.name);
  const inner = innerType(column.engineType);
  switch (as.kind) {
    case 'int':
    case 'bool':
      // Bool prints as true/false; toUInt8 keeps NULL as NULL (if() would turn it into '0').
      return inner === 'Bool' ? `toString(toUInt8(${q}))` : `toString(${q})`;
    case 'decimal':
      // With output_format_decimal_trailing_zeros = 0 (set per query) 1.50 prints '1.5' and 0.00 prints '0'.
      return `toString(${q})`;
    case 'timestamp':
      // DateTime and DateTime64 hold an instant; printing it in UTC at scale 6 gives the canonical text.
      return `toString(toDateTime64(${q}, 6, 'UTC'))`;
    case 'date':
      return `toString(${q})`;
    case 'time':
      return `toString(toTime64(${q}, 6))`;
    case 'text':
      // A plain String is its own canonical text (and stays usable by the primary-key index).
      return inner === 'String' ? q : `toString(${q})`;
    case 'bytes':
      return `lower(hex(${q}))`;
    case 'uuid':
      return `toString(${q})`;
    case 'float':
    case 'json':
      // Streamed and encoded in-process, like on the other engines (SPEC.md): no engine-portable SQL text.
      return null;
  }
}

export const CLICKHOUSE_DIALECT: SqlDialect = {
  kind: 'clickhouse',
  quoteIdent: quoteClickhouseIdent,
  placeholder: (i) => `{p${i}:String}`,
  canonical,
  // toString: JSON output would turn NaN and ±inf into null, and 64-bit floats must not pass through a JS number twice.
  raw: (column) => `toString(${quoteClickhouseIdent(column.name)})`,
  field: (e) => `ifNull(concat(toString(length(${e})), ':', ${e}), 'N')`,
  // MD5 is 16 bytes; reverse(first 8) makes reinterpretAsUInt64 read them big-endian. A UInt64 sum wraps mod 2^64.
  hashSum: (fields) => `toString(sum(reinterpretAsUInt64(reverse(substring(MD5(concat(${fields.join(', ')})), 1, 8)))))`,
  // String comparison in ClickHouse is by bytes, so canonical texts order as key-range.ts orders them.
  keyOrder: (as, column, canon) => (as.kind === 'int' || as.kind === 'decimal' ? column : canon),
  // Bind parameters are Strings; numeric keys are compared as wide numbers so any Int/UInt/Decimal column fits.
  keyParam: (as, p) => (as.kind === 'int' ? `toInt256(${p})` : as.kind === 'decimal' ? `toDecimal256(${p}, 38)` : p),
  rowHashHex: (fields) => `lower(hex(substring(MD5(concat(${fields.join(', ')})), 1, 8)))`,
  hexOfText: (e) => `lower(hex(${e}))`,
  // groupArray keeps no order of its own: the rows are sorted by their order tuple inside the aggregate.
  packRows: (parts, orderBy) => `arrayStringConcat(arrayMap(x -> x.2, arraySort(x -> x.1, groupArray((tuple(${orderBy.join(', ')}), concat(${parts.join(", ',', ")}))))), ';')`,
  intText: (e) => `toString(${e})`,
  fix: CLICKHOUSE_FIX_SQL,
};
