#!/usr/bin/env bash
# The standard benchmark suite (bench/README.md): starts a dedicated local
# cluster from the release build -- one tracker and one group of two
# storages (127.0.0.1 and 127.0.0.2), replication on, as in the FastDFS
# reference figures -- runs each workload 3 times with nimbus-bench and
# prints a markdown table of medians (with min-max spread) and the ratio to
# the echo round-trip ceiling measured in the same invocation.
#
#   bench/run.sh                 the whole suite (about 15 minutes)
#   NIMBUS_BENCH_RUNS=1 NIMBUS_BENCH_DURATION=3s bench/run.sh   a quick pass
#   NIMBUS_BENCH_ONLY="upload:4k:32 download:4k:32" bench/run.sh
#
# Results (JSON per run) stay in $NIMBUS_BENCH_DIR (default /tmp/nimbus-bench).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${NIMBUS_BENCH_DIR:-/tmp/nimbus-bench}
RUNS=${NIMBUS_BENCH_RUNS:-3}
DURATION=${NIMBUS_BENCH_DURATION:-10s}
# Below the kernel's ephemeral range (32768-60999), where an outgoing
# connection may already hold the port.
TP=${NIMBUS_BENCH_TRACKER_PORT:-12122}
SP=${NIMBUS_BENCH_STORAGE_PORT:-13000}
BIN=$ROOT/build/release/src
BENCH=$ROOT/build/release/bench/nimbus-bench

