#!/usr/bin/env python3
"""xapi_gen.py: generates libthreecx's operation catalog and typed functions
from the 3CX XAPI OpenAPI document (swagger.json). Standard library only.

    python3 tools/gen/xapi_gen.py [spec/xapi-20.0.10.json] --out .
        [--xapi-version 20.0.10] [--check]

The specification is the one vendored in spec/ (see spec/README.md for how to
move to a new XAPI version).

Writes, relative to --out (deterministic: sorted, no timestamps):
  lib/generated/catalog_data.inc   static threecx_operation table
  include/threecx/operations.h     one typed C function per operation
  lib/generated/operations.cpp     their implementations (public C API only)
  docs/reference/xapi.md           the reference, grouped by tag
  tests/catalog/all_ops_calls.inc  a call table for the all-operations test
  bindings/go/operations.go        one JSONClient method per operation (Go, raw JSON)
  bindings/go/models.go            Go structs/enums of the schemas (go_models_gen.py)
  bindings/go/typed_operations.go  one typed Client method per operation (Go)
  bindings/csharp/Operations.cs    one ThreecxClient method per operation (C#)
  tools/gen/abi-0.txt              the typed functions of this SONAME; a spec
                                   that would remove or change one is refused
--check compares instead of writing and exits 1 on any difference.

Rules (also stated in operations.h and docs/reference/xapi.md):

Function names: "threecx_xapi_" + snake_case(operationId). snake_case splits
  before an upper-case letter that follows a lower-case letter or a digit, and
  before the last upper-case letter of an upper-case run that is followed by a
  lower-case letter; then everything is lower-cased
  (ListSecurityRefreshToken -> list_security_refresh_token,
   GetAITemplateContents -> get_ai_template_contents). Collisions abort.
Parameter names: snake_case(spec name); C/C++ keywords and the reserved names
  client, query, if_match, body_json, out get a trailing '_'.
Parameter types: string/int32/boolean/uuid/date-time from schema type+format
  (integer without format or int64 is refused: the catalog has none).
Options: the $top $skip $search $filter $count $orderby $select $expand query
  parameters the operation declares (components/parameters $refs resolved).
has_body: a requestBody is declared; body_required: it is marked required.
has_if_match: an If-Match header parameter is declared.
Response kind, first rule that matches:
  1. NONE       every declared 2xx response is 204 (or has no content);
  2. FILE       the success schema is Pbx.IActionResult (directly or as the
                only allOf member), or the operationId or the path's function
                name (the last "Pbx.Name" segment) starts with "Download" or
                "Export" (3CX serves those as files although typed as JSON);
  3. COLLECTION the schema (allOf members merged, $refs resolved) has a
                "value" property of type array (the ...CollectionResponse);
  4. VALUE      the schema's only property is "value" and it is a primitive;
  5. ENTITY     anything else.
"""
import argparse
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bindings_gen  # noqa: E402  (the Go and C# operation methods)
import go_models_gen  # noqa: E402  (the Go typed models and methods)
import csharp_models_gen  # noqa: E402  (the C# typed models)

DEFAULT_XAPI_VERSION = "20.0.10"
METHODS = ("get", "post", "put", "patch", "delete")
OPTIONS = [("$top", "TOP", 0x01), ("$skip", "SKIP", 0x02), ("$search", "SEARCH", 0x04),
           ("$filter", "FILTER", 0x08), ("$count", "COUNT", 0x10), ("$orderby", "ORDERBY", 0x20),
           ("$select", "SELECT", 0x40), ("$expand", "EXPAND", 0x80)]
