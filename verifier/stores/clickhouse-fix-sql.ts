// ClickHouse fix SQL: literals that store a canonical value back into its column, and the DML forms
// (mutations, run synchronously so that the file's statements apply in order).
import { innerType } from './clickhouse-types.js';
import type { FixSqlFragments } from './sql-dialect.js';

/** ClickHouse string literals always read backslash escapes. */
const str = (s: string): string => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

const FLOAT_WORDS: Readonly<Record<string, string>> = { NaN: 'nan', Infinity: 'inf', '-Infinity': '-inf' };

export const CLICKHOUSE_FIX_SQL: Required<FixSqlFragments> = {
  // No transactions: each statement applies on its own.
  begin: [],
  end: [],
  literal(column, as, value) {
    if (value === null) return 'NULL';
    switch (as.kind) {
      case 'int':
      case 'bool':
        return innerType(column.engineType) === 'Bool' ? (value === '1' ? 'true' : value === '0' ? 'false' : value) : value;
      case 'decimal':
        return value;
      case 'float':
        return FLOAT_WORDS[value] ?? value;
      case 'timestamp':
        return `toDateTime64(${str(value)}, 6, 'UTC')`;
      case 'time':
        return `toTime64(${str(value)}, 6)`;
      case 'bytes':
        return `unhex('${value}')`;
      case 'date':
      case 'text':
      case 'json':
      case 'uuid':
        return str(value);
    }
  },
  update: (table, assignments, where) => `ALTER TABLE ${table} UPDATE ${assignments.join(', ')} WHERE ${where} SETTINGS mutations_sync = 2;`,
  delete: (table, where) => `ALTER TABLE ${table} DELETE WHERE ${where} SETTINGS mutations_sync = 2;`,
};
