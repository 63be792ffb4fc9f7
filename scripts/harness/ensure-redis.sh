#!/usr/bin/env bash
# Makes sure Debian's redis-server is installed (apt-get when missing) and prints its path.
# Fails loudly when it is missing and cannot be installed.
set -euo pipefail
if ! command -v redis-server >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "ensure-redis: redis-server missing, not root and no sudo" >&2; exit 1; }
    SUDO="sudo -n"
  fi
  echo "ensure-redis: installing redis-server with apt-get" >&2
  $SUDO apt-get install -y --no-install-recommends redis-server >&2 \
    || { $SUDO apt-get update >&2 && $SUDO apt-get install -y --no-install-recommends redis-server >&2; } \
    || { echo "ensure-redis: apt-get could not install redis-server" >&2; exit 1; }
fi
REDIS=$(command -v redis-server)
[ -x "$REDIS" ] || { echo "ensure-redis: no executable redis-server at $REDIS" >&2; exit 1; }
echo "$REDIS"