TYPES = {1: "STRING", 2: "INT32", 3: "BOOL", 4: "GUID", 5: "DATETIME"}
TYPE_DOC = {1: "string", 2: "int32", 3: "bool", 4: "guid", 5: "date-time"}
C_TYPES = {1: "const char *", 2: "int32_t ", 3: "int32_t ", 4: "const char *", 5: "const char *"}
KINDS = {0: "NONE", 1: "COLLECTION", 2: "ENTITY", 3: "VALUE", 4: "FILE"}
KIND_DOC = {
    0: "none (204 No Content)",
    1: "collection ({\"@odata.count\"?, \"value\": [...]})",
    2: "entity (one JSON object)",
    3: "value ({\"value\": primitive})",
    4: "file (raw bytes; see threecx_request_send_to_file)",
}
RESERVED = {"client", "query", "if_match", "body_json", "out", "args"}
KEYWORDS = set("""auto break case char const continue default do double else enum extern
float for goto if inline int long register restrict return short signed sizeof static
struct switch typedef union unsigned void volatile while _Bool _Complex _Imaginary
alignas alignof and and_eq asm bitand bitor bool catch char16_t char32_t char8_t class
compl concept consteval constexpr constinit const_cast co_await co_return co_yield
decltype delete dynamic_cast explicit export false friend mutable namespace new noexcept
not not_eq nullptr operator or or_eq private protected public reinterpret_cast requires
static_assert static_cast template this thread_local throw true try typeid typename
using virtual wchar_t xor xor_eq errno assert NULL""".split())


class GenError(Exception):
    pass


def snake(name):
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    s = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", "_", s)
    return s.lower()


def c_param_name(name):
    n = snake(name)
    n = re.sub(r"[^a-z0-9_]", "_", n)
    if n[:1].isdigit():
        n = "_" + n
    if n in KEYWORDS or n in RESERVED:
        n += "_"
    return n


class Spec:
    def __init__(self, doc):
        self.doc = doc

    def resolve(self, obj):
        seen = 0
        while isinstance(obj, dict) and "$ref" in obj:
            ref = obj["$ref"]
            if not ref.startswith("#/"):
                raise GenError("external $ref not supported: " + ref)
            node = self.doc
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            obj = node
            seen += 1
            if seen > 64:
                raise GenError("$ref loop at " + ref)
        return obj

    def properties(self, schema, depth=0):
        """Properties of a schema with allOf members merged, $refs resolved."""
        schema = self.resolve(schema)
        props = {}
        if depth > 16 or not isinstance(schema, dict):
            return props
        for member in schema.get("allOf", []):
            props.update(self.properties(member, depth + 1))
        for k, v in schema.get("properties", {}).items():
            props[k] = v
        return props

    def is_action_result(self, schema):
        if not isinstance(schema, dict):
            return False
        if schema.get("$ref", "").endswith("/Pbx.IActionResult"):
            return True
        members = schema.get("allOf", [])
        return len(members) == 1 and self.is_action_result(members[0])


def param_type(p, where):
    sch = p.get("schema", {})
    t, f = sch.get("type"), sch.get("format")
    if t == "string" and f == "uuid":
        return 4
    if t == "string" and f == "date-time":
        return 5
    if t == "string" and f is None:
        return 1
    if t == "integer" and f == "int32":
        return 2
    if t == "boolean":
        return 3
    raise GenError("%s: unsupported parameter schema %r" % (where, sch))


def response_kind(spec, op_id, path, op):
    responses = op.get("responses", {})
    success = sorted(c for c in responses if c.startswith("2"))
    schema = None
    for code in success:
        if code == "204":
            continue
        r = spec.resolve(responses[code])
        for _ct, media in sorted(r.get("content", {}).items()):
            if "schema" in media:
                schema = media["schema"]
                break
        if schema is not None:
            break
    if schema is None:
        return 0
    funcs = re.findall(r"Pbx\.([A-Za-z0-9_]+)", path)
    fname = funcs[-1] if funcs else ""
    if (spec.is_action_result(spec.resolve(schema)) or spec.is_action_result(schema)
            or re.match(r"(Download|Export)", op_id) or re.match(r"(Download|Export)", fname)):
        return 4
    props = spec.properties(schema)
    val = spec.resolve(props["value"]) if "value" in props else None
    if isinstance(val, dict) and val.get("type") == "array":
        return 1
    if list(props) == ["value"] and isinstance(val, dict):
        if val.get("type") in ("string", "integer", "number", "boolean") or "enum" in val:
            return 3
    return 2



