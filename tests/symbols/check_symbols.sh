#!/bin/sh
# Compares the dynamic symbols exported by libthreecx.so with the checked-in
# list tests/symbols/threecx.sym, and checks the export discipline.
#
#   check_symbols.sh LIBTHREECX_SO SYMFILE           check (ctest symbols.exported)
#   check_symbols.sh --update LIBTHREECX_SO SYMFILE  rewrite SYMFILE from the library
#
# The update is also `cmake --build <build> --target update-symbols`.
set -u
UPDATE=0
if [ "${1:-}" = "--update" ]; then UPDATE=1; shift; fi
LIB=$1 SYM=$2
PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok: $*"; }
ko() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }

[ -f "$LIB" ] || { echo "FAIL: no library at $LIB"; exit 1; }
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT

# All defined dynamic symbols, version suffix kept for the checks below.
nm -D --defined-only "$LIB" | awk '{print $NF}' | sort -u >"$TMP/raw"
# Names only, without @@THREECX_0 / @THREECX_0 and without the version node.
sed 's/@.*$//' "$TMP/raw" | grep -vx 'THREECX_0' | LC_ALL=C sort -u >"$TMP/names"

if [ $UPDATE -eq 1 ]; then
  grep '^threecx_' "$TMP/names" >"$SYM"
  echo "updated $SYM: $(wc -l <"$SYM") symbols"
  exit 0
fi

# 1. exactly the checked-in list
if LC_ALL=C sort -u "$SYM" | diff -u - "$TMP/names" >"$TMP/diff"; then
  ok "exported symbols match $(basename "$SYM") ($(wc -l <"$TMP/names") symbols)"
else
  echo "--- $(basename "$SYM") (expected)  +++ $(basename "$LIB") (actual):"
  grep '^[-+][^-+]' "$TMP/diff"
  ko "exported symbols differ from $SYM (if intended: cmake --build . --target update-symbols)"
fi

# 2. nothing outside the threecx_ prefix (the version node THREECX_0 aside)
if grep -v '^threecx_' "$TMP/names" >"$TMP/foreign"; then
  sed 's/^/  /' "$TMP/foreign"; ko "symbols outside the threecx_ prefix are exported"
else
  ok "every exported symbol starts with threecx_"
fi

# 3. no C++ mangled names (the C++ runtime must not leak)
if grep '^_Z' "$TMP/raw" >"$TMP/mangled"; then
  sed 's/^/  /' "$TMP/mangled"; ko "C++ mangled symbols are exported"
else
  ok "no C++ mangled symbols"
fi

# 4. every symbol carries the THREECX_0 version node
if grep '^threecx_' "$TMP/raw" | grep -v '@@THREECX_0$' >"$TMP/unversioned"; then
  sed 's/^/  /' "$TMP/unversioned"; ko "symbols without the THREECX_0 version"
else
  ok "every symbol is versioned THREECX_0"
fi

# 5. SONAME
SONAME=$(readelf -d "$LIB" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
if [ "$SONAME" = "libthreecx.so.0" ]; then ok "SONAME is $SONAME"; else ko "SONAME is '$SONAME', expected libthreecx.so.0"; fi

# 6. no undefined references to the C++ runtime (-static-libstdc++)
if nm -D --undefined-only "$LIB" | grep -q 'GLIBCXX\|CXXABI'; then
  nm -D --undefined-only "$LIB" | grep 'GLIBCXX\|CXXABI' | head -5
  ko "libthreecx.so depends on libstdc++ symbols"
else
  ok "no libstdc++ symbol dependencies"
fi

echo "symbols: $PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
