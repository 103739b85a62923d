#!/bin/sh
# Golden-file test of tools/gen/xapi_gen.py: regenerates into a temporary
# directory (twice, to prove the output is stable) and diffs against the
# committed files. Fails on any drift between the spec, the generator and
# the committed output.
#   tests/catalog/gen_reproducible.sh [path/to/xapi.json]   (from the repo root)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
spec=${1:-$root/spec/xapi-20.0.10.json}
py=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
files="lib/generated/catalog_data.inc lib/generated/operations.cpp include/threecx/operations.h docs/reference/xapi.md tests/catalog/all_ops_calls.inc
  bindings/go/operations.go bindings/go/models.go bindings/go/typed_operations.go bindings/go/typed_operations_test.go bindings/csharp/Operations.cs bindings/csharp/Models.cs
  tools/gen/abi-0.txt"

"$py" "$root/tools/gen/xapi_gen.py" "$spec" --out "$tmp/a" >/dev/null
"$py" "$root/tools/gen/xapi_gen.py" "$spec" --out "$tmp/b" >/dev/null
status=0
for f in $files; do
  if ! cmp -s "$tmp/a/$f" "$tmp/b/$f"; then
    echo "NOT REPRODUCIBLE: $f differs between two runs" >&2
    status=1
  fi
  if ! diff -u "$root/$f" "$tmp/a/$f" >"$tmp/diff" 2>&1; then
    echo "DRIFT: $f differs from the generator's output (run: python3 tools/gen/xapi_gen.py spec/xapi-20.0.10.json --out .)" >&2
    head -n 40 "$tmp/diff" >&2
    status=1
  fi
done
[ $status -eq 0 ] && echo "generated files are up to date ($(echo $files | wc -w) files)"
exit $status
