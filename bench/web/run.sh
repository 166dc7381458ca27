#!/usr/bin/env bash
# Load figures for nimbus-web through nginx (wrk), against a running local
# cluster (scripts/cluster.sh start; NIMBUS_WEB_DB=mariadb for MariaDB +
# Redis). Signs in as a bench user, fills a folder with 1,000 files, then
# runs each workload 3 times and prints medians (min-max).
#
#   bench/web/run.sh                      # against http://127.0.0.1:8090
#   NIMBUS_WEB_URL=http://127.0.0.1:38090 bench/web/run.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
URL=${NIMBUS_WEB_URL:-http://127.0.0.1:8090}
DURATION=${NIMBUS_WRK_DURATION:-10s}
CONNS=${NIMBUS_WRK_CONNECTIONS:-16}
B=$URL/api/v1
cred='{"name":"bench","password":"bench-password"}'
curl -s -o /dev/null -X POST "$B/auth/register" -d "$cred"
token=$(curl -fsS -X POST "$B/auth/login" -d "$cred" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
folder=$(curl -s -X POST "$B/folders" -H "Authorization: Bearer $token" \
  -d "{\"name\":\"bench-$(date +%s%N)\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["node"]["id"])')
for i in $(seq 1000); do
  printf 'file %d' "$i" | curl -fsS -o /dev/null -X POST \
    "$B/files?parent=$folder&name=f$i-$(date +%s%N).txt" \
    -H "Authorization: Bearer $token" --data-binary @-
done
run() {  # label script
  local label=$1 script=$2 rps=()
  for _ in 1 2 3; do
    out=$(NIMBUS_TOKEN=$token NIMBUS_FOLDER=$folder wrk -t2 -c"$CONNS" -d"$DURATION" \
      --latency -s "$HERE/$script" "$URL")
    rps+=("$(echo "$out" | awk '/Requests\/sec/ {print $2}')")
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    echo "  $label: ${rps[-1]} req/s, p99 $p99${non2xx:+, non-2xx $non2xx}" >&2
  done
  python3 - "$label" "${rps[@]}" <<'PY'
import statistics, sys
label, xs = sys.argv[1], [float(x) for x in sys.argv[2:]]
print(f"| {label} | {statistics.median(xs):,.0f} ({min(xs):,.0f}–{max(xs):,.0f}) |")
PY
}
echo "| workload ($CONNS connections, 2 wrk threads, $DURATION) | req/s median (min–max) |"
echo "|---|---|"
run "list 100 of 1,000 files" list.lua
run "upload 4 KiB (new content)" upload.lua
