#!/bin/sh
# The issue-12 benchmark in one command: libthreecx against minimal raw
# libcurl programs, on nginx-light serving canned XAPI-shaped JSON on
# loopback. Prints a table of ratios and writes JSON. No timing assertion:
# the exit status is non-zero only when the bench cannot run or a contender
# fails its job (a request fails, items go missing).
#
#   sh bench/run.sh [--quick] [--rounds N] [--only ROWS] [--json FILE] [--build DIR]
#
#   --quick    1 round, small sizes (~30-60 s; what .ci/run runs)
#   --rounds   rounds of the interleaved contenders (default 5, quick 1)
#   --only     the rows to run, e.g. 1,2 or 4 (default: all seven)
#   --json     where to write the results (default bench/results/latest.json,
#              quick mode bench/results/quick.json)
#   --build    the CMake build tree (default build/, configured if absent)
#   --exec CMD instead of the driver, run the shell command CMD with nginx up
#              and BENCH_DRIVER, BENCH_HTTP_PORT, BENCH_HTTPS_PORT,
#              BENCH_SLOW_PORT, BENCH_CA, BENCH_DIR set (to profile one
#              contender: see bench/README.md)
#
# Everything runs as the invoking user from a private temporary directory:
# a throwaway CA and server certificate (openssl), the page files, nginx's
# configuration, pid, temp paths and error log; nginx listens on free
# loopback ports and is stopped on exit.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
quick="" only="" rounds="" json="" build="$src/build" exec_cmd=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=--quick ;;
    --rounds) rounds="--rounds $2"; shift ;;
    --only) only="--only $2"; shift ;;
    --json) json=$2; shift ;;
    --build) build=$2; shift ;;
    --exec) exec_cmd=$2; shift ;;
    *) sed -n '2,23p' "$0" >&2; exit 2 ;;
  esac
  shift
done

[ -n "$json" ] || json="$src/bench/results/$([ -n "$quick" ] && echo quick || echo latest).json"

. "$src/tools/nginx-local.sh"
nginx_find
if [ -z "$nginx" ]; then
  echo "bench: nginx not found; installing the dependencies (nginx-light)" >&2
  sh "$src/tools/install-deps.sh"
  nginx_find
fi

# build the driver (and the Lua module when the tree builds the bindings)
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" --target bench_xapi -j"$(nproc)" >/dev/null
lua="" csdll=""
if grep -q '^THREECX_BUILD_BINDINGS:BOOL=ON' "$build/CMakeCache.txt"; then
  if command -v lua5.4 >/dev/null && cmake --build "$build" --target threecx_lua -j"$(nproc)" >/dev/null 2>&1 &&
     [ -f "$build/bindings/lua/threecx_native.so" ]; then
    lua="--lua $build/bindings/lua --src $src"
  fi
  if command -v mcs >/dev/null && command -v mono >/dev/null &&
     cmake --build "$build" --target threecx_csharp threecx_csharp_dll -j"$(nproc)" >/dev/null 2>&1 &&
     [ -f "$build/bindings/csharp/Threecx.dll" ]; then
    csdll="$build/bindings/csharp"
  fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/threecx-bench-XXXXXX")
