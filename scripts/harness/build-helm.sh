#!/usr/bin/env bash
# Builds helm (cmd/helm) from its Go module at the pinned version into the cache (keyed by
# version) and prints its path. The chart test renders deploy/helm/switchyard with it.
# ~2–4 min cold on 2 cores plus module downloads; a no-op when cached.
set -euo pipefail
. "$(dirname "$0")/versions.sh"
OUT="$HARNESS_BIN/helm-$HELM_VERSION"
if [ -x "$OUT" ]; then echo "$OUT"; exit 0; fi
# One build at a time (parallel test workers may all ask); the winner's binary serves the rest.
mkdir -p "$HARNESS_CACHE"
exec 9>"$HARNESS_CACHE/build-helm.lock"
flock 9
if [ -x "$OUT" ]; then echo "$OUT"; exit 0; fi
W="$HARNESS_CACHE/build/helm-$HELM_VERSION"; mkdir -p "$W" "$HARNESS_BIN"; cd "$W"
[ -f go.mod ] || go mod init switchyard.local/helmbuild >/dev/null 2>&1
go get "helm.sh/helm/v3@${HELM_VERSION}" >&2
cat > tools.go <<'GO'
//go:build tools

package tools

import _ "helm.sh/helm/v3/cmd/helm"
GO
go mod tidy >&2
# helm's Makefile sets these: its version (`helm version`), and the Kubernetes version `helm
# template` assumes (a chart's kubeVersion is checked against it), taken from the client-go it
# was built with (v0.35.x → 1.35) rather than the fallback 1.20.
CLIENT_GO=$(go list -f '{{.Version}}' -m k8s.io/client-go)
K8S_MINOR=$(echo "$CLIENT_GO" | cut -d. -f2)
LDF="-s -w -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}"
for pkg in pkg/lint/rules pkg/chartutil; do
  LDF="$LDF -X helm.sh/helm/v3/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/$pkg.k8sVersionMinor=$K8S_MINOR"
done
go build -trimpath -ldflags "$LDF" -o "$OUT.tmp" helm.sh/helm/v3/cmd/helm >&2
mv "$OUT.tmp" "$OUT"
"$OUT" version --short >&2
echo "$OUT"
