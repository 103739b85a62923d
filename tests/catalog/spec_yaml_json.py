#!/usr/bin/env python3
"""The vendored JSON specification is the vendored YAML, converted and
nothing else (needs PyYAML).  usage: spec_yaml_json.py SPEC.yaml SPEC.json"""
import json
import sys

import yaml

with open(sys.argv[1], encoding="utf-8") as f:
    y = yaml.safe_load(f)
with open(sys.argv[2], encoding="utf-8") as f:
    j = json.load(f)
if y != j:
    print("FAIL: %s is not the JSON form of %s" % (sys.argv[2], sys.argv[1]))
    sys.exit(1)
print("%s matches %s (%d paths, %d schemas)" % (sys.argv[2], sys.argv[1], len(j["paths"]),
                                                len(j["components"]["schemas"])))
print("1 passed, 0 failed")
