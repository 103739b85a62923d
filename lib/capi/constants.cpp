// threecx_constant: every numeric macro of the public headers by name, for
// callers that cannot read C headers (dlopen users, FFIs). The table is
// built from the macros themselves, so a value can never disagree with its
// header; tests/surface checks that no macro is missing.
#include <cstring>

#include "common/error.hpp"
#include "threecx/catalog.h"
#include "threecx/threecx.h"
#include "threecx/version.h"

namespace {
struct Constant {
  const char *name;
  int64_t value;
};
#define K(n) {#n, static_cast<int64_t>(n)}
const Constant kConstants[] = {
    K(THREECX_OK), K(THREECX_DONE), K(THREECX_E_INVALID_ARGUMENT), K(THREECX_E_NO_MEMORY),
    K(THREECX_E_INVALID_JSON), K(THREECX_E_INVALID_DOMAIN), K(THREECX_E_OPTION_REPEATED),
    K(THREECX_E_UNKNOWN_PARAMETER), K(THREECX_E_MISSING_PARAMETER), K(THREECX_E_INSECURE),
    K(THREECX_E_NETWORK), K(THREECX_E_TLS), K(THREECX_E_TIMEOUT), K(THREECX_E_AUTH), K(THREECX_E_HTTP),
    K(THREECX_E_PROTOCOL), K(THREECX_E_NOT_FOUND), K(THREECX_E_UNSUPPORTED), K(THREECX_E_STATE),
    K(THREECX_E_IO), K(THREECX_E_ABORTED), K(THREECX_E_INTERNAL),
    K(THREECX_E_UNCERTAIN), K(THREECX_E_RETRY_LATER), K(THREECX_E_CANCELLED), K(THREECX_E__LAST),
    K(THREECX_LOG_NONE), K(THREECX_LOG_ERROR), K(THREECX_LOG_WARN), K(THREECX_LOG_INFO),
    K(THREECX_LOG_DEBUG), K(THREECX_LOG_TRACE), K(THREECX_HTTP_1_1), K(THREECX_HTTP_2),
    K(THREECX_POLLIN), K(THREECX_POLLOUT),
    K(THREECX_TYPE_STRING), K(THREECX_TYPE_INT32), K(THREECX_TYPE_BOOL), K(THREECX_TYPE_GUID),
    K(THREECX_TYPE_DATETIME),
    K(THREECX_OPT_TOP), K(THREECX_OPT_SKIP), K(THREECX_OPT_SEARCH), K(THREECX_OPT_FILTER),
    K(THREECX_OPT_COUNT), K(THREECX_OPT_ORDERBY), K(THREECX_OPT_SELECT), K(THREECX_OPT_EXPAND),
    K(THREECX_RESPONSE_NONE), K(THREECX_RESPONSE_COLLECTION), K(THREECX_RESPONSE_ENTITY),
    K(THREECX_RESPONSE_VALUE), K(THREECX_RESPONSE_FILE),
    K(THREECX_VERSION_MAJOR), K(THREECX_VERSION_MINOR), K(THREECX_VERSION_PATCH),
    K(THREECX_VERSION_NUMBER), K(THREECX_ABI_VERSION),
};
#undef K
}  // namespace

extern "C" int threecx_constant(const char *name, int64_t *out) {
  if (out) *out = 0;
  return threecx::guard(__func__, [&] {
    THREECX_REQUIRE(name);
    THREECX_REQUIRE(out);
    for (const Constant &c : kConstants)
      if (std::strcmp(c.name, name) == 0) {
        *out = c.value;
        return;
      }
    threecx::fail(THREECX_E_NOT_FOUND, std::string("no constant named '") + name + "'");
  });
}
