#!/usr/bin/env bash
# Makes sure Debian's prometheus server is installed (apt-get when missing) and prints its path.
# Only the binary is used: the package's systemd unit is not started here (no init in CI) and the
# harness runs its own server with its own config and data dir. Fails loudly when it is missing and
# cannot be installed.
set -euo pipefail
if ! command -v prometheus >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "ensure-prometheus: prometheus missing, not root and no sudo" >&2; exit 1; }
    SUDO="sudo -n"
  fi
  echo "ensure-prometheus: installing prometheus with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y --no-install-recommends prometheus >&2 \
    || { $SUDO apt-get update >&2 && $SUDO apt-get install -y --no-install-recommends prometheus >&2; } \
    || { echo "ensure-prometheus: apt-get could not install prometheus" >&2; exit 1; }
fi
PROMETHEUS=$(command -v prometheus)
[ -x "$PROMETHEUS" ] || { echo "ensure-prometheus: no executable prometheus at $PROMETHEUS" >&2; exit 1; }
echo "$PROMETHEUS"
