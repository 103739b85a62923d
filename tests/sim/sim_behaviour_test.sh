#!/bin/sh
# sim_behaviour_test: starts the real threecx-sim on an ephemeral loopback
# port (HTTPS with its generated CA) and checks with curl: the token rules,
# every fault kind, the recorder, string keys with If-Match, the phase-2
# spec routes, --state, --fault and a clean exit on SIGTERM; the default CA
# in a private directory, planted symlinks never followed, --tls-dir, the
# export line, GET /, $metadata, fault patterns that would backtrack forever,
# range-checked numbers, 40 half-open connections, --log-requests.
# usage: sim_behaviour_test.sh PATH/TO/threecx-sim SPEC.json (the vendored spec, for --spec)
set -u
SIM=${1:?usage: sim_behaviour_test.sh threecx-sim SPEC.json}
SPEC=${2:?usage: sim_behaviour_test.sh threecx-sim SPEC.json}
DIR=$(mktemp -d /tmp/sim-behaviour-XXXXXX)
PID=
PASS=0
FAIL=0

cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
expect() {  # expect WHAT GOT WANT
  if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi
}
contains() {  # contains WHAT HAYSTACK NEEDLE
  case "$2" in *"$3"*) ok ;; *) bad "$1: '$3' not in '$2'" ;; esac
}

# start_sim NAME ARGS...: starts the simulator, sets PID and BASE
start_sim() {
  name=$1
  shift
  rm -f "$DIR/$name.port"
  "$SIM" --host 127.0.0.1 --port 0 --ready-file "$DIR/$name.port" --ca-out "$DIR/ca.pem" "$@" \
    >"$DIR/$name.out" 2>"$DIR/$name.err" &
  PID=$!
  i=0
  while [ ! -s "$DIR/$name.port" ] && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  if [ ! -s "$DIR/$name.port" ]; then
    echo "threecx-sim did not start"; cat "$DIR/$name.err"; exit 1
  fi
  PORT=$(cat "$DIR/$name.port")
  BASE="https://127.0.0.1:$PORT"
}

stop_sim() {
  kill -TERM "$PID"
  wait "$PID"
  rc=$?
  PID=
  expect "exit status after SIGTERM" "$rc" 0
}

C() { curl -sS --max-time 10 --cacert "$DIR/ca.pem" "$@"; }
# status METHOD URL [curl args]: prints the HTTP status
status() {
  m=$1
  u=$2
  shift 2
  C -o "$DIR/body" -D "$DIR/headers" -w '%{http_code}' -X "$m" "$@" "$BASE$u"
}
token() {  # token ID SECRET: prints the access token
  C -d "client_id=$1" -d "client_secret=$2" -d grant_type=client_credentials "$BASE/connect/token" |
    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}
header() { tr -d '\r' <"$DIR/headers" | sed -n "s/^$1: //Ip" | head -n 1; }
body() { cat "$DIR/body"; }

start_sim main --client test:secret --client limited:k2:SystemAdmin
contains "banner" "$(cat "$DIR/main.out")" "threecx-sim listening on https://127.0.0.1:$PORT"
contains "credentials line" "$(cat "$DIR/main.out")" "client_id=test api_key=secret role=SystemOwner"

