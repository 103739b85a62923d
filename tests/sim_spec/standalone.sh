#!/bin/sh
# threecx-sim copied alone into an empty directory, started from there with
# no THREECX_XAPI_SPEC, answers every operation of the catalog
# (sim_spec_test against it).
#   standalone.sh THREECX_SIM SIM_SPEC_TEST SPEC.json
set -eu
sim=$1 test=$2 spec=$3
dir=$(mktemp -d /tmp/threecx-sim-alone-XXXXXX)
trap 'rm -rf "$dir"' EXIT INT TERM
cp "$sim" "$dir/threecx-sim"
cd "$dir"
echo "threecx-sim alone in $dir: $(ls "$dir")"
env -u THREECX_XAPI_SPEC THREECX_TEST_SIM="$dir/threecx-sim" "$test" "$spec"
