// Annotation templates: `{{ $labels.pipeline }}`, `{{ $value }}`, `{{ $threshold }}`, `{{ $rule }}`. Deliberately
// tiny (no logic, no functions) so that a template can be checked completely at start-up.

const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;
const KNOWN = /^\$(value|threshold|rule|severity|labels\.[A-Za-z_][A-Za-z0-9_]*)$/;

export interface TemplateContext {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly threshold?: number | undefined;
  readonly rule: string;
  readonly severity: string;
}

/** Problems with a template's placeholders (empty when it is fine). */
export function templateProblems(template: string): string[] {
  const problems: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    const expr = m[1] ?? '';
    if (!KNOWN.test(expr)) problems.push(`unknown placeholder {{ ${expr} }}; use $value, $threshold, $rule, $severity or $labels.NAME`);
  }
  return problems;
}

/** A value printed the way people read it: up to 6 significant digits, no float noise. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

/** Renders a template checked by templateProblems; a missing label renders as the empty string. */
export function renderTemplate(template: string, ctx: TemplateContext): string {
  return template.replace(PLACEHOLDER, (_all, expr: string) => {
    if (expr === '$value') return formatValue(ctx.value);
    if (expr === '$threshold') return ctx.threshold === undefined ? '' : formatValue(ctx.threshold);
    if (expr === '$rule') return ctx.rule;
    if (expr === '$severity') return ctx.severity;
    if (expr.startsWith('$labels.')) return ctx.labels[expr.slice('$labels.'.length)] ?? '';
    return '';
  });
}
