/* Authentication against a real threecx-sim over HTTPS on loopback:
 * token caching, refresh ahead of and after expiry, 401 retry, bad
 * credentials, TLS verification and plain HTTP refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <threecx/threecx.h>

#include "simproc.h"


static int setup(void **state) {
  (void)state;
  const char *args[] = {"--client", "limited:k3y-limited-7d2c:User", NULL};
  return sim_start(&g_sim, 0, args);
}
static int teardown(void **state) {
  (void)state;
  sim_stop(&g_sim);
  return 0;
}
#define reset sim_reset

static void list_once(threecx_client *c) {
  int32_t status = 0;
  int rc = sim_get(c, "/SecurityTokens", NULL, NULL, &status);
  assert_int_equal(rc, THREECX_OK);
  assert_int_equal(status, 200);
}

static void test_token_is_cached(void **state) {
  (void)state;
  threecx_client *c;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  for (int i = 0; i < 10; ++i) list_once(c);
  int64_t n = -1;
  assert_int_equal(threecx_client_token_requests(c, &n), THREECX_OK);
  assert_int_equal(n, 1);
  assert_int_equal(sim_stat(&g_sim, "token_requests"), 1);
  threecx_client_free(c);
}

static void test_bad_credentials(void **state) {
  (void)state;
  threecx_client *c;
  assert_int_equal(sim_client_as(&g_sim, TEST_CLIENT_ID, "wrong-key-9f8e7d", &c), THREECX_OK);
  int rc = sim_get(c, "/SecurityTokens", NULL, NULL, NULL);
  assert_int_equal(rc, THREECX_E_AUTH);
  assert_int_equal(threecx_last_error_code(), THREECX_E_AUTH);
  const char *msg = threecx_last_error();
  assert_non_null(strstr(msg, "invalid_client"));
  assert_null(strstr(msg, "wrong-key-9f8e7d"));
  assert_int_equal(threecx_client_authenticate(c), THREECX_E_AUTH);
  threecx_client_free(c);

  assert_int_equal(sim_client_as(&g_sim, "nobody", "x", &c), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_E_AUTH);
  threecx_client_free(c);
}

/* The token lives 2 s; requests over ~5 s all succeed and the token is
 * refreshed transparently. */
static void test_token_expires_mid_run(void **state) {
  (void)state;
  assert_int_equal(sim_call(&g_sim, "POST", "/_sim/config", "{\"token_lifetime\":2}", NULL), 200);
  threecx_client *c;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  /* margin 0: use the token to its end, so the server-side expiry is hit */
  assert_int_equal(threecx_client_set_refresh_margin(c, 0), THREECX_OK);
  time_t start = time(NULL);
  int requests = 0;
  while (time(NULL) - start < 5) {
    list_once(c);
    ++requests;
    struct timespec ts = {0, 50 * 1000000L};
    nanosleep(&ts, NULL);
  }
  int64_t n = 0;
  threecx_client_token_requests(c, &n);
  assert_true(requests >= 10); /* several per token lifetime, even under valgrind */
  assert_true(n >= 2);
  assert_true(n <= 5);
  threecx_client_free(c);
  assert_int_equal(sim_call(&g_sim, "POST", "/_sim/config", "{\"token_lifetime\":3600}", NULL), 200);
}

/* With a refresh margin the token is replaced before it expires: no request
 * ever meets a 401. */
static void test_refresh_ahead_of_expiry(void **state) {
  (void)state;
  assert_int_equal(sim_call(&g_sim, "POST", "/_sim/config", "{\"token_lifetime\":3}", NULL), 200);
  threecx_client *c;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  assert_int_equal(threecx_client_set_refresh_margin(c, 2), THREECX_OK);
  time_t start = time(NULL);
  while (time(NULL) - start < 4) {
    list_once(c);
    struct timespec ts = {0, 100 * 1000000L};
    nanosleep(&ts, NULL);
  }
  int64_t n = 0;
  threecx_client_token_requests(c, &n);
  assert_true(n >= 3); /* a new token about every second */
  assert_int_equal(sim_stat(&g_sim, "unauthorized"), 0);
  threecx_client_free(c);
}

/* A 401 (token revoked server-side) triggers exactly one refresh + retry. */
static void test_401_refreshes_once(void **state) {
  (void)state;
  threecx_client *c;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  list_once(c);
  assert_int_equal(sim_call(&g_sim, "POST", "/_sim/expire-tokens", "{}", NULL), 200);
  list_once(c);
  int64_t n = 0;
  threecx_client_token_requests(c, &n);
  assert_int_equal(n, 2);
  assert_int_equal(sim_stat(&g_sim, "unauthorized"), 1);
  threecx_client_free(c);
}

