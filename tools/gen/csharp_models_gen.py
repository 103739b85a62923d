"""Typed C# models and typed operation methods (used by xapi_gen.py).

From the specification's schemas: a class per object schema (properties with
nullable value types, so an absent, null or unselected property is null;
allOf [Base, {...}] becomes a subclass of Base), a C# enum per string enum
(members carry the wire value in [WireName]), date-times as DateTimeOffset,
durations and times of day as TimeSpan, GUIDs as Guid, OData's
IEEE754-compatible numbers (number, "INF", "NaN") as double. Inline request
bodies and inline response objects get classes of their own. Each class reads
and writes itself through the small serializer of bindings/csharp/Json.cs
(nothing beyond netstandard2.0 / Mono's mscorlib).

For every operation, a method on ThreecxClient.Typed (class TypedOperations)
with the raw method's arguments, a typed body where the operation takes one,
returning the decoded answer: void (no content), ODataCollection<T> (a
collection page), T (an entity), the value of a {"value": ...} answer, or
byte[] (a file); and its ...Async(..., CancellationToken) twin.
TypedOperations.Decode(operationId, status, body) is the decoder each method
uses (the decode test runs it over the simulator's answer to every operation).
"""

import json
import re

import bindings_gen as bg

NS_MODELS = "Threecx.Models"
RUNTIME = {"Model", "Json", "JsonWriter", "ODataCollection", "WireNameAttribute", "ThreecxJsonException"}
MEMBER_RESERVED = {"AdditionalProperties", "ToJson", "FromJson", "ReadProperty", "WriteProperties", "Equals",
                   "GetHashCode", "GetType", "ToString", "MemberwiseClone", "Finalize"}


def ident(name):
    n = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not n or n[0].isdigit():
        n = "_" + n
    if n in bg.CS_KEYWORDS:
        n = "@" + n
    return n


def pascal(name):
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", name) if p]
    return "".join(p[0].upper() + p[1:] for p in parts) or "X"