def key_slots(path, op_type):
    """Names of the {slots} of `path` that are entity keys or alternate keys:
    those in the parentheses of a segment that is not namespace-qualified
    (Pbx.Func(...) is a bound function), unless that segment is the function
    import or action import the operation itself calls (GetUpdateDetails(...))."""
    keys = set()
    for m in re.finditer(r"/([^/(]*)\(([^)]*)\)", path):
        seg, inside = m.group(1), m.group(2)
        if "." in seg:
            continue
        if m.end() == len(path) and op_type in ("functionImport", "actionImport"):
            continue
        keys.update(re.findall(r"\{([^}]*)\}", inside))
    return keys

def load_operations(spec):
    ops = []
    for path in sorted(spec.doc["paths"]):
        item = spec.doc["paths"][path]
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            op_id = op.get("operationId")
            if not op_id:
                raise GenError("%s %s: no operationId" % (method.upper(), path))
            where = op_id
            slots = re.findall(r"\{([^}]*)\}", path)
            declared = {}
            options = 0
            has_if_match = False
            for raw in item.get("parameters", []) + op.get("parameters", []):
                p = spec.resolve(raw)
                if p["in"] == "path":
                    declared[p["name"]] = p
                elif p["in"] == "query":
                    for qname, _n, bit in OPTIONS:
                        if p["name"] == qname:
                            options |= bit
                            break
                    else:
                        raise GenError("%s: unknown query parameter %s" % (where, p["name"]))
                elif p["in"] == "header" and p["name"].lower() == "if-match":
                    has_if_match = True
                else:
                    raise GenError("%s: unsupported parameter %s in %s" % (where, p["name"], p["in"]))
            if sorted(slots) != sorted(declared) or len(set(slots)) != len(slots):
                raise GenError("%s: path slots %r do not match parameters %r" % (where, slots, sorted(declared)))
            params = []
            cnames = set()
            keys = key_slots(path, op.get("x-ms-docs-operation-type"))
            for name in slots:
                p = declared[name]
                t = param_type(p, "%s.%s" % (where, name))
                # A key value is never null in OData (keyPredicate has no
                # null), whatever the spec says of the parameter.
                nullable = bool(p.get("schema", {}).get("nullable", False)) and name not in keys
                cn = c_param_name(name)
                if cn in cnames:
                    raise GenError("%s: parameter C name collision %s" % (where, cn))
                cnames.add(cn)
                params.append({"name": name, "type": t, "nullable": nullable, "cname": cn})
            tags = op.get("tags") or ["Untagged"]
            body = op.get("requestBody")
            if body is not None:
                body = spec.resolve(body)
            ops.append({
                "id": op_id, "method": method.upper(), "path": path, "tag": tags[0],
                "summary": " ".join((op.get("summary") or "").split()),
                "function": "threecx_xapi_" + snake(op_id),
                "params": params, "options": options,
                "has_body": body is not None,
                "body_required": bool(body and body.get("required", False)),
                "has_if_match": has_if_match,
                "kind": response_kind(spec, op_id, path, op),
            })
    ops.sort(key=lambda o: o["id"].encode("utf-8"))
    seen_id, seen_fn = {}, {}
    for o in ops:
        if o["id"] in seen_id:
            raise GenError("duplicate operationId " + o["id"])
        seen_id[o["id"]] = o
        if o["function"] in seen_fn:
            raise GenError("function name collision: %s and %s -> %s"
                           % (seen_fn[o["function"]]["id"], o["id"], o["function"]))
        seen_fn[o["function"]] = o
    return ops


# ---------------------------------------------------------------------------
# Output helpers

def c_str(s):
    out = ['"']
    for b in s.encode("utf-8"):
        c = chr(b)
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif 0x20 <= b < 0x7F and c != "?":  # '?' escaped: no trigraphs
            out.append(c)
        else:
            out.append("\\%03o" % b)
    out.append('"')
    return "".join(out)


def comment_text(s):
    return s.replace("*/", "* /").replace("/*", "/ *")


def options_names(mask):
    return [n for n, _m, bit in OPTIONS if mask & bit]


def options_c(mask):
    if not mask:
        return "0"
    return "|".join("THREECX_OPT_" + m for _n, m, bit in OPTIONS if mask & bit)


