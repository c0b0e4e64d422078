// PostgreSQL fix SQL: literals that store a canonical value back into its column, and the DML forms.
import type { FixSqlFragments } from './sql-dialect.js';

/** A standard string literal (standard_conforming_strings is on: only the quote is doubled). */
const str = (s: string): string => `'${s.replaceAll("'", "''")}'`;

const BOOL: Readonly<Record<string, string>> = { '1': 'TRUE', '0': 'FALSE' };

export const POSTGRES_FIX_SQL: FixSqlFragments = {
  begin: ['BEGIN;', "SET LOCAL TIME ZONE 'UTC';", 'SET LOCAL standard_conforming_strings = on;'],
  end: ['COMMIT;'],
  literal(column, as, value) {
    if (value === null) return 'NULL';
    switch (as.kind) {
      case 'int':
      case 'bool':
        return column.engineType === 'boolean' ? BOOL[value] ?? str(value) : value;
      case 'decimal':
        return value;
      case 'float':
        // NaN and ±Infinity are only accepted as quoted text.
        return /^-?\d/.test(value) ? value : str(value);
      case 'timestamp':
        // Canonical timestamps are UTC; a timestamptz literal says so, a plain timestamp holds the wall clock.
        return column.engineType === 'timestamp with time zone' ? str(`${value}+00`) : str(value);
      case 'bytes':
        return column.type.kind === 'text' ? `convert_from('\\x${value}'::bytea, 'UTF8')` : `'\\x${value}'::bytea`;
      case 'date':
      case 'time':
      case 'text':
      case 'json':
      case 'uuid':
        return str(value);
    }
  },
};
