/* Shared by the unit runners: CMocka's prerequisites and small helpers. */
#ifndef THREECX_TESTS_UNIT_H
#define THREECX_TESTS_UNIT_H

#ifdef __cplusplus
/* Before cmocka.h: its fail() macro would break threecx::fail. */
#include "common/error.hpp"
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifdef __cplusplus
extern "C" { /* cmocka 1.1 has no C++ linkage guards */
#endif
#include <cmocka.h>
#ifdef __cplusplus
}
#endif

#include <threecx/threecx.h>

#ifdef __cplusplus
#include <string>
#include <utility>

namespace unit {
/* Runs f; returns THREECX_OK or the code of the threecx::Error it threw, and
 * stores the message in *msg when given. */
template <class F>
int code_of(F &&f, std::string *msg = nullptr) {
  try {
    std::forward<F>(f)();
    return THREECX_OK;
  } catch (const threecx::Error &e) {
    if (msg) *msg = e.what();
    return e.code();
  }
}
}  // namespace unit

#define assert_std_string_equal(a, b) \
  assert_string_equal(std::string(a).c_str(), std::string(b).c_str())
#endif

/* Runs a CMocka group and turns its result into an exit status. */
#define UNIT_MAIN(tests) \
  int main(void) { return cmocka_run_group_tests(tests, NULL, NULL) == 0 ? 0 : 1; }

#endif
