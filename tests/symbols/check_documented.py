#!/usr/bin/env python3
"""Every exported symbol is declared in a public header with a doc comment.

Usage: check_documented.py SYMFILE HEADER...

For each name in SYMFILE, its THREECX_API declaration must exist in one of
the headers and be preceded by a comment block: the first line above the
declaration that is not part of another THREECX_API declaration must close a
comment ("*/"). Consecutive declarations under one comment form a documented
group (e.g. threecx_version / threecx_version_number). A blank line or code
between the comment and the declaration does not count.

Conversely every THREECX_API function declared in the headers must be in
SYMFILE (declared but not exported = missing implementation or stale list).
Prints "N passed, N failed"; exit status 1 on any failure.
"""
import re
import sys

DECL_NAME = re.compile(r"[ *](threecx_\w+)\s*\(")


def scan(path):
    """{name: (path, line, documented)} for every THREECX_API declaration."""
    lines = open(path, encoding="utf-8").read().split("\n")
    in_decl = [False] * len(lines)
    starts = []
    i = 0
    while i < len(lines):
        if lines[i].startswith("THREECX_API"):
            j = i
            while ";" not in lines[j] and j + 1 < len(lines):
                j += 1
            for k in range(i, j + 1):
                in_decl[k] = True
            starts.append(i)
            i = j + 1
        else:
            i += 1
    out = {}
    for s in starts:
        m = DECL_NAME.search(lines[s])
        if not m:
            continue
        k = s - 1
        while k >= 0 and in_decl[k]:
            k -= 1
        documented = k >= 0 and lines[k].rstrip().endswith("*/")
        out[m.group(1)] = (path, s + 1, documented)
    return out


def main():
    sym_file, headers = sys.argv[1], sys.argv[2:]
    exported = [l.strip() for l in open(sym_file) if l.strip()]
    declared = {}
    for h in headers:
        declared.update(scan(h))
    passed = failed = 0
    for name in exported:
        if name not in declared:
            print("FAIL %s: exported but declared in no public header" % name)
            failed += 1
        elif not declared[name][2]:
            path, line, _ = declared[name]
            print("FAIL %s: %s:%d has no doc comment right above it" % (name, path, line))
            failed += 1
        else:
            passed += 1
    exported_set = set(exported)
    for name, (path, line, _) in sorted(declared.items()):
        if name not in exported_set:
            print("FAIL %s: declared at %s:%d but not in %s (not exported?)" % (name, path, line, sym_file))
            failed += 1
    print("documented: %d passed, %d failed (%d exported, %d declared)"
          % (passed, failed, len(exported), len(declared)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
