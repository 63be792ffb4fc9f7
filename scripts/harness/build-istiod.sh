#!/usr/bin/env bash
# Builds istiod (pilot-discovery) from the istio.io/istio Go module at the pinned commit with
# Istio's own build tags and version stamps, and caches the binary keyed by version
# (~3–8 min cold on 2 cores, plus ~1 GB of module downloads; a no-op when cached).
set -euo pipefail
. "$(dirname "$0")/versions.sh"
OUT="$HARNESS_BIN/pilot-discovery-$ISTIO_VERSION"
if [ -x "$OUT" ]; then echo "pilot-discovery $ISTIO_VERSION cached"; exit 0; fi
# One build at a time (parallel test workers, a benchmark); the winner's binary serves the rest.
mkdir -p "$HARNESS_CACHE"
exec 9>"$HARNESS_CACHE/build-istiod.lock"
flock 9
if [ -x "$OUT" ]; then echo "pilot-discovery $ISTIO_VERSION cached"; exit 0; fi
W="$HARNESS_CACHE/build/istio-$ISTIO_VERSION"; mkdir -p "$W" "$HARNESS_BIN"; cd "$W"
[ -f go.mod ] || go mod init switchyard.local/istiobuild >/dev/null 2>&1
# Fetch the module by its own path (asking the proxy for the command's path as a module is refused),
# then let `go mod tidy` pull the command's dependencies through a build-tagged blank import.
go get "istio.io/istio@${ISTIO_MODULE_VERSION}"
cat > tools.go <<'GO'
//go:build tools

package tools

import _ "istio.io/istio/pilot/cmd/pilot-discovery"
GO
for r in $ISTIO_REPLACES; do go mod edit -replace="$r"; done
go mod tidy
LDF="-s -w -X istio.io/istio/pkg/version.buildVersion=${ISTIO_VERSION} \
 -X istio.io/istio/pkg/version.buildGitRevision=${ISTIO_REVISION} \
 -X istio.io/istio/pkg/version.buildStatus=Clean -X istio.io/istio/pkg/version.buildTag=${ISTIO_VERSION}"
go build -trimpath -tags=vtprotobuf,disable_pgv -ldflags "$LDF" -o "$OUT.tmp" istio.io/istio/pilot/cmd/pilot-discovery
mv "$OUT.tmp" "$OUT"
"$OUT" version --short 2>/dev/null | head -1 || true
