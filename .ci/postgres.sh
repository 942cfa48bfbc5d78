#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster (with PostGIS) on 127.0.0.1:54329 for the tests and prints the
# connection string to use (export FLORASCOPE_TEST_POSTGRES="$(bash .ci/postgres.sh)").
set -euo pipefail
port="${PGTEST_PORT:-54329}"
dir="${PGTEST_DIR:-/tmp/florascope-pg}"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >&2
fi
bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
# PostGIS for the map's geography column (PostgreSQL migrations); Debian packages it per server version.
major=$(basename "$(dirname "$bin")")
if ! ls /usr/share/postgresql/"$major"/extension/postgis.control >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$major-postgis-3" >/dev/null) >&2
fi
run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if ! run "$bin/pg_isready" -h 127.0.0.1 -p "$port" -q 2>/dev/null; then
  rm -rf "$dir"; mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  run "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
  run "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" -w start >/dev/null
fi
echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
