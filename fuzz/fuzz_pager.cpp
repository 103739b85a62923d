// The pager on arbitrary pages: up to four answers (status, headers, body)
// for a walk by item or by page with a random page size, $top and $skip.
// Returns status codes, never crashes, loops for ever or leaks, and never
// hands out more pages than it fetched. Items owned, lent or both;
// prefetch on or off.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "http_harness.hpp"
#include "threecx/threecx.h"


extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzedDataProvider in(data, size);
  auto &srv = fuzz::Server::get();
  srv.clear();
  srv.fuzz_tokens(false);
  bool by_item = in.ConsumeBool();
  // by item: owned copies, lent spans, or both in turn; prefetch or not
  int lend = in.ConsumeIntegralInRange(0, 2);
  bool prefetch = in.ConsumeBool();
  int64_t page_size = in.ConsumeIntegralInRange<int64_t>(1, 6);
  int top = in.ConsumeIntegralInRange(-1, 12), skip = in.ConsumeIntegralInRange(-1, 5);
  int answers = in.ConsumeIntegralInRange(1, 4);
  for (int i = 0; i < answers; ++i) {
    int status = in.ConsumeProbability<float>() < 0.9f ? 200 : 500;
    std::string body = in.ConsumeRandomLengthString(4096);
    srv.push(fuzz::Server::answer(status, "Content-Type: application/json", body));
  }
  threecx_request *r = nullptr;
  threecx_query *q = nullptr;
  if (threecx_request_new(fuzz::client(false), "GET", "/Users", &r) != THREECX_OK || threecx_query_new(&q) != THREECX_OK)
    std::abort();
  if (top >= 0) threecx_query_set_top(q, top);
  if (skip >= 0) threecx_query_set_skip(q, skip);
  threecx_request_set_query(r, q);
  threecx_pager *p = nullptr;
  if (threecx_pager_new(r, page_size, &p) != THREECX_OK) std::abort();
  if (threecx_pager_set_prefetch(p, prefetch) != THREECX_OK) std::abort();
  int rc = THREECX_OK, steps = 0;
  while (rc == THREECX_OK && steps < 64) {
    char *s = nullptr;
    if (by_item && (lend == 1 || (lend == 2 && steps % 2))) {
      // a lent item: NUL-terminated where its size says, no NUL inside
      // (the page was checked to be JSON)
      const char *d = nullptr;
      size_t n = 0;
      rc = threecx_pager_next_item_view(p, &d, &n);
      if ((rc == THREECX_OK) != (d != nullptr)) std::abort();
      if (d && (n == 0 || d[n] != '\0' || std::strlen(d) != n)) std::abort();
    } else {
      rc = by_item ? threecx_pager_next_item(p, &s) : threecx_pager_next_page(p, &s);
      if ((rc == THREECX_OK) != (s != nullptr)) std::abort();
    }
    threecx_free(s);
    ++steps;
  }
  // by page, every call fetches once: the walk ends at the latest when the
  // queue is empty (a 500)
  if (!by_item && (rc == THREECX_OK || steps > answers + 1)) std::abort();
  if (rc == THREECX_E_INTERNAL || rc < 0 || rc > THREECX_E__LAST) std::abort();
  int64_t total = -1;
  threecx_pager_total(p, &total);
  threecx_response *last = nullptr;
  if (threecx_pager_last_response(p, &last) == THREECX_OK) threecx_response_free(last);
  threecx_pager_free(p);
  threecx_query_free(q);
  threecx_request_free(r);
  return 0;
}
