// OData error bodies and the response object built from any status, header
// list and body: parse_odata_error, Response::describe and header look-up.
#include <fuzzer/FuzzedDataProvider.h>

#include <string>

#include "common/error.hpp"
#include "response/response.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzedDataProvider in(data, size);
  threecx::HttpResponse h;
  h.status = in.ConsumeIntegralInRange<long>(100, 599);
  int n = in.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < n; ++i) {
    std::string name = in.ConsumeRandomLengthString(32);
    std::string value = in.ConsumeRandomLengthString(128);
    h.raw_headers.append(name).append(": ").append(value).append("\r\n");
  }
  h.body = in.ConsumeRemainingBytesAsString();
  auto direct = threecx::parse_odata_error(h.body);
  if (direct && direct->details.empty()) __builtin_trap();  // "[]" at least
  threecx::Response r(std::move(h));
  std::string d = r.describe("GET fuzz");
  (void)r.header("ETag");
  (void)r.header("X-3CX-Version");
  if (!r.ok() && !r.error() && direct) __builtin_trap();  // same parse both ways
  return 0;
}
