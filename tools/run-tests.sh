#!/bin/sh
# The whole test suite: installs what it needs, builds, runs ctest.
#   tools/run-tests.sh            normal build in build/, with the SWIG
#                                 bindings' tests (Lua, C#, Go)
#   tools/run-tests.sh asan       AddressSanitizer + UBSan build in build-asan/
#   tools/run-tests.sh valgrind   every test binary under valgrind (build-vg/)
#   tools/run-tests.sh tsan       ThreadSanitizer build in build-tsan/: the C
#                                 tests that run threads (integration, unit)
set -eu
cd "$(dirname "$0")/.."
mode=${1:-normal}
sh tools/install-deps.sh
jobs=$(nproc)
case "$mode" in
  normal)
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTHREECX_BUILD_BINDINGS=ON
    cmake --build build -j"$jobs"
    ctest --test-dir build --output-on-failure -j"$jobs" ;;
  asan)
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DTHREECX_SANITIZE=ON
    cmake --build build-asan -j"$jobs"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir build-asan --output-on-failure -j"$jobs" ;;
  valgrind)
    cmake -S . -B build-vg -DCMAKE_BUILD_TYPE=Debug -DTHREECX_VALGRIND=ON
    cmake --build build-vg -j"$jobs"
    ctest --test-dir build-vg --output-on-failure -j"$jobs" ;;
  tsan)
    cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DTHREECX_TSAN=ON
    cmake --build build-tsan -j"$jobs"
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
      ctest --test-dir build-tsan --output-on-failure -j"$jobs" -L 'integration|unit' ;;
  *) echo "usage: $0 [normal|asan|valgrind|tsan]" >&2; exit 2 ;;
esac
