// Real replication pairs for tests, one engine per file under replication/: started on free loopback ports
// in scratch dirs under /tmp, stopped by PID, with an exit safeguard and a reaper for killed runs.
export { startPgPair, type PgNode, type PgPair } from './replication/postgres-pair.js';
export { MARIADB_PAIR_DATABASE, startMariaDbPair, type MariaDbNode, type MariaDbPair } from './replication/mariadb-pair.js';
export { startRedisPair, type RedisNode, type RedisPair } from './replication/redis-pair.js';
