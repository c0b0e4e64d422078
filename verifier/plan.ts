// Matches the source and target tables into the read specs of one comparison: key, columns, compare types.
import { SyncwatchError } from '../lib/errors.js';
import { describeType, reconcileTypes, type Column, type LogicalType } from './canonical/logical-type.js';
import type { RowLayout } from './row-diff.js';
import type { ReadSpec, TableDescription } from './store.js';

export interface PlanRequest {
  /** Key columns (source names); defaults to the source's primary key. */
  readonly key?: readonly string[] | undefined;
  /** Columns to compare (source names); defaults to every source column. Key columns are always compared. */
  readonly columns?: readonly string[] | undefined;
  /** Validated row filters (row-filter.ts), one per side. */
  readonly sourceWhere?: string | undefined;
  readonly targetWhere?: string | undefined;
}

export interface ComparisonPlan {
  readonly source: ReadSpec;
  readonly target: ReadSpec;
  readonly layout: RowLayout;
  readonly keyColumns: readonly string[];
}

function mismatch(message: string): SyncwatchError {
  return new SyncwatchError('SW_VERIFY_SCHEMA_MISMATCH', message);
}

/** Finds `name` exactly, else case-insensitively (MySQL column names are case-insensitive, PostgreSQL's folded). */
function findColumn(desc: TableDescription, name: string, side: string): Column {
  const exact = desc.columns.find((c) => c.name === name);
  if (exact !== undefined) return exact;
  const folded = desc.columns.filter((c) => c.name.toLowerCase() === name.toLowerCase());
  if (folded.length === 1 && folded[0] !== undefined) return folded[0];
  throw mismatch(`${side} table ${desc.table} has no column ${name} (columns: ${desc.columns.map((c) => c.name).join(', ')})`);
}

/** Builds both sides' read specs; every problem is a SW_VERIFY_SCHEMA_MISMATCH naming the column. */
export function planComparison(source: TableDescription, target: TableDescription, request: PlanRequest = {}): ComparisonPlan {
  const key = request.key !== undefined && request.key.length > 0 ? [...request.key] : [...source.primaryKey];
  if (key.length === 0) throw mismatch(`source table ${source.table} has no primary key; name the key columns with --key`);
  const wanted = request.columns !== undefined && request.columns.length > 0 ? request.columns : source.columns.map((c) => c.name);
  const names = [...key, ...wanted.filter((c) => !key.includes(c))];
  const pairs = names.map((name) => {
    const s = findColumn(source, name, 'source');
    const t = findColumn(target, name, 'target');
    const as: LogicalType | null = reconcileTypes(s.type, t.type);
    if (as === null) throw mismatch(`column ${name}: source ${s.engineType} (${describeType(s.type)}) cannot be compared with target ${t.engineType} (${describeType(t.type)})`);
    return { s, t, as };
  });
  const keyTypes = pairs.slice(0, key.length).map((p) => p.as);
  for (const [i, type] of keyTypes.entries()) {
    if (type.kind === 'float' || type.kind === 'json') throw mismatch(`key column ${key[i] ?? ''} is ${describeType(type)}, which has no exact order; choose another with --key`);
  }
  return {
    source: { table: source.table, keyCount: key.length, columns: pairs.map((p) => ({ column: p.s, as: p.as })), filter: request.sourceWhere },
    target: { table: target.table, keyCount: key.length, columns: pairs.map((p) => ({ column: p.t, as: p.as })), filter: request.targetWhere },
    layout: { keyTypes, columnNames: names },
    keyColumns: key,
  };
}
