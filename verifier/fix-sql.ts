// Fix SQL: the statements that would make the target match the source — INSERT the missing rows, UPDATE the
// changed columns, DELETE the extra rows — written for the target's engine (its quoting, literals and DML forms)
// from the source rows' canonical values. It is evidence to review, never applied by syncwatch itself.
import { SyncwatchError } from '../lib/errors.js';
import { CANONICAL_SPEC_VERSION } from './canonical/encode.js';
import type { KeyTuple } from './key-range.js';
import type { CanonicalRow, Diff } from './row-diff.js';
import type { CallOptions, FixSqlWriter, Store } from './store.js';
import type { VerifyResult } from './run.js';

/** What one fix file holds. */
export interface FixSql {
  readonly text: string;
  readonly statements: number;
}

const keyId = (key: KeyTuple): string => JSON.stringify(key);

/** The statements for `result`'s diffs, given the source rows of its missing and changed keys (by `keyId`). */
export function fixStatements(result: VerifyResult, sourceRows: ReadonlyMap<string, CanonicalRow>, w: FixSqlWriter): string[] {
  const { plan } = result;
  const cols = plan.target.columns;
  const table = w.table(plan.target.table);
  const literal = (i: number, row: CanonicalRow): string => {
    const rc = cols[i];
    if (rc === undefined) throw new SyncwatchError('SW_INTERNAL', `fix SQL: no target column #${i}`);
    return w.literal(rc.column, rc.as, row[i] ?? null);
  };
  const where = (key: KeyTuple): string =>
    cols.slice(0, plan.source.keyCount).map((rc, i) => `${w.quoteIdent(rc.column.name)} = ${w.literal(rc.column, rc.as, key[i] ?? null)}`).join(' AND ');
  const index = new Map(plan.layout.columnNames.map((name, i) => [name, i]));
  return result.diffs.map((d: Diff): string => {
    if (d.kind === 'extra') return w.delete(table, where(d.key));
    const row = sourceRows.get(keyId(d.key));
    // The row left the source after it was compared: nothing certain to write.
    if (row === undefined) return `-- skipped ${d.kind} key ${keyId(d.key)}: the source row is no longer there`;
    if (d.kind === 'missing') return w.insert(table, cols.map((rc) => w.quoteIdent(rc.column.name)), cols.map((_, i) => literal(i, row)));
    const sets = d.columns.map((name) => {
      const i = index.get(name) ?? -1;
      return `${w.quoteIdent(cols[i]?.column.name ?? name)} = ${literal(i, row)}`;
    });
    return w.update(table, sets, where(d.key));
  });
}

/** Reads the source rows the statements need, then writes the whole file: header, begin, statements, end. */
export async function buildFixSql(result: VerifyResult, source: Store, target: Store, options: CallOptions = {}): Promise<FixSql> {
  const w = target.fixSql;
  if (w === undefined) throw new SyncwatchError('SW_USAGE', `--emit-fix-sql: the target store (${target.kind}) cannot receive SQL statements`);
  const keys = result.diffs.filter((d) => d.kind !== 'extra').map((d) => d.key);
  const rows = keys.length === 0 ? [] : await source.fetchRows(result.plan.source, keys, options);
  const keyCount = result.plan.source.keyCount;
  const byKey = new Map(rows.map((r) => [keyId(r.slice(0, keyCount).map((v) => v ?? '')), r]));
  const statements = fixStatements(result, byKey, w);
  const count = (kind: Diff['kind']): number => result.diffs.filter((d) => d.kind === kind).length;
  // A line break in a table name or filter must not end the comment and turn the rest into a statement.
  const oneLine = (text: string): string => text.replace(/[\r\n]+/g, ' ');
  const header = [
    `-- syncwatch fix SQL (canonical spec v${CANONICAL_SPEC_VERSION}): makes the target match the source. Review before applying.`,
    `-- source: ${result.source.url} ${result.source.table}${result.source.where === null ? '' : ` WHERE ${result.source.where}`}`,
    `-- target: ${result.target.url} ${result.target.table}${result.target.where === null ? '' : ` WHERE ${result.target.where}`}`,
    `-- ${count('missing')} INSERT (missing), ${count('changed')} UPDATE (changed), ${count('extra')} DELETE (extra)`,
    `-- INSERTs set the compared columns only: ${result.columns.join(', ')}. Timestamps are UTC.`,
  ];
  const body = statements.length === 0 ? ['-- nothing to do: the tables are consistent'] : [...w.begin, ...statements, ...w.end];
  return { text: `${[...header.map(oneLine), ...body].join('\n')}\n`, statements: statements.length };
}
