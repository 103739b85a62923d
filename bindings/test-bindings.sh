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

# run_once NAME MODE CMD... : the test over MODE (https or http).
run_once() {
  name=$1
  mode=$2
  shift 2
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
}

# run_twice NAME CMD... : the test over HTTPS, then over HTTP.
run_twice() {
  name=$1
  shift
  run_once "$name" https "$@"
  run_once "$name" http "$@"
}

# The Lua module is one SWIG wrapper compiled once per Lua installed (its
# headers: lua5.4, lua5.3, lua5.1, LuaJIT 2.1); 5.4 runs the scenario over
# HTTPS and HTTP, the others over HTTPS.
lua_wrap() {
  d="$work/lua"
  rm -rf "$d"
  mkdir -p "$d"
  "$SWIG" -lua -module threecx_native $swig_inc -o "$d/threecx_lua_wrap.c" "$here/threecx.i"
}

# build_lua NAME INCLUDE_DIR -> $work/lua/NAME/threecx_native.so (-O0 but
# for 5.4: the 601-operation wrapper takes 3 s instead of 11 to compile)
build_lua() {
  mkdir -p "$work/lua/$1"
  opt=""
  [ "$1" = lua5.4 ] || opt=-O0
  $CC $cflags $opt $inc -I"$2" "$work/lua/threecx_lua_wrap.c" -o "$work/lua/$1/threecx_native.so" $ldflags
}

