// How the verifier cuts the key space, against the real PostgreSQL and MariaDB: integer keys by arithmetic
// (negative, sparse and outlying keys included), text keys at sampled keys with one grouped query per side,
// and widespread drift streamed by row hashes — every difference still named exactly, in key order.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Diff } from '../../verifier/row-diff.js';
import { runVerify } from '../../verifier/run.js';
import { uniqueName } from '../support/unique-name.js';
import { createSide, type Side } from './verify.fixtures.js';

function summary(diffs: readonly Diff[]): string[] {
  return diffs.map((d) => `${d.kind} ${d.key.join(',')}${d.kind === 'changed' ? ` [${d.columns.join(',')}]` : ''}`);
}

describe('verify: key-space cutting', () => {
  let pg: Side;
  let my: Side;
  before(async () => {
    pg = await createSide('postgres');
    my = await createSide('mysql');
  });
  after(async () => {
    await pg.close();
    await my.close();
  });

  it('integer keys: negative, sparse and outlying keys; rows outside the source span fall into the end leaves', async () => {
    const table = uniqueName('ikeys');
    const ids = [...Array.from({ length: 2_000 }, (_, i) => -6_000 + 3 * i), 0, ...Array.from({ length: 3_000 }, (_, i) => i + 1), 1e15, 2 ** 62];
    for (const side of [pg, my]) {
      await side.exec(`CREATE TABLE ${table} (id bigint PRIMARY KEY, v varchar(20))`);
      await side.insert(table, ['id', 'v'], ids.map((id) => [BigInt(id).toString(), `v${BigInt(id).toString()}`]));
    }
    const equal = await runVerify({ source: pg.store, target: my.store, table, chunkRows: 250 });
    assert.equal(equal.verdict, 'consistent');
    assert.equal(equal.source.rows, ids.length);
    await my.exec(`UPDATE ${table} SET v = 'x' WHERE id IN (-5997, 0, 2999)`);
    await my.exec(`DELETE FROM ${table} WHERE id = 1000000000000000`);
    await my.exec(`INSERT INTO ${table} VALUES (-9000000000000000000, 'low'), (9000000000000000000, 'high')`);
    const drift = await runVerify({ source: pg.store, target: my.store, table, chunkRows: 250 });
    assert.deepEqual(summary(drift.diffs), ['extra -9000000000000000000', 'changed -5997 [v]', 'changed 0 [v]', 'changed 2999 [v]', 'missing 1000000000000000', 'extra 9000000000000000000']);
  });

  it('text keys: leaves at sampled keys, digested by one grouped query per side; a change is bisected to the row', async () => {
    const table = uniqueName('tkeys');
    const rows = Array.from({ length: 3_000 }, (_, i) => [`key ${String(i).padStart(5, '0')}${i % 2 === 0 ? '' : ' '}`, i]);
    for (const side of [pg, my]) {
      await side.exec(`CREATE TABLE ${table} (k varchar(40) PRIMARY KEY, n int)`);
      await side.insert(table, ['k', 'n'], rows);
    }
    await pg.exec(`UPDATE ${table} SET n = -1 WHERE k = 'key 01235 '`);
    const r = await runVerify({ source: pg.store, target: my.store, table, chunkRows: 1_000, policy: { rowThreshold: 100, fanout: 4, streamShare: 0.5 } });
    assert.deepEqual(summary(r.diffs), ['changed key 01235  [n]']);
    assert.ok(r.evidence.rangesBisected >= 1, JSON.stringify(r.evidence));
  });

  it('widespread drift: after the first leaves, the rest are streamed by row hash without a digest pass', async () => {
    const table = uniqueName('wide');
    const rows = Array.from({ length: 20_000 }, (_, i) => [i + 1, `n${i + 1}`, i % 5 === 0 ? null : `note ${i}`]);
    for (const side of [pg, my]) {
      await side.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, name varchar(20), note varchar(20))`);
      await side.insert(table, ['id', 'name', 'note'], rows);
    }
    await my.exec(`UPDATE ${table} SET name = CONCAT(name, '!') WHERE id % 10 = 3`);
    await my.exec(`UPDATE ${table} SET note = NULL WHERE id % 10 = 7`);
    const r = await runVerify({ source: pg.store, target: my.store, table, chunkRows: 500 });
    assert.equal(r.diffs.length, 4_000);
    assert.deepEqual(summary(r.diffs.slice(0, 2)), ['changed 3 [name]', 'changed 7 [note]']);
    assert.equal(r.evidence.leaves, 40);
    assert.equal(r.evidence.rangesStreamed, 40, 'every leaf streamed once: most after the probe without being digested');
    assert.equal(r.target.rows, 20_000);
    assert.notEqual(r.source.root, r.target.root);

    // A burst: every row of a few leaves changed, the rest clean — streamed through the burst, digested after it.
    // (The source first takes the target's earlier changes, so that only the burst differs.)
    await pg.exec(`UPDATE ${table} SET name = name || '!' WHERE id % 10 = 3`);
    await pg.exec(`UPDATE ${table} SET note = NULL WHERE id % 10 = 7`);
    await my.exec(`UPDATE ${table} SET note = 'burst' WHERE id BETWEEN 6001 AND 9000`);
    const burst = await runVerify({ source: pg.store, target: my.store, table, chunkRows: 500 });
    assert.equal(burst.diffs.length, 3_000);
    assert.ok(burst.evidence.rangesStreamed >= 3 && burst.evidence.rangesStreamed <= 12, JSON.stringify(burst.evidence));
  });
});
