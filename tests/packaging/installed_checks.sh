# Checks of an installed libthreecx, shared by tests/surface/install_consumer.sh
# (a prefix) and tests/packaging/deb_test.sh (the Debian packages in /usr).
# Sourced; the caller defines ok/ko (count a pass/failure) and WORK (a
# scratch directory). Everything runs with LD_LIBRARY_PATH unset: installed
# programs and modules must find libthreecx.so.N by themselves.
NOLD="env -u LD_LIBRARY_PATH"
SIMPID=

# has_origin_runpath FILE: its RUNPATH/RPATH is relative to the file itself.
has_origin_runpath() {
  if readelf -d "$1" | grep -E 'R(UN)?PATH' | grep -q '\$ORIGIN'; then
    ok "$(basename "$1") has an \$ORIGIN RUNPATH: $(readelf -d "$1" | grep -oE 'path: \[[^]]*\]')"
  else
    ko "$(basename "$1") has no \$ORIGIN RUNPATH"
  fi
}

# check_tools BINDIR: threecx --help/--version/ops, then a request from the
# installed threecx to the installed threecx-sim (plain HTTP, free port).
check_tools() {
  cli=$1/threecx sim=$1/threecx-sim
  if [ -x "$cli" ] && $NOLD "$cli" --version | grep -q "XAPI 20.0.10"; then
    ok "$cli runs without LD_LIBRARY_PATH"
  else
    ko "$cli not installed or not runnable without LD_LIBRARY_PATH"; return
  fi
  $NOLD "$cli" --help >/dev/null 2>&1 && ok "threecx --help" || ko "threecx --help"
  n=$($NOLD "$cli" ops | wc -l | tr -d ' ')
  [ "$n" = 601 ] && ok "threecx ops lists 601 operations" || ko "threecx ops: $n lines"
  if [ ! -x "$sim" ]; then echo "note: $sim not installed: not checked"; return; fi
  $NOLD "$sim" --help >/dev/null 2>&1 && ok "threecx-sim --help" || ko "threecx-sim --help"
  rm -f "$WORK/sim.port"
  $NOLD "$sim" --http --host 127.0.0.1 --port 0 --ready-file "$WORK/sim.port" \
    --client inst:k3y-inst --quiet >"$WORK/sim.log" 2>&1 &
  SIMPID=$!
  i=0
  while [ ! -s "$WORK/sim.port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
  if [ -s "$WORK/sim.port" ]; then
    ok "threecx-sim started on port $(cat "$WORK/sim.port")"
    if out=$($NOLD THREECX_DOMAIN="http://127.0.0.1:$(cat "$WORK/sim.port")" THREECX_CLIENT_ID=inst \
          THREECX_API_KEY=k3y-inst THREECX_ALLOW_HTTP=1 "$cli" call ListSecurityRefreshToken --top 1 2>&1); then
      case "$out" in *'"value"'*) ok "threecx -> threecx-sim: ListSecurityRefreshToken answered" ;;
                     *) ko "ListSecurityRefreshToken answer: $out" ;; esac
    else
      ko "threecx call ListSecurityRefreshToken: $out"
    fi
  else
    cat "$WORK/sim.log"; ko "threecx-sim did not start"
  fi
  stop_sim
}
stop_sim() {
  [ -n "$SIMPID" ] || return 0
  kill "$SIMPID" 2>/dev/null; wait "$SIMPID" 2>/dev/null; SIMPID=
}

# check_lua [LUA_PATH LUA_CPATH]: require "threecx" (Lua's default search
# paths when none are given; they are Lua's paths, not the library's).
check_lua() {
  if [ $# -eq 2 ]; then set -- LUA_PATH="$1" LUA_CPATH="$2"; else set -- -u LUA_PATH -u LUA_CPATH; fi
  out=$($NOLD "$@" lua5.4 -e 'local t = require "threecx"; print(t.version(), t.operation_count())' 2>&1)
  case "$out" in
    *"	601") ok "the Lua module loads: $out" ;;
    *) ko "the Lua module: $out" ;;
  esac
}

# check_csharp DLL: a program built against the installed Threecx.dll runs
# (MONO_PATH finds the assembly as -r: did; the glue beside it).
check_csharp() {
  dir=$(dirname "$1")
  [ -f "$dir/libthreecx_csharp.so" ] && ok "C# assembly and glue in $dir" || ko "libthreecx_csharp.so not beside $1"
  echo 'class T { static void Main() { System.Console.WriteLine(Threecx.Library.Version + " " + Threecx.Catalog.Count); } }' \
    >"$WORK/cs.cs"
  if mcs -nologo -out:"$WORK/cs.exe" -r:"$1" "$WORK/cs.cs" >"$WORK/cs.log" 2>&1 &&
     out=$($NOLD MONO_PATH="$dir" mono "$WORK/cs.exe" 2>&1); then
    case "$out" in *" 601") ok "the C# assembly loads: $out" ;; *) ko "the C# assembly: $out" ;; esac
  else
    cat "$WORK/cs.log"; ko "the C# assembly: ${out:-build failed}"
  fi
}

# check_go MODULE_DIR [RPATH]: a program using the installed module (go.mod
# replace) builds offline and runs. cgo takes its flags from threecx.pc
# (PKG_CONFIG_PATH is the caller's); RPATH is for a non-system libdir.
check_go() {
  mkdir -p "$WORK/go"
  printf 'module gouser\n\ngo 1.19\n\nrequire threecx v0.0.0\n\nreplace threecx => %s\n' "$1" >"$WORK/go/go.mod"
  printf 'package main\n\nimport (\n\t"fmt"\n\t"threecx"\n)\n\nfunc main() {\n\tn, err := threecx.OperationCount()\n\tfmt.Println(threecx.Version(), n, err)\n}\n' \
    >"$WORK/go/main.go"
  if (cd "$WORK/go" && GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GO111MODULE=on \
        GOCACHE="${GOCACHE:-$WORK/gocache}" GOPATH="$WORK/gopath" CGO_LDFLAGS="${2:+-Wl,-rpath,$2}" \
        go build -o gouser . >"$WORK/go.log" 2>&1) &&
     out=$($NOLD "$WORK/go/gouser" 2>&1); then
    case "$out" in *" 601 <nil>") ok "the Go module builds and runs: $out" ;; *) ko "the Go module: $out" ;; esac
  else
    tail -n 20 "$WORK/go.log"; ko "the Go module: ${out:-build failed}"
  fi
}
