#!/usr/bin/env bash
# Builds kubectl from k8s.io/kubernetes at the pinned Kubernetes version, in the same wrapper
# module as kube-apiserver (build-kube.sh), so the modules downloaded for one serve the other.
# The operator tooling's tests run it: `kubectl wait`, and `kubectl switchyard` as a real plugin.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/versions.sh"
export GOFLAGS=-mod=mod
OUT="$HARNESS_BIN/kubectl-v$K8S_VERSION"
if [ -x "$OUT" ]; then echo "kubectl $K8S_VERSION cached"; exit 0; fi
mkdir -p "$HARNESS_CACHE"
exec 9>"$HARNESS_CACHE/build-kubectl.lock"
flock 9
if [ -x "$OUT" ]; then echo "kubectl $K8S_VERSION cached"; exit 0; fi
# The wrapper module (staging modules replaced by their published versions) is build-kube.sh's.
"$HERE/build-all.sh" >/dev/null
W="$HARNESS_CACHE/build/kube-$K8S_VERSION"; cd "$W"
grep -q 'cmd/kubectl"' tools.go || sed -i 's#^\t_ "k8s.io/kubernetes/cmd/kube-apiserver"#\t_ "k8s.io/kubernetes/cmd/kube-apiserver"\n\t_ "k8s.io/kubernetes/cmd/kubectl"#' tools.go
go get "k8s.io/kubernetes/cmd/kubectl@v${K8S_VERSION}"
MINOR=$(echo "$K8S_VERSION" | cut -d. -f2)
LDF="-s -w -X k8s.io/client-go/pkg/version.gitVersion=v${K8S_VERSION} \
 -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=${MINOR} \
 -X k8s.io/component-base/version.gitVersion=v${K8S_VERSION} \
 -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${MINOR}"
go build -trimpath -ldflags "$LDF" -o "$OUT.tmp" k8s.io/kubernetes/cmd/kubectl && mv "$OUT.tmp" "$OUT"
"$OUT" version --client
