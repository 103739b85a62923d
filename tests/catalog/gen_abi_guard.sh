#!/bin/sh
# The generator keeps the typed functions of this SONAME (tools/gen/abi-0.txt):
# a spec that removes an operation or changes a signature is refused with a
# message naming the function; a new operation is added to the list.
#   tests/catalog/gen_abi_guard.sh [path/to/xapi.json]   (from the repo root)
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
spec=${1:-$root/spec/xapi-20.0.10.json}
py=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# variant NAME PYTHON: writes $tmp/NAME.json, the spec changed by PYTHON (d = the document)
variant() {
  "$py" - "$spec" "$tmp/$1.json" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"))
PY
}

variant removed 'del d["paths"]["/WebsiteLinks({Link})"]["delete"]'
out=$("$py" "$root/tools/gen/xapi_gen.py" "$tmp/removed.json" --out "$tmp/a" 2>&1)
rc=$?
[ $rc -eq 2 ] && ok || bad "removal: exit $rc, want 2"
case "$out" in *"removed from the spec: threecx_xapi_delete_weblink"*) ok ;; *) bad "removal not named: $out" ;; esac
[ ! -e "$tmp/a/include/threecx/operations.h" ] && ok || bad "removal: files were written"

variant changed '
for p in d["paths"]["/WebsiteLinks({Link})"]["get"].get("parameters", []) + d["paths"]["/WebsiteLinks({Link})"].get("parameters", []):
    if p.get("name") == "Link": p["schema"] = {"type": "integer", "format": "int32"}
'
out=$("$py" "$root/tools/gen/xapi_gen.py" "$tmp/changed.json" --out "$tmp/b" 2>&1)
rc=$?
[ $rc -eq 2 ] && ok || bad "change: exit $rc, want 2"
case "$out" in *"signature of threecx_xapi_get_weblink changed"*"const char *link"*"int32_t link"*) ok ;;
  *) bad "change not described: $out" ;; esac

variant added 'd["paths"]["/WebsiteLinks/Pbx.Ping()"] = {"get": {"operationId": "PingWeblinks", "tags": ["WebsiteLinks"], "responses": {"204": {"description": "Success"}}}}'
out=$("$py" "$root/tools/gen/xapi_gen.py" "$tmp/added.json" --out "$tmp/c" 2>&1)
rc=$?
[ $rc -eq 0 ] && ok || bad "addition: exit $rc, want 0: $out"
grep -q "^threecx_xapi_ping_weblinks	int threecx_xapi_ping_weblinks(threecx_client \*client, threecx_response \*\*out)$" \
  "$tmp/c/tools/gen/abi-0.txt" 2>/dev/null && ok || bad "addition not recorded in abi-0.txt"
[ "$(grep -c '^threecx_xapi_' "$tmp/c/tools/gen/abi-0.txt")" -eq 602 ] && ok || bad "abi-0.txt should list 602 functions"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
