#!/usr/bin/env bash
# Builds every binary the local control plane needs (etcd, kube-apiserver,
# kube-controller-manager) into the cache outside the repository. A warm cache is a no-op.
# Holds a lock so that parallel test workers never build into the same directory at once.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/versions.sh"
mkdir -p "$HARNESS_CACHE"
exec 9>"$HARNESS_CACHE/build.lock"
flock 9
"$HERE/build-etcd.sh"
"$HERE/build-kube.sh"
