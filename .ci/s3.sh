#!/usr/bin/env bash
# Starts a throw-away S3-compatible server (s3rver, pinned in .ci/s3rver/) on 127.0.0.1:54330 for
# the tests and the local cluster, and prints the settings to use on one line
# (export FLORASCOPE_TEST_S3="$(bash .ci/s3.sh)"). It is installed outside the repository, runs in
# the background after this script ends (pid file beside its data) and creates no bucket: the
# object store creates its own.
set -euo pipefail
port="${S3TEST_PORT:-54330}"
dir="${S3TEST_DIR:-/tmp/florascope-s3rver}"
here="$(cd "$(dirname "$0")" && pwd)"
settings="ServiceUrl=http://127.0.0.1:$port;Bucket=florascope-test;AccessKey=S3RVER;SecretKey=S3RVER"

up() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

if up; then echo "$settings"; exit 0; fi

if ! command -v npm >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null) >&2
fi
# One installation for every server this script starts (the tests' and deploy/cluster.sh's).
install="${S3RVER_INSTALL:-/tmp/florascope-s3rver/install}"
# Reinstalled when the pinned versions change.
if ! cmp -s "$here/s3rver/package-lock.json" "$install/package-lock.json" || [ ! -x "$install/node_modules/.bin/s3rver" ]; then
  rm -rf "$install"; mkdir -p "$install"
  cp "$here/s3rver/package.json" "$here/s3rver/package-lock.json" "$install/"
  (cd "$install" && npm ci --no-audit --no-fund --silent) >&2
fi

mkdir -p "$dir/data"
# s3rver signs its list continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider.
NODE_OPTIONS=--openssl-legacy-provider nohup "$install/node_modules/.bin/s3rver" -d "$dir/data" -a 127.0.0.1 -p "$port" --silent --no-vhost-buckets \
  >"$dir/log" 2>&1 </dev/null &
echo $! >"$dir/pid"
for _ in $(seq 1 100); do
  if up; then echo "$settings"; exit 0; fi
  if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then break; fi
  sleep 0.1
done
echo "s3rver did not start on 127.0.0.1:$port; see $dir/log" >&2
exit 1
