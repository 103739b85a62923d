/* threecx_constant knows every numeric THREECX_* macro of the public
 * headers, with the header's value. constant_names.h is extracted from the
 * headers by CMake, so a new macro without an entry fails here. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <threecx/catalog.h>
#include <threecx/threecx.h>
#include <threecx/version.h>

#include "check.h"

#define K(n) {#n, (int64_t)(n)},
static const struct {
  const char *name;
  int64_t value;
} k_macros[] = {
#include "constant_names.h"
};

int main(void) {
  size_t i, n = sizeof k_macros / sizeof k_macros[0];
  int64_t v = -1;
  for (i = 0; i < n; ++i) {
    int rc = threecx_constant(k_macros[i].name, &v);
    CHECK(rc == THREECX_OK && v == k_macros[i].value, "%s: rc %d, value %lld, header %lld (%s)", k_macros[i].name, rc,
          (long long)v, (long long)k_macros[i].value, threecx_last_error());
  }
  CHECK(n >= 50, "only %zu macros extracted", n);
  CHECK(threecx_constant("THREECX_NO_SUCH", &v) == THREECX_E_NOT_FOUND && v == 0, "unknown name -> NOT_FOUND, 0");
  CHECK(threecx_constant("threecx_e_http", &v) == THREECX_E_NOT_FOUND, "names are case-sensitive");
  printf("%zu macros checked; %d passed, %d failed\n", n, passed, failed);
  return failed ? 1 : 0;
}
