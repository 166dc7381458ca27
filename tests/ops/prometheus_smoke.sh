#!/usr/bin/env bash
# Monitoring checks against a running local cluster (scripts/cluster.sh):
#   - promtool lints the live /metrics of every server;
#   - promtool checks deploy/prometheus/ (config and alert rules) and
#     runs the alert unit tests (tests/ops/alerts_test.yml);
#   - a real Prometheus server scrapes the cluster for a few seconds and one
#     query through its HTTP API must see every storage ACTIVE;
#   - the Grafana dashboard: every query names exported metrics and runs on
#     that Prometheus (tests/ops/grafana_check.py).
# Usage: tests/ops/prometheus_smoke.sh METRICS_PORT_BASE [PROM_PORT]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MP=$1
PP=${2:-26190}
targets_tracker="127.0.0.1:$MP"
targets_storage="127.0.0.1:$((MP + 1)) 127.0.0.2:$((MP + 1)) 127.0.0.1:$((MP + 2))"

if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then
  echo "*** prometheus/promtool missing: run scripts/install-deps.sh ***" >&2
  exit 1
fi

fetch() { python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' "$1"; }

for t in $targets_tracker $targets_storage; do
  fetch "http://$t/metrics" | promtool check metrics
  [ "$(fetch "http://$t/healthz")" = ok ] || { echo "/healthz of $t not ok" >&2; exit 1; }
  echo "metrics of $t: promtool OK"
done
promtool check config "$ROOT/deploy/prometheus/prometheus.yml"
promtool check rules "$ROOT/deploy/prometheus/nimbus-alerts.yml"
promtool test rules "$ROOT/tests/ops/alerts_test.yml"

work=$(mktemp -d)
prom_pid=
cleanup() { [ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
quote() { local out="" t; for t in "$@"; do out+="\"$t\", "; done; echo "[${out%, }]"; }
cat >"$work/prometheus.yml" <<CONF
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: ["$ROOT/deploy/prometheus/nimbus-alerts.yml"]
scrape_configs:
  - job_name: nimbus-tracker
    static_configs: [{targets: $(quote $targets_tracker)}]
  - job_name: nimbus-storage
    static_configs: [{targets: $(quote $targets_storage)}]
CONF
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$PP" >"$work/prometheus.log" 2>&1 &
prom_pid=$!

query='sum(nimbus_tracker_storages{state="ACTIVE"})'
for _ in $(seq 60); do
  got=$(python3 - "$PP" "$query" <<'PY' || true
import json, sys, urllib.parse, urllib.request
port, q = sys.argv[1], sys.argv[2]
url = f"http://127.0.0.1:{port}/api/v1/query?query=" + urllib.parse.quote(q)
r = json.load(urllib.request.urlopen(url, timeout=2))
res = r["data"]["result"]
print(res[0]["value"][1] if res else "")
PY
)
  if [ "$got" = 3 ]; then
    echo "Prometheus scraped the cluster: $query = $got"
    # A few more scrapes so rate() over 1m has two points.
    sleep 3
    urls=()
    for t in $targets_tracker $targets_storage; do urls+=("http://$t/metrics"); done
    python3 "$ROOT/tests/ops/grafana_check.py" "$ROOT/deploy/grafana/nimbus-dashboard.json" \
      "http://127.0.0.1:$PP" "${urls[@]}" --rules "$ROOT/deploy/prometheus/nimbus-alerts.yml"
    exit 0
  fi
  sleep 0.5
done
echo "Prometheus never saw 3 ACTIVE storages (last answer: '$got')" >&2
tail -n 20 "$work/prometheus.log" >&2
exit 1
