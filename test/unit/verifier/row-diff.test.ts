import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CanonicalRow, RowLayout } from '../../../verifier/row-diff.js';
import { diffRows } from '../../../verifier/row-diff.js';
import { isSyncwatchError } from '../../../lib/errors.js';

async function* batches(rows: CanonicalRow[], size = 2): AsyncGenerator<CanonicalRow[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
  await Promise.resolve();
}

const LAYOUT: RowLayout = { keyTypes: [{ kind: 'int' }], columnNames: ['id', 'name', 'note'] };

describe('row diff', () => {
  it('equal streams → no differences', async () => {
    const rows = [['1', 'a', null], ['2', 'b', '']];
    assert.deepEqual(await diffRows(batches(rows), batches(rows.map((r) => [...r])), LAYOUT), []);
  });

  it('names missing, extra and changed rows with the differing columns, in key order', async () => {
    const src = [['1', 'a', 'x'], ['2', 'b', 'y'], ['9', 'c', null], ['10', 'd', '']];
    const tgt = [['2', 'b ', 'y'], ['3', 'new', 'z'], ['9', 'C', ''], ['10', 'd', null], ['11', 'e', 'f']];
    assert.deepEqual(await diffRows(batches(src), batches(tgt, 3), LAYOUT), [
      { kind: 'missing', key: ['1'] },
      { kind: 'changed', key: ['2'], columns: ['name'] },
      { kind: 'extra', key: ['3'] },
      { kind: 'changed', key: ['9'], columns: ['name', 'note'] },
      { kind: 'changed', key: ['10'], columns: ['note'] },
      { kind: 'extra', key: ['11'] },
    ]);
  });

  it('one side empty', async () => {
    const rows = [['1', 'a', 'x'], ['2', 'b', 'y']];
    assert.deepEqual((await diffRows(batches(rows), batches([]), LAYOUT)).map((d) => d.kind), ['missing', 'missing']);
    assert.deepEqual((await diffRows(batches([]), batches(rows), LAYOUT)).map((d) => d.kind), ['extra', 'extra']);
    assert.deepEqual(await diffRows(batches([]), batches([]), LAYOUT), []);
  });

  it('composite string keys compare by bytes: a case-only change is a missing + an extra', async () => {
    const layout: RowLayout = { keyTypes: [{ kind: 'text' }, { kind: 'int' }], columnNames: ['k', 'n', 'v'] };
    const src = [['Apple', '1', 'x'], ['apple', '2', 'y']];
    const tgt = [['Apple', '1', 'x'], ['aPPLE', '2', 'y'], ['apple', '2', 'y']];
    assert.deepEqual(await diffRows(batches(src), batches(tgt), layout), [{ kind: 'extra', key: ['aPPLE', '2'] }]);
  });

  it('rejects a stream that is not in key order rather than pairing the wrong rows', async () => {
    const bad = [['2', 'a', 'x'], ['10', 'b', 'y'], ['9', 'c', 'z']];
    await assert.rejects(diffRows(batches(bad), batches([]), LAYOUT), (e) => isSyncwatchError(e) && e.message.includes('not in strictly increasing key order'));
  });

  it('closes both streams when stopped early', async () => {
    let closed = 0;
    async function* tracked(rows: CanonicalRow[]): AsyncGenerator<CanonicalRow[]> {
      try {
        yield rows;
        await Promise.resolve();
      } finally {
        closed += 1;
      }
    }
    const { diffRowStreams } = await import('../../../verifier/row-diff.js');
    for await (const d of diffRowStreams(tracked([['1', 'a', 'x']]), tracked([]), LAYOUT)) {
      assert.equal(d.kind, 'missing');
      break;
    }
    assert.equal(closed, 2);
  });
});
