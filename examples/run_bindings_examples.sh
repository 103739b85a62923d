#!/bin/sh
# Runs the C# and Lua scenario examples (examples/csharp/Scenario.cs,
# examples/lua/scenario.lua) against an INSTALLED libthreecx, as a user of
# the package would: `cmake --install BUILD_DIR --prefix <tmp>/prefix`, then
# the Lua example with the installed module and the C# example compiled, in a
# directory outside the repository, against the installed Threecx.dll. Both
# talk to a threecx-sim (HTTPS, its own CA) whose /Groups answers after 5 s,
# the slow call the examples stop.
# lua-rock: the Lua module built by `luarocks make` (bindings/lua's rockspec,
# in a copy) against the installed libthreecx found by pkg-config, for each
# Lua luarocks can build for here (THREECX_ROCK_LUA_VERSIONS, default
# "5.1 5.3 5.4"; ctest builds for 5.4 only, to stay fast), each running the
# Lua example.
#   examples/run_bindings_examples.sh BUILD_DIR [--prefix INSTALLED] [lua] [lua-rock] [csharp]
# (--prefix: use an existing installation instead of installing.)
# Prints "N passed, M failed"; exits 1 on a failure. A language whose
# toolchain (lua5.4 + lua-cjson; mcs + mono) is missing is reported as SKIP.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [--prefix DIR] [lua] [csharp]" >&2; exit 2; }
build=$(cd "$1" && pwd)
shift
prefix=""
if [ "${1:-}" = "--prefix" ]; then
  prefix=$(cd "$2" && pwd)
  shift 2
fi
langs=${*:-lua lua-rock csharp}
sim="$build/tools/sim/threecx-sim"
[ -x "$sim" ] || { echo "missing $sim (build first)" >&2; exit 2; }
have() { command -v "$1" >/dev/null 2>&1; }

tmp=$(mktemp -d)
pid=""
cleanup() {
  [ -z "$pid" ] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; } || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
if [ -z "$prefix" ]; then
  prefix="$tmp/prefix"
  cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; exit 1; }
fi
libdir=$(dirname "$(find "$prefix" -name 'libthreecx.so*' | head -n 1)")

"$sim" --host 127.0.0.1 --port 0 --ready-file "$tmp/port" --ca-out "$tmp/ca.pem" \
  --client "example:example-api-key:SystemOwner" --quiet \
  --fault '{"path":"^/Groups","latency_ms":5000}' &
pid=$!
i=0
while [ ! -s "$tmp/port" ]; do
  i=$((i + 1))
  [ $i -lt 500 ] || { echo "threecx-sim did not start" >&2; exit 1; }
  kill -0 $pid 2>/dev/null || { echo "threecx-sim exited" >&2; exit 1; }
  sleep 0.02
done
export THREECX_DOMAIN=127.0.0.1:$(cat "$tmp/port") THREECX_CLIENT_ID=example \
  THREECX_API_KEY=example-api-key THREECX_CA_FILE="$tmp/ca.pem"

passed=0 failed=0
# expect NAME OUTPUT_FILE LINE...: every LINE (a fixed string) is in the output
expect() {
  name=$1 out=$2
  shift 2
  for line in "$@"; do
    if grep -qF -- "$line" "$out"; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
      echo "FAIL: $name: no '$line' in its output" >&2
    fi
  done
}

# run_lua_example NAME LUA LUA_PATH LUA_CPATH
run_lua_example() {
  echo "== $1 example"
  if LUA_PATH="$3;;" LUA_CPATH="$4;;" LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
     "$2" "$here/lua/scenario.lua" >"$tmp/lua.out" 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $1 example exited non-zero" >&2
  fi
  cat "$tmp/lua.out"
  expect "$1" "$tmp/lua.out" "users with Number >= 100:" "created user:" "updated with If-Match: 204" \
    "a stale ETag is refused: 412" "deleted: 204" "security tokens, paged by 5: 23" \
    "ExportExtensions streamed to a file:" "slow call stopped by its deadline: THREECX_E_TIMEOUT" "scenario done"
}

