/* Request URL building through the public C API, without any network. */
#include "unit.h"

#define BASE "https://pbx.example.com:5001/xapi/v1"

static threecx_client *g_client;

static int setup(void **state) {
  (void)state;
  return threecx_client_new("pbx.example.com:5001", "id", "key", &g_client) == THREECX_OK ? 0 : -1;
}
static int teardown(void **state) {
  (void)state;
  threecx_client_free(g_client);
  g_client = NULL;
  return 0;
}

static threecx_request *req(const char *method, const char *path) {
  threecx_request *r = NULL;
  int rc = threecx_request_new(g_client, method, path, &r);
  if (rc != THREECX_OK) fail_msg("threecx_request_new(%s, %s): %s", method, path, threecx_last_error());
  return r;
}

static void expect_url(threecx_request *r, const char *want) {
  char *url = NULL;
  int rc = threecx_request_url(r, &url);
  if (rc != THREECX_OK) fail_msg("threecx_request_url: %s: %s", threecx_error_name(rc), threecx_last_error());
  assert_string_equal(url, want);
  threecx_free(url);
}

static void test_base_url(void **state) {
  char *s = NULL;
  (void)state;
  assert_int_equal(threecx_client_base_url(g_client, &s), THREECX_OK);
  assert_string_equal(s, BASE);
  threecx_free(s);
}

static void test_no_params(void **state) {
  threecx_request *r;
  (void)state;
  r = req("GET", "/SecurityTokens");
  expect_url(r, BASE "/SecurityTokens");
  threecx_request_free(r);
  r = req("POST", "/Pbx.GetSystemStatus()");
  expect_url(r, BASE "/Pbx.GetSystemStatus()");
  threecx_request_free(r);
  r = req("GET", "/Defs/Pbx.GetRoutes()");
  expect_url(r, BASE "/Defs/Pbx.GetRoutes()");
  threecx_request_free(r);
}

static void test_placeholders(void **state) {
  threecx_request *r;
  (void)state;
  r = req("GET", "/Users({Id})/Pbx.GetPhoneSecret()");
  assert_int_equal(threecx_request_set_param_int(r, "Id", 42), THREECX_OK);
  expect_url(r, BASE "/Users(42)/Pbx.GetPhoneSecret()");
  /* setting again replaces */
  assert_int_equal(threecx_request_set_param_int(r, "Id", -7), THREECX_OK);
  expect_url(r, BASE "/Users(-7)/Pbx.GetPhoneSecret()");
  /* int64 is fine on a plain request */
  assert_int_equal(threecx_request_set_param_int(r, "Id", INT64_C(9223372036854775807)), THREECX_OK);
  expect_url(r, BASE "/Users(9223372036854775807)/Pbx.GetPhoneSecret()");
  threecx_request_free(r);

  r = req("GET", "/Users/Pbx.GetByNumber(number={number})");
  assert_int_equal(threecx_request_set_param_string(r, "number", "O'Brien 1/2#?%+&"), THREECX_OK);
  expect_url(r, BASE "/Users/Pbx.GetByNumber(number=%27O%27%27Brien%201%2F2%23%3F%25%2B%26%27)");
  assert_int_equal(threecx_request_set_param_string(r, "number", ""), THREECX_OK);
  expect_url(r, BASE "/Users/Pbx.GetByNumber(number=%27%27)");
  assert_int_equal(threecx_request_set_param_string(r, "number", "Zo\xc3\xab \xe6\x9d\xb1\xe4\xba\xac"), THREECX_OK);
  expect_url(r, BASE "/Users/Pbx.GetByNumber(number=%27Zo%C3%AB%20%E6%9D%B1%E4%BA%AC%27)");
  assert_int_equal(threecx_request_set_param_string(r, "number", "\xc3"), THREECX_E_INVALID_ARGUMENT);
  threecx_request_free(r);

  r = req("GET", "/Pbx.X(a={a},b={b},c={c},d={d},e={e})"); /* a function: e may be null */
  assert_int_equal(threecx_request_set_param_bool(r, "a", 1), THREECX_OK);
  assert_int_equal(threecx_request_set_param_bool(r, "b", 0), THREECX_OK);
  assert_int_equal(threecx_request_set_param_guid(r, "c", "0F8FAD5B-D9CB-469F-A165-70867728950E"), THREECX_OK);
  assert_int_equal(threecx_request_set_param_datetime(r, "d", "2026-01-31T09:00:00.25+01:00"), THREECX_OK);
  assert_int_equal(threecx_request_set_param_null(r, "e"), THREECX_OK);
  expect_url(r, BASE "/Pbx.X(a=true,b=false,c=0F8FAD5B-D9CB-469F-A165-70867728950E,"
                     "d=2026-01-31T09%3A00%3A00.25%2B01%3A00,e=null)");
  threecx_request_free(r);
}