# ---- OAuth ----
expect "bad secret" "$(status POST /connect/token -d client_id=test -d client_secret=nope -d grant_type=client_credentials)" 400
contains "bad secret error" "$(body)" '"error":"invalid_client"'
expect "unknown client" "$(status POST /connect/token -d client_id=who -d client_secret=secret -d grant_type=client_credentials)" 400
contains "unknown client error" "$(body)" '"error":"invalid_client"'
expect "bad grant" "$(status POST /connect/token -d client_id=test -d client_secret=secret -d grant_type=password)" 400
contains "bad grant error" "$(body)" '"error":"unsupported_grant_type"'
expect "no body at all" "$(status POST /connect/token)" 400
contains "no body: 3CX's error" "$(body)" '"error":"invalid_request"'
expect "missing secret" "$(status POST /connect/token -d client_id=test -d grant_type=client_credentials)" 400
contains "missing secret error" "$(body)" '"error":"invalid_request"'
expect "token" "$(status POST /connect/token -d client_id=test -d client_secret=secret -d grant_type=client_credentials)" 200
contains "token type" "$(body)" '"token_type":"Bearer"'
contains "expires_in" "$(body)" '"expires_in":3600'
contains "refresh_token" "$(body)" '"refresh_token":null'
T1=$(sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p' "$DIR/body")
[ ${#T1} -ge 40 ] && ok || bad "token shorter than 40: $T1"
expect "first token works" "$(status GET /xapi/v1/SecurityTokens -H "Authorization: Bearer $T1")" 200
contains "23 seeded tokens" "$(status GET '/xapi/v1/SecurityTokens?$count=true&$top=0' -H "Authorization: Bearer $T1"; body)" '"@odata.count":23'
T2=$(token test secret)
expect "second token kills the first" "$(status GET /xapi/v1/SecurityTokens -H "Authorization: Bearer $T1")" 401
expect "401 WWW-Authenticate" "$(header WWW-Authenticate)" Bearer
expect "401 empty body" "$(wc -c <"$DIR/body" | tr -d ' ')" 0
expect "second token works" "$(status GET /xapi/v1/SecurityTokens -H "Authorization: Bearer $T2")" 200
contains "X-3CX-Version" "$(header X-3CX-Version)" 20.0.10.
expect "no Authorization" "$(status GET /xapi/v1/SecurityTokens)" 401
expect "garbage token" "$(status GET /xapi/v1/SecurityTokens -H 'Authorization: Bearer nope')" 401
L=$(token limited k2)
expect "other client's token is independent" "$(status GET /xapi/v1/SecurityTokens -H "Authorization: Bearer $T2")" 200
expect "role: 403 on ReportCallLogData" "$(status GET '/xapi/v1/ReportCallLogData' -H "Authorization: Bearer $L")" 403
contains "403 OData error" "$(body)" '"error":{"code":'
expect "expire-tokens" "$(status POST /_sim/expire-tokens -d '{}')" 200
expect "expired token" "$(status GET /xapi/v1/SecurityTokens -H "Authorization: Bearer $T2")" 401
expect "config lifetime" "$(status POST /_sim/config -d '{"token_lifetime":1}')" 200
contains "short lifetime" "$(C -d client_id=test -d client_secret=secret -d grant_type=client_credentials "$BASE/connect/token")" '"expires_in":1,'
T3=$(token test secret)
sleep 2
expect "token past its lifetime" "$(status GET /xapi/v1/SecurityTokens -H "Authorization: Bearer $T3")" 401
status POST /_sim/config -d '{"token_lifetime":3600}' >/dev/null
T=$(token test secret)
A="Authorization: Bearer $T"

# ---- OData and 404 ----
expect "bad filter" "$(status GET '/xapi/v1/SecurityTokens?$filter=Foo%20eq%201' -H "$A")" 400
contains "bad filter message" "$(body)" "Foo"
expect "negative top" "$(status GET '/xapi/v1/SecurityTokens?$top=-1' -H "$A")" 400
expect "unknown option" "$(status GET '/xapi/v1/SecurityTokens?$bogus=1' -H "$A")" 400
expect "Defs" "$(status GET '/xapi/v1/Defs?$select=Id' -H "$A")" 200
contains "Defs body" "$(body)" '"Id"'
expect "no route" "$(status GET /xapi/v1/NoSuchThing -H "$A")" 404
contains "no route message" "$(body)" '"code":"NotFound"'

# ---- string keys, If-Match, recorder ----
KEY="it's a/b#c?d%e f+g&h=ü東 ''x"
ENC="%27it%27%27s%20a%2Fb%23c%3Fd%25e%20f%2Bg%26h%3D%C3%BC%E6%9D%B1%20%27%27%27%27x%27"
expect "create link" "$(status POST /xapi/v1/WebsiteLinks -H "$A" -H 'Content-Type: application/json' --data-binary "{\"Link\":\"it's a/b#c?d%e f+g&h=ü東 ''x\",\"Name\":\"odd\"}")" 201
expect "create duplicate" "$(status POST /xapi/v1/WebsiteLinks -H "$A" -H 'Content-Type: application/json' --data-binary "{\"Link\":\"it's a/b#c?d%e f+g&h=ü東 ''x\"}")" 400
expect "create non-object" "$(status POST /xapi/v1/WebsiteLinks -H "$A" -H 'Content-Type: application/json' --data-binary '[1]')" 400
expect "read odd key" "$(status GET "/xapi/v1/WebsiteLinks($ENC)" -H "$A")" 200
contains "odd key body" "$(body)" "\"Name\":\"odd\""
ETAG=$(header ETag)
contains "ETag header" "$ETAG" 'W/"'
expect "patch" "$(status PATCH "/xapi/v1/WebsiteLinks($ENC)" -H "$A" -H 'Content-Type: application/json' -d '{"Name":"odder"}')" 204
expect "delete stale If-Match" "$(status DELETE "/xapi/v1/WebsiteLinks($ENC)" -H "$A" -H "If-Match: $ETAG")" 412
status GET "/xapi/v1/WebsiteLinks($ENC)" -H "$A" >/dev/null
contains "patched" "$(body)" "odder"
ETAG2=$(header ETag)
expect "delete with If-Match" "$(status DELETE "/xapi/v1/WebsiteLinks($ENC)" -H "$A" -H "If-Match: $ETAG2")" 204
expect "gone" "$(status GET "/xapi/v1/WebsiteLinks($ENC)" -H "$A")" 404
NEXT=$(C "$BASE/_sim/requests?since=0" | sed -n 's/^{"next":\([0-9]*\).*/\1/p')
status GET "/xapi/v1/WebsiteLinks($ENC)?\$select=Name" -H "$A" -H 'If-Match: W/"9"' >/dev/null
REC=$(C "$BASE/_sim/requests?since=$NEXT")
contains "recorder raw target" "$REC" "\"target\":\"/xapi/v1/WebsiteLinks($ENC)?\$select=Name\""
contains "recorder query" "$REC" '"query":"$select=Name"'
contains "recorder If-Match" "$REC" '"If-Match":"W/\"9\""'
case "$REC" in *uthorization*) bad "recorder keeps Authorization" ;; *) ok ;; esac

# ---- faults ----
expect "fault 503" "$(status POST /_sim/faults -d '{"path":"^/SecurityTokens","method":"GET","status":503,"code":"Busy","message":"try later","retry_after":"3","times":1}')" 201
contains "fault id" "$(body)" '"id":'
expect "faulted" "$(status GET /xapi/v1/SecurityTokens -H "$A")" 503
expect "Retry-After" "$(header Retry-After)" 3
contains "fault body" "$(body)" '"code":"Busy"'
expect "times:1 used up" "$(status GET /xapi/v1/SecurityTokens -H "$A")" 200
status POST /_sim/faults -d '{"path":"^/SecurityTokens","method":"POST","status":500}' >/dev/null
expect "method-specific rule skips GET" "$(status GET /xapi/v1/SecurityTokens -H "$A")" 200
status DELETE /_sim/faults >/dev/null
status POST /_sim/faults -d '{"path":"^/SecurityTokens","latency_ms":600,"times":1}' >/dev/null
T0=$(date +%s%N)
expect "latency answers normally" "$(status GET /xapi/v1/SecurityTokens -H "$A")" 200
MS=$((($(date +%s%N) - T0) / 1000000))
[ "$MS" -ge 550 ] && ok || bad "latency: answered after ${MS} ms"
status POST /_sim/faults -d '{"path":"^/SecurityTokens","drop":true,"times":1}' >/dev/null
C -o /dev/null -H "$A" "$BASE/xapi/v1/SecurityTokens" 2>/dev/null
RC=$?
[ "$RC" -ne 0 ] && ok || bad "drop: curl succeeded"
status POST /_sim/faults -d '{"path":"^/SecurityTokens","truncate":true,"times":1}' >/dev/null
C -o /dev/null -H "$A" "$BASE/xapi/v1/SecurityTokens" 2>/dev/null
expect "truncate: partial body (curl 18)" "$?" 18
status POST /_sim/faults -d '{"path":"^/SecurityTokens","malformed":true,"times":1}' >/dev/null
expect "malformed status" "$(status GET /xapi/v1/SecurityTokens -H "$A")" 200
case "$(body)" in *'}]}') bad "malformed body looks complete" ;; *) ok ;; esac
status POST /_sim/faults -d '{"path":"^/connect/token","status":500,"times":1}' >/dev/null
expect "token endpoint fault" "$(status POST /connect/token -d client_id=test -d client_secret=secret -d grant_type=client_credentials)" 500
status POST /_sim/faults -d '{"path":"^/SecurityTokens","status":500}' >/dev/null
expect "clear faults" "$(status DELETE /_sim/faults)" 200
expect "cleared" "$(status GET /xapi/v1/SecurityTokens -H "$A")" 200
expect "bad fault regex" "$(status POST /_sim/faults -d '{"path":"(","status":500}')" 400
STATS=$(C "$BASE/_sim/stats")
for k in token_requests tokens_issued xapi_requests unauthorized; do contains "stats $k" "$STATS" "\"$k\":"; done
expect "reset" "$(status POST /_sim/reset -d '{}')" 200
contains "stats after reset" "$(C "$BASE/_sim/stats")" '"xapi_requests":0'
contains "no connection counted after reset" "$(C "$BASE/_sim/stats")" '"connections":0'
# one curl run, two requests on one kept-alive connection; then a second run
C -o /dev/null -o /dev/null -H "$A" "$BASE/xapi/v1/SecurityTokens" "$BASE/xapi/v1/SecurityTokens" 2>/dev/null
contains "two requests on one connection" "$(C "$BASE/_sim/stats")" '"connections":1}'
C -o /dev/null -H "$A" "$BASE/xapi/v1/SecurityTokens" 2>/dev/null
contains "a second connection" "$(C "$BASE/_sim/stats")" '"connections":2}'

# ---- phase 2: the built-in specification's routes ----
T=$(token test secret)
A="Authorization: Bearer $T"
contains "banner names the built-in spec" "$(cat "$DIR/main.out")" "specification: XAPI 20.0.10 (built in)"
expect "spec route served" "$(status GET '/xapi/v1/Users?$top=1' -H "$A")" 200
if true; then
  expect "read by int key" "$(status GET '/xapi/v1/Users(1)?$select=Id' -H "$A")" 200
  contains "Users(1)" "$(body)" '"Id":1'
  expect "bad int literal" "$(status GET "/xapi/v1/Users('x')" -H "$A")" 400
  expect "missing key" "$(status GET '/xapi/v1/Users(999)' -H "$A")" 404
  expect "function with params" "$(status GET "/xapi/v1/Users/Pbx.GetPhoneRegistrar(mac='00%3A11')" -H "$A")" 200
  expect "primitive wrapper" "$(status GET '/xapi/v1/Defs/Pbx.HasSystemOwner()' -H "$A")" 200
  contains "value wrapper" "$(body)" '"value":'
  expect "download" "$(status GET '/xapi/v1/Recordings/Pbx.DownloadRecording(recId=1)' -H "$A")" 200
  expect "download type" "$(header Content-Type)" application/octet-stream
  expect "create user" "$(status POST /xapi/v1/Users -H "$A" -H 'Content-Type: application/json' -d '{"Number":"777","FirstName":"New"}')" 201
  NEWID=$(sed -n 's/.*"Id":\([0-9]*\).*/\1/p' "$DIR/body" | head -n 1)
  expect "alternate key" "$(status GET "/xapi/v1/Users(Number='777')" -H "$A")" 200
  expect "patch user" "$(status PATCH "/xapi/v1/Users($NEWID)" -H "$A" -H 'Content-Type: application/json' -d '{"LastName":"Later"}')" 204
  expect "delete user" "$(status DELETE "/xapi/v1/Users($NEWID)" -H "$A")" 204
  expect "action 204" "$(status POST '/xapi/v1/ActivityLog/Pbx.PurgeLogs' -H "$A" -H 'Content-Type: application/json' -d '{}')" 204
fi
stop_sim

# ---- --state and --fault ----
# shellcheck disable=SC2086
start_sim state --state "$DIR/state.json" --fault '{"path":"^/Defs","status":418,"times":1}' 
T=$(token test secret)
A="Authorization: Bearer $T"
expect "--fault rule" "$(status GET '/xapi/v1/Defs?$select=Id' -H "$A")" 418
expect "state: create" "$(status POST /xapi/v1/WebsiteLinks -H "$A" -H 'Content-Type: application/json' -d '{"Link":"kept","Name":"kept"}')" 201
stop_sim
# --spec FILE: another document (here the vendored one, given by path)
start_sim state2 --state "$DIR/state.json" --spec "$SPEC"
contains "banner names --spec" "$(cat "$DIR/state2.out")" "specification: $SPEC"
T=$(token test secret)
expect "state: survives a restart" "$(status GET "/xapi/v1/WebsiteLinks('kept')" -H "Authorization: Bearer $T")" 200
expect "--spec: spec routes" "$(status GET '/xapi/v1/Users(1)?$select=Id' -H "Authorization: Bearer $T")" 200
# a second simulator on the busy port: a clear error, no shared listener
"$SIM" --host 127.0.0.1 --port "$PORT" --http --quiet >"$DIR/busy.out" 2>"$DIR/busy.err"
expect "busy port: exit 1" "$?" 1
contains "busy port: says so" "$(cat "$DIR/busy.err")" "127.0.0.1:$PORT: port in use"
for i in 1 2 3 4 5 6; do
  expect "busy port: token $i still from the first simulator" "$(status POST /connect/token -d client_id=test -d client_secret=secret -d grant_type=client_credentials)" 200
done
stop_sim
# restarting on the port just freed works at once (SO_REUSEADDR)
OLDPORT=$PORT
"$SIM" --host 127.0.0.1 --port "$OLDPORT" --http --quiet --ready-file "$DIR/re.port" >"$DIR/re.out" 2>"$DIR/re.err" &
REPID=$!
i=0
while [ ! -s "$DIR/re.port" ] && kill -0 $REPID 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
expect "restart on a just-freed port" "$(cat "$DIR/re.port" 2>/dev/null)" "$OLDPORT"
kill $REPID 2>/dev/null; wait $REPID 2>/dev/null

# a specification that cannot be read is an error naming it, never a fallback
"$SIM" --port 0 --quiet --spec "$DIR/none.json" >/dev/null 2>"$DIR/nospec.err"
expect "--spec unreadable: exit 2" "$?" 2
contains "--spec unreadable: names the path" "$(cat "$DIR/nospec.err")" "cannot read the specification $DIR/none.json"
THREECX_XAPI_SPEC="$DIR/none.json" "$SIM" --port 0 --quiet >/dev/null 2>"$DIR/nospec2.err"
expect "THREECX_XAPI_SPEC unreadable: exit 2" "$?" 2
contains "THREECX_XAPI_SPEC unreadable: names the path" "$(cat "$DIR/nospec2.err")" "cannot read the specification $DIR/none.json"
"$SIM" --port 0 --quiet --spec "$DIR" >/dev/null 2>"$DIR/nospec3.err"
contains "--spec DIR: names the path" "$(cat "$DIR/nospec3.err")" "cannot read the specification $DIR: Is a directory"

# ---- without --ca-out: the CA goes to ca.pem in a new private directory
# (mode 0700) under $TMPDIR, is printed with ready-to-paste export lines,
# verifies the server, and is removed at exit ----
mkdir -p "$DIR/tmp"
TMPDIR="$DIR/tmp" "$SIM" --host 127.0.0.1 --port 0 --ready-file "$DIR/ca.port" --client test:secret \
  >"$DIR/ca.out" 2>"$DIR/ca.err" &
PID=$!
i=0
while [ ! -s "$DIR/ca.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
CAPORT=$(cat "$DIR/ca.port" 2>/dev/null)
CAFILE=$(sed -n 's/^CA certificate: //p' "$DIR/ca.out")
case "$CAFILE" in "$DIR/tmp/threecx-sim-"*/ca.pem) ok ;; *) bad "default CA path: '$CAFILE'" ;; esac
CADIR=$(dirname "$CAFILE")
expect "default CA directory is private" "$(ls -ld "$CADIR" | cut -c1-10)" drwx------
[ -s "$CAFILE" ] && ok || bad "default CA file not written: '$CAFILE'"
expect "default CA verifies the server" "$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' --cacert "$CAFILE" \
  -d client_id=test -d client_secret=secret -d grant_type=client_credentials "https://127.0.0.1:$CAPORT/connect/token")" 200
