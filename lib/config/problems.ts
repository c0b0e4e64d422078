// Turning TypeBox validation errors into the problems a person can act on: a union of `kind`-tagged objects
// (alert rules) is explained by the variant the element asked for, and list elements can be named.
import type { TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType, type ValueError } from '@sinclair/typebox/value';

interface KindVariant {
  readonly kind: string;
  readonly schema: TSchema;
}

/** The variants of a union whose members are objects with a literal `kind`, or undefined for other unions. */
function kindVariants(schema: TSchema): KindVariant[] | undefined {
  const anyOf = (schema as { anyOf?: TSchema[] }).anyOf ?? [];
  const variants = anyOf.map((s) => ({ kind: (s as { properties?: { kind?: { const?: unknown } } }).properties?.kind?.const, schema: s }));
  if (variants.length === 0 || variants.some((v) => typeof v.kind !== 'string')) return undefined;
  return variants as KindVariant[];
}

/**
 * Replaces each "Expected union value" on a `kind`-tagged union by the errors of the variant named by the
 * element's `kind` (validated with that variant's defaults), or by one error listing the valid kinds.
 * Other errors pass through unchanged.
 */
export function* explainErrors(errors: Iterable<ValueError>): Iterable<ValueError> {
  for (const e of errors) {
    const variants = e.type === ValueErrorType.Union ? kindVariants(e.schema) : undefined;
    if (variants === undefined || typeof e.value !== 'object' || e.value === null) {
      yield e;
      continue;
    }
    const kind = (e.value as { kind?: unknown }).kind;
    const chosen = variants.find((v) => v.kind === kind);
    if (chosen === undefined) {
      yield { ...e, path: `${e.path}/kind`, message: `must be one of ${variants.map((v) => v.kind).join(', ')}` };
      continue;
    }
    const element: unknown = Value.Default(chosen.schema, Value.Clone(e.value));
    for (const sub of explainErrors(Value.Errors(chosen.schema, element))) yield { ...sub, path: `${e.path}${sub.path}` };
  }
}

/** Renders `path` with `toDotted`, naming an element of one of `lists` by its `name`: `alerts.rules[2] (lag_high).op`. */
export function nameListElements(path: string, root: unknown, lists: readonly string[], toDotted: (pointer: string) => string): string {
  for (const list of lists) {
    const m = new RegExp(`^${list.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(\\d+)(/.*)?$`).exec(path);
    if (m === null) continue;
    const element = `${list}/${m[1] ?? ''}`;
    const name = (valueAt(root, element) as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string') return toDotted(path);
    const rest = m[2] === undefined ? '' : toDotted(m[2]);
    return `${toDotted(element)} (${name})${rest === '' ? '' : `.${rest}`}`;
  }
  return toDotted(path);
}

function valueAt(root: unknown, pointer: string): unknown {
  let v: unknown = root;
  for (const part of pointer.split('/').slice(1)) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}