static void test_missing_and_unknown(void **state) {
  threecx_request *r;
  char *url = (char *)"sentinel";
  (void)state;
  r = req("GET", "/A({x})/B({y})");
  assert_int_equal(threecx_request_set_param_int(r, "x", 1), THREECX_OK);
  assert_int_equal(threecx_request_url(r, &url), THREECX_E_MISSING_PARAMETER);
  assert_null(url);
  assert_non_null(strstr(threecx_last_error(), "'y'"));
  assert_int_equal(threecx_request_set_param_int(r, "z", 1), THREECX_E_UNKNOWN_PARAMETER);
  assert_int_equal(threecx_last_error_code(), THREECX_E_UNKNOWN_PARAMETER);
  assert_int_equal(threecx_request_set_param_string(r, "X", "v"), THREECX_E_UNKNOWN_PARAMETER); /* case matters */
  assert_int_equal(threecx_request_set_param_null(r, "nope"), THREECX_E_UNKNOWN_PARAMETER);
  /* a refused value leaves the parameter unset */
  assert_int_equal(threecx_request_set_param_guid(r, "y", "not-a-guid"), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_request_set_param_datetime(r, "y", "2026-01-31"), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_request_url(r, &url), THREECX_E_MISSING_PARAMETER);
  assert_int_equal(threecx_request_set_param_bool(r, "y", 1), THREECX_OK);
  expect_url(r, BASE "/A(1)/B(true)");
  threecx_request_free(r);

  r = req("GET", "/Users");
  assert_int_equal(threecx_request_set_param_int(r, "Id", 1), THREECX_E_UNKNOWN_PARAMETER);
  threecx_request_free(r);
}

static void test_bad_paths(void **state) {
  static const char *bad[] = {
      "", "Users", "/Users?$top=1", "/Users#x", "/Us ers", "/Users\t", "/a\"b", "/a\\b",
      "/Zo\xc3\xab", "/Users({Id)", "/Users({})", "/Users(Id})", "/x({Id})/y({Id})", "/a\x7f",
      "/a\n",
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    threecx_request *r = (threecx_request *)&g_client; /* sentinel, must be reset */
    int rc = threecx_request_new(g_client, "GET", bad[i], &r);
    if (rc != THREECX_E_INVALID_ARGUMENT) fail_msg("path '%s' gave %d", bad[i], rc);
    assert_null(r);
  }
}

static void test_methods(void **state) {
  static const char *ok[] = {"GET", "POST", "PATCH", "DELETE", "PUT", "get", "Patch"};
  static const char *bad[] = {"", "HEAD", "OPTIONS", "GETX", "GE", "G ET", "TRACE"};
  size_t i;
  (void)state;
  for (i = 0; i < sizeof ok / sizeof ok[0]; ++i) {
    threecx_request *r = NULL;
    assert_int_equal(threecx_request_new(g_client, ok[i], "/Users", &r), THREECX_OK);
    threecx_request_free(r);
  }
  for (i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    threecx_request *r = NULL;
    int rc = threecx_request_new(g_client, bad[i], "/Users", &r);
    if (rc != THREECX_E_INVALID_ARGUMENT) fail_msg("method '%s' gave %d", bad[i], rc);
    assert_null(r);
  }
}

