#!/usr/bin/env bash
# deploy/nginx/: the committed example configs are exactly what
# `nimbus deploy nginx` generates, and nginx accepts them (nginx -t).
# Usage: tests/ops/nginx_examples.sh path/to/nimbus
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NIMBUS=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/gen"
"$ROOT/deploy/nginx/generate-examples.sh" "$NIMBUS" "$work/gen" >/dev/null
for f in "$work"/gen/*.conf; do
  if ! diff -u "$ROOT/deploy/nginx/$(basename "$f")" "$f"; then
    echo "deploy/nginx/$(basename "$f") is stale: run deploy/nginx/generate-examples.sh" >&2
    exit 1
  fi
done

mkdir -p "$work/prefix/logs" "$work/prefix/tmp"
"$NIMBUS" deploy nginx secret --secret-file "$work/secret" -o "$work/secret.conf"
# nginx -t binds the listen addresses: move them to loopback ports.
port=$((41000 + RANDOM % 2000))
for f in "$ROOT"/deploy/nginx/*.conf; do
  port=$((port + 1))
  sed -e "s|/etc/nimbus/nginx-secret.conf|$work/secret.conf|" \
    -e "s|^    listen .*;|    listen 127.0.0.1:$port;|" "$f" >"$work/prefix/$(basename "$f")"
done
# Two storage-host files in one nginx would define their maps twice; test
# the front with each storage-host file separately.
for host in "$work"/prefix/storage-host-*.conf; do
  "$NIMBUS" deploy nginx main --prefix "$work/prefix" --include "$host" \
    --include "$work/prefix/front.conf" --include "$work/prefix/web.conf" \
    -o "$work/prefix/nginx.conf"
  nginx -t -q -p "$work/prefix" -c "$work/prefix/nginx.conf" -e "$work/prefix/logs/error.log"
done
echo "deploy/nginx examples: up to date, nginx -t accepts them"
