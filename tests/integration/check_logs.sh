#!/bin/sh
# Scans the TRACE-level client log of the whole integration suite for
# secrets: the API keys the tests used and every access token the simulators
# issued. Fails if the log is missing or thin (the scan must see real logs).
set -u
log=$1 tokens=$2
shift 2
fail=0
[ -s "$log" ] || { echo "FAIL: no client log at $log"; exit 1; }
[ -s "$tokens" ] || { echo "FAIL: no token log at $tokens"; exit 1; }
lines=$(wc -l < "$log")
ntok=$(wc -l < "$tokens")
trace=$(grep -c '^\[5\]' "$log" || true)
[ "$trace" -ge 10 ] || { echo "FAIL: only $trace TRACE lines in $log"; fail=1; }
grep -q 'Authorization: \[REDACTED\]' "$log" || { echo "FAIL: no redacted Authorization line seen"; fail=1; }
for key in "$@"; do
  if grep -qF -- "$key" "$log"; then echo "FAIL: API key '$key' found in the log"; fail=1; fi
done
if grep -qF -f "$tokens" "$log"; then
  echo "FAIL: an access token was found in the log:"; grep -nF -f "$tokens" "$log" | head -3 | cut -c1-80; fail=1
fi
echo "scanned $lines log lines ($trace at TRACE level) for $# API keys and $ntok issued tokens"
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
