"""Typed Go models and typed operation methods (used by xapi_gen.py).

bindings/go/models.go holds, generated from the specification's
components/schemas:
  - a Go struct per object schema ("Pbx.User" -> User), allOf members merged
    into one flat struct; every property optional (3CX sends any subset,
    $select picks some) so scalars and structs are pointers with omitempty,
    arrays slices with omitempty; JSON tags carry the spec's names;
  - a named string type per enum schema with one constant per member
    (TranscriptionTypeBoth = "Both");
  - date-time -> time.Time, duration -> Duration (ISO 8601), the
    number-or-string unions (oneOf number/string/ReferenceNumeric) -> Number,
    int32/int64/uint8 -> int32/int64/uint8, decimal/float/double -> float64;
  - a struct per inline request body (<OperationId>Body).
bindings/go/typed_operations.go holds one method per operation on Client,
named by its operationId, with ctx first, typed path parameters, the query
when the operation accepts options, the typed body, and call options:
  ENTITY     -> (*T, error)         COLLECTION -> (*Page[T], error)
  VALUE      -> (T, error)          NONE       -> error
  FILE       -> (w io.Writer) (int64, error), streamed
plus, for collections that accept $top, <OperationId>Pager returning an
*ItemPager[T]. bindings/go/typed_operations_test.go calls every operation
against threecx-sim and decodes each answer into the typed result.
"""

import json
import re

import bindings_gen

GO_KEYWORDS = bindings_gen.GO_KEYWORDS | set("ctx w opts pageSize t".split())
# identifiers of the hand-written package a generated type must not take
RESERVED_TYPES = set("""Client Query Request Response Pager Error Page Duration Number Operation
OperationParam JSONClient ItemPager RetryPolicy Option CallOption ParseDuration Ptr Deref Items
Version XAPIVersion ODataString URLEncode NewClient NewClientFromEnv NewQuery""".split())
CLIENT_METHODS = set("""Get Post Patch Delete Pager JSON Close Authenticate BaseURL NewRequest NewOperation
WithRaw AllowHTTP SetCAFile SetCAPath SetTimeout SetConnectTimeout SetMaxResponseBytes SetUserAgent
SetInsecureSkipTLSVerify SetRefreshMargin SetRetry TokenRequests""".split())

PREFIX = "#/components/schemas/"


def exported(name):
    """A Go exported identifier from a spec name ("@odata.etag" -> ODataEtag)."""
    name = name.replace("@odata.", "OData_")
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", name) if p]
    s = "".join(p[0].upper() + p[1:] for p in parts) or "X"
    if s[0].isdigit():
        s = "X" + s
    return s


def go_str(s):
    return json.dumps(s, ensure_ascii=False)


