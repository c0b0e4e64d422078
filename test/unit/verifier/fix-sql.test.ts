// Fix SQL literals and statements per target engine, from canonical values (no database needed).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Column, LogicalType } from '../../../verifier/canonical/logical-type.js';
import { CLICKHOUSE_FIX_SQL } from '../../../verifier/stores/clickhouse-fix-sql.js';
import { MYSQL_FIX_SQL } from '../../../verifier/stores/mysql-fix-sql.js';
import { POSTGRES_FIX_SQL } from '../../../verifier/stores/postgres-fix-sql.js';

const col = (engineType: string, type: LogicalType): Column => ({ name: 'c', engineType, type });

describe('fix SQL literals', () => {
  it('PostgreSQL', () => {
    const l = POSTGRES_FIX_SQL.literal;
    assert.equal(l(col('text', { kind: 'text' }), { kind: 'text' }, "it's \\ 😀"), "'it''s \\ 😀'");
    assert.equal(l(col('text', { kind: 'text' }), { kind: 'text' }, null), 'NULL');
    assert.equal(l(col('boolean', { kind: 'bool' }), { kind: 'int' }, '1'), 'TRUE');
    assert.equal(l(col('numeric', { kind: 'decimal', scale: 2 }), { kind: 'decimal', scale: 2 }, '-1.5'), '-1.5');
    assert.equal(l(col('timestamp with time zone', { kind: 'timestamp' }), { kind: 'timestamp' }, '2024-02-29 23:59:59.000001'), "'2024-02-29 23:59:59.000001+00'");
    assert.equal(l(col('timestamp without time zone', { kind: 'timestamp' }), { kind: 'timestamp' }, '1900-01-01 00:00:00.000000'), "'1900-01-01 00:00:00.000000'");
    assert.equal(l(col('bytea', { kind: 'bytes' }), { kind: 'bytes' }, '00ff'), "'\\x00ff'::bytea");
    assert.equal(l(col('text', { kind: 'text' }), { kind: 'bytes' }, '6869'), "convert_from('\\x6869'::bytea, 'UTF8')");
    assert.equal(l(col('double precision', { kind: 'float', bits: 64 }), { kind: 'float', bits: 64 }, 'NaN'), "'NaN'");
    assert.equal(l(col('double precision', { kind: 'float', bits: 64 }), { kind: 'float', bits: 64 }, '1e+308'), '1e+308');
  });

  it('MySQL/MariaDB: text that holds a backslash or control character is hex, so sql_mode cannot change it', () => {
    const l = MYSQL_FIX_SQL.literal;
    assert.equal(l(col('varchar(10)', { kind: 'text' }), { kind: 'text' }, "it's"), "'it''s'");
    assert.equal(l(col('varchar(10)', { kind: 'text' }), { kind: 'text' }, 'a\\b\n'), "CONVERT(X'615c620a' USING utf8mb4)");
    assert.equal(l(col('varbinary(10)', { kind: 'bytes' }), { kind: 'bytes' }, ''), "X''");
    assert.equal(l(col('tinyint(1)', { kind: 'bool' }), { kind: 'bool' }, '0'), '0');
    assert.deepEqual(MYSQL_FIX_SQL.begin, ["SET time_zone = '+00:00';", 'START TRANSACTION;']);
  });

  it('ClickHouse: mutations run synchronously; typed constructors for time values', () => {
    const l = CLICKHOUSE_FIX_SQL.literal;
    assert.equal(l(col('Nullable(String)', { kind: 'text' }), { kind: 'text' }, "a'b\\c"), "'a\\'b\\\\c'");
    assert.equal(l(col('Bool', { kind: 'bool' }), { kind: 'bool' }, '1'), 'true');
    assert.equal(l(col("DateTime64(6, 'UTC')", { kind: 'timestamp' }), { kind: 'timestamp' }, '2024-01-01 00:00:00.500000'), "toDateTime64('2024-01-01 00:00:00.500000', 6, 'UTC')");
    assert.equal(l(col('String', { kind: 'text' }), { kind: 'bytes' }, '00ff'), "unhex('00ff')");
    assert.equal(l(col('Float64', { kind: 'float', bits: 64 }), { kind: 'float', bits: 64 }, '-Infinity'), '-inf');
    assert.equal(CLICKHOUSE_FIX_SQL.delete('`d`.`t`', '`id` = 1'), 'ALTER TABLE `d`.`t` DELETE WHERE `id` = 1 SETTINGS mutations_sync = 2;');
  });
});
