#!/bin/sh
# The main job: build libthreecx and run examples/list_security_tokens.c
# against the PBX named by THREECX_DOMAIN / THREECX_CLIENT_ID /
# THREECX_API_KEY, or against a local threecx-sim when they are unset.
set -eu
cd "$(dirname "$0")/.."
sh tools/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target list_security_tokens threecx-sim >/dev/null
exec sh examples/run_with_sim.sh build/examples/list_security_tokens build/tools/sim/threecx-sim
