#!/usr/bin/env bash
# Starts the machine's PostgreSQL, MariaDB and Redis if they are not answering (they normally run already).
set -u
up() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }
if ! up 5432; then
  echo "ci: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi
if ! up 3306; then
  echo "ci: starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
fi
if ! up 6379; then
  echo "ci: starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
fi
for port in 5432 3306 6379; do
  for _ in $(seq 1 30); do up "$port" && break; sleep 1; done
  up "$port" || echo "ci: warning: nothing answers on 127.0.0.1:$port"
done
