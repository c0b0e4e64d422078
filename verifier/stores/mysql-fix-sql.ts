// MySQL/MariaDB fix SQL: literals that store a canonical value back into its column, and the DML forms.
import type { FixSqlFragments } from './sql-dialect.js';

/**
 * A string literal that means the same under every sql_mode: text with a backslash or a control character is
 * written as hex (NO_BACKSLASH_ESCAPES would change how `\` reads), anything else quoted with '' doubling.
 */
function str(s: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must not be written raw
  if (/[\\\u0000-\u001f]/.test(s)) return `CONVERT(X'${Buffer.from(s, 'utf8').toString('hex')}' USING utf8mb4)`;
  return `'${s.replaceAll("'", "''")}'`;
}

export const MYSQL_FIX_SQL: FixSqlFragments = {
  // Canonical timestamps are UTC, and the verifier reads TIMESTAMP columns in a '+00:00' session.
  begin: ["SET time_zone = '+00:00';", 'START TRANSACTION;'],
  end: ['COMMIT;'],
  literal(column, as, value) {
    if (value === null) return 'NULL';
    switch (as.kind) {
      case 'int':
      case 'bool':
      case 'decimal':
        return value;
      case 'float':
        // MySQL cannot store NaN or ±Infinity: the quoted text makes the statement fail visibly.
        return /^-?\d/.test(value) ? value : str(value);
      case 'bytes':
        return column.type.kind === 'text' ? `CONVERT(X'${value}' USING utf8mb4)` : `X'${value}'`;
      case 'timestamp':
      case 'date':
      case 'time':
      case 'text':
      case 'json':
      case 'uuid':
        return str(value);
    }
  },
};