chmod 700 "$tmp"
ngpid=""
cleanup() {
  if [ -n "$ngpid" ]; then kill "$ngpid" 2>/dev/null || true; wait "$ngpid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# a CA and a server certificate for 127.0.0.1
(
  cd "$tmp"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=libthreecx bench CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n' >ext.cnf
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 \
    -extfile ext.cnf 2>/dev/null
)

# four free loopback ports: HTTP, HTTPS, the 20 ms server over HTTP and
# over HTTPS with HTTP/2
set -- $(python3 -c 'import socket
ss = [socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
http=$1 https=$2 slow=$3 h2=$4

# nginx-light has no delay module; Debian's nginx-light depends on the echo
# module, whose echo_sleep makes the server that answers after 20 ms.
token='{"token_type":"Bearer","expires_in":3600,"access_token":"bench-token-0123456789abcdef"}'
echo_mod=/usr/lib/nginx/modules/ngx_http_echo_module.so
load="" slowsrv="" slowarg=""
if [ -f "$echo_mod" ]; then
  load=$echo_mod
  slowsrv="server {
    listen 127.0.0.1:$slow backlog=4096;
    location = /connect/token { return 200 '$token'; }
    location / { echo_sleep 0.02; echo '{\"@odata.context\":\"http://127.0.0.1/xapi/v1/\${d}metadata#SecurityTokens\",\"value\":[]}'; }
  }
  server {
    listen 127.0.0.1:$h2 ssl http2 backlog=4096;
    ssl_certificate $tmp/server.pem;
    ssl_certificate_key $tmp/server.key;
    http2_max_concurrent_streams 1000;
    location = /connect/token { return 200 '$token'; }
    location / { echo_sleep 0.02; echo '{\"@odata.context\":\"https://127.0.0.1/xapi/v1/\${d}metadata#SecurityTokens\",\"value\":[]}'; }
  }"
  slowarg="--slow-port $slow --h2-port $h2"
fi
mkdir -p "$tmp/www/pages"
# canned answers ($ of @odata.context through the variable $d)
tokens='{"@odata.context":"https://127.0.0.1/xapi/v1/${d}metadata#SecurityTokens","value":[{"Id":"0b7c1c9e-3f1a-4c55-9d1e-2a6f0c1b9e01","Username":"admin","ClientName":"bench","Type":"Refresh","Expires":"2026-12-31T00:00:00Z"},{"Id":"0b7c1c9e-3f1a-4c55-9d1e-2a6f0c1b9e02","Username":"admin","ClientName":"web","Type":"Refresh","Expires":"2026-12-31T00:00:00Z"}]}'
user1='{"@odata.context":"https://127.0.0.1/xapi/v1/${d}metadata#Users/${d}entity","Id":1,"Number":"10001","FirstName":"First1","LastName":"Last1","DisplayName":"First1 Last1","EmailAddress":"user1@example.com","Mobile":"+44200000001","Language":"EN","Enabled":true,"Require2FA":false,"VMEnabled":true}'
{ echo "# written by bench/run.sh"; nginx_head "$tmp" $load; cat <<EOF; } >"$tmp/nginx.conf"
  tcp_nodelay on;
  sendfile on;
  # the pager's \$skip (sent as \$skip or %24skip) names the page file
  map \$args \$page_skip { "~(^|&)(\\\$|%24)skip=(?<s>[0-9]+)" \$s; default ""; }
  map \$arg_n \$page_set { "~^[0-9]+\$" \$arg_n; default ""; }
  server {
    listen 127.0.0.1:$http backlog=4096;
    listen 127.0.0.1:$https ssl backlog=4096;
    ssl_certificate $tmp/server.pem;
    ssl_certificate_key $tmp/server.key;
    ssl_session_cache shared:SSL:10m;
    root $tmp/www;
    location = /connect/token { return 200 '$token'; }
    location = /xapi/v1/SecurityTokens { return 200 '$tokens'; }
    location = /xapi/v1/Users(1) { return 200 '$user1'; }
    location = /xapi/v1/Users { try_files /pages/\$page_set/\$page_skip.json =404; }
    location = /_status { stub_status; }
    location / { return 404; }
  }
  $slowsrv
}
EOF
nginx_start "$tmp" "http://127.0.0.1:$http/_status" || { echo "bench: nginx did not start" >&2; exit 1; }

# the Go contender of row 7 (bench/wrap_go through bindings/go), built
# against this build tree's library the way bindings/test-bindings.sh does
gobin=""
if command -v go >/dev/null && [ -d "$src/bindings/go/threecxc" ]; then
  mkdir -p "$tmp/gopc"
  printf 'Name: threecx\nDescription: libthreecx (build tree)\nVersion: 0\nLibs: -L%s -lthreecx -Wl,-rpath,%s\nCflags: -I%s/include -I%s/include\n' \
    "$build" "$build" "$src" "$build" >"$tmp/gopc/threecx.pc"
  [ -n "${HOME:-}" ] || export GOCACHE="${GOCACHE:-$tmp/gocache}"
  if (cd "$src/bench/wrap_go" && PKG_CONFIG_PATH="$tmp/gopc" GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local \
      GO111MODULE=on go build -o "$tmp/wrap_go" .) >"$tmp/go-build.log" 2>&1; then
    gobin="--go $tmp/wrap_go"
  else
    echo "bench: the Go contender did not build (row 7 Go n/a):" >&2
    tail -5 "$tmp/go-build.log" >&2
  fi
fi

# the C# contender (bench/wrap_cs.cs through the build tree's Threecx.dll)
csarg=""
if [ -n "$csdll" ]; then
  if mcs -nologo -out:"$tmp/wrap_cs.exe" -r:"$csdll/Threecx.dll" "$src/bench/wrap_cs.cs" >"$tmp/cs-build.log" 2>&1; then
    printf '#!/bin/sh\nLD_LIBRARY_PATH="%s:%s${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" MONO_PATH="%s" exec mono "%s" "$@"\n' \
      "$csdll" "$build" "$csdll" "$tmp/wrap_cs.exe" >"$tmp/wrap_cs.sh"
    chmod +x "$tmp/wrap_cs.sh"
    csarg="--cs $tmp/wrap_cs.sh"
  else
    echo "bench: the C# contender did not build (row 7 C# n/a):" >&2
    tail -5 "$tmp/cs-build.log" >&2
  fi
fi

mkdir -p "$(dirname "$json")"
ver=$("$nginx" -v 2>&1 | sed 's|.*nginx/||')
ulimit -n 8192 2>/dev/null || true
rc=0
if [ -n "$exec_cmd" ]; then
  # the pages of the quick and full sizes, as the driver would write them
  for n in 10000 50000 100000 1000000; do "$build/bench/bench_xapi" gen-pages "$tmp/www/pages" $n; done
  BENCH_DRIVER="$build/bench/bench_xapi" BENCH_HTTP_PORT=$http BENCH_HTTPS_PORT=$https BENCH_SLOW_PORT=$slow \
    BENCH_CA="$tmp/ca.pem" BENCH_DIR="$tmp" TMPDIR="$tmp" sh -c "$exec_cmd" || rc=$?
  exit $rc
fi
TMPDIR="$tmp" "$build/bench/bench_xapi" run $quick $only $rounds --json "$json" --http-port "$http" --https-port "$https" \
  $slowarg --ca "$tmp/ca.pem" --pages "$tmp/www/pages" --nginx "$ver" $lua $gobin $csarg || rc=$?
if [ -s "$tmp/error.log" ] && grep -q '\[\(error\|crit\|alert\|emerg\)\]' "$tmp/error.log"; then
  echo "bench: nginx reported errors:" >&2
  grep '\[\(error\|crit\|alert\|emerg\)\]' "$tmp/error.log" | head -5 >&2
fi
exit $rc
