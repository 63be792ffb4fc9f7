#!/usr/bin/env bash
# Makes sure Debian's chromium is installed (apt-get when missing) and prints its path. The
# dashboard's browser tests drive it headless through playwright-core (which downloads no browser
# of its own). Fails loudly when it is missing and cannot be installed.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "ensure-chromium: chromium missing, not root and no sudo" >&2; exit 1; }
    SUDO="sudo -n"
  fi
  echo "ensure-chromium: installing chromium with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y --no-install-recommends chromium >&2 \
    || { $SUDO apt-get update >&2 && $SUDO apt-get install -y --no-install-recommends chromium >&2; } \
    || { echo "ensure-chromium: apt-get could not install chromium" >&2; exit 1; }
fi
CHROMIUM=$(command -v chromium)
[ -x "$CHROMIUM" ] || { echo "ensure-chromium: no executable chromium at $CHROMIUM" >&2; exit 1; }
echo "$CHROMIUM"