test_lua() {
  if ! have "$SWIG"; then note "lua: SKIP (no swig)"; return; fi
  found=""
  for v in lua5.4:/usr/include/lua5.4 lua5.3:/usr/include/lua5.3 lua5.1:/usr/include/lua5.1 \
           luajit:/usr/include/luajit-2.1; do
    lua=${v%%:*}
    luainc=${v#*:}
    if ! have "$lua" || [ ! -r "$luainc/lua.h" ]; then note "$lua: SKIP (no $lua or its headers)"; continue; fi
    if [ -z "$found" ]; then
      echo "== lua: swig"
      if ! lua_wrap; then note "lua: SWIG FAILED"; status=1; return; fi
    fi
    found=1
    echo "== $lua: build"
    if ! build_lua "$lua" "$luainc"; then note "$lua: BUILD FAILED"; status=1; continue; fi
    # ';;' keeps the default paths (lua-cjson for decode = true)
    set -- env LUA_CPATH="$work/lua/$lua/?.so;;" LUA_PATH="$here/lua/?.lua;;" "$lua" "$here/lua/test_threecx.lua"
    if [ "$lua" = lua5.4 ]; then run_twice "$lua" "$@"; else run_once "$lua" https "$@"; fi
  done
  [ -n "$found" ] || note "lua: SKIP (no Lua with headers)"
}

build_csharp() {
  d="$work/csharp"
  rm -rf "$d"
  mkdir -p "$d/gen"
  "$SWIG" -csharp -module Native -namespace Threecx -dllimport threecx_csharp $swig_inc \
    -outdir "$d/gen" -o "$d/threecx_csharp_wrap.c" "$here/threecx.i" &&
  $CC $cflags $inc "$d/threecx_csharp_wrap.c" -o "$d/libthreecx_csharp.so" $ldflags &&
  # the sources are those Threecx.csproj compiles (its one list)
  cs_src=$(sed -n 's|.*<Compile Include="\([A-Za-z]*\.cs\)" />.*|'"$here"'/csharp/\1|p' "$here/csharp/Threecx.csproj")
  [ -n "$cs_src" ] || { echo "no sources in Threecx.csproj" >&2; return 1; }
  # shellcheck disable=SC2086  # one path per word (no spaces in the source names)
  mcs -nologo -target:library -out:"$d/Threecx.dll" "$d"/gen/*.cs $cs_src &&
  mcs -nologo -out:"$d/TestThreecx.exe" -r:"$d/Threecx.dll" "$here/csharp/TestThreecx.cs" &&
  mcs -nologo -out:"$d/TestModels.exe" -r:"$d/Threecx.dll" "$here/csharp/TestModels.cs"
}

# The typed models over every operation: sim_spec_test sends the 601
# operations to threecx-sim over HTTP and saves each schema-valid answer;
# TestModels.exe decodes each with the typed method's decoder.
test_csharp_models() {
  spec_test="$build/tests/sim_spec/sim_spec_test"
  if [ ! -x "$spec_test" ]; then note "csharp models: SKIP (no $spec_test: tests not built)"; return; fi
  answers="$work/csharp/answers"
  rm -rf "$answers"
  mkdir -p "$answers"
  echo "== csharp models: recording the simulator's answers"
  if ! THREECX_SIM_SPEC_DUMP="$answers" "$spec_test" "$root/spec/xapi-20.0.10.json" >"$work/csharp/answers.log" 2>&1; then
    tail -n 20 "$work/csharp/answers.log"
    note "csharp models: FAILED (sim_spec_test)"
    status=1
    return
  fi
  run_once "csharp models" http env LD_LIBRARY_PATH="$work/csharp:$build${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    mono "$work/csharp/TestModels.exe" "$answers"
}

test_csharp() {
  if ! have mcs || ! have mono || ! have "$SWIG"; then note "csharp: SKIP (no mcs/mono or swig)"; return; fi
  echo "== csharp: build"
  if ! build_csharp; then note "csharp: BUILD FAILED"; status=1; return; fi
  run_twice csharp env LD_LIBRARY_PATH="$work/csharp:$build${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    mono "$work/csharp/TestThreecx.exe"
  test_csharp_models
  test_csharp_package
}

# The NuGet layout Threecx.csproj packs (lib/netstandard2.0/Threecx.dll,
# runtimes/linux-x64/native/{libthreecx_csharp.so with RUNPATH $ORIGIN,
# libthreecx.so.0}) made from this build into a .nupkg (zip + nuspec),
# unpacked elsewhere, and the C# example program compiled and run against it.
test_csharp_package() {
  if ! have python3; then note "csharp package: SKIP (no python3 to zip)"; return; fi
  p="$work/csharp/pkg"
  rm -rf "$p"
  mkdir -p "$p/lib/netstandard2.0" "$p/runtimes/linux-x64/native" "$p/unpacked"
  cp "$work/csharp/Threecx.dll" "$p/lib/netstandard2.0/"
  cp -L "$build/libthreecx.so.0" "$p/runtimes/linux-x64/native/"
  version=$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' "$here/csharp/Threecx.csproj")
  # shellcheck disable=SC2016  # $ORIGIN is for the linker
  if ! $CC $cflags $inc "$work/csharp/threecx_csharp_wrap.c" -o "$p/runtimes/linux-x64/native/libthreecx_csharp.so" \
       -L"$build" -lthreecx -Wl,-rpath,'$ORIGIN'; then
    note "csharp package: FAILED (glue)"; status=1; return
  fi
  printf '%s\n' '<?xml version="1.0" encoding="utf-8"?>' \
    '<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">' \
    "  <metadata><id>Threecx</id><version>$version</version><authors>The libthreecx authors</authors>" \
    '    <license type="expression">MIT</license><description>libthreecx for .NET</description>' \
    '    <dependencies><group targetFramework=".NETStandard2.0" /></dependencies></metadata>' \
    '</package>' >"$p/Threecx.nuspec"
  if ! (cd "$p" && python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for f in sys.argv[2:]: z.write(f)' "Threecx.$version.nupkg" Threecx.nuspec lib/netstandard2.0/Threecx.dll \
        runtimes/linux-x64/native/libthreecx_csharp.so runtimes/linux-x64/native/libthreecx.so.0 &&
        python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
        "Threecx.$version.nupkg" unpacked); then
    note "csharp package: FAILED (zip)"; status=1; return
  fi
  chmod +x "$p/unpacked/runtimes/linux-x64/native/"*.so*
  echo "== csharp package: the example against the unpacked Threecx.$version.nupkg"
  run_once "csharp package" https sh "$root/examples/run_bindings_examples.sh" "$build" --prefix "$p/unpacked" csharp
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
