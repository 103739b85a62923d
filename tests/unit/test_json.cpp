// threecx::check_json (lib/request/request.cpp) and threecx_request_set_body.
#include "unit.h"

#include "request/request.hpp"

namespace {

void test_valid(void **) {
  static const char *ok[] = {
      "{}", "[]", "{\"Id\":1,\"Name\":\"Zo\xc3\xab\"}", "  {\"a\": [1, 2.5, true, false, null]}  \n",
      "\"string\"", "42", "null", "{\"nested\":{\"x\":[{\"y\":\"\\u00e9\"}]}}",
  };
  for (const char *s : ok) {
    std::string msg;
    int rc = unit::code_of([&] { threecx::check_json(s); }, &msg);
    if (rc != THREECX_OK) fail_msg("'%s' refused: %s", s, msg.c_str());
  }
}

struct Bad {
  const char *json;
  const char *where;  // expected "at byte N (line L, column C)"
};

void test_malformed(void **) {
  static const Bad bad[] = {
      {"", "at byte 0 (line 1, column 1)"},
      {"{", "at byte 1 (line 1, column 2)"},
      {"{\"a\":}", "at byte 5 (line 1, column 6)"},
      {"{\"a\":1,}", "(line 1,"},
      {"{\n  \"a\": 1,\n  \"b\": x\n}", "(line 3, column 8)"},
      {"[1 2]", "(line 1,"},
      {"{'a':1}", "(line 1, column "},
      {"{\"a\":1} trailing", "at byte 8 (line 1, column 9)"},  // trailing garbage
      {"{} {}", "at byte 3 (line 1, column 4)"},
      {"nul", "(line 1,"},
  };
  for (const auto &t : bad) {
    std::string msg;
    int rc = unit::code_of([&] { threecx::check_json(t.json); }, &msg);
    if (rc != THREECX_E_INVALID_JSON) fail_msg("'%s' gave %d", t.json, rc);
    if (!strstr(msg.c_str(), "at byte ") || !strstr(msg.c_str(), "line ") || !strstr(msg.c_str(), "column "))
      fail_msg("'%s': message lacks the position: %s", t.json, msg.c_str());
    if (!strstr(msg.c_str(), t.where))
      fail_msg("'%s': expected '%s' in: %s", t.json, t.where, msg.c_str());
  }
}

void test_c_api(void **) {
  threecx_client *c = nullptr;
  threecx_request *r = nullptr;
  assert_int_equal(threecx_client_new("pbx.example.com", "id", "key", &c), THREECX_OK);
  assert_int_equal(threecx_request_new(c, "POST", "/Users", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_body(r, "{\"Number\":\"100\"}"), THREECX_OK);
  assert_int_equal(threecx_request_set_body(r, "{\"Number\":\n \"100\",,}"), THREECX_E_INVALID_JSON);
  assert_int_equal(threecx_last_error_code(), THREECX_E_INVALID_JSON);
  assert_non_null(strstr(threecx_last_error(), "line 2"));
  assert_non_null(strstr(threecx_last_error(), "byte "));
  assert_int_equal(threecx_request_set_body(r, "{} x"), THREECX_E_INVALID_JSON);
  assert_int_equal(threecx_request_set_body(r, nullptr), THREECX_OK);
  threecx_request_free(r);
  threecx_client_free(c);
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_c_api),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr) == 0 ? 0 : 1;
}
