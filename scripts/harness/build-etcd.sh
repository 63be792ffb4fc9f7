#!/usr/bin/env bash
# Builds etcd (server) from Go modules through a wrapper module and caches the binary,
# keyed by version. Debian's etcd 3.4 is too old for kube-apiserver 1.35.
set -euo pipefail
. "$(dirname "$0")/versions.sh"
OUT="$HARNESS_BIN/etcd-$ETCD_VERSION"
if [ -x "$OUT" ]; then echo "etcd $ETCD_VERSION cached"; exit 0; fi
W="$HARNESS_CACHE/build/etcd-$ETCD_VERSION"; mkdir -p "$W" "$HARNESS_BIN"; cd "$W"
[ -f go.mod ] || go mod init switchyard.local/etcdbuild >/dev/null 2>&1
cat > main.go <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
go get "go.etcd.io/etcd/server/v3@${ETCD_VERSION}"
go mod tidy
go build -trimpath -ldflags "-s -w" -o "$OUT.tmp" . && mv "$OUT.tmp" "$OUT"
"$OUT" --version | head -1
