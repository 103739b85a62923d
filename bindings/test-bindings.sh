#!/bin/sh
# Generates, builds and tests the SWIG bindings against a built libthreecx.
#   bindings/test-bindings.sh BUILD_DIR [lua] [csharp] [go]
# BUILD_DIR holds libthreecx.so, include/threecx/version.h and
# tools/sim/threecx-sim. Every language runs its scenario test twice: over
# HTTPS (the simulator's generated CA) and over plain HTTP. A language whose
# toolchain is missing is reported as SKIP. Exit status: nonzero if anything
# failed. Work files go to BUILD_DIR/bindings-test.
set -eu
if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR [lua] [csharp] [go]" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=$(cd "$1" && pwd)
shift
langs=${*:-lua csharp go}

lib="$build/libthreecx.so"
sim="$build/tools/sim/threecx-sim"
for f in "$lib" "$sim" "$build/include/threecx/version.h"; do
  [ -e "$f" ] || { echo "missing $f (build the library first)" >&2; exit 2; }
done
export THREECX_SIM="$sim"
SWIG=${SWIG:-swig}
CC=${CC:-cc}
inc="-I$root/include -I$build/include"
swig_inc="-I$here $inc"
cflags="-shared -fPIC -O1 -Werror=incompatible-pointer-types"  # the GCC 14 default
ldflags="-L$build -lthreecx -Wl,-rpath,$build"
work="$build/bindings-test"
mkdir -p "$work"

status=0
summary=""
note() { summary="$summary$1
"; }
have() { command -v "$1" >/dev/null 2>&1; }

# run_twice NAME CMD... : the test over HTTPS, then over HTTP.
run_twice() {
  name=$1
  shift
  for mode in https http; do
    if [ $mode = http ]; then t=1; else t=0; fi
    echo "== $name ($mode)"
    if out=$(THREECX_TEST_HTTP=$t "$@" 2>&1); then
      echo "$out" | tail -n 20
      note "$name $mode: OK ($(echo "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -n 1))"
    else
      echo "$out" | tail -n 40
      note "$name $mode: FAILED"
      status=1
    fi
  done
}

build_lua() {
  d="$work/lua"
  rm -rf "$d"
  mkdir -p "$d"
  luainc=""
  for v in 5.4 54 ""; do
    if [ -r "/usr/include/lua$v/lua.h" ]; then luainc="-I/usr/include/lua$v"; break; fi
  done
  "$SWIG" -lua -module threecx_native $swig_inc -o "$d/threecx_lua_wrap.c" "$here/threecx.i" &&
  $CC $cflags $inc $luainc "$d/threecx_lua_wrap.c" -o "$d/threecx_native.so" $ldflags
}

test_lua() {
  lua=""
  for l in lua5.4 lua; do if have $l; then lua=$l; break; fi; done
  if [ -z "$lua" ] || ! have "$SWIG"; then note "lua: SKIP (no lua5.4 or swig)"; return; fi
  echo "== lua: build"
  if ! build_lua; then note "lua: BUILD FAILED"; status=1; return; fi
  run_twice lua env LUA_CPATH="$work/lua/?.so" LUA_PATH="$here/lua/?.lua" \
    "$lua" "$here/lua/test_threecx.lua"
}

build_csharp() {
  d="$work/csharp"
  rm -rf "$d"
  mkdir -p "$d/gen"
  "$SWIG" -csharp -module Native -namespace Threecx -dllimport threecx_csharp $swig_inc \
    -outdir "$d/gen" -o "$d/threecx_csharp_wrap.c" "$here/threecx.i" &&
  $CC $cflags $inc "$d/threecx_csharp_wrap.c" -o "$d/libthreecx_csharp.so" $ldflags &&
  mcs -nologo -target:library -out:"$d/Threecx.dll" "$d"/gen/*.cs "$here/csharp/Threecx.cs" \
    "$here/csharp/Operations.cs" &&
  mcs -nologo -out:"$d/TestThreecx.exe" -r:"$d/Threecx.dll" "$here/csharp/TestThreecx.cs"
}

test_csharp() {
  if ! have mcs || ! have mono || ! have "$SWIG"; then note "csharp: SKIP (no mcs/mono or swig)"; return; fi
  echo "== csharp: build"
  if ! build_csharp; then note "csharp: BUILD FAILED"; status=1; return; fi
  run_twice csharp env LD_LIBRARY_PATH="$work/csharp:$build${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    mono "$work/csharp/TestThreecx.exe"
}

# The Go module is bindings/go itself (module "threecx", no external
# modules, no network): the SWIG package threecxc/ is committed, so the
# build needs no swig; a drift check regenerates it and compares. Its
# "#cgo pkg-config: threecx" finds this build tree through a .pc written
# here. (go vet checks the idiomatic package only: SWIG's generated code
# trips its unsafe.Pointer check.)
go_swig() {  # go_swig OUTDIR: SWIG's Go package as committed in go/threecxc
  (cd "$here" && "$SWIG" -go -cgo -intgosize 64 -module threecxc -DTHREECX_NO_TYPED_OPERATIONS \
    -I. -I../include -outdir "$1" -o "$1/threecxc_wrap.c" threecx.i)
}

build_go() {
  d="$work/go"
  rm -rf "$d"
  mkdir -p "$d/pc" "$d/swig"
  if have "$SWIG"; then
    if go_swig "$d/swig" && cmp -s "$d/swig/threecxc.go" "$here/go/threecxc/threecxc.go" &&
      cmp -s "$d/swig/threecxc_wrap.c" "$here/go/threecxc/threecxc_wrap.c"; then
      note "go: committed SWIG output up to date"
    else
      note "go: DRIFT: bindings/go/threecxc differs from SWIG's output (regenerate: see bindings/README.md)"
      status=1
    fi
  fi
  printf 'Name: threecx\nDescription: libthreecx (build tree)\nVersion: 0\nLibs: -L%s -lthreecx -Wl,-rpath,%s\nCflags: -I%s/include -I%s/include\n' \
    "$build" "$build" "$root" "$build" > "$d/pc/threecx.pc"
  export PKG_CONFIG_PATH="$d/pc" GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GO111MODULE=on
  export GOCACHE="${GOCACHE:-$work/gocache}" GOPATH="$work/gopath"
  export CGO_CFLAGS="-O1 -Werror=incompatible-pointer-types"
  (cd "$here/go" && go vet . && go test -c -o "$d/threecx.test" .)
}

test_go() {
  if ! have go; then note "go: SKIP (no go)"; return; fi
  echo "== go: build"
  if ! build_go; then note "go: BUILD FAILED"; status=1; return; fi
  run_twice go env GODEBUG=cgocheck=2 "$work/go/threecx.test" -test.count=1 -test.v
}

for l in $langs; do
  case "$l" in
    lua) test_lua ;;
    csharp|cs) test_csharp ;;
    go) test_go ;;
    *) echo "unknown language $l" >&2; status=2 ;;
  esac
done
echo "== summary"
printf '%s' "$summary"
exit $status
