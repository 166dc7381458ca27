#!/usr/bin/env bash
# The whole test suite, as README.md and .ci/run invoke it:
#   format check, ASan/UBSan build + unit, system and fault tests, a 60 s
#   libFuzzer run of the decoders, and the README's local-cluster commands
#   end to end (with promtool, a FastDFS npm client, nimbus-bench and
#   nimbus-desktop against them).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
JOBS=${NIMBUS_TEST_JOBS:-2}

START=$SECONDS
step() { printf '\n==== %s  [%s, +%d s] ====\n' "$*" "$(date +%T)" $((SECONDS - START)); }

step "dependencies"
scripts/install-deps.sh

step "clang-format (Google style)"
files=$(git ls-files '*.cc' '*.h' 2>/dev/null || find src tests fuzz include -name '*.cc' -o -name '*.h')
clang-format --dry-run -Werror $files

# One build runs the tests: ASan + UBSan at full sizes (10,000-file group
# join, 1 GiB streamed file, 200 MB desktop upload). A second, plain debug
# run of the same tests covered the same code again and cost another
# twelve minutes; `ctest --preset debug` stays for development.
step "ASan + UBSan build, unit + system + fault tests"
cmake --preset asan >/dev/null
cmake --build --preset asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --preset asan -j "$JOBS"
echo "fault scenarios, durability, resumable uploads, concurrency (from the test output):"
grep -hE '^(join: |tus: |concurrency: |desktop: |.*acked [0-9]+.*lost [0-9]+|.*only on the killed)' \
  build/asan/Testing/Temporary/LastTest.log || true

step "libFuzzer: protocol decoders for ${NIMBUS_FUZZ_SECONDS:-60} s"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
corpus=$(mktemp -d)
./build/fuzz/fuzz/decoder_fuzzer -max_total_time="${NIMBUS_FUZZ_SECONDS:-60}" \
  -print_final_stats=1 "$corpus" 2>&1 | tail -n 15
rm -rf "$corpus"

step "README local cluster: start, round trip, stop"
# Ports below the kernel's ephemeral range (32768-60999): a listening port
# in it can be taken at any moment by an outgoing connection's local port
# (nginx once failed to bind 38888 so).
smoke=$(mktemp -d)
trap 'NIMBUS_RUN_DIR=$smoke scripts/cluster.sh stop >/dev/null 2>&1 || true; rm -rf "$smoke"' EXIT
NIMBUS_RUN_DIR=$smoke NIMBUS_TRACKER_PORT=26122 NIMBUS_STORAGE_PORT1=26000 \
  NIMBUS_METRICS_PORT_BASE=26200 NIMBUS_HTTP_PORT=26888 NIMBUS_FRONT_PORT=26080 \
  NIMBUS_STORAGE_PORT2=26001 NIMBUS_WEB_PORT=26090 NIMBUS_FCGI_PORT=26100 \
  scripts/cluster.sh start

step "monitoring: promtool on live /metrics, deploy/prometheus checks, a real Prometheus scrape"
tests/ops/prometheus_smoke.sh 26200 26190

step "deployment: cmake --install and the systemd units (systemd-analyze verify)"
tests/ops/systemd_check.sh build/release

step "interoperability: a third-party FastDFS client (npm fdfs) against that cluster"
if ! command -v node >/dev/null 2>&1; then
  apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
(cd tests/compat && npm ci --no-audit --no-fund --silent)
node tests/compat/fdfs_node_client_test.js 127.0.0.1 26122 127.0.0.1,127.0.0.2 group2 group1

step "nimbus-bench smoke (benchmarks are not tests: this only checks it works without errors)"
cmake --build --preset release --target nimbus-bench >/dev/null
for w in upload download mixed; do
  rr=--no-rr
  [ "$w" = upload ] && rr=
  build/release/bench/nimbus-bench "$w" --size 4k --concurrency 4 --duration 2s \
    --tracker 127.0.0.1:26122 --group group1 $rr
done
for w in upload download; do
  build/release/bench/nimbus-bench "$w" --via-tracker --size 4k --concurrency 4 \
    --duration 2s --tracker 127.0.0.1:26122 --group group1 --no-rr
done
step "nimbus-desktop under Xvfb against that cluster (scripts/desktop-screenshots.sh)"
shots=$(mktemp -d)
# The sanitized binary: Qt and fontconfig keep caches until exit, which
# LeakSanitizer would report as leaks of the app.
ASAN_OPTIONS=detect_leaks=0 NIMBUS_WEB_PORT=26090 \
  NIMBUS_DESKTOP_BIN=build/asan/src/desktop/nimbus-desktop \
  scripts/desktop-screenshots.sh "$shots"
for f in desktop-main-window desktop-transfers desktop-share-dialog; do
  test -s "$shots/$f.png" || { echo "missing screenshot $f.png"; exit 1; }
done
rm -rf "$shots"
NIMBUS_RUN_DIR=$smoke scripts/cluster.sh stop

step "README's MariaDB + Redis command: the same cluster, nimbus-web on MariaDB + Redis"
NIMBUS_RUN_DIR=$smoke NIMBUS_TRACKER_PORT=26122 NIMBUS_STORAGE_PORT1=26000 \
  NIMBUS_METRICS_PORT_BASE=26200 NIMBUS_HTTP_PORT=26888 NIMBUS_FRONT_PORT=26080 \
  NIMBUS_STORAGE_PORT2=26001 NIMBUS_WEB_PORT=26090 NIMBUS_FCGI_PORT=26100 \
  NIMBUS_SKIP_BUILD=1 NIMBUS_WEB_DB=mariadb scripts/cluster.sh start | tail -n 25
NIMBUS_RUN_DIR=$smoke scripts/cluster.sh stop

step "all tests passed"