/* A second client with the same id takes the token over (3CX keeps one per
 * client id); the first recovers with one refresh. */
static void test_token_stolen(void **state) {
  (void)state;
  threecx_client *a, *b;
  assert_int_equal(sim_client(&g_sim, &a), THREECX_OK);
  assert_int_equal(sim_client(&g_sim, &b), THREECX_OK);
  list_once(a);
  list_once(b);
  list_once(a);
  int64_t na = 0, nb = 0;
  threecx_client_token_requests(a, &na);
  threecx_client_token_requests(b, &nb);
  assert_int_equal(na, 2);
  assert_int_equal(nb, 1);
  threecx_client_free(a);
  threecx_client_free(b);
}

/* 401 twice in a row (fault) is reported, not retried forever. */
static void test_persistent_401(void **state) {
  (void)state;
  assert_int_equal(sim_call(&g_sim, "POST", "/_sim/faults",
                            "{\"path\":\"^/SecurityTokens\",\"status\":401,\"code\":\"Unauthorized\","
                            "\"message\":\"nope\"}",
                            NULL),
                   201);
  threecx_client *c;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  int32_t status = 0;
  assert_int_equal(sim_get(c, "/SecurityTokens", NULL, NULL, &status), THREECX_E_HTTP);
  assert_int_equal(status, 401);
  int64_t n = 0;
  threecx_client_token_requests(c, &n);
  assert_int_equal(n, 2);
  threecx_client_free(c);
}

static void test_role_forbidden(void **state) {
  (void)state;
  threecx_client *c;
  assert_int_equal(sim_client_as(&g_sim, "limited", "k3y-limited-7d2c", &c), THREECX_OK);
  int32_t status = 0;
  assert_int_equal(sim_get(c, "/ReportCallLogData", NULL, NULL, &status), THREECX_E_HTTP);
  assert_int_equal(status, 403);
  threecx_client_free(c);
}

static void test_tls_verification(void **state) {
  (void)state;
  threecx_client *c;
  char other[600];
  snprintf(other, sizeof other, "%s/other-ca.pem", test_ca_dir());
  /* trusting an unrelated CA: refused */
  assert_int_equal(threecx_client_new(g_sim.domain, TEST_CLIENT_ID, TEST_API_KEY, &c), THREECX_OK);
  assert_int_equal(threecx_client_set_ca_file(c, other), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_E_TLS);
  /* explicitly switched off: works */
  assert_int_equal(threecx_client_set_insecure_skip_tls_verify(c, 1), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_OK);
  threecx_client_free(c);
  /* the default trust store does not know the test CA */
  assert_int_equal(threecx_client_new(g_sim.domain, TEST_CLIENT_ID, TEST_API_KEY, &c), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_E_TLS);
  threecx_client_free(c);
}

static void test_plain_http(void **state) {
  (void)state;
  sim plain;
  assert_int_equal(sim_start(&plain, 1, NULL), 0);
  char dom[128];
  snprintf(dom, sizeof dom, "http://%s", plain.domain);
  threecx_client *c;
  assert_int_equal(threecx_client_new(dom, TEST_CLIENT_ID, TEST_API_KEY, &c), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_E_INSECURE);
  assert_int_equal(sim_stat(&plain, "token_requests"), 0);
  assert_int_equal(threecx_client_allow_http(c, 1), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_OK);
  list_once(c);
  threecx_client_free(c);
  sim_stop(&plain);
}

static void test_unreachable(void **state) {
  (void)state;
  threecx_client *c;
  /* port 1 on loopback: nothing listens */
  assert_int_equal(threecx_client_new("127.0.0.1:1", TEST_CLIENT_ID, TEST_API_KEY, &c), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_E_NETWORK);
  threecx_client_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_token_is_cached, reset),
      cmocka_unit_test_setup(test_bad_credentials, reset),
      cmocka_unit_test_setup(test_token_expires_mid_run, reset),
      cmocka_unit_test_setup(test_refresh_ahead_of_expiry, reset),
      cmocka_unit_test_setup(test_401_refreshes_once, reset),
      cmocka_unit_test_setup(test_token_stolen, reset),
      cmocka_unit_test_setup(test_persistent_401, reset),
      cmocka_unit_test_setup(test_role_forbidden, reset),
      cmocka_unit_test_setup(test_tls_verification, reset),
      cmocka_unit_test(test_plain_http),
      cmocka_unit_test(test_unreachable),
  };
  return cmocka_run_group_tests_name("auth", tests, setup, teardown);
}
