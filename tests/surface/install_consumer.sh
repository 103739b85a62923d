#!/bin/sh
# Installs the build tree into a temporary prefix and builds consumers
# against it: pkg-config (shared), pkg-config --static (static archive),
# examples/list_security_tokens.c through pkg-config, and a CMake project
# using find_package(threecx) with threecx::threecx and
# threecx::threecx_static. Each binary is run far enough to show that it
# links and loads.
# The installed programs and bindings must run from the prefix with
# LD_LIBRARY_PATH unset (relative RUNPATH $ORIGIN/...): threecx, threecx-sim
# (a request from the installed threecx to it), the Lua module, the C#
# assembly and the Go module (when the bindings were built).
#
# usage: install_consumer.sh BUILD_DIR WORK_DIR CMAKE CC SURFACE_SRC_DIR
set -u
BUILD=$1 WORK=$2 CMAKE=$3 CC=$4 HERE=$5
SRC=$(cd "$HERE/../.." && pwd)
PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok: $*"; }
ko() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
finish() { echo "install_consumer: $PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; exit $?; }

rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
PREFIX=$WORK/prefix
if "$CMAKE" --install "$BUILD" --prefix "$PREFIX" >"$WORK/install.log" 2>&1; then
  ok "cmake --install into $PREFIX"
else
  cat "$WORK/install.log"; ko "cmake --install"; finish
fi

PC=$(find "$PREFIX" -name threecx.pc | head -n 1)
[ -n "$PC" ] || { ko "no threecx.pc installed"; finish; }
LIBDIR=$(find "$PREFIX" -name 'libthreecx.so.0' | head -n 1 | xargs dirname)
[ -n "$LIBDIR" ] || { ko "no libthreecx.so.0 installed"; finish; }
[ -f "$LIBDIR/libthreecx.a" ] && ok "libthreecx.a installed" || ko "libthreecx.a not installed"
for h in threecx.h catalog.h operations.h export.h version.h; do
  [ -f "$PREFIX/include/threecx/$h" ] && ok "header threecx/$h installed" || ko "header threecx/$h not installed"
done
# --- installed programs, LD_LIBRARY_PATH unset ---
. "$SRC/tests/packaging/installed_checks.sh"
trap stop_sim EXIT INT TERM
if [ -x "$PREFIX/bin/threecx" ]; then has_origin_runpath "$PREFIX/bin/threecx"; fi
check_tools "$PREFIX/bin"
REF=$(find "$PREFIX" -path '*/reference/xapi.md' | head -n 1)
if [ -n "$REF" ] && grep -q "ListSecurityRefreshToken" "$REF"; then
  ok "reference installed: $REF"
else
  ko "the XAPI reference (reference/xapi.md) is not installed"
fi
export PKG_CONFIG_PATH=$(dirname "$PC")

# --- the bindings (installed when they are built), LD_LIBRARY_PATH unset ---
LUAMOD=$(find "$PREFIX" -name threecx_native.so | head -n 1)
if [ -n "$LUAMOD" ] && command -v lua5.4 >/dev/null 2>&1; then
  LUALIB=$(find "$PREFIX" -path '*/share/lua/5.4/threecx.lua' | head -n 1)
  if [ -n "$LUALIB" ]; then ok "Lua module installed ($LUAMOD, $LUALIB)"; else ko "threecx.lua not installed"; fi
  has_origin_runpath "$LUAMOD"
  check_lua "$PREFIX/share/lua/5.4/?.lua" "$(dirname "$LUAMOD")/?.so"
else
  echo "note: Lua module not built (bindings off or no lua5.4): not checked"
fi
CSDLL=$(find "$PREFIX" -name Threecx.dll | head -n 1)
if [ -n "$CSDLL" ] && command -v mcs >/dev/null 2>&1 && command -v mono >/dev/null 2>&1; then
  has_origin_runpath "$(dirname "$CSDLL")/libthreecx_csharp.so"
  check_csharp "$CSDLL"
else
  echo "note: C# assembly not built (bindings off or no mcs/mono): not checked"
fi
GOMOD=$(find "$PREFIX" -path '*/gocode/src/threecx/go.mod' | head -n 1)
if [ -n "$GOMOD" ] && command -v go >/dev/null 2>&1; then
  # the Go cache is kept in the build tree: a cold cgo build of 601
  # wrappers takes a minute
  PKG_CONFIG_PATH=$(dirname "$PC") GOCACHE=${GOCACHE:-$BUILD/install_consumer-gocache} \
    check_go "$(dirname "$GOMOD")" "$LIBDIR"
else
  echo "note: Go module not built (bindings off or no go): not checked"
fi

# --- pkg-config, shared ---
CFLAGS_PC=$(pkg-config --cflags threecx) && LIBS_PC=$(pkg-config --libs threecx) || { ko "pkg-config threecx"; finish; }
echo "pkg-config --cflags: $CFLAGS_PC"
echo "pkg-config --libs:   $LIBS_PC"
# The .pc must point into the prefix it was installed to (not the configured
# CMAKE_INSTALL_PREFIX), or consumers silently pick up another installation.
case "$CFLAGS_PC $LIBS_PC" in
  *"$PREFIX"*) ok "pkg-config paths point into the install prefix" ;;
  *) ko "threecx.pc does not point into $PREFIX (not relocatable): $CFLAGS_PC $LIBS_PC" ;;
