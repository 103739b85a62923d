#!/bin/sh
# Golden-file test of tools/gen/cli_gen.py (the schema tables of `threecx
# describe` and `threecx schema`): regenerates twice into temporary
# directories and compares with the committed file.
#   tests/cli/gen_reproducible.sh [path/to/xapi.json]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
spec=${1:-$root/spec/xapi-20.0.10.json}
py=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
f=tools/cli/generated/schema_data.inc
"$py" "$root/tools/gen/cli_gen.py" "$spec" --out "$tmp/a" >/dev/null
"$py" "$root/tools/gen/cli_gen.py" "$spec" --out "$tmp/b" >/dev/null
status=0
cmp -s "$tmp/a/$f" "$tmp/b/$f" || { echo "NOT REPRODUCIBLE: $f" >&2; status=1; }
if ! diff -u "$root/$f" "$tmp/a/$f" >"$tmp/diff" 2>&1; then
  echo "DRIFT: $f differs from the generator's output (run: python3 tools/gen/cli_gen.py spec/xapi-20.0.10.json --out .)" >&2
  head -n 40 "$tmp/diff" >&2
  status=1
fi
[ $status -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $status
