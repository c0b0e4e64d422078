// Label matchers in Alertmanager's text form: `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"`.
// Regexes are anchored at both ends, as in Prometheus, so `host=~"db-1"` does not match `db-10`.

export const MATCH_OPS = ['=', '!=', '=~', '!~'] as const;
export type MatchOp = (typeof MATCH_OPS)[number];

export interface Matcher {
  readonly label: string;
  readonly op: MatchOp;
  readonly value: string;
  /** Present for `=~` and `!~`. */
  readonly regex?: RegExp;
}

const MATCHER_TEXT = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\S*))\s*$/;

/** Parses one matcher; returns a problem description instead of throwing. */
export function parseMatcher(text: string): Matcher | string {
  const m = MATCHER_TEXT.exec(text);
  if (m === null) return `cannot parse matcher ${JSON.stringify(text)}; use label="value", label!="value", label=~"regex" or label!~"regex"`;
  const label = m[1] ?? '';
  const op = m[2] as MatchOp;
  const raw = m[3] ?? m[4] ?? m[5] ?? '';
  const value = raw.replace(/\\(.)/g, '$1');
  if (op === '=' || op === '!=') return { label, op, value };
  try {
    return { label, op, value, regex: new RegExp(`^(?:${value})$`) };
  } catch (err) {
    return `invalid regex in matcher ${JSON.stringify(text)}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Parses every matcher or throws naming the first bad one (for inputs already validated at start-up). */
export function parseMatchers(texts: readonly string[]): Matcher[] {
  return texts.map((t) => {
    const parsed = parseMatcher(t);
    if (typeof parsed === 'string') throw new TypeError(parsed);
    return parsed;
  });
}

/** True when every matcher holds; a missing label reads as the empty string (Prometheus semantics). */
export function matchesAll(matchers: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  for (const m of matchers) {
    const v = labels[m.label] ?? '';
    let ok: boolean;
    switch (m.op) {
      case '=': ok = v === m.value; break;
      case '!=': ok = v !== m.value; break;
      case '=~': ok = m.regex?.test(v) ?? false; break;
      case '!~': ok = !(m.regex?.test(v) ?? false); break;
    }
    if (!ok) return false;
  }
  return true;
}

/** The matcher in its text form, e.g. `pipeline="orders"`. */
export function formatMatcher(m: Matcher): string {
  return `${m.label}${m.op}${JSON.stringify(m.value)}`;
}
