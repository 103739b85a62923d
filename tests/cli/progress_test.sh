#!/bin/sh
# The download progress bar: drawn on standard error when it is a terminal
# (run under a pseudo-terminal with script(1) from bsdutils), silent when it
# is not; the file is complete either way.
#   progress_test.sh THREECX THREECX_SIM
set -u
CLI=$1 SIM=$2
DIR=$(mktemp -d /tmp/threecx-cli-pty-XXXXXX)
PID=
PASS=0 FAIL=0
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT INT TERM
ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
expect() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$2', want '$3'"; fi; }
contains() { case "$2" in *"$3"*) ok ;; *) bad "$1: '$3' not in '$2'" ;; esac; }
command -v script >/dev/null 2>&1 || { echo "script(1) (bsdutils) is needed"; echo "0 passed, 1 failed"; exit 1; }

"$SIM" --http --host 127.0.0.1 --port 0 --ready-file "$DIR/port" --client cli:k3y-pty --quiet &
PID=$!
i=0
while [ ! -s "$DIR/port" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$DIR/port" ] || { echo "threecx-sim did not start"; exit 1; }
export THREECX_DOMAIN="http://127.0.0.1:$(cat "$DIR/port")" THREECX_CLIENT_ID=cli THREECX_API_KEY=k3y-pty
export THREECX_ALLOW_HTTP=1 THREECX_CONFIG="$DIR/none"

# Under a pseudo-terminal: stdout and stderr are the terminal.
script -qec "'$CLI' call DownloadRecording recId=1 --out '$DIR/tty.bin'; echo \"rc=\$?\"" /dev/null >"$DIR/tty.log" 2>&1
contains "pty: exit 0" "$(cat "$DIR/tty.log")" "rc=0"
contains "pty: progress bar with bytes" "$(cat "$DIR/tty.log")" "512 B"
contains "pty: progress bar with a rate" "$(cat "$DIR/tty.log")" "/s"
contains "pty: redrawn in place" "$(cat "$DIR/tty.log")" "$(printf '\r')threecx:"
# the length is known (Content-Length): total, share and the end of the ETA
contains "pty: progress bar with the total" "$(cat "$DIR/tty.log")" "512 B / 512 B"
contains "pty: progress bar with the share done" "$(cat "$DIR/tty.log")" "100%"
contains "pty: progress bar ends done" "$(cat "$DIR/tty.log")" "done"
expect "pty: file complete" "$(wc -c <"$DIR/tty.bin" | tr -d ' ')" 512

# Not a terminal: nothing on stderr.
"$CLI" call DownloadRecording recId=1 --out "$DIR/pipe.bin" 2>"$DIR/pipe.err" </dev/null | cat
expect "pipe: silent" "$(wc -c <"$DIR/pipe.err" | tr -d ' ')" 0
expect "pipe: same file" "$(cmp -s "$DIR/tty.bin" "$DIR/pipe.bin" && echo same)" same

# A terminal, but --out -: the body is the output, no bar drawn over it.
script -qec "'$CLI' call DownloadRecording recId=1 --out - >'$DIR/stdout.bin'" /dev/null >"$DIR/tty2.log" 2>&1
expect "--out - under a pty: no bar" "$(grep -c '/s' "$DIR/tty2.log")" 0
expect "--out - under a pty: bytes" "$(wc -c <"$DIR/stdout.bin" | tr -d ' ')" 512

# Under a terminal, JSON is pretty and coloured; NO_COLOR removes colours.
script -qec "'$CLI' call GetUser Id=1 --fields Id" /dev/null >"$DIR/json.log" 2>&1
contains "tty: indented" "$(cat "$DIR/json.log")" '  '
contains "tty: coloured keys" "$(cat "$DIR/json.log")" "$(printf '\033[34;1m')\"Id\""
NO_COLOR=1 script -qec "'$CLI' call GetUser Id=1 --fields Id" /dev/null >"$DIR/json2.log" 2>&1
expect "NO_COLOR: no escape sequences" "$(grep -c "$(printf '\033')" "$DIR/json2.log")" 0
script -qec "'$CLI' call GetUser Id=1 --fields Id --compact" /dev/null >"$DIR/json3.log" 2>&1
contains "--compact on a tty" "$(cat "$DIR/json3.log")" '{"Id":1'

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
