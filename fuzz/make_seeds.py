#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/<target>/ (run from anywhere; the
files are committed, this script says how they were made). Inputs of the
FuzzedDataProvider targets are laid out as the provider reads them: strings
from the front (each ended by a backslash and one more byte), integers and
choices from the back."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def s(text):
    """One ConsumeRandomLengthString: the text (backslashes doubled) + terminator."""
    b = text.encode() if isinstance(text, str) else text
    return b.replace(b"\\", b"\\\\") + b"\\x"


def write(target, seeds):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for i, data in enumerate(seeds):
        with open(os.path.join(d, "seed-%02d" % i), "wb") as f:
            f.write(data)


TOKENS = [
    b'{"access_token":"abc","token_type":"Bearer","expires_in":3600}',
    b'{"access_token":"abc","expires_in":1e300}',
    b'{"access_token":"abc","expires_in":-5}',
    b'{"access_token":"","expires_in":60}',
    b'{"access_token":42}',
    b'{"error":"invalid_client","error_description":"bad secret"}',
    b'not json',
    b'',
    b'{"access_token":"\\u00e9\\ud83d\\ude00","expires_in":"3600"}',
]
# status index (last byte): 0 -> 200, 5 -> 401
write("fuzz_token", [s("Content-Type: application/json") + t + bytes([0 if i < 5 else 5])
                     for i, t in enumerate(TOKENS)])

ERRORS = [
    b'{"error":{"code":"NotFound","message":"no such user","details":[{"code":"x","message":"y"}]}}',
    b'{"error":{"code":"","message":"m"}}',
    b'{"error":{"code":42,"message":null,"details":{}}}',
    b'{"error":"flat"}',
    b'<html>502 Bad Gateway</html>',
    b'{"error":{"message":"' + b"a" * 300 + b'"}}',
]
# odata_error: headers then body from the front; n headers, status from the back
write("fuzz_odata_error", [s("ETag") + s('W/"1"') + s("X-3CX-Version") + s("20.0.10.1") + e +
                           bytes([2]) + struct.pack(">H", 304) for e in ERRORS])

HEADERS = [
    "ETag: W/\"42\"\nContent-Type: application/json",
    "Retry-After: 0",
    "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT",
    "Retry-After: 99999999999999999999",
    "X-3CX-Version: 20.0.10.1234\nX-3CX-Version: 18",
    "Content-Length: 5",
    "Transfer-Encoding: chunked",
    "Set-Cookie: a=b\n folded: line\n:empty name",
]
# headers: answers=1 (last byte 0), status pick (byte before), header block, body, raw Retry-After value
write("fuzz_headers", [s(h) + s('{"error":{"code":"c","message":"m"}}') + b"120" + bytes([i % 10, 0])
                       for i, h in enumerate(HEADERS)])

PAGES = [
    b'{"@odata.count":5,"value":[{"Id":1},{"Id":2}]}',
    b'{"@odata.count":1e300,"value":[{"Id":1}]}',
    b'{"@odata.count":-1,"value":[]}',
    b'{"value":[1,2,3,4,5,6,7]}',
    b'{"value":{}}',
    b'[]',
    b'{"@odata.count":"3","value":[null,true,"x",{"a":[1]}]}',
]
# pager: from the back: by_item, page_size, top, skip, answers, then per answer a
# 4-byte probability; bodies from the front
seeds = []
for i, p in enumerate(PAGES):
    tail = struct.pack("<I", 0) + bytes([0, 12, 10, 1, i % 2])  # read back to front
    seeds.append(s(p) + tail)
write("fuzz_pager", seeds)

JSON = [
    b'{"Name":"O\'Brien \\u00e9","n":1,"a":[true,false,null,1.5e-3,{}]}',
    b'[' * 40 + b']' * 40,
    b'"\\ud83d\\ude00"',
    b'"\\udc00"',
    b'1' * 70,
    b'-0.0e+0',
    b'{"a":1,}',
    b'\xef\xbb\xbf{}',
]
write("fuzz_json_check", JSON)

BUILD = [
    (s("Name eq 'O''Brien & co/x?+'") + s("Users({Id})") + bytes([0])),
    (s('blue OR (car AND NOT "a;b \\" c")') + s("Users(Number={Number})") + bytes([1])),
    (s("caf\u00e9 \u20ac") + s("X(a={a},x={x})/Pbx.F(Id={Id})") + bytes([2, 1, 0, 3, 5])),
    (s("2026-01-31T09:00:00.25+01:00") + s("WebsiteLinks({x})") + bytes([7])),
    (s("0F8FAD5B-D9CB-469F-A165-70867728950E") + s("{") + bytes([4])),
    (s("Groups($select=Name;$top=5)") + s("Users") + bytes([4])),
]
write("fuzz_builders", BUILD)

SIM = [
    (s("Name eq 'Alice' and Age gt 20"), 0),
    (s("contains(City,'ln') or startswith(Name,'b''')"), 0),
    (s('"quick brown" OR fox NOT x'), 1),
    (s("Age desc,Name"), 2),
    (s("Id,Name"), 3),
    (s("Boss($select=Name)"), 4),
    (s("2"), 5),
    (s("Boss/Name eq null"), 0),
    (s("Joined gt 2026-01-01T00:00:00Z"), 0),
    (s("Tags/any(t:t eq 'x')"), 0),
]
write("fuzz_sim_odata", [d + bytes([opt, 0]) for d, opt in SIM])