class Models:
    def __init__(self, spec):
        self.spec = spec
        self.schemas = spec.doc["components"]["schemas"]
        self.names = {}    # schema name -> Go type name
        self.kinds = {}    # schema name -> "struct" | "enum" | "alias"
        self.extra = []    # (go name, properties dict, required) for inline bodies
        taken = set(RESERVED_TYPES)
        for n in sorted(self.schemas):
            s = self.schemas[n]
            g = exported(n[4:] if n.startswith("Pbx.") else n)
            while g in taken:
                g += "Model"
            taken.add(g)
            self.names[n] = g
            if "enum" in s:
                self.kinds[n] = "enum"
            elif s.get("type") in ("integer", "number", "string", "boolean"):
                self.kinds[n] = "alias"
            else:
                self.kinds[n] = "struct"
        self.taken = taken
        self.consts = {}

    # -- schemas --------------------------------------------------------
    def ref_name(self, s):
        if isinstance(s, dict) and "$ref" in s and s["$ref"].startswith(PREFIX):
            return s["$ref"][len(PREFIX):]
        return None

    def unwrap(self, s):
        """A property schema's target: allOf [one member] without own
        properties is that member."""
        while isinstance(s, dict) and "allOf" in s and len(s["allOf"]) == 1 and "properties" not in s:
            s = s["allOf"][0]
        return s

    def properties(self, s, depth=0):
        """Merged properties (allOf members first, in order) and required."""
        props, req = {}, set()
        if depth > 16:
            return props, req
        r = self.ref_name(s)
        if r:
            s = self.schemas[r]
        for m in s.get("allOf", []):
            p, q = self.properties(m, depth + 1)
            props.update(p)
            req |= q
        props.update(s.get("properties", {}))
        req |= set(s.get("required", []))
        return props, req

    def scalar(self, s):
        """The Go type of a schema used as a value (no pointer)."""
        s = self.unwrap(s)
        r = self.ref_name(s)
        if r:
            k = self.kinds[r]
            if k == "alias":
                return self.scalar(self.schemas[r])
            return self.names[r]
        if not isinstance(s, dict):
            return "json.RawMessage"
        if "oneOf" in s or "anyOf" in s:
            alts = [self.unwrap(a) for a in s.get("oneOf", s.get("anyOf", []))]
            types = {a.get("type") for a in alts if "type" in a} | {self.ref_name(a) for a in alts if self.ref_name(a)}
            if types <= {"number", "string", "integer", "ReferenceNumeric"} and types & {"number", "integer"}:
                return "Number"
            return "json.RawMessage"
        if "enum" in s:
            return "string"
        t, f = s.get("type"), s.get("format")
        if t == "string":
            return {"date-time": "time.Time", "duration": "Duration"}.get(f, "string")
        if t == "integer":
            return {"int32": "int32", "int64": "int64", "uint8": "uint8", "decimal": "float64"}.get(f, "int64")
        if t == "number":
            return "float64"
        if t == "boolean":
            return "bool"
        if t == "array":
            return "[]" + self.scalar(s.get("items", {}))
        if t == "object" or "properties" in s or "allOf" in s:
            if "properties" in s or "allOf" in s:
                return "json.RawMessage"  # inline object (none in 20.0.10's schemas)
            return "map[string]json.RawMessage"
        return "json.RawMessage"

    def field_type(self, s, required):
        t = self.scalar(s)
        if t.startswith("[]") or t.startswith("map[") or t == "json.RawMessage":
            return t, True
        if required:
            return t, False
        return "*" + t, True

    # -- output -----------------------------------------------------------
    def struct(self, out, gname, props, required, doc):
        out.append("\n// %s\n" % doc)
        out.append("type %s struct {\n" % gname)
        seen = set()
        for pname in props:
            fname = exported(pname)
            while fname in seen:
                fname += "_"
            seen.add(fname)
            t, omit = self.field_type(props[pname], pname in required)
            out.append("\t%s %s `json:%s`\n" % (fname, t, go_str(pname + (",omitempty" if omit else ""))))
        out.append("}\n")

    def enum(self, out, n):
        s = self.schemas[n]
        g = self.names[n]
        out.append("\n// %s is the enumeration %s%s.\n" % (
            g, n, " (flags: members joined with \", \")" if s.get("x-ms-enum-flags") else ""))
        out.append("type %s string\n" % g)
        members = [m for m in s["enum"] if isinstance(m, str)]
        if members:
            out.append("\nconst (\n")
            for m in members:
                c = g + exported(m)
                while c in self.taken:
                    c += "_"
                self.taken.add(c)
                out.append("\t%s %s = %s\n" % (c, g, go_str(m)))
            out.append(")\n")

    def inline(self, name, schema, what):
        """A named struct for an inline object schema; returns its name."""
        gname = exported(name)
        while gname in self.taken:
            gname += "_"
        self.taken.add(gname)
        self.extra.append((gname, schema["properties"], set(schema.get("required", [])),
                           "%s is %s." % (gname, what)))
        return gname

    def used_structs(self):
        """Struct schemas to emit: all but the ...CollectionResponse wrappers
        (their items are returned as Page[T])."""
        return [n for n in sorted(self.schemas) if self.kinds[n] == "struct"
                and not n.endswith("CollectionResponse")]


def response_schema(spec, op):
    for code in sorted(c for c in op.get("responses", {}) if c.startswith("2")):
        r = spec.resolve(op["responses"][code])
        for _ct, media in sorted(r.get("content", {}).items()):
            if "schema" in media:
                return media["schema"]
    return None


def body_schema(spec, op):
    rb = op.get("requestBody")
    if rb is None:
        return None
    rb = spec.resolve(rb)
    media = rb.get("content", {}).get("application/json") or next(iter(rb.get("content", {}).values()), {})
    return media.get("schema")