def xml(s):
    return " ".join((s or "").split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class T:
    """A C# type: cs (type text), dec (expression decoding the JSON value
    named $V), enc (method writing a value: Action<JsonWriter, cs>), depth
    (nesting of lists: names the lambda parameters apart)."""

    def __init__(self, cs, dec, enc, depth=0):
        self.cs, self.dec, self.enc, self.depth = cs, dec, enc, depth

    def decode(self, var):
        return self.dec.replace("$V", var)


PRIMS = {
    "string": T("string", "global::Threecx.Models.Json.ToStr($V)", "JsonWriter.Str"),
    "bool": T("bool?", "global::Threecx.Models.Json.ToBool($V)", "JsonWriter.Bool"),
    "int": T("int?", "global::Threecx.Models.Json.ToInt($V)", "JsonWriter.Int"),
    "long": T("long?", "global::Threecx.Models.Json.ToLong($V)", "JsonWriter.Long"),
    "decimal": T("decimal?", "global::Threecx.Models.Json.ToDecimal($V)", "JsonWriter.Dec"),
    "double": T("double?", "global::Threecx.Models.Json.ToDouble($V)", "JsonWriter.Dbl"),
    "datetime": T("global::System.DateTimeOffset?", "global::Threecx.Models.Json.ToDateTime($V)", "JsonWriter.Date"),
    "duration": T("global::System.TimeSpan?", "global::Threecx.Models.Json.ToDuration($V)", "JsonWriter.Duration"),
    "time": T("global::System.TimeSpan?", "global::Threecx.Models.Json.ToTimeOfDay($V)", "JsonWriter.TimeOfDay"),
    "guid": T("global::System.Guid?", "global::Threecx.Models.Json.ToGuid($V)", "JsonWriter.Guid"),
    "raw": T("object", "global::Threecx.Models.Json.ToRaw($V)", "JsonWriter.Raw"),
}


class Gen:
    def __init__(self, spec):
        self.spec = spec
        self.schemas = spec.doc["components"]["schemas"]
        self.names = {}       # schema name -> C# name
        self.classes = []     # (cs name, base or None, [(json name, T, doc)], doc)
        self.enums = []       # (cs name, [values], doc)
        self.taken = set(RUNTIME)
        self.inline = {}      # id(schema) -> cs name
        for n in sorted(self.schemas):
            self.names[n] = self.unique(pascal(n.split(".")[-1]))
        self.done = set()

    def unique(self, base):
        n = base
        i = 2
        while n in self.taken or n in bg.CS_KEYWORDS:
            n = "%s%d" % (base, i)
            i += 1
        self.taken.add(n)
        return n

    # ---- types ----
    def ref_name(self, ref):
        return ref.split("/")[-1]

    def type_of(self, s, hint):
        """The T of schema s (hint names an inline class)."""
        if not isinstance(s, dict):
            return PRIMS["raw"]
        if "$ref" in s:
            return self.named(self.ref_name(s["$ref"]))
        if "allOf" in s and len(s["allOf"]) == 1 and "properties" not in s:
            return self.type_of(s["allOf"][0], hint)
        if "oneOf" in s or "anyOf" in s:
            members = s.get("oneOf") or s.get("anyOf")
            if any(m.get("type") == "number" for m in members if isinstance(m, dict)):
                return PRIMS["double"]
            return PRIMS["raw"]
        t, f = s.get("type"), s.get("format")
        if t == "string":
            if "enum" in s:
                return self.enum_type(self.unique(hint), s)
            return PRIMS.get({"date-time": "datetime", "duration": "duration", "time": "time",
                              "uuid": "guid"}.get(f, "string"))
        if t == "boolean":
            return PRIMS["bool"]
        if t == "integer":
            return PRIMS["long" if f == "int64" else "decimal" if f == "decimal" else "int"]
        if t == "number":
            return PRIMS["decimal" if f == "decimal" else "double"]
        if t == "array":
            e = self.type_of(s.get("items", {}), hint + "Item")
            cs = "global::System.Collections.Generic.List<%s>" % e.cs
            x = "x%d" % (e.depth + 1)
            return T(cs, "global::Threecx.Models.Json.ToList<%s>($V, %s => %s)" % (e.cs, x, e.decode(x)),
                     "(w%d, xs%d) => JsonWriter.List<%s>(w%d, xs%d, %s)" % (e.depth + 1, e.depth + 1, e.cs, e.depth + 1,
                                                                         e.depth + 1, e.enc), e.depth + 1)
        if t == "object" or "properties" in s or "allOf" in s:
            key = id(s)
            if key not in self.inline:
                name = self.unique(hint)
                self.inline[key] = name
                self.add_class(name, s, hint)
            return self.class_type(self.inline[key])
        return PRIMS["raw"]

    def class_type(self, cs):
        q = "global::%s.%s" % (NS_MODELS, cs)
        return T(q, "%s.FromJson($V)" % q, "JsonWriter.Model")

    def enum_type(self, cs, s, doc=""):
        self.enums.append((cs, list(s["enum"]), doc))
        q = "global::%s.%s" % (NS_MODELS, cs)
        return T(q + "?", "global::Threecx.Models.Json.ToEnum<%s>($V)" % q, "JsonWriter.Enum<%s>" % q)

    def named(self, name):
        s = self.schemas[name]
        cs = self.names[name]
        if isinstance(s, dict) and s.get("type") == "string" and "enum" in s:
            if name not in self.done:
                self.done.add(name)
                self.enums.append((cs, list(s["enum"]), s.get("description", "")))
            q = "global::%s.%s" % (NS_MODELS, cs)
            return T(q + "?", "global::Threecx.Models.Json.ToEnum<%s>($V)" % q, "JsonWriter.Enum<%s>" % q)
        if isinstance(s, dict) and s.get("type") in ("integer", "number", "boolean", "string") and "properties" not in s:
            return self.type_of(dict(s), cs)
        if name not in self.done:
            self.done.add(name)
            self.add_class(cs, s, name)
        return self.class_type(cs)

    def add_class(self, cs, s, where):
        base, props = None, []
        members = list(s.get("allOf", []))
        own = dict(s.get("properties", {}))
        for m in members:
            if "$ref" in m and base is None:
                bt = self.named(self.ref_name(m["$ref"]))
                if bt.enc == "JsonWriter.Model":
                    base = bt.cs.split(".")[-1]
                    continue
            own.update(self.spec.resolve(m).get("properties", {}))
        entry = [cs, base, props, s.get("description", "") or s.get("title", "")]
        self.classes.append(entry)
        for pn in sorted(own):
            props.append((pn, self.type_of(own[pn], cs + pascal(pn)), own[pn].get("description", "")))

    # ---- output ----
    def inherited(self, base):
        names = set()
        by = {c[0]: c for c in self.classes}
        while base:
            c = by.get(base)
            if not c:
                break
            names.update(p[0] for p in c[2])
            base = c[1]
        return names

    def emit_models(self, out):
        for cs, values, doc in sorted(self.enums):
            out.append("\n    /// <summary>%s</summary>\n" % (xml(doc) or cs))
            out.append("    public enum %s\n    {\n" % cs)
            used = set()
            for v in values:
                if not isinstance(v, str):  # a YAML-ism of the spec: No -> false
                    v = json.dumps(v)
                m = ident(pascal(v) if re.search(r"[A-Za-z0-9]", v) else "Value")
                if m.startswith("@"):
                    m = m[1:] + "_"
                while m in used:
                    m += "_"
                used.add(m)
                out.append("        [WireName(\"%s\")] %s,\n" % (bg_cs_str(v), m))
            out.append("    }\n")
        for cs, base, props, doc in sorted(self.classes, key=lambda c: c[0]):
            seen = self.inherited(base)
            out.append("\n    /// <summary>%s</summary>\n" % (xml(doc) or cs))
            out.append("    public partial class %s : %s\n    {\n" % (cs, base or "Model"))
            emitted = []
            used = set(MEMBER_RESERVED) | {cs}
            for pn, t, pdoc in props:
                if pn in seen:
                    continue
                m = ident(pascal(pn) if pn[:1].isalpha() else pn)
                while m in used:
                    m += "_"
                used.add(m)
                emitted.append((pn, t, m))
                if pdoc:
                    out.append("        /// <summary>%s</summary>\n" % xml(pdoc))
                out.append("        public %s %s { get; set; }\n" % (t.cs, m))
            out.append("\n        /// <summary>Decodes a JSON value (the tree of Json.Parse); null for null.</summary>\n")
            out.append("        public static %s%s FromJson(object v) => Read(v, new %s());\n"
                       % ("new " if base else "", cs, cs))
            out.append("        /// <summary>Decodes JSON text.</summary>\n")
            out.append("        public static %s%s FromJson(string json) => FromJson(global::Threecx.Models.Json.Parse(json));\n"
                       % ("new " if base else "", cs))
            if emitted:
                out.append("\n        protected internal override bool ReadProperty(string name, object v)\n        {\n")
                out.append("            switch (name)\n            {\n")
                for pn, t, m in emitted:
                    out.append("                case \"%s\": %s = %s; return true;\n" % (bg_cs_str(pn), m, t.decode("v")))
                out.append("                default: return base.ReadProperty(name, v);\n            }\n        }\n")
                out.append("\n        protected internal override void WriteProperties(JsonWriter w)\n        {\n")
                out.append("            base.WriteProperties(w);\n")
                for pn, t, m in emitted:
                    out.append("            if (%s != null) w.Property<%s>(\"%s\", %s, %s);\n"
                               % (m, t.cs, bg_cs_str(pn), m, t.enc))
                out.append("        }\n")
            out.append("    }\n")


def bg_cs_str(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')


def response_schema(spec, path, method):
    op = spec.doc["paths"][path][method.lower()]
    for code in sorted(c for c in op.get("responses", {}) if c.startswith("2")):
        r = spec.resolve(op["responses"][code])
        for _ct, media in sorted(r.get("content", {}).items()):
            if "schema" in media:
                return media["schema"]
    return None


def body_schema(spec, path, method):
    op = spec.doc["paths"][path][method.lower()]
    rb = op.get("requestBody")
    if not rb:
        return None
    rb = spec.resolve(rb)
    for _ct, media in sorted(rb.get("content", {}).items()):
        if "schema" in media:
            return media["schema"]
    return None


def result_type(g, o):
    """(C# result type or None for void, decode expression of `v` or None)."""
    kind = o["kind"]
    if kind == 0:
        return None, None, None
    if kind == 4:
        return "byte[]", None, None
    s = response_schema(g.spec, o["path"], o["method"])
    props = g.spec.properties(s)
    if kind == 1:
        items = g.spec.resolve(props["value"]).get("items", {})
        e = g.type_of(items, pascal(o["id"]) + "Item")
        x = "x%d" % (e.depth + 1)
        return ("ODataCollection<%s>" % e.cs,
                "ODataCollection<%s>.FromJson(v, %s => %s)" % (e.cs, x, e.decode(x)), e)
    if kind == 3:
        t = g.type_of(props["value"], pascal(o["id"]) + "Value")
        x = "x%d" % (t.depth + 1)
        return t.cs, "global::Threecx.Models.Json.ValueOf<%s>(v, %s => %s)" % (t.cs, x, t.decode(x)), None
    t = g.type_of(s, pascal(o["id"]) + "Result")
    return t.cs, t.decode("v"), None


def gen_csharp_models(spec, ops, banner_text):
    g = Gen(spec)
    for name in sorted(g.schemas):
        g.named(name)
    methods = []
    for o in ops:
        rt, dec, item = result_type(g, o)
        bt = None
        if o["has_body"]:
            bs = body_schema(spec, o["path"], o["method"])
            title = pascal(bs.get("title", "")) if isinstance(bs, dict) and bs.get("title") else ""
            bt = g.type_of(bs, title or pascal(o["id"]) + "Body")
        methods.append((o, rt, dec, bt, item))

    out = ["// %s\n\n" % banner_text]
    out.append("using System;\nusing System.Threading;\nusing System.Threading.Tasks;\n")
    out.append("using Threecx.Models;\n\n")
    out.append("namespace %s\n{\n" % NS_MODELS)
    g.emit_models(out)
    out.append("}\n\nnamespace Threecx\n{\n")
    out.append("    /// <summary>The typed operations: client.Typed.GetUser(1) -> User.</summary>\n")
    out.append("    public sealed partial class TypedOperations\n    {\n")
    out.append("        /// <summary>The number of typed operation methods.</summary>\n")
    out.append("        public const int OperationMethods = %d;\n\n" % len(ops))
    out.append("        /// <summary>Decodes the answer (status, body) of an operation into its typed result\n")
    out.append("        /// (null for none, byte[] for a file); throws ThreecxJsonException when it does not fit.</summary>\n")
    out.append("        public static object Decode(string operationId, int status, byte[] body)\n        {\n")
    out.append("            switch (operationId)\n            {\n")
    for o, rt, dec, bt, _item in methods:
        if rt is None:
            e = "null"
        elif rt == "byte[]":
            e = "body"
        else:
            e = "DecodeJson(status, body, v => %s)" % dec
        out.append("                case \"%s\": return %s;\n" % (o["id"], e))
    out.append("                default: throw new ArgumentException(\"unknown operation \" + operationId, nameof(operationId));\n")
    out.append("            }\n        }\n")
    for o, rt, dec, bt, item in methods:
        names = bg.arg_names(o, bg.CS_KEYWORDS, "@")
        sig, opargs = [], []
        for p, n in zip(o["params"], names):
            sig.append("%s %s" % (bg.CS_TYPES[p["type"]], n))
            kind = "NullableString" if p["nullable"] and p["type"] == 1 else bg.CS_KIND[p["type"]].split(".")[1]
            opargs.append("new ThreecxClient.OpArg(\"%s\", ThreecxClient.ArgKind.%s, %s)" % (p["name"], kind, n))
        if o["options"]:
            sig.append("Query query = null")
        # If-Match where the spec declares it, and on every update and delete
        # (OData honours it there; 3CX's spec leaves it out of most)
        if_match = o["has_if_match"] or o["method"] in ("PATCH", "PUT", "DELETE")
        if if_match:
            sig.append("string ifMatch = null")
        if o["has_body"]:
            sig.append("%s body = null" % bt.cs)
        call = "client.Prepare(\"%s\", %s, %s, %s%s)" % (
            o["id"], "query" if o["options"] else "null", "ifMatch" if if_match else "null",
            "body == null ? null : Json.Encode<%s>(body, %s)" % (bt.cs, bt.enc) if o["has_body"] else "null",
            "".join(", " + a for a in opargs))
        ret = rt or "void"
        doc = "%s (operationId %s)" % (xml(bg.doc_line(o)), o["id"])
        out.append("\n        /// <summary>%s; the answer decoded.</summary>\n" % doc)
        out.append("        public %s %s(%s)\n        {\n" % (ret, o["id"], ", ".join(sig)))
        out.append("            using (var q = %s)\n" % call)
        out.append("            using (var r = q.Send())\n")
        if rt is None:
            out.append("            { }\n")
        elif rt == "byte[]":
            out.append("                return r.Bytes;\n")
        else:
            out.append("                return (%s)Decode(\"%s\", r.Status, r.Bytes);\n" % (rt, o["id"]))
        out.append("        }\n")
        asig = sig + ["CancellationToken cancellationToken = default(CancellationToken)"]
        anames = [a.split(" = ")[0].split(" ")[-1] for a in sig]
        out.append("\n        /// <summary>%s, on the thread pool; cancellationToken aborts the transfer.</summary>\n" % doc)
        if rt is None:
            out.append("        public Task %sAsync(%s) =>\n" % (o["id"], ", ".join(asig)))
            out.append("            Run(() => { %s(%s); return true; }, cancellationToken);\n" % (o["id"], ", ".join(anames)))
        else:
            out.append("        public Task<%s> %sAsync(%s) =>\n" % (rt, o["id"], ", ".join(asig)))
            out.append("            Run(() => %s(%s), cancellationToken);\n" % (o["id"], ", ".join(anames)))
        if item is not None and o["method"] == "GET" and (o["options"] & 3) == 3:
            psig = [a for a in sig if not a.startswith("Query ")] + ["Query query = null", "long pageSize = 100"]
            out.append("\n        /// <summary>%s: every item, fetched page by page as it is enumerated.</summary>\n" % doc)
            out.append("        public Pageable<%s> %sPageable(%s) =>\n" % (item.cs, o["id"], ", ".join(psig)))
            out.append("            client.Pageable<%s>(\"%s\", query, pageSize, x0 => %s%s);\n"
                       % (item.cs, o["id"], item.decode("x0"), "".join(", " + a for a in opargs)))
    out.append("    }\n}\n")
    return "".join(out)
