#!/usr/bin/env bash
# Builds the gRPC load generator ghz from the Go module proxy into the cache (keyed by version)
# and prints its path.
set -euo pipefail
. "$(dirname "$0")/versions.sh"
OUT="$HARNESS_BIN/ghz-$GHZ_VERSION"
if [ ! -x "$OUT" ]; then
  mkdir -p "$HARNESS_BIN"
  GOBIN="$HARNESS_CACHE/build/ghz-$GHZ_VERSION" go install "github.com/bojand/ghz/cmd/ghz@$GHZ_VERSION" >&2
  mv "$HARNESS_CACHE/build/ghz-$GHZ_VERSION/ghz" "$OUT"
fi
echo "$OUT"
