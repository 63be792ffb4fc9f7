#!/usr/bin/env bash
# Builds envoyproxy/ratelimit (the reference rate-limit service, cmd service_cmd) from its Go
# module at the pinned pseudo-version into the cache (keyed by version) and prints its path.
# ~1–3 min cold on 2 cores plus module downloads; a no-op when cached.
set -euo pipefail
. "$(dirname "$0")/versions.sh"
OUT="$HARNESS_BIN/ratelimit-$RATELIMIT_MODULE_VERSION"
if [ -x "$OUT" ]; then echo "$OUT"; exit 0; fi
# One build at a time (a benchmark and a test may both ask); the winner's binary serves the rest.
mkdir -p "$HARNESS_CACHE"
exec 9>"$HARNESS_CACHE/build-ratelimit.lock"
flock 9
if [ -x "$OUT" ]; then echo "$OUT"; exit 0; fi
W="$HARNESS_CACHE/build/ratelimit-$RATELIMIT_MODULE_VERSION"; mkdir -p "$W" "$HARNESS_BIN"; cd "$W"
[ -f go.mod ] || go mod init switchyard.local/ratelimitbuild >/dev/null 2>&1
# Fetch the module by its own path, then let `go mod tidy` pull the command's dependencies
# through a build-tagged blank import (as for istiod).
go get "github.com/envoyproxy/ratelimit@${RATELIMIT_MODULE_VERSION}" >&2
cat > tools.go <<'GO'
//go:build tools

package tools

import _ "github.com/envoyproxy/ratelimit/src/service_cmd"
GO
go mod tidy >&2
go build -trimpath -ldflags "-s -w" -o "$OUT.tmp" github.com/envoyproxy/ratelimit/src/service_cmd >&2
mv "$OUT.tmp" "$OUT"
echo "$OUT"
