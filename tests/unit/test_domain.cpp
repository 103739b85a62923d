// threecx::parse_domain (lib/client/client.cpp) and threecx_client_new.
#include "unit.h"

#include "client/client.hpp"

namespace {

struct Ok {
  const char *in, *scheme, *authority;
};

void test_accepted(void **) {
  static const Ok ok[] = {
      {"pbx.example.com", "https", "pbx.example.com"},
      {"pbx.example.com:5001", "https", "pbx.example.com:5001"},
      {"https://pbx.example.com:5001/", "https", "pbx.example.com:5001"},
      {"https://pbx.example.com", "https", "pbx.example.com"},
      {"HTTPS://Pbx.Example.com:443//", "https", "Pbx.Example.com:443"},
      {"http://pbx.local:5000", "http", "pbx.local:5000"},  // scheme kept
      {"HTTP://pbx.local", "http", "pbx.local"},
      {"[::1]:5001", "https", "[::1]:5001"},
      {"[::1]", "https", "[::1]"},
      {"https://[fe80::1]:5001/", "https", "[fe80::1]:5001"},
      {"192.168.0.10:5001", "https", "192.168.0.10:5001"},
      {"  pbx.example.com  ", "https", "pbx.example.com"},
      {"pbx:1", "https", "pbx:1"},
      {"pbx:65535", "https", "pbx:65535"},
      {"my_pbx-1.example.com", "https", "my_pbx-1.example.com"},
  };
  for (const auto &t : ok) {
    threecx::Endpoint ep;
    std::string msg;
    int rc = unit::code_of([&] { ep = threecx::parse_domain(t.in); }, &msg);
    if (rc != THREECX_OK) fail_msg("'%s' refused: %s", t.in, msg.c_str());
    assert_std_string_equal(ep.scheme, t.scheme);
    assert_std_string_equal(ep.authority, t.authority);
  }
}

void test_refused(void **) {
  static const char *bad[] = {
      "",
      "   ",
      "https://",
      "https:///",
      "pbx.example.com/xapi/v1",         // path
      "https://pbx.example.com:5001/x",  // path
      "user@pbx.example.com",            // userinfo
      "https://user:pw@pbx.example.com", // userinfo
      "pbx.example.com?x=1",             // query
      "pbx.example.com#f",
      "pbx:",                            // empty port
      "pbx:0",
      "pbx:65536",
      "pbx:99999999999999999999",
      "pbx:12a",
      "pbx:-1",
      ":5001",                           // no host
      "ftp://pbx.example.com",
      "ws://pbx.example.com",
      "[::1",                            // unclosed
      "[zz::1]:5001",                    // bad IPv6
      "[::1]x",
      "pbx example.com",
  };
  for (const char *s : bad) {
    std::string msg;
    int rc = unit::code_of([&] { threecx::parse_domain(s); }, &msg);
    if (rc != THREECX_E_INVALID_DOMAIN) fail_msg("'%s' gave %d (%s)", s, rc, msg.c_str());
    assert_non_null(strstr(msg.c_str(), "domain"));
  }
}

void test_client_new(void **) {
  threecx_client *c = nullptr;
  char *url = nullptr;
  assert_int_equal(threecx_client_new("https://pbx.example.com:5001/", "id", "key", &c), THREECX_OK);
  assert_int_equal(threecx_client_base_url(c, &url), THREECX_OK);
  assert_string_equal(url, "https://pbx.example.com:5001/xapi/v1");
  threecx_free(url);
  threecx_client_free(c);

  c = reinterpret_cast<threecx_client *>(&c);  // sentinel: must be reset
  assert_int_equal(threecx_client_new("ftp://pbx", "id", "key", &c), THREECX_E_INVALID_DOMAIN);
  assert_null(c);
  assert_int_equal(threecx_last_error_code(), THREECX_E_INVALID_DOMAIN);
  assert_int_equal(threecx_client_new("user@pbx", "id", "key", &c), THREECX_E_INVALID_DOMAIN);
  assert_int_equal(threecx_client_new("pbx", "", "key", &c), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_client_new("pbx", "id", "", &c), THREECX_E_INVALID_ARGUMENT);
  // The API key never shows in an error message.
  assert_int_equal(threecx_client_new("pbx/s3cr3tKEY", "id", "s3cr3tKEY", &c), THREECX_E_INVALID_DOMAIN);
  assert_null(strstr(threecx_last_error(), "s3cr3tKEY"));
  assert_null(c);
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_accepted),
      cmocka_unit_test(test_refused),
      cmocka_unit_test(test_client_new),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr) == 0 ? 0 : 1;
}
