// The plain parsers of server answers (the fuzzing seam of issue 13):
// parse_token_response, parse_page, parse_header_line, and the scrubbing
// helpers scrub_patterns and body_excerpt - on buffers, no server.
#include "unit.h"

#include <cstring>
#include <string>

#include "auth/token.hpp"
#include "common/scrub.hpp"
#include "response/pager.hpp"
#include "transport/http.hpp"

static int code_of(void (*f)(const std::string &), const std::string &in, std::string *msg = nullptr) {
  try {
    f(in);
  } catch (const threecx::Error &e) {
    if (msg) *msg = e.what();
    return e.code();
  }
  return THREECX_OK;
}

static void token(const std::string &b) { threecx::parse_token_response(b.data(), b.size()); }
static void page(const std::string &b) { threecx::parse_page(b.data(), b.size()); }

static void test_token_response(void **) {
  auto t = threecx::parse_token_response("{\"access_token\":\"abc\",\"expires_in\":3600}", 40);
  assert_string_equal(t.access_token.c_str(), "abc");
  assert_int_equal(t.lifetime_s, 3600);
  assert_false(t.lifetime_assumed);
  std::string b = "{\"access_token\":\"abc\"}";
  t = threecx::parse_token_response(b.data(), b.size());
  assert_true(t.lifetime_assumed);
  assert_int_equal(t.lifetime_s, threecx::kDefaultLifetimeS);
  std::string msg;
  for (const char *v : {"1e300", "1e10", "0", "-1", "0.5", "\"60\"", "[]", "31622401", "NaN"}) {
    std::string body = std::string("{\"access_token\":\"abc\",\"expires_in\":") + v + "}";
    int rc = code_of(token, body, &msg);
    assert_int_equal(rc, THREECX_E_PROTOCOL);
    if (std::strcmp(v, "NaN") != 0) assert_non_null(std::strstr(msg.c_str(), "expires_in"));
  }
  assert_int_equal(code_of(token, "{\"access_token\":\"abc\",\"expires_in\":31622400}"), THREECX_OK);
  for (const char *body : {"", "[]", "{}", "{\"access_token\":\"\"}", "{\"access_token\":7}", "{\"access_token\":\"x\""})
    assert_int_equal(code_of(token, body), THREECX_E_PROTOCOL);
}

static void test_page(void **) {
  std::string b = "{\"@odata.count\":9007199254740991,\"value\":[1,2]}";
  auto p = threecx::parse_page(b.data(), b.size());
  assert_int_equal(p.items, 2);
  assert_int_equal(*p.count, threecx::kMaxODataCount);
  b = "{\"value\":[]}";
  p = threecx::parse_page(b.data(), b.size());
  assert_false(p.count.has_value());
  std::string msg;
  for (const char *v : {"1e300", "-1", "2.5", "\"7\"", "9007199254740993", "true"}) {
    assert_int_equal(code_of(page, std::string("{\"@odata.count\":") + v + ",\"value\":[]}", &msg),
                     THREECX_E_PROTOCOL);
    assert_non_null(std::strstr(msg.c_str(), "@odata.count"));
  }
  assert_int_equal(code_of(page, "<html>sign in</html>", &msg), THREECX_E_PROTOCOL);
  assert_non_null(std::strstr(msg.c_str(), "<html>sign in</html>"));
  assert_int_equal(code_of(page, "{\"value\":{}}"), THREECX_E_PROTOCOL);
}

static void test_header_line(void **) {
  std::pair<std::string, std::string> h;
  assert_true(threecx::parse_header_line("ETag: W/\"12\"\r\n", &h));
  assert_string_equal(h.first.c_str(), "ETag");
  assert_string_equal(h.second.c_str(), "W/\"12\"");
  assert_true(threecx::parse_header_line("X-3CX-Version:\t20.0.10.7 \r\n", &h));
  assert_string_equal(h.second.c_str(), "20.0.10.7");
  assert_true(threecx::parse_header_line("Retry-After:\r\n", &h));
  assert_string_equal(h.second.c_str(), "");
  assert_false(threecx::parse_header_line("HTTP/1.1 200 OK\r\n", &h));
  assert_false(threecx::parse_header_line("\r\n", &h));
  assert_false(threecx::parse_header_line(": no name\r\n", &h));
  assert_false(threecx::parse_header_line("garbage", &h));
}

static std::string scrubbed(std::string s) {
  threecx::scrub_patterns(s);
  return s;
}

static void test_scrub_patterns(void **) {
  assert_string_equal(scrubbed("Authorization: Bearer eyJ.a-b_c~+/=").c_str(), "Authorization: Bearer [REDACTED]");
  assert_string_equal(scrubbed("{\"authorization\":\"bearer ab\\/cd\"}").c_str(), "{\"authorization\":\"bearer [REDACTED]\"}");
  assert_string_equal(scrubbed("BEARER\tx1 and Bearer y2").c_str(), "BEARER\t[REDACTED] and Bearer [REDACTED]");
  assert_string_equal(scrubbed("{\"access_token\":\"t\\\"ok\",\"x\":1}").c_str(), "{\"access_token\":\"[REDACTED]\",\"x\":1}");
  assert_string_equal(scrubbed("client_id=a&client_secret=k%2Fy&grant_type=x").c_str(),
                      "client_id=a&client_secret=[REDACTED]&grant_type=x");
  assert_string_equal(scrubbed("refresh_token: abc").c_str(), "refresh_token: [REDACTED]");
  // the scheme is case-insensitive, so prose is scrubbed too (on the safe
  // side); words that only contain the names are left alone
  assert_string_equal(scrubbed("the bearer bond").c_str(), "the bearer [REDACTED]");
  assert_string_equal(scrubbed("Bearers; access_tokens; xbearer y").c_str(), "Bearers; access_tokens; xbearer y");
  assert_string_equal(scrubbed("Bearer [REDACTED]").c_str(), "Bearer [REDACTED]");
  assert_string_equal(scrubbed("ends with Bearer").c_str(), "ends with Bearer");
  assert_string_equal(scrubbed("\"access_token\":\"unterminated").c_str(), "\"access_token\":\"[REDACTED]");
}

static void test_body_excerpt(void **) {
  assert_string_equal(threecx::body_excerpt("a\nb\x01", 4).c_str(), "a b?");
  std::string big(300, 'x');
  std::string e = threecx::body_excerpt(big.data(), big.size());
  assert_int_equal(e.size(), 203);
  assert_string_equal(e.c_str() + 200, "...");
  // cut inside a UTF-8 sequence: the partial character is dropped
  std::string u = std::string(199, 'x') + "\xc3\xbc" + "tail";
  e = threecx::body_excerpt(u.data(), u.size());
  assert_string_equal(e.c_str() + 199, "...");
  assert_string_equal(threecx::body_excerpt("", 0).c_str(), "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_token_response), cmocka_unit_test(test_page), cmocka_unit_test(test_header_line),
      cmocka_unit_test(test_scrub_patterns), cmocka_unit_test(test_body_excerpt),
  };
  return cmocka_run_group_tests_name("answer_parsers", tests, NULL, NULL);
}
