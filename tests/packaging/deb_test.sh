#!/bin/sh
# The Debian packages end to end, as root on a throwaway machine:
# configure BUILD_DIR for /usr (multiarch libdir) with the bindings, build,
# `cpack -G DEB`, purge any installed threecx packages, install the .debs
# with apt-get (dependencies from the archive if missing), then: computed
# Depends, shlibs, consumers through pkg-config and find_package(threecx),
# threecx/threecx-sim and a request between them, the Lua/C#/Go bindings,
# all with LD_LIBRARY_PATH unset; finally `dpkg --purge` and nothing of the
# packages is left behind.
#
# usage: tests/packaging/deb_test.sh [BUILD_DIR]   (default: <source>/build-deb)
#   JOBS=N   parallel build jobs (default 2)
# Prints "N passed, M failed"; exit status 0 only if nothing failed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
BUILD=$(mkdir -p "${1:-$SRC/build-deb}" && cd "${1:-$SRC/build-deb}" && pwd)
PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok: $*"; }
ko() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
finish() { echo "deb_test: $PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; exit $?; }

if [ "$(id -u)" -ne 0 ]; then
  echo "deb_test: must run as root (it installs and purges packages)" >&2
  exit 2
fi
for t in cmake cpack dpkg dpkg-deb dpkg-shlibdeps apt-get readelf file pkg-config cc; do
  command -v $t >/dev/null 2>&1 || { echo "deb_test: $t not found (tools/install-deps.sh)" >&2; exit 2; }
done
WORK=$(mktemp -d /tmp/threecx-deb-XXXXXX)
PKGS=""
. "$HERE/installed_checks.sh"
purge() {
  [ -n "$PKGS" ] || return 0
  # shellcheck disable=SC2086
  installed=$(dpkg-query -W -f='${Package} ${Status}\n' $PKGS 2>/dev/null | awk '$NF != "not-installed" {print $1}')
  [ -z "$installed" ] || dpkg --purge $installed >"$WORK/purge.log" 2>&1
}
cleanup() { stop_sim; purge; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- build and package ---
mkdir -p "$BUILD"
[ -f "$BUILD/CMakeCache.txt" ] || set -- -DTHREECX_BUILD_TESTS=OFF  # a fresh tree: no tests needed
if cmake -S "$SRC" -B "$BUILD" -DCMAKE_INSTALL_PREFIX=/usr -DTHREECX_BUILD_BINDINGS=ON "$@" >"$WORK/configure.log" 2>&1 &&
   cmake --build "$BUILD" -j"${JOBS:-2}" >"$WORK/build.log" 2>&1; then
  ok "configured for /usr and built in $BUILD"
else
  tail -n 40 "$WORK/configure.log" "$WORK/build.log"; ko "configure/build"; finish
fi
rm -f "$BUILD"/*.deb
if (cd "$BUILD" && cpack -G DEB) >"$WORK/cpack.log" 2>&1; then
  ok "cpack -G DEB"
else
  tail -n 40 "$WORK/cpack.log"; ko "cpack -G DEB"; finish
fi
DEBS=$(ls "$BUILD"/*.deb)
VERSION=$(sed -n 's/^project(threecx VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
for d in $DEBS; do PKGS="$PKGS $(dpkg-deb -f "$d" Package)"; done
echo "packages:$PKGS (version $VERSION)"
# the bindings' packages are required where their toolchain is installed
have() { command -v "$1" >/dev/null 2>&1; }
want="libthreecx0 libthreecx-dev threecx-tools"
if have swig; then
  have lua5.4 && [ -r /usr/include/lua5.4/lua.h ] && want="$want lua-threecx"
  have mcs && have mono && want="$want libthreecx-cil"
  have go && want="$want golang-threecx-dev"
fi
for p in $want; do
  case " $PKGS " in *" $p "*) ok "package $p built" ;; *) ko "package $p not built" ;; esac
done

echo "== sizes"
ls -l $DEBS
for d in $DEBS; do
  printf '%-22s %9s bytes  Installed-Size %6s KiB  Depends: %s\n' "$(dpkg-deb -f "$d" Package)" \
    "$(stat -c %s "$d")" "$(dpkg-deb -f "$d" Installed-Size)" "$(dpkg-deb -f "$d" Depends)"
done

deb_of() { for d in $DEBS; do [ "$(dpkg-deb -f "$d" Package)" = "$1" ] && echo "$d"; done; }
# depends_on PACKAGE DEP...: each DEP is in PACKAGE's Depends
depends_on() {
  pkg=$1; shift
  deps=$(dpkg-deb -f "$(deb_of "$pkg")" Depends)
  for dep in "$@"; do
    case ", $deps" in *", $dep "*|*", $dep,"*|*", $dep") ok "$pkg Depends on $dep" ;;
                      *) ko "$pkg does not depend on $dep: $deps" ;; esac
  done
}
# computed by dpkg-shlibdeps (not written in the CMake files):
depends_on libthreecx0 libc6 libcurl4 libcjson1
depends_on threecx-tools libthreecx0 libc6 libssl3 libcjson1 libstdc++6
depends_on libthreecx-dev libthreecx0
case "$(dpkg-deb -f "$(deb_of libthreecx-dev)" Depends)" in
  *"libthreecx0 (= $VERSION)"*) ok "libthreecx-dev depends on libthreecx0 (= $VERSION)" ;;
  *) ko "libthreecx-dev: libthreecx0 not at the exact version" ;;
esac
case " $PKGS " in *" lua-threecx "*) depends_on lua-threecx libthreecx0 lua5.4 libc6 ;; esac
if dpkg-deb --ctrl-tarfile "$(deb_of libthreecx0)" | tar -xO ./shlibs 2>/dev/null | grep -q "^libthreecx 0 libthreecx0 "; then
  ok "libthreecx0 has a shlibs file"
else
  ko "libthreecx0 has no shlibs file"
fi
dpkg-deb -c "$(deb_of libthreecx0)" | grep -q 'usr/lib/[^/]*-linux-gnu[^/]*/libthreecx.so.0' &&
  ok "libthreecx.so.0 in the multiarch libdir" || ko "libthreecx.so.0 not in /usr/lib/<triplet>"
if dpkg-deb -c "$(deb_of libthreecx0)" | grep -q 'libthreecx.so$'; then
  ko "libthreecx0 ships the libthreecx.so link (belongs in -dev)"
else
  ok "libthreecx0 ships no development link"
fi
for d in $DEBS; do dpkg-deb -c "$d"; done | awk '{print $6}' | grep -v '^\./usr/' | grep -v '^\./$' >"$WORK/outside" &&
  { cat "$WORK/outside"; ko "files outside /usr"; } || ok "every file is under /usr"

# --- install ---
purge
for p in $PKGS; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then ko "$p still installed"; fi
done
# shellcheck disable=SC2086
if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $DEBS >"$WORK/install.log" 2>&1; then
  ok "apt-get install of the packages"
else
  tail -n 30 "$WORK/install.log"; ko "apt-get install"; finish
fi
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" && ok "$p installed" || ko "$p not installed"
done
ldconfig -p | grep -q 'libthreecx.so.0 ' && ok "ldconfig knows libthreecx.so.0" || ko "libthreecx.so.0 not in the ld.so cache"

# --- consumers ---
unset PKG_CONFIG_PATH LD_LIBRARY_PATH
if cc -std=c99 -Wall -Wextra -Werror "$SRC/tests/surface/consumer.c" -o "$WORK/consumer_pc" \
     $(pkg-config --cflags --libs threecx) 2>"$WORK/pc.log"; then
  ok "consumer built with pkg-config threecx ($(pkg-config --cflags --libs threecx))"
  "$WORK/consumer_pc" && ok "pkg-config consumer runs" || ko "pkg-config consumer run"
else
  cat "$WORK/pc.log"; ko "pkg-config consumer build"
fi
if cmake -S "$SRC/tests/surface/consumer_project" -B "$WORK/cmake_consumer" >"$WORK/cm.log" 2>&1 &&
   cmake --build "$WORK/cmake_consumer" >>"$WORK/cm.log" 2>&1; then
  ok "find_package(threecx) consumer built against /usr"
  for exe in consumer_cmake consumer_cmake_static; do
    "$WORK/cmake_consumer/$exe" && ok "$exe runs" || ko "$exe run"
  done
else
  cat "$WORK/cm.log"; ko "find_package(threecx) consumer"
fi

# --- programs and bindings ---
check_tools /usr/bin
case " $PKGS " in *" lua-threecx "*) check_lua ;; esac
CSDLL=$(dpkg -L libthreecx-cil 2>/dev/null | grep '/Threecx.dll$')
[ -z "$CSDLL" ] || check_csharp "$CSDLL"
GOMOD=$(dpkg -L golang-threecx-dev 2>/dev/null | grep '/go.mod$')
[ -z "$GOMOD" ] || GOCACHE=${GOCACHE:-$BUILD/deb_test-gocache} check_go "$(dirname "$GOMOD")"

# --- purge: nothing left behind ---
for d in $DEBS; do dpkg-deb -c "$d"; done | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./|/|' | sort -u >"$WORK/files"
purge
for p in $PKGS; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed\|config-files"; then ko "$p not purged"; fi
done
left=""
while read -r f; do [ -e "$f" ] || [ -L "$f" ] && left="$left $f"; done <"$WORK/files"
[ -z "$left" ] && ok "all $(wc -l <"$WORK/files") packaged files removed" || ko "left behind:$left"
left=$(ls -d /usr/lib/libthreecx* /usr/lib/*/libthreecx* /usr/include/threecx /usr/lib/*/pkgconfig/threecx.pc \
  /usr/lib/*/cmake/threecx /usr/lib/*/threecx /usr/share/doc/threecx /usr/share/gocode/src/threecx \
  /usr/lib/*/lua/5.4/threecx_native.so /usr/share/lua/5.4/threecx.lua /usr/bin/threecx /usr/bin/threecx-sim 2>/dev/null)
[ -z "$left" ] && ok "no libthreecx files or directories left in /usr" || ko "left behind: $left"
ldconfig -p | grep -q libthreecx && ko "libthreecx still in the ld.so cache" || ok "ld.so cache clean"
PKGS=""
finish