def signature(o, indent_to_paren=True):
    args = ["threecx_client *client"]
    for p in o["params"]:
        args.append(C_TYPES[p["type"]] + p["cname"])
    args += bindings_gen.trailing(o, "const threecx_query *query", "const char *if_match", "const char *body_json")
    args.append("threecx_response **out")
    head = "int %s(" % o["function"]
    if not indent_to_paren:
        return head + ", ".join(args) + ")"
    lines, cur = [], head
    pad = " " * len(head)
    for i, a in enumerate(args):
        piece = a + ("," if i < len(args) - 1 else ")")
        if cur.strip() and len(cur) + len(piece) + 1 > 80 and cur != head:
            lines.append(cur.rstrip())
            cur = pad
        cur += piece + " "
    lines.append(cur.rstrip())
    return "\n".join(lines)


def banner_text(version):
    return "GENERATED by tools/gen/xapi_gen.py from XAPI %s \u2014 do not edit" % version


def banner(version, style):
    text = banner_text(version)
    if style == "c":
        return "/* %s */\n" % text
    if style == "cpp":
        return "// %s\n" % text
    return "<!-- %s -->\n" % text


# ---------------------------------------------------------------------------
# 1. catalog_data.inc

def gen_catalog(ops, version):
    out = [banner(version, "cpp")]
    out.append("// Included once, by lib/catalog/catalog.cpp. Sorted by operationId (strcmp).\n")
    out.append("#define THREECX_XAPI_SPEC_VERSION %s\n" % c_str(version))
    out.append("#define THREECX_XAPI_OPERATION_COUNT %d\n\n" % len(ops))
    # One flat parameter array; identical parameter lists are shared.
    flat, where = [], {}
    for o in ops:
        key = tuple((p["name"], p["type"], p["nullable"]) for p in o["params"])
        if not key or key in where:
            continue
        # Reuse a run already in the array when possible.
        n = len(key)
        found = -1
        for i in range(0, len(flat) - n + 1):
            if tuple(flat[i:i + n]) == key:
                found = i
                break
        if found < 0:
            found = len(flat)
            flat.extend(key)
        where[key] = found
    out.append("static const threecx_operation_param kParams[] = {\n")
    for i, (name, t, nullable) in enumerate(flat):
        out.append("    /* %4d */ {%s, THREECX_TYPE_%s, %d},\n" % (i, c_str(name), TYPES[t], int(nullable)))
    out.append("};\n\n")
    out.append("static const threecx_operation kOperations[] = {\n")
    for o in ops:
        key = tuple((p["name"], p["type"], p["nullable"]) for p in o["params"])
        params = "kParams + %d" % where[key] if key else "nullptr"
        out.append("    {%s, %s, %s,\n     %s, %s,\n     %s, %s, %d, %s, THREECX_RESPONSE_%s, %d, %d, %d},\n" % (
            c_str(o["id"]), c_str(o["method"]), c_str(o["path"]), c_str(o["tag"]),
            c_str(o["summary"]), c_str(o["function"]), params, len(o["params"]),
            options_c(o["options"]), KINDS[o["kind"]], int(o["has_body"]), int(o["has_if_match"]),
            int(o["body_required"])))
    out.append("};\n")
    return "".join(out)


# ---------------------------------------------------------------------------
# 2. operations.h

