#!/usr/bin/env bash
set -euo pipefail
port="${S3_PORT:-54330}"; dir="${S3_DIR:-/tmp/florascope-s3}"; pidf="${S3_PID:-$dir.pid}"
mkdir -p "$dir"
nohup node /tmp/s3rver-try/node_modules/.bin/s3rver -d "$dir" -a 127.0.0.1 -p "$port" --silent --no-vhost-buckets > "$dir.log" 2>&1 &
echo $! > "$pidf"
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
echo "ServiceUrl=http://127.0.0.1:$port;Bucket=florascope-test;AccessKey=S3RVER;SecretKey=S3RVER"