def signatures(m, spec, ops):
    """Per operation: Go result/body types and the extra body structs."""
    info = {}
    for o in ops:
        sop = spec.doc["paths"][o["path"]][o["method"].lower()]
        bs = body_schema(spec, sop)
        body_t = None
        if o["has_body"]:
            bs_u = m.unwrap(bs) if bs is not None else None
            if bs_u is not None and m.ref_name(bs_u) is None and isinstance(bs_u, dict) and "properties" in bs_u:
                body_t = m.inline(o["id"] + "Body", bs_u, "the request body of " + o["id"])
            else:
                body_t = m.scalar(bs) if bs is not None else "json.RawMessage"
        rs = response_schema(spec, sop)
        res = None
        if o["kind"] == 1:
            props, _ = m.properties(m.unwrap(rs)) if rs is not None else ({}, set())
            val = m.unwrap(props.get("value", {}))
            val = spec.resolve(val) if isinstance(val, dict) and "$ref" in val and m.ref_name(val) is None else val
            res = m.scalar(val.get("items", {})) if isinstance(val, dict) else "json.RawMessage"
        elif o["kind"] == 2:
            res = m.scalar(rs) if rs is not None else "json.RawMessage"
            if res == "json.RawMessage" and isinstance(m.unwrap(rs), dict) and "properties" in m.unwrap(rs):
                res = m.inline(o["id"] + "Result", m.unwrap(rs), "the answer of " + o["id"])
        elif o["kind"] == 3:
            props, _ = m.properties(m.unwrap(rs))
            res = m.scalar(props.get("value", {}))
        info[o["id"]] = {"body": body_t, "result": res}
    return info


def gen_models(spec, ops, banner_text):
    m = Models(spec)
    info = signatures(m, spec, ops)
    out = ["// %s\n\n" % banner_text, "package threecx\n\n"]
    out.append('import (\n\t"encoding/json"\n\t"time"\n)\n\n')
    out.append("// The models use time and json whatever the spec holds.\n")
    out.append("var _ = time.Time{}\nvar _ json.RawMessage\n")
    for n in sorted(m.schemas):
        if m.kinds[n] == "enum":
            m.enum(out, n)
    for n in m.used_structs():
        props, req = m.properties({"$ref": PREFIX + n})
        title = m.schemas[n].get("title") or n
        m.struct(out, m.names[n], props, req, "%s is the schema %s (%s)." % (m.names[n], n, title))
    for gname, props, req, doc in m.extra:
        m.struct(out, gname, props, req, doc)
    return "".join(out), m, info


def go_params(o):
    names = bindings_gen.arg_names(o, GO_KEYWORDS, "_")
    sig, args = [], []
    for p, n in zip(o["params"], names):
        t = bindings_gen.GO_TYPES[p["type"]]
        if p["nullable"] and p["type"] == 1:
            t = "*string"
            args.append("{%s, argNullableString, %s}" % (go_str(p["name"]), n))
        else:
            args.append("{%s, %s, %s}" % (go_str(p["name"]), bindings_gen.GO_KIND[p["type"]], n))
        sig.append("%s %s" % (n, t))
    return sig, args