HEADER_DOC = """/*
 * libthreecx: one typed C function per XAPI operation.
 *
 * Each function builds the request of one operation of the catalog
 * (threecx/catalog.h) through the public request API, sends it and hands
 * back the response, exactly as
 *   threecx_request_new_op + threecx_request_set_param_* +
 *   threecx_request_set_query + threecx_request_add_header("If-Match") +
 *   threecx_request_set_body + threecx_request_send
 * would. Nothing is sent when an argument is refused.
 *
 * NAMING. threecx_xapi_ + the operationId in snake_case: split before an
 * upper-case letter that follows a lower-case letter or a digit, and before
 * the last upper-case letter of an upper-case run followed by a lower-case
 * letter; lower-case everything. ListSecurityRefreshToken ->
 * threecx_xapi_list_security_refresh_token, GetAITemplateContents ->
 * threecx_xapi_get_ai_template_contents. Parameter names are the spec names
 * in snake_case; C/C++ keywords and the names client, query, if_match,
 * body_json and out get a trailing '_'.
 *
 * SIGNATURE. int threecx_xapi_<name>(client, <path parameters in path order>,
 *   [query if the operation accepts any OData option],
 *   [if_match if it accepts an If-Match header],
 *   [body_json if it takes a JSON body], out)
 *  - path parameters: string -> const char * (NULL means the OData literal
 *    null when the parameter is nullable, otherwise it is refused with
 *    THREECX_E_INVALID_ARGUMENT); int32 -> int32_t; bool -> int32_t (0 =
 *    false); guid -> const char * ("8-4-4-4-12" hex); date-time ->
 *    const char * (ISO 8601 with seconds and an offset, e.g.
 *    "2024-05-01T00:00:00+02:00"). Literals are rendered by the library:
 *    never quote or percent-encode them yourself.
 *  - query and if_match may be NULL. Options the operation does not accept
 *    are refused with THREECX_E_UNSUPPORTED.
 *  - body_json: the JSON request body (copied). NULL is refused with
 *    THREECX_E_INVALID_ARGUMENT when the spec marks the body required;
 *    otherwise NULL sends no body.
 *  - out: NULL is refused (THREECX_E_INVALID_ARGUMENT, nothing sent). On
 *    THREECX_OK (2xx) and THREECX_E_HTTP (other statuses) *out receives the
 *    response, which the caller frees with threecx_response_free(); on any
 *    other error *out is NULL.
 *  Errors as for threecx_request_send; details in threecx_last_error().
 *
 * SPEC VERSION AND ABI. This header is generated from the XAPI
 * specification named below (threecx_xapi_version() at run time) by
 * tools/gen/xapi_gen.py. Regenerating for a newer XAPI only ADDS functions:
 * every function of this SONAME is listed with its signature in
 * tools/gen/abi-0.txt, and the generator refuses a spec that would remove
 * one or change its signature, so an operation that 3CX removes or changes
 * keeps its function (by a hand-written shim; the generic
 * threecx_request_new_op path follows the new spec) until a deliberate
 * SONAME bump (threecx_abi_version()) retires or changes it. Functions are
 * never renamed within one SONAME.
 *
 * Response kinds (threecx_operation_response_kind): NONE if every 2xx answer
 * is 204; FILE if the success schema is Pbx.IActionResult or the
 * operationId / function name starts with Download or Export (fetch those
 * with threecx_request_new_op + threecx_request_send_to_file to stream
 * them); COLLECTION for {"value": [...]} bodies; VALUE for
 * {"value": primitive}; ENTITY otherwise.
 */
"""


def doc_comment(o):
    lines = ["/* %s" % comment_text(o["summary"] or o["id"]),
             " * %s %s  (operationId %s)" % (o["method"], comment_text(o["path"]), o["id"])]
    for p in o["params"]:
        lines.append(" *  %s: %s%s" % (p["cname"], TYPE_DOC[p["type"]],
                                       ", nullable (NULL = null)" if p["nullable"] else ""))
    if o["options"]:
        lines.append(" *  query: may be NULL; accepts %s" % " ".join(options_names(o["options"])))
    if o["has_if_match"]:
        lines.append(" *  if_match: ETag for If-Match, may be NULL")
    if o["has_body"]:
        lines.append(" *  body_json: JSON body, %s" % ("required" if o["body_required"] else "may be NULL"))
    lines.append(" * Response: %s. Free *out with threecx_response_free(). */" % comment_text(KIND_DOC[o["kind"]]))
    return "\n".join(lines) + "\n"


def by_tag(ops):
    tags = {}
    for o in ops:
        tags.setdefault(o["tag"], []).append(o)
    return [(t, tags[t]) for t in sorted(tags, key=lambda x: x.encode("utf-8"))]


