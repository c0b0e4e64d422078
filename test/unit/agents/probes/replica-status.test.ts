// SHOW REPLICA STATUS rows recorded from a real MariaDB 10.11 replica (running, and with the SQL thread
// stopped), plus MySQL 8.0.22+'s Replica_/Source_ spelling.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isSyntaxError, parseReplicaStatus } from '../../../../agents/probes/mysql/replica-status.js';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

describe('parseReplicaStatus', () => {
  it('reads a healthy MariaDB replica', () => {
    assert.deepEqual(parseReplicaStatus(fixture('mariadb-replica-status.running.json')), {
      ioRunning: true, sqlRunning: true, secondsBehind: 0, lastIoErrno: 0, lastSqlErrno: 0, lastIoError: '', lastSqlError: '',
    });
  });

  it('reads NULL Seconds_Behind_Master as unknown when the SQL thread is stopped', () => {
    const status = parseReplicaStatus(fixture('mariadb-replica-status.sql-stopped.json'));
    assert.equal(status.sqlRunning, false);
    assert.equal(status.ioRunning, true);
    assert.equal(status.secondsBehind, undefined);
  });

  it('understands the MySQL 8 field names and treats Connecting as not running (inline row, not recorded)', () => {
    const status = parseReplicaStatus({
      Replica_IO_Running: 'Connecting', Replica_SQL_Running: 'Yes', Seconds_Behind_Source: 12,
      Last_IO_Errno: 2003, Last_IO_Error: "error connecting to master 'repl@db1:3306'", Last_SQL_Errno: 0, Last_SQL_Error: '',
    });
    assert.deepEqual([status.ioRunning, status.sqlRunning, status.secondsBehind, status.lastIoErrno], [false, true, 12, 2003]);
    assert.match(status.lastIoError, /error connecting/);
  });

  it('recognises the syntax error of a server that predates SHOW REPLICA STATUS', () => {
    assert.equal(isSyntaxError({ errno: 1064 }), true);
    assert.equal(isSyntaxError({ errno: 1146 }), false);
    assert.equal(isSyntaxError(new Error('x')), false);
  });
});
