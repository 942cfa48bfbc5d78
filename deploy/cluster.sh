#!/usr/bin/env bash
# A Florascope cluster on this machine: PostgreSQL with PostGIS, an S3-compatible object store (s3rver),
# N nodes (default 2) and nginx in front of them on one port. The production layout uses the same files
# (deploy/nginx/florascope.conf, deploy/systemd/, deploy/florascope.env.example; see docs/scaling.md).
#
#   deploy/cluster.sh up [NODES]      build, start everything, print the URL (idempotent: starts what is down)
#   deploy/cluster.sh down            stop everything (the data stays in $CLUSTER_DIR until `down --purge`)
#   deploy/cluster.sh status          what runs, and each node's /health/ready
#   deploy/cluster.sh node-stop I [--kill] | node-start I      one node (I from 1); --kill is kill -9
#   deploy/cluster.sh pg-stop | pg-start | s3-stop | s3-start  the shared services, for fault drills
#
# Settings (environment): CLUSTER_DIR (/tmp/florascope-cluster), CLUSTER_PORT (nginx, 8080), CLUSTER_PG_PORT (55432),
# CLUSTER_S3_PORT (55433), CLUSTER_NODE_PORT (first node's port, 55441; the next ones follow),
# FLORASCOPE_WEB_DLL (a built Florascope.Web.dll to run instead of publishing one; the tests use theirs).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${CLUSTER_DIR:-/tmp/florascope-cluster}"
port="${CLUSTER_PORT:-8080}"
pg_port="${CLUSTER_PG_PORT:-55432}"
s3_port="${CLUSTER_S3_PORT:-55433}"
node_port="${CLUSTER_NODE_PORT:-55441}"
mkdir -p "$dir"

log() { echo "cluster: $*" >&2; }
nodes() { cat "$dir/nodes" 2>/dev/null || echo 2; }
node_dir() { echo "$dir/node$1"; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

pg_bin() { dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)"; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
connection() { echo "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=florascope;Timeout=5;Command Timeout=60"; }

pg_start() {
  if [ -f "$dir/pg/data/PG_VERSION" ]; then
    as_postgres "$(pg_bin)/pg_isready" -h 127.0.0.1 -p "$pg_port" -q 2>/dev/null || pg_restart_only
  else
    # .ci/postgres.sh installs PostgreSQL and PostGIS from Debian when missing and makes a trust-auth cluster.
    PGTEST_PORT="$pg_port" PGTEST_DIR="$dir/pg" bash "$root/.ci/postgres.sh" >/dev/null
  fi
}
pg_stop() {
  [ -d "$dir/pg/data" ] || return 0
  as_postgres "$(pg_bin)/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null 2>&1 || true
}
pg_restart_only() {
  # Starts the existing cluster again (its data kept), unlike pg_start on a missing one.
  as_postgres "$(pg_bin)/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/log" -o "-p $pg_port -k $dir/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" -w start >/dev/null
}

s3_start() {
  # .ci/s3.sh installs s3rver (npm, pinned in .ci/s3rver/) once and starts it; its data stays in $dir/s3.
  S3TEST_PORT="$s3_port" S3TEST_DIR="$dir/s3" bash "$root/.ci/s3.sh" >/dev/null
}
s3_stop() {
  alive "$dir/s3/pid" || return 0
  kill "$(cat "$dir/s3/pid")"
  for _ in $(seq 1 50); do alive "$dir/s3/pid" || break; sleep 0.1; done
}

web_dll() {
  if [ -n "${FLORASCOPE_WEB_DLL:-}" ]; then echo "$FLORASCOPE_WEB_DLL"; return; fi
  if [ ! -f "$dir/app/Florascope.Web.dll" ] || [ -n "$(find "$root/src" -newer "$dir/app/Florascope.Web.dll" -name '*.cs' -print -quit)" ]; then
    log "publishing the web app (Release) into $dir/app"
    dotnet publish "$root/src/Florascope.Web" -c Release -o "$dir/app" --nologo -v quiet >&2
  fi
  echo "$dir/app/Florascope.Web.dll"
}

secret() {
  # One geoprivacy key for every node (positions of threatened taxa are obscured alike everywhere).
  [ -f "$dir/geoprivacy-key" ] || (umask 077; head -c 32 /dev/urandom | base64 > "$dir/geoprivacy-key")
  cat "$dir/geoprivacy-key"
}

node_start() {
  local i="$1" d; d="$(node_dir "$i")"
  alive "$d/pid" && return 0
  mkdir -p "$d"
  local p=$((node_port + i - 1))
  (
    cd "$root"
    export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"
    export Florascope__NodeName="node$i" Florascope__DataDirectory="$d" Florascope__Database=postgres
    export ConnectionStrings__Florascope="$(connection)"
    export Florascope__Storage__Kind=s3 Florascope__Storage__ServiceUrl="http://127.0.0.1:$s3_port" Florascope__Storage__Bucket=florascope
    export Florascope__Storage__AccessKey=S3RVER Florascope__Storage__SecretKey=S3RVER
    export Florascope__GeoprivacyKey="$(secret)" Florascope__Proxies__KnownProxies__0=127.0.0.1
    export Florascope__Models__PollSeconds="${CLUSTER_MODEL_POLL_SECONDS:-2}"
    nohup dotnet "$(web_dll)" --urls "http://127.0.0.1:$p" >>"$d/log" 2>&1 &
    echo $! > "$d/pid"
  )
  log "node $i on 127.0.0.1:$p (log $d/log)"
}

node_stop() {
  local d; d="$(node_dir "$1")"
  alive "$d/pid" || { rm -f "$d/pid"; return 0; }
  if [ "${2:-}" = "--kill" ]; then kill -9 "$(cat "$d/pid")"; else kill "$(cat "$d/pid")"; fi
  for _ in $(seq 1 100); do alive "$d/pid" || break; sleep 0.1; done
  rm -f "$d/pid"
}

wait_ready() {
  local p=$((node_port + $1 - 1))
  for _ in $(seq 1 240); do
    curl -fsS -o /dev/null "http://127.0.0.1:$p/health/ready" 2>/dev/null && return 0
    alive "$(node_dir "$1")/pid" || { log "node $1 exited; see $(node_dir "$1")/log"; tail -n 20 "$(node_dir "$1")/log" >&2; return 1; }
    sleep 0.5
  done
  log "node $1 not ready after 120 s"; return 1
}

nginx_start() {
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || {
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null) >&2; }
  local n="$dir/nginx" servers="" i
  mkdir -p "$n/temp" "$n/logs"; chmod -R 777 "$n/temp"
  for i in $(seq 1 "$(nodes)"); do servers+="    server 127.0.0.1:$((node_port + i - 1)) max_fails=2 fail_timeout=5s;\n"; done
  # The production site file with this cluster's ports; the upstream header tells which node answered (local only).
  sed -e "s|^    server 127.0.0.1:5001 .*# @NODES@\$|$servers|" \
      -e "s|listen 8080;  # @LISTEN@.*|listen 127.0.0.1:$port;|" \
      -e "s|^    server_name _;|    server_name _;\n    add_header X-Florascope-Upstream \$upstream_addr always;|" \
      "$root/deploy/nginx/florascope.conf" > "$n/florascope.conf"
  cat > "$n/nginx.conf" <<CONF
worker_processes 1;
pid $n/nginx.pid;
error_log $n/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log $n/logs/access.log;
    client_body_temp_path $n/temp/body;
    proxy_temp_path $n/temp/proxy;
    fastcgi_temp_path $n/temp/fastcgi;
    uwsgi_temp_path $n/temp/uwsgi;
    scgi_temp_path $n/temp/scgi;
    include $n/florascope.conf;
}
CONF
  local bin; bin="$(command -v nginx || echo /usr/sbin/nginx)"
  if alive "$n/nginx.pid"; then "$bin" -p "$n" -c "$n/nginx.conf" -s reload 2>/dev/null
  else "$bin" -p "$n" -c "$n/nginx.conf" 2>>"$n/logs/start.log" || { tail -n 5 "$n/logs/start.log" >&2; return 1; }; fi
}
nginx_stop() {
  local n="$dir/nginx"
  alive "$n/nginx.pid" && kill "$(cat "$n/nginx.pid")" 2>/dev/null || true
  for _ in $(seq 1 50); do alive "$n/nginx.pid" || break; sleep 0.1; done
}