run_lua() {
  mod=$(find "$prefix" -name threecx_native.so | head -n 1)
  lua_file=$(find "$prefix" -name threecx.lua | head -n 1)
  if ! have lua5.4 || ! lua5.4 -e 'require "cjson"' 2>/dev/null; then echo "lua: SKIP (no lua5.4 with lua-cjson)"; return; fi
  if [ -z "$mod" ] || [ -z "$lua_file" ]; then
    echo "FAIL: lua: the installation has no Lua module" >&2
    failed=$((failed + 1))
    return
  fi
  run_lua_example "lua (installed module $mod)" lua5.4 "$(dirname "$lua_file")/?.lua" "$(dirname "$mod")/?.so"
}

run_lua_rock() {
  if ! have luarocks || ! have swig || ! have pkg-config; then echo "lua-rock: SKIP (no luarocks, swig or pkg-config)"; return; fi
  pc=$(dirname "$(find "$prefix" -name threecx.pc | head -n 1)")
  mkdir -p "$tmp/rock/bindings/lua"
  cp "$here/../bindings/threecx.i" "$tmp/rock/bindings/"
  cp "$here/../bindings/lua/threecx.lua" "$here/../bindings/lua/threecx_lua.i" "$here/../bindings/lua/Makefile.rock" \
     "$here"/../bindings/lua/threecx-*.rockspec "$tmp/rock/bindings/lua/"
  for ver in ${THREECX_ROCK_LUA_VERSIONS:-5.1 5.3 5.4}; do
    lua=lua$ver
    if ! have "$lua" || [ ! -r "/usr/include/lua$ver/lua.h" ] || ! "$lua" -e 'require "cjson"' 2>/dev/null; then
      echo "lua-rock $ver: SKIP (no $lua with headers and lua-cjson)"
      continue
    fi
    tree="$tmp/rocks-$ver"
    # THREECX_ROCK_CFLAGS: the compiler flags instead of luarocks' (-O0 in ctest, for speed)
    if ! (cd "$tmp/rock/bindings/lua" && PKG_CONFIG_PATH="$pc" luarocks --lua-version "$ver" make --tree "$tree" \
          threecx-*.rockspec ${THREECX_ROCK_CFLAGS:+"CFLAGS=$THREECX_ROCK_CFLAGS"}) >"$tmp/rock.log" 2>&1; then
      cat "$tmp/rock.log"
      failed=$((failed + 1))
      echo "FAIL: luarocks make for Lua $ver" >&2
      continue
    fi
    passed=$((passed + 1))
    run_lua_example "lua-rock $ver" "$lua" "$tree/share/lua/$ver/?.lua" "$tree/lib/lua/$ver/?.so"
  done
}

run_csharp() {
  dll=$(find "$prefix" -name Threecx.dll | head -n 1)
  if ! have mcs || ! have mono; then echo "csharp: SKIP (no mcs/mono)"; return; fi
  if [ -z "$dll" ]; then
    echo "FAIL: csharp: the installation has no Threecx.dll" >&2
    failed=$((failed + 1))
    return
  fi
  echo "== csharp example (assembly $dll)"
  mkdir -p "$tmp/cs"
  cp "$here/csharp/Scenario.cs" "$tmp/cs/"
  if ! (cd "$tmp/cs" && mcs -nologo -r:"$dll" -out:Scenario.exe Scenario.cs); then
    failed=$((failed + 1))
    echo "FAIL: csharp example does not compile against the installed assembly" >&2
    return
  fi
  if MONO_PATH="$(dirname "$dll")" LD_LIBRARY_PATH="$(dirname "$dll"):$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
     mono "$tmp/cs/Scenario.exe" >"$tmp/cs.out" 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: csharp example exited non-zero" >&2
  fi
  cat "$tmp/cs.out"
  expect csharp "$tmp/cs.out" "users with Number >= 100:" "created user:" "updated with If-Match: Renamed" \
    "a stale ETag is refused: 412 PreconditionFailed" "deleted:" "security tokens, paged by 5: 23 in 5 pages" \
    "ExportExtensions streamed to a file:" "slow call cancelled: Canceled" "scenario done"
}

for l in $langs; do
  case "$l" in
    lua) run_lua ;;
    lua-rock) run_lua_rock ;;
    csharp|cs) run_csharp ;;
    *) echo "unknown language $l" >&2; exit 2 ;;
  esac
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
