#!/usr/bin/env bash
# The systemd units in deploy/systemd/:
#   - `cmake --install` (into a staging DESTDIR) puts every program a unit's
#     ExecStart names where the unit looks for it;
#   - `systemd-analyze verify` reports nothing (no error, no unknown key),
#     with ExecStart pointed into the staging tree: verify requires the
#     programs to exist;
#   - `systemd-analyze security --offline` prints each unit's exposure.
# Usage: tests/ops/systemd_check.sh [BUILD_DIR]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build/release}

if ! command -v systemd-analyze >/dev/null; then
  echo "*** systemd-analyze missing: run scripts/install-deps.sh ***" >&2
  exit 1
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
DESTDIR="$stage/root" cmake --install "$BUILD" --prefix /usr/local >/dev/null
units="$stage/units"
mkdir -p "$units"
for f in "$ROOT"/deploy/systemd/*.service; do
  exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$f")
  if [ ! -x "$stage/root$exe" ]; then
    echo "$(basename "$f"): $exe is not installed by cmake --install" >&2
    exit 1
  fi
  sed "s|^ExecStart=/|ExecStart=$stage/root/|" "$f" >"$units/$(basename "$f")"
done
[ -f "$stage/root/usr/local/share/doc/nimbus/operations.md" ] ||
  { echo "cmake --install did not install the docs the units link" >&2; exit 1; }

names=(nimbus-tracker.service nimbus-storage@group1.service nimbus-web.service)
out=$(SYSTEMD_UNIT_PATH="$units:" systemd-analyze verify "${names[@]}" 2>&1) || {
  echo "$out" >&2
  exit 1
}
if [ -n "$out" ]; then
  echo "$out" >&2
  echo "systemd-analyze verify: the units above need fixing" >&2
  exit 1
fi
for u in "$units"/*.service; do
  level=$(systemd-analyze security --offline=yes "$u" 2>/dev/null |
    sed -n 's/.*Overall exposure level for [^:]*: //p')
  echo "$(basename "$u"): verify clean, exposure $level"
done
