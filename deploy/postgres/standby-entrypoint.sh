#!/bin/sh
# postgres-standby: clone the primary once with pg_basebackup (-R writes standby.signal and primary_conninfo),
# then run as a hot standby.
set -e
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until PGPASSWORD=replicator pg_basebackup -h postgres-primary -U replicator -D "$PGDATA" -R -X stream -P; do
    echo "waiting for postgres-primary"; rm -rf "${PGDATA:?}"/*; sleep 2
  done
  chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on
