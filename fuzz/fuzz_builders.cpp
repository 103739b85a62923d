// The path, literal and query builders, with the ABNF checker of the tests
// (tests/support/odata_abnf.h) as oracle: what the builders send must match
// the OData ABNF (string literals, search expressions, URL characters), a
// phrase made by search_phrase is always a valid search expression, and
// nothing but threecx::Error (argument refusals) may escape.
#include <fuzzer/FuzzedDataProvider.h>

#include <memory>
#include <string>

#include "client/client.hpp"
#include "common/error.hpp"
#include "odata_abnf.h"
#include "request/odata.hpp"
#include "request/query.hpp"
#include "request/request.hpp"
#include "threecx/catalog.h"

namespace {
void check(bool ok) {
  if (!ok) __builtin_trap();
}
bool url_ok(const std::string &s) { return abnf_url_chars(s.data(), s.size()); }

template <class F>
void refused_ok(F &&f) {
  try {
    f();
  } catch (const threecx::Error &e) {
    check(e.code() != THREECX_E_INTERNAL);
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace threecx;
  FuzzedDataProvider in(data, size);
  std::string a = in.ConsumeRandomLengthString(256);
  std::string b = in.ConsumeRandomLengthString(256);
  int which = in.ConsumeIntegralInRange(0, 7);
  bool utf8 = odata::valid_utf8(a);

  // literals
  std::string enc = odata::url_encode(a);
  check(url_ok(enc) && enc.find_first_of(":/?#[]@!$&'()*+,;=") == std::string::npos);
  check(url_ok(odata::query_encode(a)));
  std::string lit = odata::path_string(a);
  check(abnf_string(lit.data(), lit.size()));
  refused_ok([&] { odata::path_guid(a); });
  refused_ok([&] {
    std::string dt = odata::path_datetime(a);
    check(abnf_datetime(dt.data(), dt.size()));
  });

  // $search: an accepted expression goes out as a searchExpr; any non-empty
  // text becomes one phrase
  refused_ok([&] {
    std::string w = odata::search_encode(a);
    check(abnf_search(w.data(), w.size()));
  });
  if (!a.empty()) {
    std::string w = odata::search_encode(odata::search_phrase(a));
    check(abnf_search(w.data(), w.size()));
    check(abnf_search_phrase(w.data(), w.size(), 0) == w.size());
  }

  // expressions: string literals well-formed whenever the quotes balance
  {
    std::string e = odata::expr_encode(a);
    check(url_ok(e));
    size_t quotes = 0;
    for (char c : a) quotes += c == '\'';
    if (quotes % 2 == 0) check(abnf_expr_strings(e.data(), e.size()) >= 0);
  }

  // a query with every option
  refused_ok([&] {
    Query q;
    switch (which) {
      case 0: q.set_filter(a); break;
      case 1: q.set_search(a); break;
      case 2: q.set_orderby(a); break;
      case 3: q.set_select(a); break;
      case 4: q.set_expand(a); break;
      case 5: q.add_param(a, b); break;
      case 6: q.set_top(in.ConsumeIntegral<int64_t>()); break;
      default: q.set_skip(in.ConsumeIntegral<int64_t>()); break;
    }
    refused_ok([&] { q.set_search(b); });
    refused_ok([&] { q.set_filter(b); });
    std::string s = q.to_string();
    check(url_ok(s));
  });

  // a request with a template from the input
  refused_ok([&] {
    auto core = std::make_shared<ClientCore>(Endpoint{"https", "pbx.example.com"}, "id", "key");
    Request r(core, which % 2 ? "GET" : "PATCH", "/" + b);
    static const char *kNames[] = {"Id", "Number", "x", "a"};
    for (const char *name : kNames) {
      refused_ok([&] {
        int t = in.ConsumeIntegralInRange(0, 5);
        std::string v = t == 0 ? odata::path_null() : t == 2 ? odata::path_int(in.ConsumeIntegral<int32_t>()) : lit;
        r.set_param(name, t, v);
      });
    }
    refused_ok([&] { check(url_ok(r.url())); });
    refused_ok([&] { r.set_body(a.c_str()); });
  });
  (void)utf8;
  return 0;
}
