#!/usr/bin/env python3
"""Schema tables of the `threecx` command line (describe, schema), generated
from the XAPI specification:

  python3 tools/gen/cli_gen.py spec/xapi-20.0.10.json --out .

writes tools/cli/generated/schema_data.inc: every components/schemas entry
(allOf members merged, $refs resolved to names) as a list of fields (name,
type, nullability, referenced schema, enum values), enum schemas with their
values, and per operationId the schema of its request body and of its
response (inline schemas get a synthetic name, OPERATION.Body /
OPERATION.Response). tests/cli/gen_reproducible.sh checks the committed file
against this script's output.
"""
import argparse
import json
import os
import sys

OUT = "tools/cli/generated/schema_data.inc"


def ref_name(ref):
    return ref.rsplit("/", 1)[-1]


class Gen:
    def __init__(self, spec):
        self.spec = spec
        self.schemas = spec["components"]["schemas"]
        self.extra = {}  # synthetic name -> schema

    def resolve(self, obj):
        while isinstance(obj, dict) and "$ref" in obj:
            parts = obj["$ref"][2:].split("/")
            node = self.spec
            for p in parts:
                node = node[p]
            obj = node
        return obj

    def merged(self, schema, seen=None):
        """(properties dict, required set) with allOf merged."""
        seen = seen or set()
        props, required = {}, set()
        for sub in schema.get("allOf", []):
            if "$ref" in sub:
                name = ref_name(sub["$ref"])
                if name in seen:
                    continue
                p, r = self.merged(self.schemas[name], seen | {name})
            else:
                p, r = self.merged(sub, seen)
            props.update(p)
            required |= r
        props.update(schema.get("properties", {}))
        required |= set(schema.get("required", []))
        return props, required

    def type_of(self, p):
        """(type text, nullable, referenced schema name or '')"""
        nullable = bool(p.get("nullable"))
        if "$ref" in p:
            n = ref_name(p["$ref"])
            return n, nullable, n
        if "allOf" in p and len(p["allOf"]) == 1 and "$ref" in p["allOf"][0]:
            n = ref_name(p["allOf"][0]["$ref"])
            return n, nullable, n
        if "oneOf" in p or "anyOf" in p:
            alts = p.get("oneOf") or p.get("anyOf")
            texts = []
            for a in alts:
                t, nn, _ = self.type_of(a)
                nullable = nullable or nn
                texts.append(t)
            return " | ".join(texts), nullable, ""
        t = p.get("type", "object")
        f = p.get("format", "")
        if t == "array":
            it, _, ref = self.type_of(p.get("items", {}))
            return "array of " + it, nullable, ref
        if t == "integer":
            return f or "integer", nullable, ""
        if t == "boolean":
            return "bool", nullable, ""
        if t == "number":
            return f or "number", nullable, ""
        if t == "string":
            if f == "date-time":
                return "date-time", nullable, ""
            if f == "uuid":
                return "guid", nullable, ""
            if f == "base64url" or f == "binary":
                return "bytes (" + f + ")", nullable, ""
            if "enum" in p:
                return "enum", nullable, ""
            return "string", nullable, ""
        return t, nullable, ""

    def fields(self, schema):
        props, required = self.merged(schema)
        out = []
        for name in sorted(props, key=lambda s: s.lower()):
            p = props[name]
            t, nullable, ref = self.type_of(p)
            enum = p.get("enum", [])
            if ref and ref in self.schemas and "enum" in self.schemas[ref]:
                enum = self.schemas[ref]["enum"]
            out.append((name, t, nullable, ref if ref in self.schemas or ref in self.extra else "",
                        "|".join(str(e) for e in enum if e is not None), name in required))
        return out

    def schema_of_content(self, content, synthetic):
        if not content:
            return ""
        media = content.get("application/json") or next(iter(content.values()))
        sch = media.get("schema")
        if not sch:
            return ""
        if "$ref" in sch:
            return ref_name(sch["$ref"])
        if sch.get("type") == "object" or "properties" in sch or "allOf" in sch:
            self.extra[synthetic] = sch
            return synthetic
        return ""

    def ops(self):
        rows = []
        for path, item in self.spec["paths"].items():
            for method, op in item.items():
                if method not in ("get", "post", "patch", "put", "delete") or "operationId" not in op:
                    continue
                oid = op["operationId"]
                body = ""
                rb = op.get("requestBody")
                if rb:
                    rb = self.resolve(rb)
                    body = self.schema_of_content(rb.get("content"), oid + ".Body")
                resp = ""
                for code in ("200", "201"):
                    if code in op.get("responses", {}):
                        r = self.resolve(op["responses"][code])
                        resp = self.schema_of_content(r.get("content"), oid + ".Response")
                        break
                rows.append((oid, body, resp))
        return sorted(rows)


def c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(spec):
    g = Gen(spec)
    ops = g.ops()
    names = sorted(list(g.schemas) + list(g.extra))
    lines = ["/* Generated by tools/gen/cli_gen.py from the XAPI %s specification: do not edit. */"
             % spec.get("info", {}).get("version", "?"), ""]
    table = []
    for i, n in enumerate(names):
        s = g.schemas.get(n) or g.extra[n]
        flds = g.fields(s) if "enum" not in s else []
        if flds:
            lines.append("static const cli_field F%d[] = {" % i)
            for (fn, t, nullable, ref, enum, req) in flds:
                lines.append("    {%s, %s, %d, %d, %s, %s}," % (c_str(fn), c_str(t), int(nullable), int(req),
                                                                 c_str(ref), c_str(enum)))
            lines.append("};")
        enum = "|".join(str(e) for e in s.get("enum", []) if e is not None)
        title = s.get("title", "") or s.get("description", "")
        table.append("    {%s, %s, %s, %s, %d}," % (c_str(n), c_str(title), c_str(enum),
                                                     "F%d" % i if flds else "NULL", len(flds)))
    lines.append("")
    lines.append("static const cli_schema SCHEMAS[] = {")
    lines += table
    lines.append("};")
    lines.append("")
    lines.append("static const cli_op_schema OP_SCHEMAS[] = {")
    for oid, body, resp in ops:
        lines.append("    {%s, %s, %s}," % (c_str(oid), c_str(body), c_str(resp)))
    lines.append("};")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("spec")
    ap.add_argument("--out", default=".")
    a = ap.parse_args()
    with open(a.spec, encoding="utf-8") as f:
        spec = json.load(f)
    text = generate(spec)
    path = os.path.join(a.out, OUT)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print("wrote", path)


if __name__ == "__main__":
    sys.exit(main())
