#!/usr/bin/env bash
# Screenshots of nimbus-desktop for the README (or into the directory given
# as the first argument): runs the real app under Xvfb
# against the local cluster (start it first: scripts/cluster.sh start),
# signs in as a demo user, uploads a few files (two big ones, one paused part
# way), opens the share dialog, and saves
#   docs/images/desktop-main-window.png
#   docs/images/desktop-transfers.png
#   docs/images/desktop-share-dialog.png
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
WEB=${NIMBUS_WEB_URL:-http://127.0.0.1:${NIMBUS_WEB_PORT:-8090}}
OUT=${1:-$ROOT/docs/images}

if ! curl -fsS "$WEB/api/v1/square" >/dev/null; then
  echo "nimbus-web does not answer at $WEB: start the local cluster first (scripts/cluster.sh start)" >&2
  exit 1
fi
# NIMBUS_DESKTOP_BIN: an already built nimbus-desktop (CI uses the debug one).
BIN=${NIMBUS_DESKTOP_BIN:-}
if [ -z "$BIN" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target nimbus-desktop
  BIN=build/release/src/desktop/nimbus-desktop
fi
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
xvfb-run -a -s "-screen 0 1600x1000x24" \
  "$BIN" --data-dir "$data" \
  --server "$WEB" --user "${NIMBUS_DEMO_USER:-desktop-demo}" \
  --password "${NIMBUS_DEMO_PASSWORD:-nimbus-demo-password}" \
  --screenshots "$OUT" ${NIMBUS_DESKTOP_LANG:+--lang "$NIMBUS_DESKTOP_LANG"}