static void test_query(void **state) {
  threecx_request *r;
  threecx_query *q1 = NULL, *q2 = NULL;
  (void)state;
  r = req("GET", "/SecurityTokens");
  assert_int_equal(threecx_query_new(&q1), THREECX_OK);
  assert_int_equal(threecx_query_set_top(q1, 5), THREECX_OK);
  assert_int_equal(threecx_query_set_search(q1, "a b"), THREECX_OK);
  assert_int_equal(threecx_request_set_query(r, q1), THREECX_OK);
  /* the query is copied: changing or freeing it does not affect the request */
  assert_int_equal(threecx_query_set_skip(q1, 3), THREECX_OK);
  threecx_query_free(q1);
  expect_url(r, BASE "/SecurityTokens?$search=a%20b&$top=5");
  /* a second query replaces the first */
  assert_int_equal(threecx_query_new(&q2), THREECX_OK);
  assert_int_equal(threecx_query_set_filter(q2, "Name eq 'O''Brien'"), THREECX_OK);
  assert_int_equal(threecx_request_set_query(r, q2), THREECX_OK);
  expect_url(r, BASE "/SecurityTokens?$filter=Name%20eq%20'O''Brien'");
  threecx_query_free(q2);
  /* an empty query leaves no '?' */
  assert_int_equal(threecx_query_new(&q2), THREECX_OK);
  assert_int_equal(threecx_request_set_query(r, q2), THREECX_OK);
  expect_url(r, BASE "/SecurityTokens");
  threecx_query_free(q2);
  threecx_request_free(r);
}

static void test_headers_and_body(void **state) {
  threecx_request *r;
  (void)state;
  r = req("PATCH", "/Users({Id})");
  assert_int_equal(threecx_request_add_header(r, "If-Match", "W/\"1\""), THREECX_OK);
  assert_int_equal(threecx_request_add_header(r, "Authorization", "Bearer x"), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_request_add_header(r, "host", "evil"), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_request_add_header(r, "Content-Length", "1"), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_request_add_header(r, "X-A", "a\r\nInjected: 1"), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_request_add_header(r, "X-A", "a\nb"), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_request_add_header(r, "Bad Name", "v"), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_request_add_header(r, "X:Y", "v"), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_request_add_header(r, "", "v"), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_request_set_body(r, "{\"Id\":1}"), THREECX_OK);
  assert_int_equal(threecx_request_set_body(r, "{\"Id\":"), THREECX_E_INVALID_JSON);
  assert_int_equal(threecx_request_set_body(r, NULL), THREECX_OK);
  threecx_request_free(r);
}

static void test_ipv6_and_http_clients(void **state) {
  threecx_client *c = NULL;
  threecx_request *r = NULL;
  threecx_response *resp = (threecx_response *)&g_client;
  char *s = NULL;
  (void)state;
  assert_int_equal(threecx_client_new("[::1]:5001", "id", "key", &c), THREECX_OK);
  assert_int_equal(threecx_request_new(c, "GET", "/Users", &r), THREECX_OK);
  expect_url(r, "https://[::1]:5001/xapi/v1/Users");
  threecx_request_free(r);
  threecx_client_free(c);

  /* http:// is kept in the URL, but sending is refused before any traffic */
  assert_int_equal(threecx_client_new("http://pbx.local:5000", "id", "key", &c), THREECX_OK);
  assert_int_equal(threecx_client_base_url(c, &s), THREECX_OK);
  assert_string_equal(s, "http://pbx.local:5000/xapi/v1");
  threecx_free(s);
  assert_int_equal(threecx_client_authenticate(c), THREECX_E_INSECURE);
  assert_int_equal(threecx_request_new(c, "GET", "/Users", &r), THREECX_OK);
  assert_int_equal(threecx_request_send(r, &resp), THREECX_E_INSECURE);
  assert_null(resp);
  threecx_request_free(r);
  threecx_client_free(c);
}

/* A request keeps its client's internals alive (contract rule 5). */
static void test_free_order(void **state) {
  threecx_client *c = NULL;
  threecx_request *r = NULL;
  (void)state;
  assert_int_equal(threecx_client_new("pbx.example.com", "id", "key", &c), THREECX_OK);
  assert_int_equal(threecx_request_new(c, "GET", "/Users({Id})", &r), THREECX_OK);
  threecx_client_free(c);
  assert_int_equal(threecx_request_set_param_int(r, "Id", 3), THREECX_OK);
  expect_url(r, "https://pbx.example.com/xapi/v1/Users(3)");
  threecx_request_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_base_url),
      cmocka_unit_test(test_no_params),
      cmocka_unit_test(test_placeholders),
      cmocka_unit_test(test_missing_and_unknown),
      cmocka_unit_test(test_bad_paths),
      cmocka_unit_test(test_methods),
      cmocka_unit_test(test_query),
      cmocka_unit_test(test_headers_and_body),
      cmocka_unit_test(test_ipv6_and_http_clients),
      cmocka_unit_test(test_free_order),
  };
  return cmocka_run_group_tests(tests, setup, teardown) == 0 ? 0 : 1;
}