esac
# Prefer the installed files even if the .pc is wrong, so the rest still runs.
INC="-I$PREFIX/include" LIBS_DIR="-L$LIBDIR"

if $CC -std=c99 -Wall -Wextra -Werror $INC $CFLAGS_PC "$HERE/consumer.c" -o "$WORK/consumer_shared" \
    $LIBS_DIR $LIBS_PC 2>"$WORK/shared.log"; then
  ok "consumer built with pkg-config (shared)"
  if LD_LIBRARY_PATH=$LIBDIR "$WORK/consumer_shared"; then ok "consumer (shared) runs"; else ko "consumer (shared) run"; fi
  LD_LIBRARY_PATH=$LIBDIR ldd "$WORK/consumer_shared" | grep -q "libthreecx.so.0 => $LIBDIR" &&
    ok "consumer (shared) loads $LIBDIR/libthreecx.so.0" || ko "consumer (shared) does not load the installed library"
else
  cat "$WORK/shared.log"; ko "consumer build (shared)"
fi

# --- pkg-config --static, static archive ---
# -l:libthreecx.a forces the archive even though libthreecx.so sits beside it.
build_static() {
  $CC -std=c99 -Wall -Wextra -Werror -DTHREECX_STATIC $INC $(pkg-config --static --cflags threecx) \
    "$HERE/consumer.c" -o "$WORK/consumer_static" $LIBS_DIR $1 2>"$WORK/static.log"
}
SLIBS=$(pkg-config --static --libs threecx | sed 's/-lthreecx\( \|$\)/-l:libthreecx.a\1/')
echo "pkg-config --static --libs (archive forced): $SLIBS"
built=0
if build_static "$SLIBS"; then
  built=1
elif grep -q "cannot find -l" "$WORK/static.log" && ! grep -q "cannot find -lthreecx\|cannot find -l:libthreecx" "$WORK/static.log"; then
  # pkg-config --static also expands libcurl's own Libs.private (nghttp2,
  # ldap, ...), whose static archives this system may lack. Link libthreecx.a
  # with its own Libs.private and its Requires.private as shared libraries.
  echo "note: $(grep -o 'cannot find -l[^:]*' "$WORK/static.log" | sort -u | tr '\n' ' ')"
  REQ=$(pkg-config --print-requires-private threecx | awk '{print $1}' | tr '\n' ' ')
  SLIBS="$(pkg-config --static --libs --maximum-traverse-depth=2 threecx | sed 's/-lthreecx\( \|$\)/-l:libthreecx.a\1/') $(pkg-config --libs $REQ)"
  echo "retrying with threecx's Libs.private + Requires.private ($REQ) shared: $SLIBS"
  build_static "$SLIBS" && built=1
fi
if [ $built -eq 1 ]; then
  ok "consumer built with pkg-config --static"
  if readelf -d "$WORK/consumer_static" | grep -q 'libthreecx'; then
    ko "static consumer still NEEDs libthreecx.so"
  else
    ok "static consumer does not need libthreecx.so"
  fi
  if "$WORK/consumer_static"; then ok "consumer (static) runs"; else ko "consumer (static) run"; fi
else
  cat "$WORK/static.log"; ko "consumer build (pkg-config --static): Libs.private/Requires.private incomplete?"
fi

# --- the shipped example through pkg-config ---
if $CC -std=c99 -Wall -Wextra -Werror $INC $CFLAGS_PC "$SRC/examples/list_security_tokens.c" \
    -o "$WORK/list_security_tokens" $LIBS_DIR $LIBS_PC 2>"$WORK/example.log"; then
  ok "examples/list_security_tokens.c built with pkg-config"
  # Without THREECX_* variables it must stop at once with exit status 2.
  env -u THREECX_DOMAIN -u THREECX_CLIENT_ID -u THREECX_API_KEY LD_LIBRARY_PATH=$LIBDIR \
    "$WORK/list_security_tokens" >"$WORK/example.out" 2>&1
  rc=$?
  if [ $rc -eq 2 ] && grep -q THREECX_DOMAIN "$WORK/example.out"; then
    ok "list_security_tokens loads and reports the missing THREECX_DOMAIN"
  else
    cat "$WORK/example.out"; ko "list_security_tokens exit status $rc"
  fi
else
  cat "$WORK/example.log"; ko "examples/list_security_tokens.c build"
fi

# --- CMake find_package ---
if "$CMAKE" -S "$HERE/consumer_project" -B "$WORK/cmake_consumer/build" -DCMAKE_PREFIX_PATH="$PREFIX" \
     -DCMAKE_C_COMPILER="$CC" >"$WORK/cmake_consumer.log" 2>&1 &&
   "$CMAKE" --build "$WORK/cmake_consumer/build" >>"$WORK/cmake_consumer.log" 2>&1; then
  ok "find_package(threecx) consumer configured and built"
  for exe in consumer_cmake consumer_cmake_static; do
    if "$WORK/cmake_consumer/build/$exe"; then ok "$exe runs"; else ko "$exe run"; fi
  done
  readelf -d "$WORK/cmake_consumer/build/consumer_cmake_static" | grep -q libthreecx &&
    ko "consumer_cmake_static NEEDs libthreecx.so" || ok "consumer_cmake_static is linked statically"
else
  cat "$WORK/cmake_consumer.log"; ko "find_package(threecx) consumer"
fi

finish