EXPORTS=$(grep '^export ' "$DIR/ca.out")
expect "export line" "$EXPORTS" "export THREECX_DOMAIN='127.0.0.1:$CAPORT' THREECX_CLIENT_ID='test' THREECX_API_KEY='secret' THREECX_CA_FILE='$CAFILE'"
# the pasted line is enough to connect
expect "the export line works" "$(eval "$EXPORTS"; curl -sS --max-time 10 -o /dev/null -w '%{http_code}' \
  --cacert "$THREECX_CA_FILE" -d "client_id=$THREECX_CLIENT_ID" -d "client_secret=$THREECX_API_KEY" \
  -d grant_type=client_credentials "https://$THREECX_DOMAIN/connect/token")" 200
stop_sim
[ ! -e "$CAFILE" ] && ok || bad "default CA file left behind: $CAFILE"
[ ! -e "$CADIR" ] && ok || bad "default CA directory left behind: $CADIR"

# ---- planted symlinks at the old predictable names are never followed ----
ln -s "$DIR/victim1" "$DIR/tmp/threecx-sim-ca-$CAPORT.pem.tmp"
ln -s "$DIR/victim2" "$DIR/tmp/threecx-sim-ca-$CAPORT.pem"
mkdir -p "$DIR/out"
ln -s "$DIR/victim3" "$DIR/out/ca.pem.tmp"
TMPDIR="$DIR/tmp" "$SIM" --host 127.0.0.1 --port "$CAPORT" --ready-file "$DIR/sym.port" --quiet >/dev/null 2>&1 &
PID=$!
i=0
while [ ! -s "$DIR/sym.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
stop_sim
rm -f "$DIR/sym.port"
start_sim symout --ca-out "$DIR/out/ca.pem"
[ -f "$DIR/out/ca.pem" ] && [ ! -L "$DIR/out/ca.pem" ] && ok || bad "--ca-out: not a regular file"
stop_sim
for v in victim1 victim2 victim3; do
  [ ! -e "$DIR/$v" ] && ok || bad "a planted symlink was followed: $DIR/$v written"
done

# ---- --tls-dir: the CA and certificate are kept across restarts ----
start_sim tls1 --tls-dir "$DIR/tls"
FIRST=$(cat "$DIR/tls/ca.pem" 2>/dev/null)
[ -n "$FIRST" ] && ok || bad "--tls-dir: no ca.pem"
expect "--tls-dir: directory mode" "$(ls -ld "$DIR/tls" | cut -c1-10)" drwx------
expect "--tls-dir: CA key mode" "$(ls -l "$DIR/tls/ca.key" | cut -c1-10)" -rw-------
expect "--tls-dir: server key mode" "$(ls -l "$DIR/tls/server.key" | cut -c1-10)" -rw-------
cmp -s "$DIR/ca.pem" "$DIR/tls/ca.pem" && ok || bad "--tls-dir with --ca-out: another CA written"
stop_sim
start_sim tls2 --tls-dir "$DIR/tls"
expect "--tls-dir: same CA after a restart" "$(cat "$DIR/tls/ca.pem")" "$FIRST"
expect "--tls-dir: the kept CA verifies the restarted server" "$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' \
  --cacert "$DIR/tls/ca.pem" "https://127.0.0.1:$PORT/")" 200

# ---- GET /, $metadata ----
expect "GET /" "$(status GET /)" 200
contains "GET / says what it is" "$(body)" "threecx-sim"
contains "GET / says how to connect" "$(body)" "/connect/token"
expect "\$metadata needs a token" "$(status GET '/xapi/v1/$metadata')" 401
T=$(C -d client_id=test -d client_secret=secret -d grant_type=client_credentials "$BASE/connect/token" |
  sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
expect "\$metadata" "$(status GET '/xapi/v1/$metadata' -H "Authorization: Bearer $T")" 200
contains "\$metadata is CSDL" "$(body)" '<edmx:Edmx Version="4.0"'
contains "\$metadata: entity sets" "$(body)" '<EntitySet Name="Users" EntityType="Pbx.User"/>'
contains "\$metadata: entity keys" "$(body)" '<EntityType Name="User"><Key><PropertyRef Name="Id"/></Key>'
contains "\$metadata: bound functions" "$(body)" '<Function Name="DownloadRecording" IsBound="true"><Parameter Name="bindingParameter" Type="Collection(Pbx.Recording)"/><Parameter Name="recId" Type="Edm.Int32" Nullable="false"/>'
contains "\$metadata: actions" "$(body)" '<Action Name="BatchDelete" IsBound="true">'

# ---- hardening: fault paths in linear time, outside the global lock ----
expect "catastrophic pattern accepted" "$(status POST /_sim/faults -d '{"path":"^/(a*)*b$","status":500}')" 201
AAA=/xapi/v1/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
expect "a path that would backtrack forever is answered" "$(status GET "$AAA" -H "Authorization: Bearer $T")" 404
expect "a token request meanwhile" "$(status POST /connect/token -d client_id=test -d client_secret=secret -d grant_type=client_credentials)" 200
expect "the pattern still matches what it should" "$(status GET /xapi/v1/aab -H "Authorization: Bearer $T")" 500
status DELETE /_sim/faults >/dev/null
expect "a too long pattern is refused" "$(status POST /_sim/faults -d "{\"path\":\"$(printf '%0600d' 0)\"}")" 400
expect "back-references are refused" "$(status POST /_sim/faults -d '{"path":"(a)\\1"}')" 400

# ---- hardening: every number from the control API is range-checked ----
for bad_body in '{"token_lifetime":1e300}' '{"token_lifetime":-5}' '{"token_lifetime":2.5}' '{"token_lifetime":"1e300"}' \
  '{"token_lifetime":0}'; do
  expect "config $bad_body" "$(status POST /_sim/config -d "$bad_body")" 400
  contains "config $bad_body names the field" "$(body)" token_lifetime
done
for field in status latency_ms times retry_after; do
  expect "fault $field 1e300" "$(status POST /_sim/faults -d "{\"path\":\"^/x\",\"$field\":1e300}")" 400
  contains "fault $field 1e300 names the field" "$(body)" "$field"
done
expect "fault latency_ms -1" "$(status POST /_sim/faults -d '{"path":"^/x","latency_ms":-1}')" 400
expect "requests since=1e300" "$(status GET '/_sim/requests?since=1e300')" 400
expect "config in range" "$(status POST /_sim/config -d '{"token_lifetime":120}')" 200
contains "the lifetime applies" "$(C -d client_id=test -d client_secret=secret -d grant_type=client_credentials "$BASE/connect/token")" '"expires_in":120,'
for args in "--port 1e300" "--port 70000" "--port -1" "--token-lifetime 1e300" "--token-lifetime 0" "--users -1" "--users 1e9"; do
  # shellcheck disable=SC2086
  "$SIM" --quiet $args >/dev/null 2>"$DIR/args.err"
  expect "command line $args: exit 2" "$?" 2
done
stop_sim

# ---- hardening: 40 half-open connections do not stall a normal request ----
for mode in --http ""; do
  # shellcheck disable=SC2086
  start_sim slow $mode
  SCHEME=https
  [ -n "$mode" ] && SCHEME=http
  HOLDERS=
  n=0
  rm -f "$DIR/hold"
  mkfifo "$DIR/hold"
  exec 7<>"$DIR/hold"  # a stdin that never has data nor ends
  while [ $n -lt 40 ]; do  # connected, sending nothing
    curl -s --max-time 30 "telnet://127.0.0.1:$PORT" <&7 >/dev/null 2>&1 &
    HOLDERS="$HOLDERS $!"
    n=$((n + 1))
  done
  sleep 1
  expect "after 40 half-open connections ($SCHEME) a request is answered" "$(curl -sS --max-time 4 -o /dev/null \
    -w '%{http_code}' --cacert "$DIR/ca.pem" -d client_id=test -d client_secret=secret -d grant_type=client_credentials \
    "$SCHEME://127.0.0.1:$PORT/connect/token")" 200
  # shellcheck disable=SC2086
  kill $HOLDERS 2>/dev/null
  exec 7>&-
  stop_sim
done

# ---- --log-requests: one line per request, never a secret ----
start_sim log --log-requests --client logc:s3cr3t-k3y-55
T=$(C -d client_id=logc -d client_secret=s3cr3t-k3y-55 -d grant_type=client_credentials "$BASE/connect/token" |
  sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
status GET '/xapi/v1/Users?$filter=FirstName%20eq%20%27secretname%27' -H "Authorization: Bearer $T" >/dev/null
stop_sim
LOG=$(grep -v '^export \|^client_id=\|^threecx-sim\|^specification\|^CA cert' "$DIR/log.out")
contains "log: token request" "$LOG" "POST /connect/token 200 "
contains "log: XAPI request" "$LOG" "GET /xapi/v1/Users 200 "
contains "log: time" "$LOG" " ms"
case "$LOG" in *s3cr3t-k3y-55* | *"$T"* | *secretname*) bad "a secret or query in the request log" ;; *) ok ;; esac

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
