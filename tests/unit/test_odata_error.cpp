// threecx::parse_odata_error (lib/response/response.cpp) and Response.
#include "unit.h"

#include "response/response.hpp"

using threecx::parse_odata_error;

namespace {

void test_full(void **) {
  auto e = parse_odata_error(
      "{\"error\":{\"code\":\"400\",\"message\":\"Number: WARNINGS.XAPI.ALREADY_IN_USE\","
      "\"details\":[{\"code\":\"WARNINGS.XAPI.ALREADY_IN_USE\",\"message\":\"x\",\"target\":\"Number\"}]}}");
  assert_true(e.has_value());
  assert_std_string_equal(e->code, "400");
  assert_std_string_equal(e->message, "Number: WARNINGS.XAPI.ALREADY_IN_USE");
  assert_std_string_equal(e->details,
                          "[{\"code\":\"WARNINGS.XAPI.ALREADY_IN_USE\",\"message\":\"x\",\"target\":\"Number\"}]");
}

void test_without_details(void **) {
  auto e = parse_odata_error("{\"error\":{\"code\":\"NotFound\",\"message\":\"no such user\"}}");
  assert_true(e.has_value());
  assert_std_string_equal(e->code, "NotFound");
  assert_std_string_equal(e->message, "no such user");
  assert_std_string_equal(e->details, "[]");
  // details that is not an array counts as absent
  e = parse_odata_error("{\"error\":{\"code\":\"X\",\"details\":\"oops\"}}");
  assert_true(e.has_value());
  assert_std_string_equal(e->message, "");
  assert_std_string_equal(e->details, "[]");
  // message only
  e = parse_odata_error("{\"error\":{\"message\":\"m\"}}");
  assert_true(e.has_value());
  assert_std_string_equal(e->code, "");
  assert_std_string_equal(e->message, "m");
}

void test_not_an_error(void **) {
  static const char *bodies[] = {
      "",
      "not json",
      "<html><body>502 Bad Gateway</body></html>",
      "{\"value\":[]}",
      "{\"error\":\"invalid_client\"}",      // the token endpoint's shape
      "{\"error\":{}}",
      "{\"error\":{\"code\":1,\"message\":2}}",
      "[{\"error\":{\"code\":\"x\"}}]",
      "{\"error\":{\"code\":\"x\"",           // truncated
  };
  for (const char *b : bodies)
    if (parse_odata_error(b).has_value()) fail_msg("'%s' parsed as an OData error", b);
}

threecx::HttpResponse http(long status, const char *body) {
  threecx::HttpResponse h;
  h.status = status;
  h.body = body;
  h.raw_headers = "Content-Type: application/json\r\nX-Folded:  a b \r\n";
  return h;
}

void test_response(void **) {
  threecx::Response ok(http(200, "{\"error\":{\"code\":\"x\",\"message\":\"y\"}}"));
  assert_true(ok.ok());
  assert_false(ok.error().has_value());  // a 2xx is never an error
  threecx::Response nf(http(404, "{\"error\":{\"code\":\"NotFound\",\"message\":\"gone\"}}"));
  assert_false(nf.ok());
  assert_true(nf.error().has_value());
  std::string d = nf.describe("GET GetUser");
  assert_non_null(strstr(d.c_str(), "HTTP 404"));
  assert_non_null(strstr(d.c_str(), "gone"));
  assert_true(nf.header("content-type") == std::string_view("application/json"));
  assert_true(nf.header("x-folded") == std::string_view("a b"));  // blanks around the value trimmed
  assert_false(nf.header("ETag").has_value());
  assert_false(nf.header("Content-Typ").has_value());  // whole names only
  auto all = nf.http().header_list();
  assert_int_equal(all.size(), 2);
  assert_string_equal(all[1].first.c_str(), "X-Folded");
  threecx::Response html(http(502, "<html>bad gateway</html>"));
  assert_false(html.error().has_value());
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_full),
      cmocka_unit_test(test_without_details),
      cmocka_unit_test(test_not_an_error),
      cmocka_unit_test(test_response),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr) == 0 ? 0 : 1;
}
