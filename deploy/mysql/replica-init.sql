-- First start of mysql-replica (after mysql-primary is healthy): replicate everything with GTID auto-positioning.
CHANGE REPLICATION SOURCE TO SOURCE_HOST = 'mysql-primary', SOURCE_USER = 'replicator', SOURCE_PASSWORD = 'replicator', SOURCE_AUTO_POSITION = 1, GET_SOURCE_PUBLIC_KEY = 1;
START REPLICA;
