#!/bin/sh
# Builds and runs examples/go against an INSTALLED libthreecx, as a Go user
# would: `cmake --install` into a temporary prefix, the example copied out
# of the repository, its go.mod pointing at the installed module
# (<prefix>/share/gocode/src/threecx) with a replace, cgo finding the
# library through the prefix's threecx.pc; then run against threecx-sim
# with a slow /Groups (latency fault) for the cancellation step.
#   examples/go/run_installed.sh BUILD_DIR SIM
# Prints "N passed, M failed"; exit status 1 on failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
sim=$2
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
work=$(mktemp -d)
simpid=
trap 'if [ -n "$simpid" ]; then kill -9 $simpid 2>/dev/null; wait $simpid 2>/dev/null; fi; rm -rf "$work"' EXIT INT TERM
finish() { echo "$pass passed, $fail failed"; [ $fail -eq 0 ]; exit $?; }

prefix=$work/prefix
if cmake --install "$build" --prefix "$prefix" >"$work/install.log" 2>&1; then
  ok "installed into a temporary prefix"
else
  tail -n 20 "$work/install.log"; ko "cmake --install"; finish
fi
mod=$prefix/share/gocode/src/threecx
[ -f "$mod/go.mod" ] && [ -f "$mod/threecxc/threecxc.go" ] && ok "Go module installed at $mod" ||
  { ko "no Go module in $mod"; finish; }
pc=$(dirname "$(find "$prefix" -name threecx.pc | head -n 1)")
libdir=$(dirname "$(find "$prefix" -name 'libthreecx.so.*' | head -n 1)")

mkdir -p "$work/app"
cp "$here/main.go" "$here/go.mod" "$work/app/"
export GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GO111MODULE=on
export GOCACHE="${GOCACHE:-$build/bindings-test/gocache}" GOPATH="$work/gopath"
if (cd "$work/app" && go mod edit -replace "threecx=$mod" &&
    PKG_CONFIG_PATH="$pc" CGO_LDFLAGS="-Wl,-rpath,$libdir" go build -o example . >"$work/build.log" 2>&1); then
  ok "the example builds against the installed module (import \"threecx\", replace => $mod)"
else
  tail -n 30 "$work/build.log"; ko "go build"; finish
fi

"$sim" --host 127.0.0.1 --port 0 --ready-file "$work/port" --ca-out "$work/ca.pem" \
  --client "example:example-api-key:SystemOwner" --quiet &
simpid=$!
i=0
while [ ! -s "$work/port" ]; do
  i=$((i + 1))
  [ $i -lt 500 ] || { ko "threecx-sim did not start"; finish; }
  sleep 0.02
done
port=$(cat "$work/port")
curl -sf --cacert "$work/ca.pem" -X POST -H 'Content-Type: application/json' \
  -d '{"path":"^/Groups","latency_ms":8000,"times":1}' "https://127.0.0.1:$port/_sim/faults" >/dev/null &&
  ok "slow /Groups fault" || ko "fault"
if out=$(env -u LD_LIBRARY_PATH THREECX_DOMAIN=127.0.0.1:$port THREECX_CLIENT_ID=example \
    THREECX_API_KEY=example-api-key THREECX_CA_FILE="$work/ca.pem" "$work/app/example" 2>&1); then
  ok "the example ran"
else
  ko "the example failed"
fi
echo "$out"
for want in "users: " "created: user " "updated with If-Match; stale ETag refused: true" \
    "deleted: now not found: true" "paged: 23 refresh tokens of 23" "downloaded: " "cancelled: the slow call returned"; do
  case "$out" in *"$want"*) ok "output has '$want'" ;; *) ko "output lacks '$want'" ;; esac
done
finish
