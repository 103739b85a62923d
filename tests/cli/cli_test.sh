#!/bin/sh
# The threecx command-line tool against plain-HTTP threecx-sim processes:
# listing/searching/describing operations and schemas, calls with typed
# parameters and every option, the table of usage errors (each with its
# message and exit 2), HTTP errors (exit 1), network failures (exit 3),
# -i, --out -, --body @-, --paginate, help, profiles (key file, command,
# permissions), a fleet of three PBXs with one down, and the completion
# scripts loaded by bash, zsh and fish.
#   cli_test.sh THREECX THREECX_SIM
set -u
CLI=$1 SIM=$2
DIR=$(mktemp -d /tmp/threecx-cli-XXXXXX)
PIDS=
PASS=0 FAIL=0
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$DIR"; }
trap cleanup EXIT INT TERM
ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
expect() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
contains() { case "$2" in *"$3"*) ok ;; *) bad "$1: '$3' not in '$2'" ;; esac; }
lacks() { case "$2" in *"$3"*) bad "$1: '$3' unexpectedly in '$2'" ;; *) ok ;; esac; }

# start_sim NAME [args]: a simulator; its port in $DIR/NAME.port
start_sim() {
  n=$1
  shift
  "$SIM" --http --host 127.0.0.1 --port 0 --ready-file "$DIR/$n.port" --client cli:k3y-cli+1 --quiet "$@" &
  PIDS="$PIDS $!"
  i=0
  while [ ! -s "$DIR/$n.port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
  [ -s "$DIR/$n.port" ] || { echo "threecx-sim did not start"; exit 1; }
}
start_sim a
start_sim b
PORT=$(cat "$DIR/a.port")
export THREECX_DOMAIN="http://127.0.0.1:$PORT" THREECX_CLIENT_ID=cli THREECX_API_KEY=k3y-cli+1
export THREECX_ALLOW_HTTP=1 THREECX_CONFIG="$DIR/none.conf"
unset THREECX_PROFILE THREECX_CA_FILE NO_COLOR 2>/dev/null
run() { "$CLI" "$@" >"$DIR/out" 2>"$DIR/err"; echo $?; }
out() { cat "$DIR/out"; }
err() { cat "$DIR/err"; }

# ---- ops, describe, schema, help --------------------------------------------
expect "ops lists every operation" "$("$CLI" ops | wc -l | tr -d ' ')" 601
contains "ops WORD filters" "$("$CLI" ops Weblink)" "GetWeblink"
expect "ops is case-insensitive" "$("$CLI" ops user | wc -l | tr -d ' ')" "$("$CLI" ops USER | wc -l | tr -d ' ')"
expect "ops user finds dozens" "$([ "$("$CLI" ops user | wc -l)" -gt 40 ] && echo yes)" yes
expect "ops with no match" "$(run ops Wbelink)" 0
contains "ops no match: suggestion" "$(err)" "did you mean"
expect "describe" "$(run describe GetLogs)" 0
contains "describe: a nullable parameter" "$(out)" "extension"
contains "describe: nullable" "$(out)" "nullable (--null NAME)"
contains "describe: options" "$(out)" "--filter --search --orderby --select/--fields --expand --count --top --skip"
expect "describe CreateWeblink" "$(run describe CreateWeblink)" 0
contains "describe: body schema" "$(out)" "Body: Pbx.Weblink"
contains "describe: body field" "$(out)" "  Link "
contains "describe: enum values of a nested field" "$(out)" "ChatOnly|PhoneAndChat"
contains "describe: response schema" "$(out)" "Response: Pbx.Weblink"
expect "describe ListUser --depth 0" "$(run describe ListUser --depth 0)" 0
contains "describe: collection response" "$(out)" "value"
lacks "describe --depth 0 does not expand" "$(out)" "    FirstName"
run describe ListUser --depth 1 >/dev/null
contains "describe --depth 1 expands the items" "$(out)" "    FirstName"
expect "schema User" "$(run schema user)" 0
contains "schema: any case, Pbx. optional" "$(out)" "Pbx.User"
contains "schema: a field" "$(out)" "FirstName"
expect "schema list" "$(run schema)" 0
expect "schema list has every schema" "$([ "$(wc -l <"$DIR/out")" -gt 590 ] && echo yes)" yes
expect "help" "$(run help)" 0
contains "help: exit status" "$(out)" "Exit status:"
expect "--help" "$(run --help)" 0
expect "call --help" "$(run call --help)" 0
contains "call --help is call's help" "$(out)" "Usage: threecx call OPERATION"
expect "call OP --help" "$(run call GetLogs --help)" 0
contains "call OP --help is the operation's help" "$(out)" "Usage: threecx call GetLogs startDate=VALUE"
expect "help OP" "$(run help GetUser)" 0
contains "help OP" "$(out)" "GET /Users({Id})"
expect "ops --help" "$(run ops --help)" 0
contains "ops --help" "$(out)" "Usage: threecx ops"
expect "--version" "$(run --version)" 0
contains "--version" "$(out)" "XAPI 20.0.10"
expect "no arguments: usage on stderr" "$(run)" 2
contains "no arguments" "$(err)" "Usage:"

# ---- the table of usage errors: each exits 2 with its message ---------------
# Lines: expected message <TAB> arguments (as the shell would split them).
TAB=$(printf '\t')
while IFS="$TAB" read -r msg args; do
  [ -z "$msg" ] && continue
  eval "set -- $args"
  rc=$(run "$@" </dev/null)
  expect "usage [$args] exit" "$rc" 2
  contains "usage [$args] message" "$(err)" "$msg"
  expect "usage [$args] nothing on stdout" "$(wc -c <"$DIR/out" | tr -d ' ')" 0
done <<'EOF'
--top: 'abc' is not a whole number >= 0	call ListUser --top abc
--top: '5x' is not a whole number >= 0	call ListUser --top 5x --skip abc
--skip: 'abc' is not a whole number >= 0	call ListUser --skip abc
--top: '-1' is not a whole number >= 0	call ListUser --top=-1
--top: '99999999999' is not a whole number >= 0	call ListUser --top 99999999999
--page-size: '0' is not	call ListUser --paginate --page-size 0
--timeout: '5s' is not a whole number of seconds	call ListUser --timeout 5s
--retry: 'many' is not a number of retries	call ListUser --retry many
--depth: 'x' is not a depth	describe GetUser --depth x
--top needs a value	call ListUser --top
unknown option '--bogus'	call GetUser Id=1 --bogus
did you mean --filter	call ListUser --filtr x
--count takes no value	call ListUser --count=yes
--top given twice	call ListUser --top 1 --top 2
--fields is the same as --select	call ListUser --fields Id --select Id
parameter Id: 'abc' is not an int32	call GetUser Id=abc
parameter Id: '2147483648' is not an int32	call GetUser Id=2147483648
parameter Id: '1.5' is not an int32	call GetUser Id=1.5
parameter startDate: 'yesterday' is not a date-time	call GetLogs startDate=yesterday endDate=2026-01-02T00:00:00Z --null extension --null call --null severity
parameter startDate: '2026-01-01' is not a date-time	call GetLogs startDate=2026-01-01 endDate=2026-01-02T00:00:00Z --null extension --null call --null severity
parameter strict: 'yes' is not a bool (true or false)	call GetConverterRequestStatus strict=yes
parameter Id: 'xyz' is not a GUID (8-4-4-4-12 hex digits)	call GetOAuthClient Id=xyz
no XAPI operation 'GetUsr'	call GetUsr Id=1
did you mean GetUser	call getuser Id=1
GetUser needs parameter Id (int32)	call GetUser
GetUser has no parameter 'id'	call GetUser id=3
did you mean Id	call GetUser id=3
parameter Id given twice	call GetUser Id=1 Id=2
--null Id: parameter Id of GetUser is not nullable	call GetUser --null Id
GetWeblink does not take --top	call GetWeblink Link=x --top 3
GetUser takes no body	call GetUser Id=1 --body {}
--body: 	call CreateWeblink --body {nope
--body: cannot read /nonexistent/b.json	call CreateWeblink --body @/nonexistent/b.json
--paginate: GetUser does not return a collection	call GetUser Id=1 --paginate
--jsonl goes with --paginate	call ListUser --jsonl
give --pretty or --compact, not both	call ListUser --pretty --compact
--page-size goes with --paginate	call ListUser --page-size 5
--paginate does not go with --out	call ListUser --paginate --out x.json
--paginate does not go with --include	call ListUser --paginate -i
--profiles prints one JSON line per PBX	call ListUser --profiles a,b --paginate
give --profile or --profiles, not both	call ListUser --profiles a,b --profile a
--include takes no value	call ListUser --include=yes
--filter: the value is empty	call ListUser --filter=
ListUser does not take --if-match	call ListUser --if-match x
unexpected argument 'Id' (parameters are Name=value)	call GetUser Id
get: PATH must start with '/'	get Users
unknown command 'cal'	cal GetUser
did you mean call	cal GetUser
to send operation GetUser: threecx call GetUser	GetUser Id=1
--api-key: the API key is read from THREECX_API_KEY	call GetUser Id=1 --api-key secret
--top does not apply to threecx ops	ops --top 1
describe takes one OPERATION	describe
no XAPI operation 'Nope'	describe Nope
no help topic 'nonsense'	help nonsense
completion: 'tcsh' is not bash, zsh or fish	completion tcsh
no profile 'nope'	call ListUser --profile nope
--profiles: no profile 'x'	call ListUser --profiles x
no schema 'Usr'	schema Usr
EOF
lacks "--api-key: the key is not echoed" "$(err)" "secret"

# ---- calls ------------------------------------------------------------------
expect "all eight options" "$(run call ListSecurityRefreshToken --filter 'Id gt 0' --search a \
  --orderby 'Username asc,Id desc' --select Id,Username --expand Client --count --top 2 --skip 1)" 0
contains "eight options: @odata.count" "$(out)" '"@odata.count":'
expect "piped output is compact" "$(wc -l <"$DIR/out" | tr -d ' ')" 1
expect "--pretty indents" "$(run call ListUser --top 1 --fields Id --pretty)" 0
contains "--pretty: indented" "$(out)" '
  "value": ['
lacks "--pretty on a pipe: no colours" "$(out)" "$(printf '\033')"
expect "--fields is \$select" "$(run call ListUser --top 1 --fields Number)" 0
contains "--fields: Number" "$(out)" '"Number"'
lacks "--fields: no FirstName" "$(out)" '"FirstName"'
expect "create from --body" "$(run call CreateWeblink --body '{"Link":"it'"'"'s a/b#c?","Name":"cli"}')" 0
printf '{"Name":"from a file"}' >"$DIR/body.json"
expect "update from --body @FILE" "$(run call UpdateWeblink "Link=it's a/b#c?" --body "@$DIR/body.json")" 0
expect "awkward key" "$(run call GetWeblink "Link=it's a/b#c?" --select Link,Name)" 0
contains "awkward key round trip" "$(out)" '"Name":"from a file"'
printf '{"Name":"from stdin"}' | "$CLI" call UpdateWeblink "Link=it's a/b#c?" --body @- >"$DIR/out" 2>"$DIR/err"
expect "--body @- reads standard input" "$?" 0
run call GetWeblink "Link=it's a/b#c?" >/dev/null
contains "--body @- round trip" "$(out)" '"Name":"from stdin"'
expect "--body @- with standard input closed" "$("$CLI" call CreateWeblink --body @- <&- >/dev/null 2>"$DIR/err"; echo $?)" 2
contains "--body @- closed: named" "$(err)" "--body: cannot read"
expect "--body @- empty" "$(run call CreateWeblink --body @- </dev/null)" 2
contains "--body @- empty: the JSON error" "$(err)" "--body: malformed JSON body"
expect "date-times and --null" "$(run call GetLogs startDate=2026-01-01T00:00:00+02:00 endDate=2026-01-02T00:00:00Z \
  --null extension --null call --null severity --top 1)" 0
expect "download to --out" "$(run call DownloadRecording recId=1 --out "$DIR/rec.bin")" 0
[ -s "$DIR/rec.bin" ] && ok || bad "download: no file"
expect "download: stdout empty" "$(wc -c <"$DIR/out" | tr -d ' ')" 0
expect "download: no progress when stderr is not a terminal" "$(wc -c <"$DIR/err" | tr -d ' ')" 0
expect "no temporary file left" "$(ls "$DIR" | grep -c part)" 0
"$CLI" call DownloadRecording recId=1 --out - >"$DIR/rec2.bin" 2>"$DIR/err"
expect "--out - writes standard output" "$?" 0
expect "--out - same bytes" "$(cmp -s "$DIR/rec.bin" "$DIR/rec2.bin" && echo same)" same
expect "--out - creates no file named -" "$([ -e ./- ] && echo exists || echo none)" none
expect "get PATH" "$(run get /Defs --select Id)" 0
contains "get body" "$(out)" '"Id"'

# -i / --include
expect "-i" "$(run call GetUser Id=1 -i --fields Id)" 0
contains "-i: status line" "$(head -n 1 "$DIR/out")" "HTTP 200"
contains "-i: a header" "$(out)" "Content-Type: application/json"
# every header as received, not a fixed list (Keep-Alive was never on it)
contains "-i: every header" "$(out)" "Keep-Alive: timeout="
contains "-i: the ETag" "$(out)" 'ETag: W/"'

contains "-i: the body after a blank line" "$(out)" '
{"Id":1'
expect "--include on an HTTP error" "$(run call GetUser Id=987654 --include)" 1
contains "--include 404 status" "$(head -n 1 "$DIR/out")" "HTTP 404"

# HTTP errors: exit 1, body still printed
expect "HTTP 404 is exit 1" "$(run call GetUser Id=987654)" 1
contains "404: OData code on stderr" "$(err)" "HTTP 404 NotFound"
contains "404: body on stdout" "$(out)" '"error"'

# ---- --paginate -------------------------------------------------------------
n=$("$CLI" call ListSecurityRefreshToken --count --top 0 | sed 's/.*"@odata.count":\([0-9]*\).*/\1/')
expect "--paginate merged array" "$(run call ListSecurityRefreshToken --paginate --page-size 3 --fields Id)" 0
expect "--paginate: one array with every item" "$(grep -o '"Id":' "$DIR/out" | wc -l | tr -d ' ')" "$n"
contains "--paginate: an array" "$(head -c 1 "$DIR/out")" "["
expect "--paginate --jsonl" "$(run call ListSecurityRefreshToken --paginate --jsonl --page-size 4 --fields Id)" 0
expect "--jsonl: one line per item" "$(wc -l <"$DIR/out" | tr -d ' ')" "$n"
expect "--paginate --top limits" "$(run call ListSecurityRefreshToken --paginate --jsonl --page-size 2 --top 5 --fields Id)" 0
expect "--paginate --top 5: five items" "$(wc -l <"$DIR/out" | tr -d ' ')" 5
expect "get --paginate" "$(run get /Users --paginate --jsonl --page-size 1 --fields Id)" 0
expect "get --paginate: every user" "$(wc -l <"$DIR/out" | tr -d ' ')" \
  "$("$CLI" call ListUser --count --top 0 | sed 's/.*"@odata.count":\([0-9]*\).*/\1/')"
expect "--paginate of a bad filter: HTTP error" "$(run call ListUser --paginate --filter 'Nope eq 1')" 1
expect "--paginate error before any item: only the error body on stdout" "$(head -c 8 "$DIR/out")" "{\"error\""

# ---- advice in the CLI's terms; failures are exit 3 -------------------------
expect "http:// refused without --allow-http" "$(THREECX_ALLOW_HTTP= run call GetUser Id=1)" 3
contains "http advice: THREECX_ALLOW_HTTP=1" "$(err)" "THREECX_ALLOW_HTTP=1 or pass --allow-http"
lacks "no advice for C programmers" "$(err)" "threecx_client_allow_http"
expect "--allow-http" "$(THREECX_ALLOW_HTTP= run --allow-http call GetUser Id=1 --fields Id)" 0
expect "no key in the environment" "$(THREECX_API_KEY= run call GetUser Id=1)" 2
contains "no key: what to set" "$(err)" "THREECX_API_KEY"
expect "wrong key: auth failure is exit 3" "$(THREECX_API_KEY=wrong run call GetUser Id=1)" 3
contains "auth advice" "$(err)" "check the Client ID and API key"
expect "nothing listening: exit 3" "$(THREECX_DOMAIN=http://127.0.0.1:9 run call GetUser Id=1)" 3
expect "https to a plain-HTTP port: exit 3" "$(THREECX_DOMAIN=https://127.0.0.1:$PORT run --timeout 5 call GetUser Id=1)" 3
contains "TLS advice: --ca-file" "$(err)" "--ca-file"

# ---- --retry, --timeout, an interrupted download -----------------------------
fault() { curl -s -o /dev/null -w '%{http_code}' -X "$1" -H 'Content-Type: application/json' ${2:+--data "$2"} \
  "http://127.0.0.1:$PORT/_sim/faults"; }
expect "fault: 503 once" "$(fault POST '{"path":"^/Users\\(1\\)","status":503,"times":1}')" 201
expect "503 without --retry: exit 1" "$(run call GetUser Id=1 --fields Id)" 1
expect "fault: 503 once again" "$(fault POST '{"path":"^/Users\\(1\\)","status":503,"times":1}')" 201
expect "503 with --retry 2: retried, exit 0" "$(run call GetUser Id=1 --fields Id --retry 2)" 0
contains "--retry: the answer" "$(out)" '"Id":1'
expect "fault: latency" "$(fault POST '{"path":"^/Users\\(2\\)","latency_ms":2500,"times":1}')" 201
expect "--timeout 1 on a slow answer: exit 3" "$(run call GetUser Id=2 --timeout 1)" 3
contains "--timeout: the error" "$(err)" "THREECX_E_TIMEOUT"
contains "--timeout: the advice" "$(err)" "--timeout SECONDS"
expect "fault: slow download" "$(fault POST '{"path":"^/Recordings","latency_ms":3000,"times":1}')" 201
"$CLI" call DownloadRecording recId=1 --out "$DIR/cut.bin" >/dev/null 2>&1 &
cpid=$!
i=0
while ! ls "$DIR" | grep -q 'cut.bin.part' && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
expect "download in progress: a temporary file" "$(ls "$DIR" | grep -c 'cut.bin.part')" 1
kill -TERM "$cpid"
wait "$cpid" 2>/dev/null
expect "SIGTERM: killed by the signal" "$?" 143
expect "SIGTERM: temporary file removed" "$(ls "$DIR" | grep -c 'cut.bin')" 0
fault DELETE >/dev/null

# ---- profiles ---------------------------------------------------------------
CONF="$DIR/config"
printf 'k3y-cli+1\n' >"$DIR/good.key"
chmod 600 "$DIR/good.key"
cp "$DIR/good.key" "$DIR/open.key"
chmod 644 "$DIR/open.key"
cat >"$CONF" <<EOF
# test profiles
[a]
domain = http://127.0.0.1:$(cat "$DIR/a.port")
client_id = cli
api_key_file = $DIR/good.key
allow_http = true

[b]
domain = http://127.0.0.1:$(cat "$DIR/b.port")
client_id = cli
api_key_command = cat '$DIR/good.key'
allow_http = true
timeout = 10
retry = 1

[down]
domain = http://127.0.0.1:9
client_id = cli
api_key_env = DOWN_KEY
allow_http = true
timeout = 5

[open]
domain = http://127.0.0.1:$(cat "$DIR/a.port")
client_id = cli
api_key_file = $DIR/open.key
allow_http = true

[failing]
domain = http://127.0.0.1:$(cat "$DIR/a.port")
client_id = cli
api_key_command = exit 7
allow_http = true
EOF
export THREECX_CONFIG="$CONF"
expect "profiles lists them" "$(run profiles)" 0
contains "profiles: names" "$(out)" "down"
expect "--profile a (key file)" "$(env -u THREECX_API_KEY "$CLI" --profile a call GetUser Id=1 --fields Id >"$DIR/out" 2>"$DIR/err"; echo $?)" 0
contains "--profile a answer" "$(out)" '"Id":1'
expect "--profile b (key command)" "$(env -u THREECX_API_KEY "$CLI" call GetUser Id=1 --fields Id --profile b >"$DIR/out" 2>"$DIR/err"; echo $?)" 0
expect "THREECX_PROFILE=b" "$(THREECX_PROFILE=b run call GetUser Id=1 --fields Id)" 0
expect "key file readable by others refused" "$(run --profile open call GetUser Id=1)" 2
contains "key file mode named" "$(err)" "readable by group or others (mode 0644)"
contains "key file: the fix" "$(err)" "chmod 600"
expect "key command failing refused" "$(run --profile failing call GetUser Id=1)" 2
contains "key command failure" "$(err)" "api_key_command failed (exit status 7)"
printf '[x]\napi_key = plain\n' >"$DIR/bad.conf"
expect "api_key in the config refused" "$(THREECX_CONFIG="$DIR/bad.conf" run --profile x call GetUser Id=1)" 2
contains "api_key: the alternatives" "$(err)" "bad.conf:2: the API key is not kept in the config file"
printf '[x]\ndomian = y\n' >"$DIR/bad.conf"
expect "unknown config key" "$(THREECX_CONFIG="$DIR/bad.conf" run --profile x call GetUser Id=1)" 2
contains "unknown config key named" "$(err)" "bad.conf:2: unknown key 'domian'"
printf '[default]\ndomain = http://127.0.0.1:%s\nclient_id = cli\napi_key_file = %s\nallow_http = true\n' \
  "$(cat "$DIR/a.port")" "$DIR/good.key" >"$DIR/default.conf"
expect "[default] used without THREECX_DOMAIN" \
  "$(env -u THREECX_DOMAIN -u THREECX_API_KEY THREECX_CONFIG="$DIR/default.conf" "$CLI" call GetUser Id=1 >/dev/null 2>&1; echo $?)" 0

# ---- a fleet: three PBXs, one down ------------------------------------------
rc=$(DOWN_KEY=k3y-cli+1 run --profiles a,b,down call GetUser Id=1 --fields Id,Number)
expect "fleet with one down: exit 3" "$rc" 3
expect "fleet: one line per PBX" "$(wc -l <"$DIR/out" | tr -d ' ')" 3
contains "fleet: a" "$(out)" '{"profile":"a","status":200,"body":{"Id":1,"Number":"100"'
contains "fleet: b" "$(out)" '{"profile":"b","status":200,"body":{"Id":1'
contains "fleet: down is an error line" "$(out)" '{"profile":"down","error":"THREECX_E_NETWORK"'
rc=$(run --profiles a,b call GetUser Id=987654)
expect "fleet with HTTP errors: exit 1" "$rc" 1
expect "fleet 404 lines" "$(grep -c '"status":404' "$DIR/out")" 2
expect "fleet all healthy" "$(run --profiles a,b call ListUser --top 1 --fields Id)" 0
expect "fleet: --profiles all includes the refused key" "$(DOWN_KEY=x run --profiles all call GetUser Id=1 --fields Id)" 3
contains "fleet all: the refused key file is a config error line" "$(out)" '{"profile":"open","error":"config"'
expect "fleet: 5 lines for all" "$(wc -l <"$DIR/out" | tr -d ' ')" 5

# ---- completion -------------------------------------------------------------
if command -v bash >/dev/null 2>&1; then
  "$CLI" completion bash >"$DIR/threecx.bash"
  PATH="$(dirname "$CLI"):$PATH" bash -c '
    . "$1"
    COMP_WORDS=(threecx call ListSecurityRef); COMP_CWORD=2; _threecx; printf "%s\n" "${COMPREPLY[@]}"
    echo ---
    COMP_WORDS=(threecx ca); COMP_CWORD=1; _threecx; printf "%s\n" "${COMPREPLY[@]}"
    echo ---
    COMP_WORDS=(threecx call GetLogs st); COMP_CWORD=3; _threecx; printf "%s\n" "${COMPREPLY[@]}"
    echo ---
    COMP_WORDS=(threecx --profile d); COMP_CWORD=2; _threecx; printf "%s\n" "${COMPREPLY[@]}"
  ' sh "$DIR/threecx.bash" >"$DIR/out" 2>"$DIR/err"
  expect "bash completion loads and runs" "$?" 0
  contains "bash completes operation ids" "$(out)" "ListSecurityRefreshToken"
  contains "bash completes commands" "$(out)" "call"
  contains "bash completes parameter names" "$(out)" "startDate="
  contains "bash completes profile names" "$(out)" "down"
else
  bad "bash not found"
fi
mkdir -p "$DIR/zfunc"
"$CLI" completion zsh >"$DIR/zfunc/_threecx"
"$CLI" completion fish >"$DIR/threecx.fish"
if command -v zsh >/dev/null 2>&1; then
  # compinit finds it on $fpath; then the function runs with compadd
  # stubbed to print what it would offer (zsh filters by prefix itself).
  expect "zsh: compinit registers _threecx" \
    "$(HOME=$DIR zsh -fc 'fpath=("$1" $fpath); autoload -U compinit; compinit -u -D; print -r -- $_comps[threecx]' zsh "$DIR/zfunc" 2>&1)" _threecx
  PATH="$(dirname "$CLI"):$PATH" zsh -fc '
    compadd() { while [[ $1 == -* ]]; do [[ $1 == -- ]] && { shift; break }; [[ $1 == -S ]] && shift; shift; done; print -rl -- "$@" }
    compdef() { : }
    source "$1"
    words=(threecx call ListSecurityRef); CURRENT=3; _threecx
    words=(threecx call GetLogs st); CURRENT=4; _threecx
    words=(threecx --profiles d); CURRENT=3; _threecx' zsh "$DIR/zfunc/_threecx" >"$DIR/out" 2>"$DIR/err"
  expect "zsh completion runs" "$?" 0
  contains "zsh completes operation ids" "$(out)" "ListSecurityRefreshToken"
  contains "zsh completes parameter names" "$(out)" "startDate="
  contains "zsh completes profile names" "$(out)" "down"
else
  bad "zsh not found (tools/install-deps.sh installs it)"
fi
if command -v fish >/dev/null 2>&1; then
  PATH="$(dirname "$CLI"):$PATH" HOME=$DIR fish --no-config -c 'source $argv[1]
    complete -C "threecx call ListSecurityRef"; complete -C "threecx call GetLogs st"
    complete -C "threecx ca"; complete -C "threecx --profile d"' "$DIR/threecx.fish" >"$DIR/out" 2>"$DIR/err"
  expect "fish completion runs" "$?" 0
  contains "fish completes operation ids" "$(out)" "ListSecurityRefreshToken"
  contains "fish completes parameter names" "$(out)" "startDate="
  contains "fish completes commands" "$(out)" "call"
  contains "fish completes profile names" "$(out)" "down"
else
  bad "fish not found (tools/install-deps.sh installs it)"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
