import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeValue, rowText, type RawValue } from '../../../verifier/canonical/encode.js';
import { reconcileTypes, type LogicalType } from '../../../verifier/canonical/logical-type.js';
import { isSyncwatchError } from '../../../lib/errors.js';

const T = {
  int: { kind: 'int' },
  dec2: { kind: 'decimal', scale: 2 },
  f64: { kind: 'float', bits: 64 },
  f32: { kind: 'float', bits: 32 },
  bool: { kind: 'bool' },
  ts: { kind: 'timestamp' },
  date: { kind: 'date' },
  time: { kind: 'time' },
  text: { kind: 'text' },
  bytes: { kind: 'bytes' },
  json: { kind: 'json' },
  uuid: { kind: 'uuid' },
} as const satisfies Record<string, LogicalType>;

function enc(type: LogicalType, v: RawValue): string | null {
  return encodeValue(type, v);
}

describe('canonical encoding', () => {
  it('keeps NULL distinct from the empty string for every type', () => {
    for (const type of Object.values(T)) assert.equal(enc(type, null), null);
    assert.equal(enc(T.text, ''), '');
    assert.notEqual(rowText([null]), rowText(['']));
    assert.notEqual(rowText(['N']), rowText([null]));
  });

  it('integers: any driver representation gives the same text', () => {
    for (const v of [42, 42n, '42', ' +42 ', '0042']) assert.equal(enc(T.int, v), '42');
    assert.equal(enc(T.int, '-9223372036854775808'), '-9223372036854775808');
    assert.equal(enc(T.int, 18446744073709551615n), '18446744073709551615');
    assert.equal(enc(T.int, -0), '0');
    assert.throws(() => enc(T.int, 1.5), (e) => isSyncwatchError(e) && e.code === 'SW_STORE_VALUE_INVALID');
  });

  it('decimals compare by value whatever the declared scale', () => {
    assert.equal(enc(T.dec2, '1.50'), '1.5');
    assert.equal(enc({ kind: 'decimal', scale: 4 }, '1.5000'), '1.5');
    assert.equal(enc(T.dec2, '-0.00'), '0');
    assert.equal(enc(T.dec2, '100'), '100');
    assert.equal(enc(T.dec2, '0.10'), '0.1');
    assert.equal(enc(T.dec2, '-000.010'), '-0.01');
    assert.equal(enc(T.dec2, '.5'), '0.5');
    assert.equal(enc(T.dec2, '99999999999999999999999999999999999.99'), '99999999999999999999999999999999999.99');
    assert.notEqual(enc(T.dec2, '10.005'), enc(T.dec2, '10.006'));
    assert.throws(() => enc(T.dec2, '1e5'));
  });

  it('floats round-trip exactly, NaN and infinities spelled out, zero unsigned', () => {
    assert.equal(enc(T.f64, 0.1), '0.1');
    assert.equal(enc(T.f64, '0.1'), '0.1');
    assert.equal(enc(T.f64, 1e308), '1e+308');
    assert.equal(enc(T.f64, '1e308'), '1e+308');
    assert.equal(enc(T.f64, '1e+308'), '1e+308');
    assert.equal(enc(T.f64, -0), '0', 'MariaDB cannot store -0; SQL compares -0 = 0');
    assert.equal(enc(T.f64, '-0'), '0');
    assert.equal(enc(T.f64, 5e-324), '5e-324');
    assert.equal(enc(T.f64, 'NaN'), 'NaN');
    assert.equal(enc(T.f64, '-Infinity'), '-Infinity');
    assert.equal(enc(T.f64, 'inf'), 'Infinity');
    assert.notEqual(enc(T.f64, 0.1 + 0.2), enc(T.f64, 0.3));
    assert.equal(Number(enc(T.f64, 2.2250738585072014e-308)), 2.2250738585072014e-308);
  });

  it('float32: the engine text and the widened double agree', () => {
    assert.equal(enc(T.f32, '0.1'), enc(T.f32, 0.10000000149011612));
    assert.equal(enc(T.f32, '0.1'), String(Math.fround(0.1)));
  });

  it('booleans are 0/1 and agree with TINYINT(1)', () => {
    assert.equal(enc(T.bool, true), '1');
    assert.equal(enc(T.bool, false), '0');
    assert.equal(enc(T.bool, 't'), '1');
    assert.equal(enc(T.bool, 'f'), '0');
    assert.equal(enc(T.bool, 1), '1');
    assert.equal(enc(T.bool, '0'), '0');
    assert.equal(enc(T.bool, 2), '2');
  });

  it('timestamps: UTC at microsecond precision, offsets applied', () => {
    assert.equal(enc(T.ts, '2024-02-29 23:59:59.123456+02'), '2024-02-29 21:59:59.123456');
    assert.equal(enc(T.ts, '2024-02-29T21:59:59.123456Z'), '2024-02-29 21:59:59.123456');
    assert.equal(enc(T.ts, '2024-02-29 21:59:59.123456'), '2024-02-29 21:59:59.123456');
    assert.equal(enc(T.ts, '2024-03-01 01:29:59.123456+03:30'), '2024-02-29 21:59:59.123456');
    assert.equal(enc(T.ts, '2024-01-01 00:30:00-01'), '2024-01-01 01:30:00.000000');
    assert.equal(enc(T.ts, '1969-12-31 23:59:59.999999'), '1969-12-31 23:59:59.999999');
    assert.equal(enc(T.ts, '0099-01-01 00:00:00'), '0099-01-01 00:00:00.000000');
    assert.equal(enc(T.ts, '2024-01-01 00:00:00.1234567'), '2024-01-01 00:00:00.123456');
    assert.equal(enc(T.ts, new Date(Date.UTC(1960, 0, 1, 0, 0, 0, 5))), '1960-01-01 00:00:00.005000');
    assert.equal(enc(T.ts, new Date(Date.UTC(2024, 0, 1, 12, 0, 0, 250))), '2024-01-01 12:00:00.250000');
    assert.throws(() => enc(T.ts, 'yesterday'));
  });

  it('dates and times', () => {
    assert.equal(enc(T.date, '2024-02-29'), '2024-02-29');
    assert.equal(enc(T.date, '1900-03-01'), '1900-03-01');
    assert.equal(enc(T.time, '12:34:56'), '12:34:56.000000');
    assert.equal(enc(T.time, '12:34:56.5'), '12:34:56.500000');
    assert.equal(enc(T.time, '-838:59:59'), '-838:59:59.000000');
  });

  it('text: bytes as they are, trailing spaces and case significant', () => {
    assert.equal(enc(T.text, 'a '), 'a ');
    assert.notEqual(enc(T.text, 'a '), enc(T.text, 'a'));
    assert.notEqual(enc(T.text, 'Key'), enc(T.text, 'key'));
    assert.equal(enc(T.text, 'e\u0301'), 'e\u0301');
    assert.notEqual(enc(T.text, 'e\u0301'), enc(T.text, '\u00e9'));
    assert.throws(() => enc(T.text, 5));
  });

  it('bytes as lowercase hex', () => {
    assert.equal(enc(T.bytes, new Uint8Array([0, 255, 16])), '00ff10');
    assert.equal(enc(T.bytes, Buffer.from('hi')), '6869');
    assert.equal(enc(T.bytes, 'ABCD'), 'abcd');
    assert.equal(enc(T.bytes, new Uint8Array([])), '');
  });

  it('JSON with sorted keys and no whitespace', () => {
    assert.equal(enc(T.json, '{"b": 1, "a": {"d": [1, {"z": 0, "y": 1}], "c": null}}'), '{"a":{"c":null,"d":[1,{"y":1,"z":0}]},"b":1}');
    assert.equal(enc(T.json, '{}'), '{}');
    assert.equal(enc(T.json, { b: 2, a: 1 }), '{"a":1,"b":2}');
    assert.equal(enc(T.json, '1.0'), '1');
    assert.equal(enc(T.json, '"x"'), '"x"');
    assert.throws(() => enc(T.json, '{'));
  });

  it('UUIDs lowercase', () => {
    assert.equal(enc(T.uuid, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'), 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
  });

  it('row text: fields are self-delimiting by UTF-8 byte length', () => {
    assert.equal(rowText(['1', null, '', 'é']), '1:1N0:2:é');
    assert.notEqual(rowText(['ab', 'c']), rowText(['a', 'bc']));
    assert.notEqual(rowText(['1:a']), rowText(['1', 'a']));
  });

  it('reconciles compatible types across engines', () => {
    assert.deepEqual(reconcileTypes({ kind: 'json' }, { kind: 'text' }), { kind: 'json' });
    assert.deepEqual(reconcileTypes({ kind: 'bool' }, { kind: 'int' }), { kind: 'int' });
    assert.deepEqual(reconcileTypes({ kind: 'float', bits: 64 }, { kind: 'float', bits: 32 }), { kind: 'float', bits: 32 });
    assert.deepEqual(reconcileTypes({ kind: 'text' }, { kind: 'bytes' }), { kind: 'bytes' });
    assert.equal(reconcileTypes({ kind: 'int' }, { kind: 'text' }), null);
  });
});
