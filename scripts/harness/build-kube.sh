#!/usr/bin/env bash
# Builds kube-apiserver and kube-controller-manager from k8s.io/kubernetes through a wrapper
# module that replaces each staging module by its published version; caches them by version.
set -euo pipefail
. "$(dirname "$0")/versions.sh"
export GOFLAGS=-mod=mod
API="$HARNESS_BIN/kube-apiserver-v$K8S_VERSION"; KCM="$HARNESS_BIN/kube-controller-manager-v$K8S_VERSION"
if [ -x "$API" ] && [ -x "$KCM" ]; then echo "kube $K8S_VERSION cached"; exit 0; fi
W="$HARNESS_CACHE/build/kube-$K8S_VERSION"; mkdir -p "$W" "$HARNESS_BIN"; cd "$W"
[ -f go.mod ] || go mod init switchyard.local/kubebuild >/dev/null 2>&1
GOMOD=$(go mod download -json "k8s.io/kubernetes@v${K8S_VERSION}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')
if [ -z "$GOMOD" ] || [ ! -f "$GOMOD" ]; then
  echo "build-kube: cannot download k8s.io/kubernetes@v${K8S_VERSION} from the Go module proxy" >&2
  go mod download -json "k8s.io/kubernetes@v${K8S_VERSION}" >&2 || true
  exit 1
fi
STAGING="v0.${K8S_VERSION#1.}"
for m in $(sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/.*#\1#p' "$GOMOD"); do
  go mod edit -replace="${m}=${m}@${STAGING}"
done
cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
GO
go get "k8s.io/kubernetes@v${K8S_VERSION}"
go get "k8s.io/kubernetes/cmd/kube-apiserver@v${K8S_VERSION}" "k8s.io/kubernetes/cmd/kube-controller-manager@v${K8S_VERSION}"
MINOR=$(echo "$K8S_VERSION" | cut -d. -f2)
LDF="-s -w -X k8s.io/component-base/version.gitVersion=v${K8S_VERSION} \
 -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${MINOR} \
 -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/component-base/version.buildDate=2026-01-01T00:00:00Z"
go build -trimpath -ldflags "$LDF" -o "$API.tmp" k8s.io/kubernetes/cmd/kube-apiserver && mv "$API.tmp" "$API"
go build -trimpath -ldflags "$LDF" -o "$KCM.tmp" k8s.io/kubernetes/cmd/kube-controller-manager && mv "$KCM.tmp" "$KCM"
"$API" --version
