"""Typed per-operation methods for the Go and C# bindings (used by xapi_gen.py).

Each of the 601 operations becomes a method on the idiomatic client of the
language, named by its operationId (Go: Client.ListSecurityRefreshToken, C#:
ThreecxClient.ListSecurityRefreshToken) with the path parameters as typed
arguments. The methods go through the catalog (a request made from the
operationId, parameters set by name), so the library checks them the same way
as the C typed functions, and a nullable string parameter can be null (Go
*string nil, C# null), which the SWIG string typemaps cannot express.
"""

import re

# parameter kinds of xapi_gen.param_type: 1 string, 2 int32, 3 bool, 4 GUID, 5 date-time
GO_KEYWORDS = set("""break case chan const continue default defer else fallthrough for func go goto
if import interface map package range return select struct switch type var
q ifMatch body err resp cl r""".split())
CS_KEYWORDS = set("""abstract as base bool break byte case catch char checked class const continue
decimal default delegate do double else enum event explicit extern false finally fixed float for
foreach goto if implicit in int interface internal is lock long namespace new null object operator
out override params private protected public readonly ref return sbyte sealed short sizeof
stackalloc static string struct switch this throw true try typeof uint ulong unchecked unsafe
ushort using virtual void volatile while query ifMatch body""".split())


def trailing(o, query, if_match, body):
    """The arguments after the path parameters, in the order of every
    signature: the query (if the operation takes options), If-Match, body."""
    return [a for has, a in ((o["options"], query), (o["has_if_match"], if_match), (o["has_body"], body)) if has]


def lower_camel(name):
    parts = [p for p in re.split(r"[_\W]+", name) if p]
    head = parts[0]
    head = head[0].lower() + head[1:]
    return head + "".join(p[0].upper() + p[1:] for p in parts[1:])


def arg_names(o, keywords, suffix):
    names, seen = [], set()
    for p in o["params"]:
        n = lower_camel(p["name"])
        if n in keywords:
            n = n + suffix if suffix != "@" else "@" + n
        while n in seen:
            n += "2"
        seen.add(n)
        names.append(n)
    return names


def doc_line(o):
    s = "%s %s" % (o["method"], o["path"])
    if o["summary"]:
        s += ": " + o["summary"]
    return s.replace("*/", "* /")


# ---------------------------------------------------------------------------
# Go

GO_TYPES = {1: "string", 2: "int32", 3: "bool", 4: "string", 5: "time.Time"}
GO_KIND = {1: "argString", 2: "argInt", 3: "argBool", 4: "argGUID", 5: "argDateTime"}


def gen_go(ops, banner_text):
    """The raw-JSON operation methods on JSONClient (Client.JSON()); the typed
    ones are tools/gen/go_models_gen.py's."""
    out = ["// %s\n\n" % banner_text]
    out.append("package threecx\n\n")
    out.append('import (\n\t"context"\n\t"time"\n)\n\n')
    out.append("var _ = time.Time{}\n\n")
    out.append("// OperationMethods is the number of operation methods on JSONClient.\n")
    out.append("const OperationMethods = %d\n" % len(ops))
    for o in ops:
        names = arg_names(o, GO_KEYWORDS | {"ctx", "opts"}, "_")
        sig, args = ["ctx context.Context"], []
        for p, n in zip(o["params"], names):
            t = GO_TYPES[p["type"]]
            if p["nullable"] and p["type"] == 1:
                t = "*string"
                args.append("{%s, argNullableString, %s}" % (_go_str(p["name"]), n))
            else:
                args.append("{%s, %s, %s}" % (_go_str(p["name"]), GO_KIND[p["type"]], n))
            sig.append("%s %s" % (n, t))
        q = "q" if o["options"] else "nil"
        body = "body" if o["has_body"] else '""'
        sig += [a for has, a in ((o["options"], "q *Query"), (o["has_body"], "body string")) if has]
        out.append("\n// %s: %s\n" % (o["id"], doc_line(o)))
        notes = []
        if o["options"]:
            notes.append("q may be nil")
        if o["has_if_match"]:
            notes.append("If-Match: the IfMatch option")
        if o["has_body"]:
            notes.append("body: JSON%s" % ("" if o["body_required"] else ", or \"\" for none"))
        if any(p["nullable"] and p["type"] == 1 for p in o["params"]):
            notes.append("a nil *string parameter is sent as null")
        if notes:
            out.append("// (%s)\n" % "; ".join(notes))
        out.append("func (j JSONClient) %s(%s, opts ...CallOption) (*Response, error) {\n" % (o["id"], ", ".join(sig)))
        out.append("\treturn j.cl.call(ctx, %s, []opArg{%s}, %s, %s, opts)\n}\n"
                   % (_go_str(o["id"]), ", ".join(args), q, body))
    return "".join(out)


def _go_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ---------------------------------------------------------------------------
# C#

CS_TYPES = {1: "string", 2: "int", 3: "bool", 4: "string", 5: "DateTimeOffset"}
CS_KIND = {1: "ArgKind.String", 2: "ArgKind.Int", 3: "ArgKind.Bool", 4: "ArgKind.Guid", 5: "ArgKind.DateTime"}


def _xml(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def gen_csharp(ops, banner_text):
    out = ["// %s\n\n" % banner_text]
    out.append("using System;\n\nnamespace Threecx\n{\n")
    out.append("    public sealed partial class ThreecxClient\n    {\n")
    out.append("        /// <summary>The number of operation methods on ThreecxClient.</summary>\n")
    out.append("        public const int OperationMethods = %d;\n" % len(ops))
    for o in ops:
        names = arg_names(o, CS_KEYWORDS, "@")
        sig, args = [], []
        for p, n in zip(o["params"], names):
            sig.append("%s %s" % (CS_TYPES[p["type"]], n))
            kind = "ArgKind.NullableString" if p["nullable"] and p["type"] == 1 else CS_KIND[p["type"]]
            args.append("new OpArg(\"%s\", %s, %s)" % (p["name"], kind, n))
        # the JSON body is optional in the signature: a missing required one is refused by the PBX
        sig += trailing(o, "Query query = null", "string ifMatch = null", "string body = null")
        out.append("\n        /// <summary>%s (operationId %s).</summary>\n" % (_xml(doc_line(o)), o["id"]))
        out.append("        [Operation(\"%s\")]\n" % o["id"])
        out.append("        public Response %s(%s) =>\n" % (o["id"], ", ".join(sig)))
        out.append("            Call(\"%s\", %s, %s, %s%s);\n"
                   % (o["id"], "query" if o["options"] else "null", "ifMatch" if o["has_if_match"] else "null",
                      "body" if o["has_body"] else "null", "".join(", " + a for a in args)))
    out.append("    }\n}\n")
    return "".join(out)
