#!/bin/sh
# First start of postgres-primary: a replication user for the standby, the syncwatch user and a table to verify.
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD 'replicator';
CREATE ROLE syncwatch WITH LOGIN PASSWORD 'syncwatch' IN ROLE pg_monitor;
CREATE DATABASE shop OWNER syncwatch;
SQL
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname shop <<'SQL'
CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, total numeric(12,2) NOT NULL, created timestamptz NOT NULL DEFAULT now());
INSERT INTO orders (id, customer, total) SELECT g, 'c' || (g % 97), g * 1.25 FROM generate_series(1, 10000) g;
ALTER TABLE orders OWNER TO syncwatch;
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