case "${1:-}" in
  up)
    # Fewer nodes than last time: the extra ones stop first.
    for i in $(seq "$((${2:-$(nodes)} + 1))" "$(nodes)"); do node_stop "$i"; done
    echo "${2:-$(nodes)}" > "$dir/nodes"
    pg_start; s3_start; web_dll >/dev/null
    # The first node creates or upgrades the schema; the others start once it is ready.
    node_start 1; wait_ready 1
    for i in $(seq 2 "$(nodes)"); do node_start "$i"; done
    for i in $(seq 2 "$(nodes)"); do wait_ready "$i"; done
    nginx_start
    echo "http://127.0.0.1:$port/"
    ;;
  down)
    nginx_stop
    for i in $(seq 1 "$(nodes)"); do node_stop "$i"; done
    s3_stop; pg_stop
    [ "${2:-}" = "--purge" ] && rm -rf "$dir"
    log "stopped"
    ;;
  status)
    for i in $(seq 1 "$(nodes)"); do
      p=$((node_port + i - 1))
      echo "node $i 127.0.0.1:$p $(alive "$(node_dir "$i")/pid" && echo running || echo stopped) ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/health/ready" || true)"
    done
    echo "nginx 127.0.0.1:$port $(alive "$dir/nginx/nginx.pid" && echo running || echo stopped)"
    echo "s3 127.0.0.1:$s3_port $(alive "$dir/s3/pid" && echo running || echo stopped)"
    echo "postgres 127.0.0.1:$pg_port $(as_postgres "$(pg_bin)/pg_isready" -h 127.0.0.1 -p "$pg_port" -q 2>/dev/null && echo running || echo stopped)"
    ;;
  node-stop) node_stop "$2" "${3:-}" ;;
  node-start) node_start "$2"; wait_ready "$2" ;;
  pg-stop) pg_stop ;;
  pg-start) pg_restart_only ;;
  s3-stop) s3_stop ;;
  s3-start) s3_start ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
