#!/usr/bin/env bash
# Installs (when missing) and starts PostgreSQL and Redis on loopback for the test suite, then
# prints the variables the tests read. Usage: eval "$(scripts/ci-services.sh)"
set -euo pipefail

say() { printf '[services] %s\n' "$*" >&2; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 \
  || ! command -v redis-server >/dev/null 2>&1; then
  say "installing postgresql and redis-server from Debian"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server >/dev/null
fi

PG_VERSION=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$PG_VERSION main"; then
  say "creating the PostgreSQL $PG_VERSION cluster"
  pg_createcluster "$PG_VERSION" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" {print $4}' | grep -qx online; then
  say "starting PostgreSQL $PG_VERSION on 127.0.0.1"
  pg_ctlcluster "$PG_VERSION" main start -- -o "-c listen_addresses=127.0.0.1" >&2 \
    || pg_ctlcluster "$PG_VERSION" main start >&2
fi
PG_PORT=$(pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" {print $3}')
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
  sleep 1
done
su postgres -c "psql -q -p $PG_PORT -c \"DO \\\$\\\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chatterhub') THEN
    CREATE ROLE chatterhub LOGIN CREATEDB PASSWORD 'chatterhub';
  END IF; END \\\$\\\$;\"" >&2

# Each test makes its own database; drop those an earlier run left behind (one psql session).
su postgres -c "psql -qtA -p $PG_PORT -c \"SELECT format('DROP DATABASE IF EXISTS %I;', datname) FROM pg_database WHERE datname LIKE 'chatterhub_test_%'\" | psql -q -p $PG_PORT" >&2

REDIS_PORT=6379
if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  say "starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save "" --appendonly no >&2
  for _ in $(seq 1 30); do
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.5
  done
fi

echo "export TEST_DATABASE_URL=postgres://chatterhub:chatterhub@127.0.0.1:$PG_PORT/postgres"
echo "export TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