def gen_typed(ops, info, banner_text):
    out = ["// %s\n\n" % banner_text, "package threecx\n\n"]
    out.append('import (\n\t"context"\n\t"encoding/json"\n\t"io"\n\t"time"\n)\n\n')
    out.append("var _ = time.Time{}\nvar _ json.RawMessage\nvar _ io.Writer\n\n")
    out.append("// TypedOperationMethods is the number of typed operation methods on Client.\n")
    out.append("const TypedOperationMethods = %d\n" % len(ops))
    ids = {o["id"] for o in ops}
    for o in ops:
        if o["id"] in CLIENT_METHODS or o["id"] + "Pager" in ids | CLIENT_METHODS:
            raise ValueError("operationId %s collides with a Client method" % o["id"])
        sig, args = go_params(o)
        sig = ["ctx context.Context"] + sig
        q = "nil"
        if o["options"]:
            sig.append("q *Query")
            q = "q"
        body = "nil"
        bt = info[o["id"]]["body"]
        if o["has_body"]:
            ptr = "" if bt.startswith("[]") or bt.startswith("map[") or bt == "json.RawMessage" else "*"
            sig.append("body %s%s" % (ptr, bt))
            body = "body"
        res = info[o["id"]]["result"]
        argv = "[]opArg{%s}" % ", ".join(args)
        call_args = "ctx, cl, %s, %s, %s, %s" % (go_str(o["id"]), argv, q, body)
        out.append("\n// %s: %s\n" % (o["id"], bindings_gen.doc_line(o)))
        k = o["kind"]
        if k == 4:
            out.append("// The file is streamed to w; returns the bytes written.\n")
            out.append("func (cl *Client) %s(%s, w io.Writer, opts ...CallOption) (int64, error) {\n"
                       % (o["id"], ", ".join(sig)))
            out.append("\treturn callDownload(%s, w, opts)\n}\n" % call_args)
        elif k == 0:
            out.append("func (cl *Client) %s(%s, opts ...CallOption) error {\n" % (o["id"], ", ".join(sig)))
            out.append("\treturn callNone(%s, opts)\n}\n" % call_args)
        elif k == 1:
            out.append("func (cl *Client) %s(%s, opts ...CallOption) (*Page[%s], error) {\n"
                       % (o["id"], ", ".join(sig), res))
            out.append("\treturn callInto[Page[%s]](%s, opts)\n}\n" % (res, call_args))
            if o["options"] & 0x01 and o["method"] == "GET":
                psig, pargs = go_params(o)
                out.append("\n// %sPager walks %s pageSize items per request (q may be nil).\n" % (o["id"], o["id"]))
                out.append("func (cl *Client) %sPager(%s) (*ItemPager[%s], error) {\n"
                           % (o["id"], ", ".join(psig + ["q *Query", "pageSize int64"]), res))
                out.append("\treturn pagerOf[%s](cl, %s, []opArg{%s}, q, pageSize)\n}\n"
                           % (res, go_str(o["id"]), ", ".join(pargs)))
        elif k == 2:
            out.append("func (cl *Client) %s(%s, opts ...CallOption) (*%s, error) {\n" % (o["id"], ", ".join(sig), res))
            out.append("\treturn callInto[%s](%s, opts)\n}\n" % (res, call_args))
        else:
            out.append("func (cl *Client) %s(%s, opts ...CallOption) (%s, error) {\n" % (o["id"], ", ".join(sig), res))
            out.append("\treturn callValue[%s](%s, opts)\n}\n" % (res, call_args))
    return "".join(out)


def generate(spec, ops, banner_text):
    """{relative path: text} of the Go typed layer."""
    models, m, info = gen_models(spec, ops, banner_text)
    return {
        "bindings/go/models.go": models,
        "bindings/go/typed_operations.go": gen_typed(ops, info, banner_text),
        "bindings/go/typed_operations_test.go": gen_test(spec, ops, info, banner_text),
    }


# ---------------------------------------------------------------------------
# The generated test over every operation (typed_operations_test.go): the
# table of calls; the harness (typed_harness_test.go) gives the arguments.

def sample(spec, s, depth=0):
    """A schema-shaped JSON value (as tests/sim_spec/sim_spec_test.c's
    generate(), but enums take their first string member)."""
    s = spec.resolve(s) if isinstance(s, dict) else s
    if not isinstance(s, dict):
        return None
    if s.get("enum"):
        strs = [e for e in s["enum"] if isinstance(e, str)]
        return strs[0] if strs else s["enum"][0]
    if len(s.get("allOf", [])) == 1 and "properties" not in s:
        return sample(spec, s["allOf"][0], depth)
    if s.get("oneOf"):
        return sample(spec, s["oneOf"][0], depth)
    t, f = s.get("type"), s.get("format")
    if t is None and ("properties" in s or "allOf" in s):
        t = "object"
    if t == "string":
        return {"date-time": "2026-03-04T05:06:07Z", "uuid": "0f8fad5b-d9cb-469f-a165-70867728950e",
                "time": "08:30:00", "duration": "PT5M"}.get(f, "gen-value")
    if t == "integer":
        return 1
    if t == "number":
        return 1.5
    if t == "boolean":
        return True
    if t == "array":
        return [sample(spec, s.get("items", {}), depth + 1)] if depth < 3 else []
    if t == "object":
        o = {}
        if depth < 4:
            add_sample_props(spec, o, s, depth)
        return o
    return None


def add_sample_props(spec, o, s, depth):
    s = spec.resolve(s)
    for m in s.get("allOf", []):
        add_sample_props(spec, o, m, depth)
    for k, v in s.get("properties", {}).items():
        if k.startswith("@") or (isinstance(v, dict) and v.get("x-ms-navigationProperty")) or k in o:
            continue
        o[k] = sample(spec, v, depth + 1)