def gen_header(ops, version):
    out = [banner(version, "c"), HEADER_DOC]
    out.append("#ifndef THREECX_OPERATIONS_H\n#define THREECX_OPERATIONS_H\n\n")
    out.append("#include \"threecx/catalog.h\"\n\n")
    out.append("/* The XAPI specification version this header was generated from. */\n")
    out.append("#define THREECX_XAPI_OPERATIONS_VERSION %s\n\n" % c_str(version))
    out.append("#ifdef __cplusplus\nextern \"C\" {\n#endif\n")
    for tag, tops in by_tag(ops):
        out.append("\n/* %s */\n/* %s */\n\n" % ("-" * 72, comment_text(tag)))
        for o in tops:
            out.append(doc_comment(o))
            out.append("THREECX_API " + signature(o).replace("\n", "\n" + " " * 12) + ";\n\n")
    out.append("#ifdef __cplusplus\n}\n#endif\n\n#endif /* THREECX_OPERATIONS_H */\n")
    return "".join(out)


# ---------------------------------------------------------------------------
# 3. operations.cpp

def gen_impl(ops, version):
    out = [banner(version, "cpp")]
    out.append("// Typed functions: each is a call into threecx::catalog::call (lib/catalog/\n"
               "// catalog.cpp) with the operation's index in the catalog, known here.\n")
    out.append("#include \"catalog/catalog.hpp\"\n#include \"threecx/operations.h\"\n\n")
    out.append("// Qualified names: a parameter may be called `call` (GetLogs has one).\n")
    out.append("#define S(v) ::threecx::catalog::Arg{(v), 0}\n"
               "#define I(v) ::threecx::catalog::Arg{nullptr, (v)}\n"
               "#define CALL ::threecx::catalog::call\n\n")
    out.append("extern \"C\" {\n\n")
    for index, o in enumerate(ops):
        out.append(signature(o, False) + " {\n")
        args = []
        for p in o["params"]:
            args.append(("S(%s)" if p["type"] in (1, 4, 5) else "I(%s)") % p["cname"])
        if args:
            out.append("  const ::threecx::catalog::Arg args_[] = {%s};\n" % ", ".join(args))
        # the operation's index in kOperations (same order: by operationId),
        # so that the call needs no look-up by name
        out.append("  return CALL(client, %d /* %s */, %s, %d, %s, %s, %s, out);\n}\n" % (
            index, o["id"], "args_" if args else "nullptr", len(args),
            "query" if o["options"] else "nullptr",
            "if_match" if o["has_if_match"] else "nullptr",
            "body_json" if o["has_body"] else "nullptr"))
    out.append("\n}  // extern \"C\"\n")
    return "".join(out)


# ---------------------------------------------------------------------------
# 5. tests/catalog/all_ops_calls.inc: one thunk per typed function, so that
# tests/catalog/all_ops_send_test.c can call every typed function from a table.

def gen_test_thunks(ops, version):
    out = [banner(version, "c")]
    out.append("/* Included by tests/catalog/all_ops_send_test.c, which defines struct\n"
               " * op_args {const char *s[]; int64_t i[]; query; if_match; body}. */\n\n")
    for o in ops:
        args = ["c"]
        for k, p in enumerate(o["params"]):
            args.append(("a->s[%d]" if p["type"] in (1, 4, 5) else "(int32_t)a->i[%d]") % k)
        if o["options"]:
            args.append("a->query")
        if o["has_if_match"]:
            args.append("a->if_match")
        if o["has_body"]:
            args.append("a->body")
        args.append("out")
        out.append("static int t_%s(threecx_client *c, const struct op_args *a, threecx_response **out) {\n"
                   "  %sreturn %s(%s);\n}\n" % (
                       o["id"], "" if o["params"] else "(void)a;\n  ", o["function"], ", ".join(args)))
    out.append("\nstatic const struct op_thunk kThunks[] = {\n")
    for o in ops:
        out.append("    {%s, t_%s},\n" % (c_str(o["id"]), o["id"]))
    out.append("};\n")
    return "".join(out)


# ---------------------------------------------------------------------------
# 4. docs/reference/xapi.md

def anchor(tag):
    return "tag-" + re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")


