// Token responses: whatever POST /connect/token answers (status, headers,
// body), threecx_client_authenticate returns a status code without crashing,
// leaking or undefined behaviour, and never THREECX_E_INTERNAL.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <string>

#include "http_harness.hpp"
#include "threecx/threecx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzedDataProvider in(data, size);
  auto &srv = fuzz::Server::get();
  srv.clear();
  srv.fuzz_tokens(true);
  static const int kStatus[] = {200, 200, 200, 200, 400, 401, 403, 500, 503};
  int status = in.PickValueInArray(kStatus);
  std::string headers = in.ConsumeRandomLengthString(512);
  std::string body = in.ConsumeRemainingBytesAsString();
  srv.push(fuzz::Server::answer(status, headers, body));
  std::string domain = "http://127.0.0.1:" + std::to_string(srv.port());
  threecx_client *c = nullptr;
  if (threecx_client_new(domain.c_str(), "fuzz-id", "fuzz-key", &c) != THREECX_OK) std::abort();
  threecx_client_allow_http(c, 1);
  threecx_client_set_timeout_ms(c, 10000);
  threecx_client_set_retry(c, 0, 0, 0, 60000);  // no waiting between inputs
  int rc = threecx_client_authenticate(c);
  if (rc == THREECX_E_INTERNAL || rc < 0 || rc > THREECX_E__LAST) std::abort();
  if (rc == THREECX_OK && status != 200) std::abort();  // a refusal is never a token
  threecx_client_free(c);
  return 0;
}