# name:size:concurrency[:durability[:flags]], flags a comma list of
# "tracker" (every download and upload asks the tracker first,
# nimbus-bench --via-tracker, as FastDFS clients do), "fdfs" (nimbus-bench
# --client-style fastdfs: the FastDFS C client's habits on the wire, pooled
# connections with Nagle on, the tracker asked before every operation,
# header and content in separate writes) and "trunk" (a cluster with
# use_trunk_file = true: small files packed into trunk files). The ten
# reference rows run in both client styles; the second table pairs them.
SUITE=${NIMBUS_BENCH_ONLY:-"upload:4k:1 upload:4k:8 upload:4k:32
upload:4k:32:none:tracker download:4k:1 download:4k:8 download:4k:32 download:4k:32:none:tracker
upload:1m:4 download:1m:4 upload:256m:1 download:256m:1
upload:4k:1:none:trunk upload:4k:8:none:trunk upload:4k:32:none:trunk
upload:4k:32:none:tracker,trunk download:4k:32:none:trunk
upload:1m:4:none:trunk download:1m:4:none:trunk
upload:4k:32:group-commit upload:4k:32:group-commit:trunk
upload:4k:1:none:fdfs upload:4k:8:none:fdfs upload:4k:32:none:fdfs
download:4k:1:none:fdfs download:4k:8:none:fdfs download:4k:32:none:fdfs
upload:1m:4:none:fdfs download:1m:4:none:fdfs upload:256m:1:none:fdfs
download:256m:1:none:fdfs"}

"$ROOT/scripts/install-deps.sh" >/dev/null
(cd "$ROOT" && cmake --preset release >/dev/null &&
  cmake --build --preset release --target nimbus-tracker nimbus-storage nimbus nimbus-bench >/dev/null)

mkdir -p "$OUT"
rm -f "$OUT"/*.json
pids=()
stop_cluster() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
# Each durability gets a fresh cluster directory, and the directories are
# removed only after the last measurement. On ext4 without a journal (this
# machine's root) allocating an inode skips every inode deleted less than
# 60 s ago, 360 s while its inode-table block is dirty, which new files
# created beside them keep it (fs/ext4/ialloc.c, recently_deleted();
# docs/performance.md §1): for six minutes after a cluster's million files
# are removed, uploads run 10-40x slower. So the removal is stamped, and a
# run started within that time waits it out first.
SETTLE=${NIMBUS_BENCH_SETTLE:-}
if [ -z "$SETTLE" ]; then
  SETTLE=370
  dev=$(findmnt -no SOURCE,FSTYPE -T "$OUT" 2>/dev/null || true)
  # A mounted ext4 with a journal has /proc/fs/jbd2/<device>-8.
  if [ "${dev##* }" != ext4 ] || compgen -G "/proc/fs/jbd2/$(basename "${dev%% *}")-*" >/dev/null; then
    SETTLE=0  # a journal (or another file system): no such skipping
  fi
fi
remove_clusters() {
  if compgen -G "$OUT/cluster*" >/dev/null; then
    rm -rf "$OUT"/cluster "$OUT"/cluster-*
    date +%s >"$OUT/removed_at"
  fi
}
finish() {
  stop_cluster
  remove_clusters
}
trap finish EXIT
remove_clusters  # left by an interrupted run
if [ "$SETTLE" -gt 0 ] && [ -f "$OUT/removed_at" ]; then
  wait_s=$(($(cat "$OUT/removed_at") + SETTLE - $(date +%s)))
  if [ "$wait_s" -gt 0 ]; then
    echo "waiting ${wait_s} s: a previous run's clusters were removed less than ${SETTLE} s ago," \
      "and file creation on this ext4 without a journal is slow until then (NIMBUS_BENCH_SETTLE=0 skips)" >&2
    sleep "$wait_s"
  fi
fi

start_cluster() {  # durability trunk(0|1)
  stop_cluster
  local run="$OUT/cluster-$1-$2" trunk=false
  [ "$2" = 1 ] && trunk=true
  mkdir -p "$run/tracker" "$run/s1" "$run/s2"
  cat >"$run/tracker.conf" <<CONF
bind_addr = 127.0.0.1
port = $TP
base_path = $run/tracker
reserved_storage_space = 1G
metrics_port = off
log_level = warn
use_trunk_file = $trunk
CONF
  "$BIN/tracker/nimbus-tracker" "$run/tracker.conf" >"$run/tracker.out" 2>&1 &
  pids+=($!)
  for i in 1 2; do
    cat >"$run/s$i.conf" <<CONF
group_name = group1
bind_addr = 127.0.0.$i
port = $SP
base_path = $run/s$i
tracker_server = 127.0.0.1:$TP
heart_beat_interval = 2
stat_report_interval = 5
durability = $1
metrics_port = off
log_level = warn
CONF
  done
  for _ in $(seq 50); do [ -f "$run/tracker/data/nimbus-tracker.port" ] && break; sleep 0.1; done
  for i in 1 2; do
    "$BIN/storage/nimbus-storage" "$run/s$i.conf" >"$run/s$i.out" 2>&1 &
    pids+=($!)
  done
  for _ in $(seq 100); do
    if "$BIN/cli/nimbus" --tracker "127.0.0.1:$TP" monitor --json 2>/dev/null |
      python3 -c 'import json,sys; g=json.load(sys.stdin)["groups"]; sys.exit(0 if g and g[0]["writable_count"] == 2 else 1)' 2>/dev/null; then
      return
    fi
    sleep 0.1
  done
  echo "bench cluster did not start" >&2
  exit 1
}

current=""
for item in $SUITE; do
  IFS=: read -r workload size conc durability flags <<<"$item"
  durability=${durability:-none}
  extra=()
  label=$workload
  trunk=0
  case ",${flags:-}," in *,tracker,*) extra=(--via-tracker); label="$label-via-tracker" ;; esac
  case ",${flags:-}," in *,fdfs,*) extra+=(--client-style fastdfs); label="$label-fdfs-style" ;; esac
  case ",${flags:-}," in *,trunk,*) trunk=1; label="$label-trunk" ;; esac
  if [ "$durability-$trunk" != "$current" ]; then
    start_cluster "$durability" "$trunk"
    current=$durability-$trunk
  fi
  for run in $(seq "$RUNS"); do
    f="$OUT/${label}_${size}_${conc}_${durability}_$run.json"
    "$BENCH" "$workload" --size "$size" --concurrency "$conc" --duration "$DURATION" \
      --tracker "127.0.0.1:$TP" --group group1 --json "${extra[@]}" >"$f" ||
      echo "warning: $workload $size x$conc run $run reported errors (see $f)" >&2
    echo "  $label $size x$conc ($durability) run $run: $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%.0f ops/s, %.1f MB/s, p99 %.0f us, %d errors" % (r["ops_per_s"], r["mb_per_s"], r["latency_us"]["p99"], r["errors"]))' "$f")" >&2
  done
done
stop_cluster

python3 - "$OUT" "$RUNS" <<'PY'
import glob, json, os, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
# FastDFS 6.16 with its C client (pooled connections), 1 tracker and 2
# storages of one group, both ACTIVE and replicating, no fsync: issue 27's
# table. (The earlier reference, 15.1k 4 KiB uploads at 32 threads, came
# from a FastDFS group whose second storage never became ACTIVE.)
ref = {("upload", "4k", "1"): "4.5k ops/s", ("upload", "4k", "8"): "9.3k ops/s",
       ("upload", "4k", "32"): "9.7k ops/s, p99 18 ms",
       ("download", "4k", "1"): "8.8k ops/s", ("download", "4k", "8"): "25.5k ops/s",
       ("download", "4k", "32"): "23.9k ops/s",
       ("upload", "1m", "4"): "341 MB/s", ("download", "1m", "4"): "2.1 GB/s",
       ("upload", "256m", "1"): "322 MB/s", ("download", "256m", "1"): "1.3 GB/s"}
rows = {}
for f in sorted(glob.glob(os.path.join(out, "*.json"))):
    w, size, conc, dur, _ = os.path.basename(f)[:-5].split("_")
    rows.setdefault((w, size, conc, dur), []).append(json.load(open(f)))
def spread(xs, fmt):
    m = statistics.median(xs)
    return f"{fmt(m)} ({fmt(min(xs))}–{fmt(max(xs))})" if len(xs) > 1 else fmt(m)
print(f"| workload | size | threads | durability | ops/s | MB/s | p99 | rr ceiling | ratio to rr | all replicated after | FastDFS 6.16 |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for (w, size, conc, dur), rs in rows.items():
    ops = [r["ops_per_s"] for r in rs]
    mb = [r["mb_per_s"] for r in rs]
    p99 = [r["latency_us"]["p99"] / 1000 for r in rs]
    rr = [r.get("rr_ops_per_s", 0) for r in rs]
    ratio = [r.get("ratio_to_rr", 0) for r in rs]
    errs = sum(r["errors"] for r in rs)
    # Seconds after the run until every storage held every file written.
    lag = [r["replicated_after_s"] for r in rs if "replicated_after_s" in r]
    lag_txt = spread(lag, lambda x: f"{x:.1f} s") if lag else ""
    if any("replication_error" in r for r in rs):
        lag_txt += " **not seen complete**"
    note = f" **{errs} errors**" if errs else ""
    print(f"| {w} | {size} | {conc} | {dur} | {spread(ops, lambda x: f'{x:,.0f}')}{note} | "
          f"{spread(mb, lambda x: f'{x:,.0f}')} | {spread(p99, lambda x: f'{x:.2f} ms')} | "
          f"{statistics.median(rr):,.0f}/s | {statistics.median(ratio):.3f} | {lag_txt} | "
          f"{ref.get((w.replace('-via-tracker', '').replace('-trunk', '').replace('-fdfs-style', ''), size, conc), '')} |")
print(f"\nMedians of {runs} runs (min–max in brackets); MB/s = 10^6 bytes/s of payload. "
      "`-trunk`: use_trunk_file = true (small files packed into trunk files); "
      "`-via-tracker`: every request asks the tracker first; "
      "`-fdfs-style`: nimbus-bench --client-style fastdfs.")

# The reference rows in both client styles, side by side.
def fig(rs, size):
    if size in ("4k",):
        return spread([r["ops_per_s"] for r in rs], lambda x: f"{x:,.0f}") + " ops/s"
    return spread([r["mb_per_s"] for r in rs], lambda x: f"{x:,.0f}") + " MB/s"
print("\n| workload | size | threads | Nimbus client (straight to source, cached placement) | FastDFS client style (tracker asked every time, Nagle on, two writes) | FastDFS 6.16, C client |")
print("|---|---|---|---|---|---|")
for (w, size, conc, dur), rs in rows.items():
    if not w.endswith("-fdfs-style") or dur != "none":
        continue
    base = w[:-len("-fdfs-style")]
    own = rows.get((base, size, conc, dur))
    print(f"| {base} | {size} | {conc} | {fig(own, size) if own else ''} | {fig(rs, size)} | "
          f"{ref.get((base, size, conc), '')} |")
PY
