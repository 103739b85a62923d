#!/bin/sh
# The command line under valgrind memcheck (valgrind builds only: the other
# CLI tests run it natively): paging, a fleet with one PBX down (threads),
# a streamed download, -i, describe/schema, profiles, usage errors. Each run
# must end with its usual exit status, not valgrind's 99.
#   memcheck.sh THREECX THREECX_SIM
set -u
CLI=$1 SIM=$2
DIR=$(mktemp -d /tmp/threecx-cli-vg-XXXXXX)
PID=
PASS=0 FAIL=0
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT INT TERM
VG="valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --track-origins=yes --quiet"
"$SIM" --http --host 127.0.0.1 --port 0 --ready-file "$DIR/port" --client cli:k3y-vg --quiet &
PID=$!
i=0
while [ ! -s "$DIR/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$DIR/port" ] || { echo "threecx-sim did not start"; exit 1; }
export THREECX_DOMAIN="http://127.0.0.1:$(cat "$DIR/port")" THREECX_CLIENT_ID=cli THREECX_API_KEY=k3y-vg
export THREECX_ALLOW_HTTP=1 THREECX_CONFIG="$DIR/config"
printf 'k3y-vg\n' >"$DIR/key"
chmod 600 "$DIR/key"
printf '[a]\ndomain = %s\nclient_id = cli\napi_key_file = %s\nallow_http = true\n[down]\ndomain = http://127.0.0.1:9\nclient_id = cli\nallow_http = true\n[cmd]\ndomain = %s\nclient_id = cli\napi_key_command = cat %s\nallow_http = true\n' \
  "$THREECX_DOMAIN" "$DIR/key" "$THREECX_DOMAIN" "$DIR/key" >"$DIR/config"
# vg WANT ARGS...: runs the CLI under memcheck, expects exit WANT
vg() {
  want=$1
  shift
  $VG "$CLI" "$@" >"$DIR/out" 2>"$DIR/err" </dev/null
  rc=$?
  if [ "$rc" = "$want" ]; then PASS=$((PASS + 1)); else FAIL=$((FAIL + 1)); echo "FAIL: threecx $*: exit $rc, want $want"; cat "$DIR/err"; fi
}
vg 0 call ListSecurityRefreshToken --paginate --page-size 5 --pretty
vg 0 call ListSecurityRefreshToken --paginate --jsonl --page-size 7 --top 12
vg 3 --profiles a,down,cmd call GetUser Id=1 --fields Id
vg 0 call DownloadRecording recId=1 --out "$DIR/rec.bin" -i
vg 0 call DownloadRecording recId=1 --out -
vg 1 call GetUser Id=987654 -i
vg 0 describe CreateWeblink --depth 3
vg 0 schema user
vg 0 ops wbelink
vg 0 --profile a call GetUser Id=1
vg 2 call GetUsr Id=1
vg 2 call GetLogs startDate=yesterday endDate=x
vg 2 call ListUser --top 5x
vg 0 completion bash
vg 0 help
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
