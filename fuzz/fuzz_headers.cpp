// Response headers and statuses of an XAPI answer over real HTTP: the
// header callback, look-ups of ETag / Retry-After / X-3CX-Version /
// Content-Type, the retry decision (Retry-After honoured with zero delays),
// the OData error of the body; plus parse_retry_after on raw values.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <ctime>
#include <string>

#include "http_harness.hpp"
#include "threecx/threecx.h"
#include "transport/retry.hpp"


extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzedDataProvider in(data, size);
  auto &srv = fuzz::Server::get();
  srv.clear();
  srv.fuzz_tokens(false);
  static const int kStatus[] = {200, 204, 304, 400, 401, 404, 412, 429, 500, 503};
  int answers = in.ConsumeIntegralInRange(1, 2);
  for (int i = 0; i < answers; ++i) {
    int status = in.PickValueInArray(kStatus);
    std::string headers = in.ConsumeRandomLengthString(1024);
    std::string body = in.ConsumeRandomLengthString(2048);
    srv.push(fuzz::Server::answer(status, headers, body));
  }
  std::string raw = in.ConsumeRemainingBytesAsString();
  (void)threecx::parse_retry_after(raw, static_cast<std::time_t>(1767225600));

  threecx_request *r = nullptr;
  if (threecx_request_new(fuzz::client(true), "GET", "/Users({Id})", &r) != THREECX_OK) std::abort();
  threecx_request_set_param_int(r, "Id", 7);
  threecx_response *resp = nullptr;
  int rc = threecx_request_send(r, &resp);
  if (rc == THREECX_E_INTERNAL || rc < 0 || rc > THREECX_E__LAST) std::abort();
  // OK and HTTP always hand the answer back (some other codes may too,
  // e.g. a Retry-After past the deadline): freed below either way
  if ((rc == THREECX_OK || rc == THREECX_E_HTTP) && !resp) std::abort();
  if (resp) {
    static const char *kNames[] = {"ETag", "Retry-After", "X-3CX-Version", "Content-Type", "content-type"};
    for (const char *name : kNames) {
      char *v = nullptr;
      if (threecx_response_header(resp, name, &v) == THREECX_OK) {
        (void)threecx::parse_retry_after(v, static_cast<std::time_t>(1767225600));
        threecx_free(v);
      }
    }
    char *s = nullptr;
    if (threecx_response_error_code(resp, &s) == THREECX_OK) threecx_free(s);
    if (threecx_response_error_message(resp, &s) == THREECX_OK) threecx_free(s);
    if (threecx_response_error_details(resp, &s) == THREECX_OK) threecx_free(s);
    if (threecx_response_body(resp, &s) == THREECX_OK) threecx_free(s);
    threecx_response_free(resp);
  }
  threecx_request_free(r);
  return 0;
}
