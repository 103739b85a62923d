#!/bin/sh
# Builds the libFuzzer targets with clang and runs each for a bounded time.
#   sh fuzz/run.sh TARGET|all SECONDS [libFuzzer options...]
# TARGET: fuzz_token fuzz_odata_error fuzz_headers fuzz_pager fuzz_builders
# fuzz_json_check fuzz_sim_odata (the fuzz_ prefix may be left out), or all.
# Starts from the committed seeds (fuzz/corpus/TARGET, never written to);
# new inputs go to a temporary directory. Fails (exit 1) on any finding:
# crash, sanitizer report, leak, timeout or out-of-memory; the input is
# saved as build-fuzz/fuzz/artifacts/TARGET-crash-... Prints the executions
# of each target and closes with "N passed, M failed".
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
which_=${1:-all}
secs=${2:-30}
[ $# -ge 2 ] && shift 2 || shift $#
build=${THREECX_FUZZ_BUILD:-$root/build-fuzz}
all="fuzz_token fuzz_odata_error fuzz_headers fuzz_pager fuzz_builders fuzz_json_check fuzz_sim_odata"
if [ "$which_" = all ]; then
  targets=$all
else
  case $which_ in fuzz_*) targets=$which_ ;; *) targets=fuzz_$which_ ;; esac
  case " $all " in *" $targets "*) ;; *) echo "unknown target $which_ (one of: $all)" >&2; exit 2 ;; esac
fi
if ! command -v clang++ >/dev/null 2>&1; then
  echo "clang++ not found: sh tools/install-deps.sh installs clang" >&2
  exit 2
fi
mkdir -p "$build"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTHREECX_FUZZ=ON \
  -DTHREECX_BUILD_TESTS=OFF -DTHREECX_BUILD_SIM=OFF >"$build/fuzz-configure.log" 2>&1 ||
  { cat "$build/fuzz-configure.log" >&2; exit 2; }
cmake --build "$build" --target fuzz_all -j"${THREECX_FUZZ_JOBS:-2}" >"$build/fuzz-build.log" 2>&1 ||
  { tail -n 40 "$build/fuzz-build.log" >&2; exit 2; }

mkdir -p "$build/fuzz/artifacts"
passed=0
failed=0
total=0
for t in $targets; do
  work=$(mktemp -d)
  log="$build/fuzz/$t.log"
  set +e
  "$build/fuzz/$t" -max_total_time="$secs" -print_final_stats=1 -timeout=20 -rss_limit_mb=2048 \
    -max_len=8192 -artifact_prefix="$build/fuzz/artifacts/$t-" "$@" "$work" "$root/fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  set -e
  rm -rf "$work"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  execs=${execs:-0}
  total=$((total + execs))
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1))
    echo "ok   $t: $execs executions in ${secs} s"
  else
    failed=$((failed + 1))
    echo "FAIL $t (exit $rc) after $execs executions; log $log:" >&2
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written|deadly signal' "$log" | head -n 12 >&2 || tail -n 30 "$log" >&2
  fi
done
echo "total: $total executions"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
