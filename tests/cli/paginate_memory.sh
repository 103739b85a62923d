#!/bin/sh
# threecx call ... --paginate walks a collection in bounded memory: a
# simulator seeded (through a --state file) with N and then 10 x N security
# tokens; the CLI's peak RSS (GNU time's %M) for 10 x N items must stay
# within a small margin of the one for N. Both outputs (the merged array and
# --jsonl) are checked for every item.
#   paginate_memory.sh THREECX THREECX_SIM [N]
set -u
CLI=$1 SIM=$2 N=${3:-5000}
DIR=$(mktemp -d /tmp/threecx-cli-mem-XXXXXX)
PIDS=
PASS=0 FAIL=0
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$DIR"; }
trap cleanup EXIT INT TERM
ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
expect() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time (/usr/bin/time, Debian package 'time') is needed"; echo "0 passed, 1 failed"; exit 1; }

# state COUNT FILE: a --state file with COUNT security tokens
state() {
  awk -v n="$1" 'BEGIN {
    printf "{\"etag_counter\":1,\"sets\":{\"SecurityTokens\":[";
    for (i = 1; i <= n; i++) {
      printf "%s{\"Id\":%d,\"ClientId\":\"80b93826-0000-4000-8000-%012d\",\"Created\":\"2026-07-30T01:07:00Z\",", (i > 1 ? "," : ""), i, i;
      printf "\"Expires\":\"2026-08-29T01:07:00Z\",\"DisplayName\":\"User %d with a longer display name\",\"Username\":\"user%d\",", i, i;
      printf "\"Token\":\"rt-%d-%d\",\"LoginType\":\"Sso\",\"Scopes\":[\"xapi\"],\"SlidingExpiration\":true,\"RotateOnRefresh\":false}", i, i * 7919;
    }
    printf "]},\"singletons\":{}}\n";
  }' >"$2"
}

measure() { # measure NAME COUNT: sets RSS_<NAME> (KiB), checks the items
  name=$1 count=$2
  state "$count" "$DIR/$name.json"
  "$SIM" --http --host 127.0.0.1 --port 0 --ready-file "$DIR/$name.port" --client cli:k3y-mem --quiet \
    --state "$DIR/$name.json" &
  pid=$!
  PIDS="$PIDS $pid"
  i=0
  while [ ! -s "$DIR/$name.port" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
  [ -s "$DIR/$name.port" ] || { echo "threecx-sim did not start"; exit 1; }
  export THREECX_DOMAIN="http://127.0.0.1:$(cat "$DIR/$name.port")" THREECX_CLIENT_ID=cli THREECX_API_KEY=k3y-mem
  export THREECX_ALLOW_HTTP=1 THREECX_CONFIG="$DIR/none"
  "$TIME" -f %M -o "$DIR/$name.rss" "$CLI" call ListSecurityRefreshToken --paginate --jsonl --page-size 500 \
    >"$DIR/$name.jsonl" 2>"$DIR/$name.err"
  expect "$name: --jsonl exit" "$?" 0
  expect "$name: --jsonl items" "$(wc -l <"$DIR/$name.jsonl" | tr -d ' ')" "$count"
  expect "$name: last item" "$(tail -n 1 "$DIR/$name.jsonl" | grep -c "\"Id\":$count,")" 1
  "$TIME" -f %M -o "$DIR/$name.rss2" "$CLI" call ListSecurityRefreshToken --paginate --page-size 500 \
    --fields Id >"$DIR/$name.array" 2>"$DIR/$name.err"
  expect "$name: merged array exit" "$?" 0
  expect "$name: merged array items" "$(grep -o '"Id":' "$DIR/$name.array" | wc -l | tr -d ' ')" "$count"
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  eval "RSS_$name=\$(tail -n 1 \"\$DIR/\$name.rss\") RSS2_$name=\$(tail -n 1 \"\$DIR/\$name.rss2\")"
}

measure small "$N"
measure large $((N * 10))
echo "peak RSS --jsonl: $N items ${RSS_small} KiB, $((N * 10)) items ${RSS_large} KiB"
echo "peak RSS merged array: $N items ${RSS2_small} KiB, $((N * 10)) items ${RSS2_large} KiB"
# 10 x the items: within 10% + 1 MiB of the smaller run
within() { [ "$2" -le $(($1 + $1 / 10 + 1024)) ]; }
within "$RSS_small" "$RSS_large" && ok || bad "--jsonl RSS grew: ${RSS_small} -> ${RSS_large} KiB"
within "$RSS2_small" "$RSS2_large" && ok || bad "merged array RSS grew: ${RSS2_small} -> ${RSS2_large} KiB"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
