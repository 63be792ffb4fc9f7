#!/usr/bin/env bash
# Prints the path of Istio's generated CRD YAML (kubernetes/customresourcedefinitions.gen.yaml in
# the istio.io/api Go module, pinned by ISTIO_API_VERSION) after fetching the module into the Go
# module cache, which lives outside the repository. Exits non-zero with a message when it cannot.
set -euo pipefail
. "$(dirname "$0")/versions.sh"
export GOFLAGS=-mod=mod
CRD_PATH=kubernetes/customresourcedefinitions.gen.yaml
MODULE="istio.io/api@${ISTIO_API_VERSION:?versions.sh does not set ISTIO_API_VERSION}"
# Run outside any go.mod so the download is not tied to a module of ours.
cd "$(mktemp -d)"
trap 'rmdir "$PWD" 2>/dev/null || true' EXIT
if ! JSON=$(go mod download -json "$MODULE" 2>&1); then
  echo "istio-crds: cannot download $MODULE from the Go module proxy:" >&2
  echo "$JSON" >&2
  exit 1
fi
DIR=$(printf '%s\n' "$JSON" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
if [ -z "$DIR" ] || [ ! -d "$DIR" ]; then
  echo "istio-crds: go mod download gave no module directory for $MODULE:" >&2
  echo "$JSON" >&2
  exit 1
fi
if [ ! -f "$DIR/$CRD_PATH" ]; then
  echo "istio-crds: $MODULE has no $CRD_PATH (looked in $DIR)" >&2
  exit 1
fi
echo "$DIR/$CRD_PATH"
