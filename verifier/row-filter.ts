// Row filters (`--where`): a SQL boolean expression from the operator, added as `AND (expr)` to every query on
// that side. It is TRUSTED SQL — whoever runs verify can already read both databases with the URLs' users —
// so this check does not make hostile input safe. It stops the mistakes that would silently change the
// statement around it: a `;` ending it, a comment swallowing the rest, an unbalanced `)` or quote escaping the
// parentheses it is wrapped in, and bind-parameter markers that the drivers would try to fill.
import { SyncwatchError } from '../lib/errors.js';

const MAX_LENGTH = 4_000;

function usage(flag: string, why: string): SyncwatchError {
  return new SyncwatchError('SW_USAGE', `${flag}: ${why} (a row filter is one SQL boolean expression, e.g. "created_at >= '2024-01-01' AND region = 'eu'")`);
}

/** Returns the trimmed filter, or throws SW_USAGE naming `flag` and what is wrong. */
export function validateRowFilter(text: string, flag: string): string {
  const expr = text.trim();
  if (expr === '') throw usage(flag, 'is empty');
  if (expr.length > MAX_LENGTH) throw usage(flag, `is longer than ${MAX_LENGTH} characters`);
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < expr.length; i++) {
    const c = expr.charAt(i);
    if (quote !== null) {
      // A doubled quote character is an escaped one; MySQL and ClickHouse also accept a backslash escape.
      if (c === '\\' && quote === "'") i += 1;
      else if (c === quote && expr.charAt(i + 1) === quote) i += 1;
      else if (c === quote) quote = null;
      // A `?` inside a literal would still be taken for a placeholder by mysql2's client-side formatting.
      if (c === '?') throw usage(flag, 'contains "?", which the MySQL driver reads as a bind parameter even inside quotes');
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth += 1;
    else if (c === ')' && --depth < 0) throw usage(flag, `has an unmatched ")" at position ${i + 1}`);
    else if (c === ';') throw usage(flag, 'contains ";" — one expression only, not statements');
    else if ((c === '-' && expr.charAt(i + 1) === '-') || (c === '/' && expr.charAt(i + 1) === '*') || c === '#') throw usage(flag, 'contains a SQL comment');
    else if (c === '?' || c === '{' || (c === '$' && /\d/.test(expr.charAt(i + 1)))) throw usage(flag, `contains "${c}", which the drivers read as a bind parameter`);
  }
  if (quote !== null) throw usage(flag, `has an unterminated ${quote} quote`);
  if (depth !== 0) throw usage(flag, 'has an unmatched "("');
  return expr;
}