def md(s):
    return s.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def gen_docs(ops, version, stats):
    out = [banner(version, "md")]
    out.append("# XAPI %s operation reference\n\n" % version)
    out.append("%s. Every operation is callable three ways: through its typed "
               "function (`threecx/operations.h`), generically by operationId with "
               "`threecx_request_new_op`, or by method and path with "
               "`threecx_request_new`. The run-time catalog (`threecx/catalog.h`) "
               "lists the same data.\n\n" % stats)
    out.append("## Conventions\n\n"
               "- **Function names**: `threecx_xapi_` + the operationId in snake_case "
               "(split before an upper-case letter that follows a lower-case letter or "
               "digit, and before the last upper-case letter of an upper-case run "
               "followed by a lower-case letter; lower-case everything). "
               "`ListSecurityRefreshToken` \u2192 `threecx_xapi_list_security_refresh_token`.\n"
               "- **Arguments**: client, path parameters in path order, `query` (if the "
               "operation accepts any OData option; may be NULL), `if_match` (may be NULL), "
               "`body_json`, `out`. Path parameters are rendered as OData literals by the "
               "library: strings quoted with `'` doubled then percent-encoded, date-times "
               "bare ISO 8601 with offset, int32/bool/guid bare, NULL \u2192 `null` for "
               "nullable strings.\n"
               "- **Paths** are relative to `/xapi/v1`.\n"
               "- **Response kinds**, first rule that matches: *none* if every 2xx answer "
               "is 204; *file* if the success schema is `Pbx.IActionResult` or the "
               "operationId or path function name starts with `Download` or `Export` "
               "(3CX serves those as files although typed as JSON); *collection* if the "
               "body has a `value` array; *value* if it wraps one primitive "
               "`{\"value\": x}`; *entity* otherwise.\n"
               "- **ABI**: a newer XAPI only adds functions; the generator refuses a spec that "
               "would remove or change a function listed in `tools/gen/abi-0.txt`, so removed or "
               "changed operations keep their function until a deliberate SONAME bump.\n\n")
    groups = by_tag(ops)
    out.append("## Tags\n\n")
    for tag, tops in groups:
        out.append("- [%s](#%s) (%d)\n" % (md(tag), anchor(tag), len(tops)))
    out.append("\n")
    for tag, tops in groups:
        out.append('<a id="%s"></a>\n\n## %s\n\n' % (anchor(tag), md(tag)))
        for o in tops:
            out.append("### %s\n\n" % o["id"])
            if o["summary"]:
                out.append("%s\n\n" % md(o["summary"]))
            out.append("```c\n%s;\n```\n\n" % signature(o))
            out.append("- **Request**: `%s %s`\n" % (o["method"], o["path"]))
            if o["params"]:
                out.append("- **Parameters**:\n")
                for p in o["params"]:
                    out.append("  - `%s` (`%s`): %s%s\n" % (
                        p["name"], p["cname"], TYPE_DOC[p["type"]],
                        ", nullable" if p["nullable"] else ""))
            else:
                out.append("- **Parameters**: none\n")
            opts = options_names(o["options"])
            out.append("- **Options**: %s\n" % (" ".join("`%s`" % n for n in opts) if opts else "none"))
            if o["has_if_match"]:
                out.append("- **If-Match**: accepted\n")
            out.append("- **Body**: %s\n" % (
                ("JSON, required" if o["body_required"] else "JSON, optional") if o["has_body"] else "none"))
            out.append("- **Response**: %s\n\n" % md(KIND_DOC[o["kind"]]))
    return "".join(out)


# ---------------------------------------------------------------------------

def summary_line(ops):
    from collections import Counter
    kinds = Counter(KINDS[o["kind"]].lower() for o in ops)
    ptypes = Counter(TYPE_DOC[p["type"]] for o in ops for p in o["params"])
    tags = {o["tag"] for o in ops}
    return ("%d operations, %d tags, response kinds: %s; path parameters: %s; "
            "%d with a body, %d with If-Match, %d accepting query options" % (
                len(ops), len(tags),
                " ".join("%s=%d" % (k, kinds[k]) for k in sorted(kinds)),
                " ".join("%s=%d" % (k, ptypes[k]) for k in sorted(ptypes)),
                sum(o["has_body"] for o in ops), sum(o["has_if_match"] for o in ops),
                sum(1 for o in ops if o["options"])))


