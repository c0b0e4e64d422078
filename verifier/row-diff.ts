// Merges two key-ordered streams of canonical rows into differences. Pure: rows in, Diff values out.
import { BatchCursor } from './batch-cursor.js';
import type { CanonicalField } from './canonical/encode.js';
import type { LogicalType } from './canonical/logical-type.js';
import { compareKeys, type KeyTuple } from './key-range.js';

/** A row as compared: canonical fields, key columns first, in the comparison's column order. */
export type CanonicalRow = readonly CanonicalField[];

/** One difference: `missing` = only in the source, `extra` = only in the target, `changed` = both, columns differ. */
export type Diff =
  | { readonly kind: 'missing'; readonly key: KeyTuple }
  | { readonly kind: 'extra'; readonly key: KeyTuple }
  | { readonly kind: 'changed'; readonly key: KeyTuple; readonly columns: readonly string[] };

export interface RowLayout {
  /** Logical types of the key columns (the first `keyTypes.length` fields of each row). */
  readonly keyTypes: readonly LogicalType[];
  /** Names of every field, key columns first, in row order. */
  readonly columnNames: readonly string[];
}

function keyOf(row: CanonicalRow, keyCount: number): KeyTuple {
  return row.slice(0, keyCount).map((v) => v ?? '');
}

/** The names of the non-key columns whose canonical values differ. */
export function changedColumns(a: CanonicalRow, b: CanonicalRow, layout: RowLayout): string[] {
  const out: string[] = [];
  for (let i = layout.keyTypes.length; i < layout.columnNames.length; i++) {
    if (a[i] !== b[i]) out.push(layout.columnNames[i] ?? `#${i}`);
  }
  return out;
}

/** Merge-joins source and target rows by key; yields differences in key order. */
export async function* diffRowStreams(
  source: AsyncIterable<readonly CanonicalRow[]>,
  target: AsyncIterable<readonly CanonicalRow[]>,
  layout: RowLayout,
): AsyncGenerator<Diff> {
  const n = layout.keyTypes.length;
  const rowKey = (row: CanonicalRow): KeyTuple => keyOf(row, n);
  const src = new BatchCursor(source, rowKey, 'source', layout.keyTypes);
  const tgt = new BatchCursor(target, rowKey, 'target', layout.keyTypes);
  try {
    for (;;) {
      // Awaits happen only at batch boundaries; rows within a batch are merged synchronously.
      if (src.needsFill || tgt.needsFill) await Promise.all([src.fill(), tgt.fill()]);
      const s = src.current;
      const t = tgt.current;
      if (s === undefined && t === undefined) return;
      const c = s === undefined ? 1 : t === undefined ? -1 : compareKeys(rowKey(s), rowKey(t), layout.keyTypes);
      if (c < 0 && s !== undefined) {
        yield { kind: 'missing', key: src.advance(s) };
      } else if (c > 0 && t !== undefined) {
        yield { kind: 'extra', key: tgt.advance(t) };
      } else if (s !== undefined && t !== undefined) {
        const key = src.advance(s);
        tgt.advance(t);
        const columns = changedColumns(s, t, layout);
        if (columns.length > 0) yield { kind: 'changed', key, columns };
      }
    }
  } finally {
    // Closing the cursors runs the stores' finally blocks (cursor closed, connection released).
    await Promise.all([src.close(), tgt.close()]);
  }
}

/** Collects every difference of two streams (for bounded ranges). */
export async function diffRows(
  source: AsyncIterable<readonly CanonicalRow[]>,
  target: AsyncIterable<readonly CanonicalRow[]>,
  layout: RowLayout,
): Promise<Diff[]> {
  const out: Diff[] = [];
  for await (const d of diffRowStreams(source, target, layout)) out.push(d);
  return out;
}
