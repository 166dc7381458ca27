#!/usr/bin/env bash
# FastDFS 6.x and Nimbus side by side, measured with FastDFS's own C client
# library (bench/fdfs_c_load): the table of bench/README.md's "FastDFS
# client library" section. A measuring instrument for a development machine,
# not a test and not part of CI: it needs FastDFS installed (fdfs_trackerd,
# fdfs_storaged, libfdfsclient; ../shared/fastdfs-reference.md says how)
# and root (it makes a network namespace).
#
# Both clusters run in one network namespace made here, on its loopback
# device, each as 1 tracker + 2 storages of group1 with replication on and
# no fsync: FastDFS on 10.231.0.1-3, Nimbus (release build) on 10.231.1.1-3.
# FastDFS refuses loopback (127.x) trackers, hence the namespace; each
# FastDFS storage has its own `lo` label and if_alias_prefix, or the two
# would both think they are every local address and never sync. The rounds
# interleave the two systems so that both meet the same machine state.
#
#   bench/fastdfs_side_by_side.sh
#   SBS_ROUNDS=5 SBS_SECONDS=10 SBS_ONLY="upload:4k:1 download:1m:4" bench/fastdfs_side_by_side.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${SBS_DIR:-/tmp/nimbus-sbs}
ROUNDS=${SBS_ROUNDS:-3}
SECONDS_PER_RUN=${SBS_SECONDS:-5}
SUITE=${SBS_ONLY:-"upload:4k:1 upload:4k:8 upload:4k:32 download:4k:1 download:4k:8
download:4k:32 upload:1m:4 download:1m:4 upload:256m:1 download:256m:1"}
NS=nimbus-sbs
# Other Nimbus binaries (a build of another commit, say): SBS_NIMBUS_BIN, a
# folder holding nimbus-tracker and nimbus-storage.
TRACKER_BIN=$ROOT/build/release/src/tracker/nimbus-tracker
STORAGE_BIN=$ROOT/build/release/src/storage/nimbus-storage
if [ -n "${SBS_NIMBUS_BIN:-}" ]; then
  TRACKER_BIN=$SBS_NIMBUS_BIN/nimbus-tracker
  STORAGE_BIN=$SBS_NIMBUS_BIN/nimbus-storage
fi

for tool in fdfs_trackerd fdfs_storaged fdfs_monitor; do
  command -v "$tool" >/dev/null || {
    echo "$tool not found: install FastDFS first (../shared/fastdfs-reference.md)" >&2
    exit 2
  }
done
if [ -z "${SBS_NIMBUS_BIN:-}" ]; then
  (cd "$ROOT" && cmake --preset release >/dev/null &&
    cmake --build --preset release --target nimbus-tracker nimbus-storage >/dev/null)
fi
LOAD=$OUT/fdfs_c_load
mkdir -p "$OUT"
cc -O2 -o "$LOAD" "$ROOT/bench/fdfs_c_load/fdfs_c_load.c" -lfdfsclient -lfastcommon -lpthread -lm

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null || true
  sleep 1
  ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
}
trap cleanup EXIT
cleanup
rm -rf "$OUT"/fdfs "$OUT"/nimbus "$OUT"/*.json
ip netns add "$NS"
inns() { ip netns exec "$NS" "$@"; }
inns ip link set lo up
inns ip addr add 10.231.0.1/32 dev lo label lo:fdt_0
inns ip addr add 10.231.0.2/32 dev lo label lo:fda_0
inns ip addr add 10.231.0.3/32 dev lo label lo:fdb_0
for i in 1 2 3; do inns ip addr add 10.231.1.$i/32 dev lo; done

# FastDFS 6.x: its installed sample confs (/etc/fdfs, from make.sh install),
# changed only in addresses, paths, intervals and log level.
F=$OUT/fdfs
mkdir -p "$F/tracker" "$F/s1" "$F/s2"
setkey() {  # file key value: replace the key's line, or add one before
  # the first [section] (FastDFS 6's storage.conf ends with sections)
  if grep -q "^$2 *=" "$1"; then
    sed -i "s|^$2 *=.*|$2 = $3|" "$1"
  else
    awk -v line="$2 = $3" '!done && /^\[/ { print line; done = 1 } { print }
      END { if (!done) print line }' "$1" >"$1.new" && mv "$1.new" "$1"
  fi
}
SAMPLES=${SBS_FDFS_CONF:-/etc/fdfs}
cp "$SAMPLES/tracker.conf" "$F/tracker.conf"
setkey "$F/tracker.conf" bind_addr 10.231.0.1
setkey "$F/tracker.conf" port 22122
setkey "$F/tracker.conf" base_path "$F/tracker"
setkey "$F/tracker.conf" reserved_storage_space 1G
setkey "$F/tracker.conf" log_level warn
for i in 1 2; do
  label=$([ "$i" = 1 ] && echo lo:fda || echo lo:fdb)
  cp "$SAMPLES/storage.conf" "$F/s$i.conf"
  sed -i '/^tracker_server *=/d' "$F/s$i.conf"
  setkey "$F/s$i.conf" group_name group1
  setkey "$F/s$i.conf" bind_addr 10.231.0.$((i + 1))
  setkey "$F/s$i.conf" client_bind true
  setkey "$F/s$i.conf" port 23000
  setkey "$F/s$i.conf" base_path "$F/s$i"
  setkey "$F/s$i.conf" store_path0 "$F/s$i"
  setkey "$F/s$i.conf" tracker_server 10.231.0.1:22122
  setkey "$F/s$i.conf" if_alias_prefix "$label"
  setkey "$F/s$i.conf" heart_beat_interval 2
  setkey "$F/s$i.conf" stat_report_interval 5
  setkey "$F/s$i.conf" log_level warn
done
inns fdfs_trackerd "$F/tracker.conf" start
inns fdfs_storaged "$F/s1.conf" start
inns fdfs_storaged "$F/s2.conf" start

# Nimbus, the same shape.
N=$OUT/nimbus
mkdir -p "$N/tracker" "$N/s1" "$N/s2"
cat >"$N/tracker.conf" <<CONF
bind_addr = 10.231.1.1
port = 22122
base_path = $N/tracker
reserved_storage_space = 1G
metrics_port = off
log_level = warn
CONF
inns "$TRACKER_BIN" "$N/tracker.conf" >"$N/tracker.out" 2>&1 &
pids+=($!)
for i in 1 2; do
  cat >"$N/s$i.conf" <<CONF
group_name = group1
bind_addr = 10.231.1.$((i + 1))
port = 23000
base_path = $N/s$i
tracker_server = 10.231.1.1:22122
heart_beat_interval = 2
stat_report_interval = 5
durability = none
metrics_port = off
log_level = warn
CONF
  inns "$STORAGE_BIN" "$N/s$i.conf" >"$N/s$i.out" 2>&1 &
  pids+=($!)
done

for sys in fdfs nimbus; do
  net=$([ "$sys" = fdfs ] && echo 0 || echo 1)
  cat >"$OUT/$sys.client.conf" <<CONF
connect_timeout = 5
network_timeout = 60
base_path = $OUT
tracker_server = 10.231.$net.1:22122
use_connection_pool = true
connection_pool_max_idle_time = 3600
log_level = warn
CONF
done

echo "waiting for both storages of both systems to be ACTIVE (FastDFS makes its data folders first)" >&2
for sys in fdfs nimbus; do
  ok=0
  for _ in $(seq 240); do
    n=$(inns fdfs_monitor "$OUT/$sys.client.conf" list 2>/dev/null | grep -cE '(host|ip_addr) = .*ACTIVE' || true)
    [ "$n" -ge 2 ] && ok=1 && break
    sleep 0.5
  done
  [ "$ok" = 1 ] || { echo "$sys: storages not ACTIVE" >&2; inns fdfs_monitor "$OUT/$sys.client.conf" list >&2; exit 1; }
done

for round in $(seq "$ROUNDS"); do
  # Each system goes first in every other round, and every run starts with
  # the dirty pages of the one before written back (sync): the two share one
  # disk, and an upload run's writeback would otherwise land in the next run.
  order="fdfs nimbus"
  [ $((round % 2)) = 0 ] && order="nimbus fdfs"
  for w in $SUITE; do
    IFS=: read -r kind size threads <<<"$w"
    for sys in $order; do
      sync
      f="$OUT/$sys-$kind-$size-$threads-$round.json"
      # A 5 s run holds one to six 256 MiB transfers: those run 4x longer.
      secs=$SECONDS_PER_RUN prepare=64
      [ "$size" = 256m ] && secs=$((SECONDS_PER_RUN * 4)) prepare=4
      # Nothing is deleted until the end: mass deletions slow file creation
      # on this ext4 for minutes, which would land on the next run.
      inns "$LOAD" "$OUT/$sys.client.conf" "$kind" "$size" "$threads" "$secs" "$prepare" keep \
        >"$f" || true
      echo "round $round $sys $w: $(cat "$f")" >&2
    done
  done
done

python3 - "$OUT" "$ROUNDS" $SUITE <<'PY'
import json, statistics, sys
out, rounds, suite = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def runs(sys_, w):
    k, s, t = w.split(":")
    rs = []
    for r in range(1, rounds + 1):
        try:
            with open(f"{out}/{sys_}-{k}-{s}-{t}-{r}.json") as f:
                rs.append(json.loads(f.read()))
        except (OSError, ValueError):
            pass
    return rs
def med(rs, key):
    v = [r[key] for r in rs]
    return statistics.median(v) if v else float("nan")
def fig(rs, large):
    if not rs:
        return "failed"
    errs = sum(r["errors"] for r in rs)
    e = f", {errs} errors" if errs else ""
    if large:
        return f"{med(rs, 'mb_per_s'):,.0f} MB/s ({min(r['mb_per_s'] for r in rs):,.0f}-{max(r['mb_per_s'] for r in rs):,.0f}){e}"
    return f"{med(rs, 'ops_per_s'):,.0f} ({min(r['ops_per_s'] for r in rs):,.0f}-{max(r['ops_per_s'] for r in rs):,.0f}), p99 {med(rs, 'p99_ms'):.2f} ms{e}"
print("| workload (C client library, pooled) | size | threads | FastDFS | Nimbus | Nimbus / FastDFS |")
print("|---|---|---|---|---|---|")
for w in suite:
    k, s, t = w.split(":")
    large = s not in ("4k",)
    f, n = runs("fdfs", w), runs("nimbus", w)
    key = "mb_per_s" if large else "ops_per_s"
    ratio = med(n, key) / med(f, key) if f and n and med(f, key) else float("nan")
    print(f"| {k} | {s} | {t} | {fig(f, large)} | {fig(n, large)} | {ratio:.2f} |")
print(f"\nMedians of {rounds} interleaved rounds of the C client's load loop (min-max in brackets).")
PY
