#!/usr/bin/env bash
# Regenerates the example configs in this directory with `nimbus deploy
# nginx`, for a cluster of three storage hosts:
#   10.0.0.11 and 10.0.0.12: group1 (two replicas), store paths /data/disk0
#   and /data/disk1;  10.0.0.13: group2, store path /data/disk0.
# Usage: deploy/nginx/generate-examples.sh [path/to/nimbus] [output dir]
# tests/ops/nginx_examples.sh checks the committed files are what this
# produces and that nginx accepts them.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
NIMBUS=${1:-$HERE/../../build/release/src/cli/nimbus}
OUT=${2:-$HERE}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

storage_conf() {  # file group addr paths...
  local f=$1 group=$2 addr=$3; shift 3
  {
    echo "group_name = $group"
    echo "bind_addr = $addr"
    echo "base_path = /var/lib/nimbus/storage"
    echo "store_path_count = $#"
    local i=0
    for p in "$@"; do echo "store_path$i = $p"; i=$((i + 1)); done
    echo "tracker_server = 10.0.0.1:22122"
  } >"$f"
}
storage_conf "$work/s11.conf" group1 10.0.0.11 /data/disk0 /data/disk1
storage_conf "$work/s12.conf" group1 10.0.0.12 /data/disk0 /data/disk1
storage_conf "$work/s13.conf" group2 10.0.0.13 /data/disk0

# One file per storage host: run on each host with its own storage.conf.
"$NIMBUS" deploy nginx storage --port 8888 --storage-conf "$work/s11.conf" \
  -o "$OUT/storage-host-10.0.0.11.conf"
"$NIMBUS" deploy nginx storage --port 8888 --storage-conf "$work/s13.conf" \
  -o "$OUT/storage-host-10.0.0.13.conf"
# The front; on a live cluster leave out --member and it asks the tracker
# (-c client.conf --storage-http-port 8888).
"$NIMBUS" deploy nginx front --listen 0.0.0.0:80 \
  --member group1=10.0.0.11:8888 --member group1=10.0.0.12:8888 \
  --member group2=10.0.0.13:8888 -o "$OUT/front.conf"
# The cloud-disk API on the front host, nimbus-web's FastCGI socket local.
"$NIMBUS" deploy nginx web --listen 0.0.0.0:8090 --fastcgi 127.0.0.1:9100 \
  -o "$OUT/web.conf"
