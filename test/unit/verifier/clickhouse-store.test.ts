// ClickHouse store pieces that need no engine: the type map, identifier quoting and URL parsing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quoteClickhouseIdent } from '../../../verifier/stores/clickhouse-dialect.js';
import { clickhouseLogicalType, innerType } from '../../../verifier/stores/clickhouse-types.js';
import { parseClickhouseUrl } from '../../../verifier/stores/clickhouse-store.js';
import { openStore } from '../../../verifier/stores/registry.js';

describe('ClickHouse type map', () => {
  it('maps engine types to logical types through Nullable and LowCardinality', () => {
    const cases: [string, unknown][] = [
      ['Int8', { kind: 'int' }], ['UInt64', { kind: 'int' }], ['Int256', { kind: 'int' }],
      ['Nullable(Decimal(30, 4))', { kind: 'decimal', scale: 4 }], ['Decimal64(3)', { kind: 'decimal', scale: 3 }], ['Decimal(10)', { kind: 'decimal', scale: 0 }],
      ['Float32', { kind: 'float', bits: 32 }], ['Bool', { kind: 'bool' }],
      ["DateTime64(6, 'UTC')", { kind: 'timestamp' }], ["DateTime('Europe/Paris')", { kind: 'timestamp' }], ['DateTime', { kind: 'timestamp' }],
      ['Date32', { kind: 'date' }], ['Time64(6)', { kind: 'time' }],
      ['LowCardinality(Nullable(String))', { kind: 'text' }], ["Enum8('a' = 1)", { kind: 'text' }], ['FixedString(16)', { kind: 'bytes' }],
      ['UUID', { kind: 'uuid' }], ['JSON', { kind: 'json' }],
    ];
    for (const [engine, want] of cases) assert.deepEqual(clickhouseLogicalType(engine), want, engine);
    for (const engine of ['Array(Int32)', 'Map(String, String)', 'IPv4', 'Tuple(a Int8)']) assert.equal(clickhouseLogicalType(engine), null, engine);
    assert.equal(innerType('Nullable(LowCardinality(String))'), 'String');
  });

  it('quotes identifiers with backticks, escaping backticks and backslashes', () => {
    assert.equal(quoteClickhouseIdent('a'), '`a`');
    assert.equal(quoteClickhouseIdent('we`ird\\x'), '`we``ird\\\\x`');
  });
});

describe('ClickHouse store URLs', () => {
  it('chdb:// is embedded: the path is the data directory, ?database= the default database', () => {
    const t = parseClickhouseUrl(new URL('chdb:///var/lib/sw/ch?database=shop'));
    assert.equal(t.database, 'shop');
    assert.equal(t.where, 'chdb /var/lib/sw/ch shop');
    assert.equal(parseClickhouseUrl(new URL('chdb:///tmp/x')).database, 'default');
    assert.throws(() => parseClickhouseUrl(new URL('chdb:///')), (e: { code?: string }) => e.code === 'SW_USAGE');
  });

  it('clickhouse:// and http(s):// are a server; the path is the database; the password is never shown', () => {
    const t = parseClickhouseUrl(new URL('clickhouse://u:Secret@ch1/analytics'));
    assert.equal(t.database, 'analytics');
    assert.equal(t.where, 'clickhouse ch1:8123/analytics');
    assert.equal(parseClickhouseUrl(new URL('https://ch1:8443/?database=x')).where, 'clickhouse ch1:8443/x');
    assert.throws(() => parseClickhouseUrl(new URL('http://ch1:8123/a/b')), (e: { code?: string }) => e.code === 'SW_USAGE');
    const store = openStore('clickhouse://u:Secret@ch1/analytics');
    assert.equal(store.kind, 'clickhouse');
    assert.ok(!store.displayUrl.includes('Secret'));
  });
});
