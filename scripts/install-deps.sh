#!/usr/bin/env bash
# Installs every Debian 12 package Nimbus needs to build, test and run a local cluster.
# Idempotent: packages already present are skipped, so a second run is quick and offline-safe.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang clang-format libclang-rt-14-dev
  # libraries
  libasio-dev libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev
  libssl-dev libsodium-dev zlib1g-dev
  # CRC-32 at memory speed (ISA-L; zlib's is ~13x slower here)
  libisal-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # tools used by tests and the local cluster
  python3 iproute2 procps psmisc prometheus curl
  # systemd-analyze checks the units in deploy/systemd/
  systemd
  # nginx for HTTP downloads (secure_link is built into nginx-core)
  nginx-core
  # cloud-disk service (nimbus-web): FastCGI, metadata stores and cache
  libfcgi-dev libsqlite3-dev libmariadb-dev libhiredis-dev
  mariadb-server redis-server
  # HTTP load generator for the nimbus-web figures (bench/web/run.sh)
  wrk
  # nimbus-desktop (Qt 6 Widgets, translations) and its offscreen/Xvfb runs
  qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libgl-dev
  xvfb xauth fonts-dejavu-core
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Packages such as prometheus would start a system-wide daemon listening on
# every address; we only want their binaries (promtool, prometheus), which
# tests start themselves on loopback. policy-rc.d tells the package scripts
# not to start services.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  trap '$SUDO rm -f "$policy"' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