# ---------------------------------------------------------------------------
# The typed functions of this SONAME (tools/gen/abi-<N>.txt): one line per
# function, "function<TAB>signature". A spec that would remove a listed
# function or change its signature is refused; new functions are added to
# the list (and the drift check then asks for it to be committed).

ABI_VERSION = 0


def abi_path():
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "abi-%d.txt" % ABI_VERSION)


def check_abi(ops, path):
    """Returns the new manifest text; raises GenError on a removal or change."""
    listed = {}
    if os.path.exists(path):
        with open(path, "r", encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                fn, _, sig = line.partition("\t")
                listed[fn] = sig
    now = {o["function"]: signature(o, indent_to_paren=False) for o in ops}
    gone = sorted(fn for fn in listed if fn not in now)
    changed = sorted(fn for fn in listed if fn in now and now[fn] != listed[fn])
    problems = []
    if gone:
        problems.append("removed from the spec: %s" % ", ".join(gone[:10]))
    for fn in changed[:10]:
        problems.append("signature of %s changed:\n  was %s\n  now %s" % (fn, listed[fn], now[fn]))
    if problems:
        raise GenError("the typed functions of ABI %d (%s) must stay as they are; %s\n"
                       "Keep them (hand-written shims) or bump the SONAME deliberately."
                       % (ABI_VERSION, os.path.basename(path), "; ".join(problems)))
    out = ["# The typed functions of libthreecx.so.%d, kept by tools/gen/xapi_gen.py:\n"
           "# a spec that would remove one or change its signature is refused.\n" % ABI_VERSION]
    for fn in sorted(set(listed) | set(now)):
        out.append("%s\t%s\n" % (fn, now.get(fn, listed.get(fn))))
    return "".join(out)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("spec", nargs="?",
                    default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "spec",
                                         "xapi-%s.json" % DEFAULT_XAPI_VERSION),
                    help="the XAPI OpenAPI document, JSON (default: spec/xapi-%s.json)" % DEFAULT_XAPI_VERSION)
    ap.add_argument("--out", default=".", help="repository root to write into")
    ap.add_argument("--xapi-version", default=DEFAULT_XAPI_VERSION,
                    help="XAPI version the spec describes (its info.version is 1.0.0)")
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    ap.add_argument("--abi", default=None, help="the ABI manifest (default tools/gen/abi-%d.txt)" % ABI_VERSION)
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    try:
        with open(args.spec, "r", encoding="utf-8") as f:
            spec = Spec(json.load(f))
        ops = load_operations(spec)
        abi_text = check_abi(ops, args.abi or abi_path())
    except (GenError, KeyError, ValueError, OSError) as e:
        print("xapi_gen: error: %s" % e, file=sys.stderr)
        return 2
    v = args.xapi_version
    line = summary_line(ops)
    files = {
        "lib/generated/catalog_data.inc": gen_catalog(ops, v),
        "include/threecx/operations.h": gen_header(ops, v),
        "lib/generated/operations.cpp": gen_impl(ops, v),
        "docs/reference/xapi.md": gen_docs(ops, v, line[0].upper() + line[1:]),
        "tests/catalog/all_ops_calls.inc": gen_test_thunks(ops, v),
        "bindings/go/operations.go": bindings_gen.gen_go(ops, banner_text(v)),
        **go_models_gen.generate(spec, ops, banner_text(v)),
        "bindings/csharp/Operations.cs": bindings_gen.gen_csharp(ops, banner_text(v)),
        "bindings/csharp/Models.cs": csharp_models_gen.gen_csharp_models(spec, ops, banner_text(v)),
        "tools/gen/abi-%d.txt" % ABI_VERSION: abi_text,
    }
    stale = []
    for rel, text in sorted(files.items()):
        dest = os.path.join(args.out, rel)
        data = text.encode("utf-8")
        old = None
        if os.path.exists(dest):
            with open(dest, "rb") as f:
                old = f.read()
        if args.check:
            if old != data:
                stale.append(rel)
            continue
        if old != data:
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as f:
                f.write(data)
    print(line)
    print("xapi_gen: %s in %.2f s" % ("checked" if args.check else "generated", time.monotonic() - t0))
    if stale:
        print("xapi_gen: out of date: %s" % ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
