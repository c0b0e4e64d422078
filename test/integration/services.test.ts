// The system PostgreSQL, MariaDB and Redis are found, throwaway databases come and go, and a missing
// service fails fast with a message that says how to start it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import pg from 'pg';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import {
  CONNECT_TIMEOUT_MS, createTempMysqlDatabase, createTempPgDatabase, createTempRedisDb, findMysql, findPostgres, findRedis,
  mysqlServerUrl, pgServerUrl, tempRedisPrefix, withPgClient, withRedis,
} from '../support/services.js';
import { freePorts } from '../support/replication/tools.js';

void describe('test services', () => {
  void it('finds PostgreSQL, creates a temp database and drops it with sessions still open', async () => {
    assert.match((await findPostgres()).version, /^\d+/);
    const db = await createTempPgDatabase();
    assert.equal(new URL(db.url).pathname, `/${db.name}`);
    const holder = new pg.Client({ connectionString: db.url });
    holder.on('error', () => undefined); // the forced drop ends this session
    await holder.connect();
    assert.equal((await holder.query<{ d: string }>('SELECT current_database() AS d')).rows[0]?.d, db.name);
    await db.drop();
    await assert.rejects(holder.query('SELECT 1'));
    await holder.end().catch(() => undefined);
    const left = await withPgClient(pgServerUrl(), (c) => c.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name]));
    assert.equal(left.rowCount, 0);
    await db.drop(); // idempotent
  });

  void it('finds MariaDB and creates and drops a temp database', async () => {
    assert.match((await findMysql()).version, /MariaDB|^\d+/);
    const db = await createTempMysqlDatabase();
    const conn = await createConnection({ uri: db.url, connectTimeout: 3_000 });
    try {
      const [rows] = await conn.query<RowDataPacket[]>('SELECT DATABASE() AS d');
      assert.equal(rows[0]?.['d'], db.name);
    } finally {
      await conn.end();
    }
    await db.drop();
    const admin = await createConnection({ uri: mysqlServerUrl(), connectTimeout: 3_000 });
    try {
      const [rows] = await admin.query<RowDataPacket[]>('SHOW DATABASES LIKE ?', [db.name]);
      assert.equal(rows.length, 0);
    } finally {
      await admin.end();
    }
    await db.drop();
  });

  void it('finds Redis and claims, uses and releases an empty db index', async () => {
    assert.match((await findRedis()).version, /^\d+\./);
    const db = await createTempRedisDb();
    assert.match(db.url, /^redis:\/\/[^/]+\/\d+$/);
    assert.notEqual(db.index, 0);
    await withRedis(db.url, (c) => c.set('probe', '1'));
    await db.drop();
    assert.equal(await withRedis(db.url, (c) => c.exists('probe')), 0);
  });

  void it('hands out a Redis key prefix and deletes only its keys', async () => {
    const space = await tempRedisPrefix();
    const other = await tempRedisPrefix();
    await withRedis(space.url, async (c) => {
      for (let i = 0; i < 1200; i += 1) await c.set(`${space.prefix}k${i}`, String(i));
      await c.set(`${other.prefix}keep`, 'x');
    });
    await space.drop();
    const [mine, theirs] = await withRedis(space.url, async (c) => [
      (await c.scan('0', 'MATCH', `${space.prefix}*`, 'COUNT', 10_000))[1].length,
      await c.exists(`${other.prefix}keep`),
    ]);
    await other.drop();
    assert.deepEqual([mine, theirs], [0, 1]);
  });

  void it('fails fast with a one-line "start it with" message when a service is not there', async () => {
    const [pgPort, myPort, redisPort] = await freePorts(3);
    const started = Date.now();
    await assert.rejects(findPostgres(`postgres://postgres@127.0.0.1:${pgPort}/postgres`),
      { message: new RegExp(`^PostgreSQL not reachable at 127\\.0\\.0\\.1:${pgPort} \\(.*\\) — start it with: pg_ctlcluster 15 main start`) });
    await assert.rejects(findMysql(`mysql://root@127.0.0.1:${myPort}/`), { message: /^MariaDB not reachable at .* start it with: service mariadb start/ });
    await assert.rejects(findRedis(`redis://127.0.0.1:${redisPort}/0`), (err: Error) => {
      assert.match(err.message, /^Redis not reachable at .* start it with: service redis-server start/);
      assert.equal(err.message.includes('\n'), false);
      return true;
    });
    assert.ok(Date.now() - started < 5_000, 'finders must not wait for a refused port');
  });

  void it('gives up within the connect timeout when a port accepts but never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => { sockets.push(socket); }); // accepts connections, never writes a byte
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const started = Date.now();
    try {
      const outcomes = await Promise.allSettled([
        findPostgres(`postgres://postgres@127.0.0.1:${port}/postgres`),
        findMysql(`mysql://root@127.0.0.1:${port}/`),
        findRedis(`redis://127.0.0.1:${port}/0`),
      ]);
      assert.deepEqual(outcomes.map((o) => o.status), ['rejected', 'rejected', 'rejected']);
      assert.ok(Date.now() - started < CONNECT_TIMEOUT_MS + 2_000, `took ${Date.now() - started} ms`);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
