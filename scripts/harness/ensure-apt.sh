#!/usr/bin/env bash
# ensure-apt.sh PACKAGE COMMAND: makes sure Debian's PACKAGE is installed (apt-get when COMMAND is
# not on PATH, with an `apt-get update` retry on a fresh machine) and prints COMMAND's path. Fails
# loudly when it is missing and cannot be installed. The ensure-<part>.sh scripts call it.
set -euo pipefail
PACKAGE=${1:?usage: ensure-apt.sh PACKAGE COMMAND}
COMMAND=${2:?usage: ensure-apt.sh PACKAGE COMMAND}
if ! command -v "$COMMAND" >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "ensure-apt: $COMMAND missing, not root and no sudo" >&2; exit 1; }
    SUDO="sudo -n"
  fi
  echo "ensure-apt: installing $PACKAGE with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y --no-install-recommends "$PACKAGE" >&2 \
    || { $SUDO apt-get update >&2 && $SUDO apt-get install -y --no-install-recommends "$PACKAGE" >&2; } \
    || { echo "ensure-apt: apt-get could not install $PACKAGE" >&2; exit 1; }
fi
FOUND=$(command -v "$COMMAND") || { echo "ensure-apt: $PACKAGE is installed but $COMMAND is not on PATH" >&2; exit 1; }
[ -x "$FOUND" ] || { echo "ensure-apt: no executable $COMMAND at $FOUND" >&2; exit 1; }
echo "$FOUND"