def entity_set(spec, path):
    """The set whose first entity gives the keys: /Set(...)... or /Set/Pbx.X."""
    m = re.match(r"^/([^/(]+)\(", path)
    if not m:
        m = re.match(r"^/([^/(]+)/Pbx\.[^/]+$", path)
    if not m or m.group(1).startswith("Pbx."):
        return ""
    s = m.group(1)
    return s if "get" in spec.doc["paths"].get("/" + s, {}) else ""


def go_raw(s):
    return "`" + s.replace("`", "` + \"`\" + `") + "`"


def gen_test(spec, ops, info, banner_text):
    rank = {"GET": 0, "POST": 1, "PATCH": 2}
    order = sorted(ops, key=lambda o: (rank.get(o["method"], 3), o["id"]))
    out = ["// %s\n\n" % banner_text, "package threecx\n\n"]
    out.append('import (\n\t"bytes"\n\t"context"\n)\n\n')
    out.append("// typedCases calls every operation through its typed method: GET first,\n")
    out.append("// then POST, PATCH and DELETE (typed_harness_test.go runs them).\n")
    out.append("var typedCases = []typedCase{\n")
    for k, o in enumerate(order):
        sop = spec.doc["paths"][o["path"]][o["method"].lower()]
        names = bindings_gen.arg_names(o, GO_KEYWORDS, "_")
        params = {p.get("name"): spec.resolve(p) for p in sop.get("parameters", []) + spec.doc["paths"][o["path"]].get("parameters", [])}
        args = ["ctx"]
        for p, _n in zip(o["params"], names):
            ps = spec.resolve(params.get(p["name"], {}).get("schema", {}))
            if len(ps.get("allOf", [])) == 1:
                ps = spec.resolve(ps["allOf"][0])
            enum = [e for e in ps.get("enum", []) if isinstance(e, str)]
            t = p["type"]
            if t == 2:
                args.append("a.int32(%s)" % go_str(p["name"]))
            elif t == 3:
                args.append("a.boolean(%s)" % go_str(p["name"]))
            elif t == 4:
                args.append("a.guid(%s)" % go_str(p["name"]))
            elif t == 5:
                args.append("a.time(%d)" % k)
            elif p["nullable"]:
                args.append("a.nstr(%s, %d%s)" % (go_str(p["name"]), k, "".join(", " + go_str(e) for e in enum)))
            else:
                args.append("a.str(%s, %d%s)" % (go_str(p["name"]), k, "".join(", " + go_str(e) for e in enum)))
        paged = o["kind"] == 1 and o["options"] & 0x01 and o["options"] & 0x10
        if o["options"]:
            args.append("a.query(%s)" % ("true" if paged else "false"))
        body_json = ""
        pre = ""
        if o["has_body"]:
            bt = info[o["id"]]["body"]
            bs = body_schema(spec, sop)
            val = sample(spec, bs) if bs is not None else {}
            if not isinstance(val, (dict, list)):
                val = {}
            body_json = json.dumps(val, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            plain = bt.startswith("[]") or bt.startswith("map[") or bt == "json.RawMessage"
            pre = "\t\tvar body %s\n\t\tif err := a.body(&body); err != nil {\n\t\t\treturn nil, err\n\t\t}\n" % bt
            args.append("body" if plain else "&body")
        call = "cl.%s(%s" % (o["id"], ", ".join(args))
        kind = o["kind"]
        if kind == 4:
            body = pre + "\t\tvar buf bytes.Buffer\n\t\tn, err := %s, &buf)\n\t\treturn n, err\n" % call
        elif kind == 0:
            body = pre + "\t\treturn nil, %s)\n" % call
        else:
            body = pre + "\t\treturn %s)\n" % call
        body = "".join("\t" + line + "\n" for line in body.splitlines())
        out.append("\t{%s, %s, %s, %s, %d, %s, %s,\n\t\tfunc(ctx context.Context, cl *Client, a *opArgs) (interface{}, error) {\n%s\t\t}},\n"
                   % (go_str(o["id"]), go_str(o["method"]), go_str(o["path"]), go_str(entity_set(spec, o["path"])),
                      kind, "true" if paged else "false", go_raw(body_json), body))
    out.append("}\n")
    return "".join(out)
