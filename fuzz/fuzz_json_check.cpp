// The request-body checker (check_json) and parse_json, its use on server
// answers: neither crashes; parse_json throws std::bad_alloc only when an
// allocation failed, so with memory to spare it must never throw (a throw
// means the checker accepted a text cJSON cannot read).
#include <string>

#include <cjson/cJSON.h>

#include "common/error.hpp"
#include "request/json.hpp"
#include "request/request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  bool accepted = true;
  try {
    threecx::check_json(text.c_str());
  } catch (const threecx::Error &e) {
    if (e.code() != THREECX_E_INVALID_JSON) __builtin_trap();
    accepted = false;
  }
  cJSON *doc = threecx::parse_json(text);  // must not throw
  // a body the checker accepts (up to a NUL) is JSON for cJSON too, unless
  // it holds what cJSON 1.7.15 cannot read (numbers > 63 chars, lone
  // surrogates), which parse_json reports as malformed
  (void)accepted;
  cJSON_Delete(doc);
  return 0;
}
