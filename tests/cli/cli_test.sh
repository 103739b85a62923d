#!/bin/sh
# The threecx command-line tool against a plain-HTTP threecx-sim: listing and
# describing operations, calls with typed parameters, all eight options,
# null parameters, bodies, downloads to a file, HTTP errors (exit 1) and
# usage errors (exit 2), and the API key refused on the command line.
#   cli_test.sh THREECX THREECX_SIM [SPEC]
set -u
CLI=$1 SIM=$2 SPEC=${3:-}
DIR=$(mktemp -d /tmp/threecx-cli-XXXXXX)
PID=
PASS=0 FAIL=0
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT INT TERM
ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
expect() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
contains() { case "$2" in *"$3"*) ok ;; *) bad "$1: '$3' not in '$2'" ;; esac; }

if [ -n "$SPEC" ]; then set -- --spec "$SPEC"; else set --; fi
"$SIM" --http --host 127.0.0.1 --port 0 --ready-file "$DIR/port" --client cli:k3y-cli+1 --quiet "$@" &
PID=$!
i=0
while [ ! -s "$DIR/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$DIR/port" ] || { echo "threecx-sim did not start"; exit 1; }
export THREECX_DOMAIN="http://127.0.0.1:$(cat "$DIR/port")" THREECX_CLIENT_ID=cli THREECX_API_KEY=k3y-cli+1
export THREECX_ALLOW_HTTP=1
run() { "$CLI" "$@" >"$DIR/out" 2>"$DIR/err"; echo $?; }

expect "ops lists every operation" "$("$CLI" ops | wc -l | tr -d ' ')" 601
contains "ops WORD filters" "$("$CLI" ops Weblink)" "GetWeblink"
expect "describe" "$(run describe GetLogs)" 0
contains "describe: a nullable parameter" "$(cat "$DIR/out")" "parameter extension: string (nullable)"
contains "describe: options" "$(cat "$DIR/out")" '$filter $search $orderby $select $expand $count $top $skip'
expect "describe an unknown operation" "$(run describe NoSuchOperation)" 3

expect "all eight options" "$(run call ListSecurityRefreshToken --filter 'Id gt 0' --search a \
  --orderby 'Username asc,Id desc' --select Id,Username --expand Client --count --top 2 --skip 1)" 0
contains "eight options: @odata.count" "$(cat "$DIR/out")" '"@odata.count":'
expect "create from --body" "$(run call CreateWeblink --body '{"Link":"it'"'"'s a/b#c?","Name":"cli"}')" 0
printf '{"Name":"from a file"}' >"$DIR/body.json"
expect "update from --body @FILE" "$(run call UpdateWeblink "Link=it's a/b#c?" --body "@$DIR/body.json")" 0
expect "awkward key" "$(run call GetWeblink "Link=it's a/b#c?" --select Link,Name)" 0
contains "awkward key round trip" "$(cat "$DIR/out")" '"Name":"from a file"'
expect "date-times and --null" "$(run call GetLogs startDate=2026-01-01T00:00:00+02:00 endDate=2026-01-02T00:00:00Z \
  --null extension --null call --null severity --top 1)" 0
expect "download to --out" "$(run call DownloadRecording recId=1 --out "$DIR/rec.bin")" 0
[ -s "$DIR/rec.bin" ] && ok || bad "download: no file"
expect "get PATH" "$(run get /Defs --select Id)" 0
contains "get body" "$(cat "$DIR/out")" '"Id"'

expect "HTTP 404 is exit 1" "$(run call GetUser Id=987654)" 1
contains "404: OData code on stderr" "$(cat "$DIR/err")" "HTTP 404 NotFound"
expect "a bad integer is a usage error" "$(run call GetUser Id=abc)" 2
expect "a bad date-time is refused by the library" "$(run call GetLogs startDate=yesterday endDate=2026-01-02T00:00:00Z)" 3
contains "bad date-time: the library's message" "$(cat "$DIR/err")" "THREECX_E_INVALID_ARGUMENT"
expect "an option the operation does not take" "$(run call GetWeblink Link=x --top 3)" 3
contains "unsupported option named" "$(cat "$DIR/err")" '$top'
expect "unknown option" "$(run call GetUser Id=1 --bogus 1)" 2
expect "--api-key refused" "$(run call GetUser Id=1 --api-key secret)" 2
contains "--api-key: why" "$(cat "$DIR/err")" "THREECX_API_KEY only"
expect "no key in the environment" "$(THREECX_API_KEY= run call GetUser Id=1)" 3

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
