/* Finding 5 of issue 13: safe retry defaults, against the simulator's
 * fault rules. Retries are on by default (GET, PUT, DELETE with If-Match
 * and the token request: 408, 429, 500, 502, 503, 504, network failures);
 * a POST is retried only when nothing was sent or on 429; Retry-After is
 * honoured as given, or the call fails at once with THREECX_E_RETRY_LATER
 * when it ends past the deadline; a per-client budget stops retry storms.
 * /_sim/requests and /_sim/stats count what reached the server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include <threecx/threecx.h>

#include "rawsrv.h"
#include "simproc.h"

static long wire_mark(void) { return sim_wire_mark(&g_sim); }
static int wire_count(long mark, const char *method, const char *prefix) {
  return sim_wire_count(&g_sim, mark, method, prefix);
}

static void fault(const char *rule) {
  assert_int_equal(sim_call(&g_sim, "POST", "/_sim/faults", rule, NULL), 201);
}

/* Log lines containing "; retry " (one per retry made), and the text. */
static int g_retries;
static char g_lines[8192];
static void count_retries(void *ud, int32_t level, const char *message) {
  test_log_sink(ud, level, message);
  if (strstr(message, "; retry ")) {
    ++g_retries;
    size_t l = strlen(g_lines);
    snprintf(g_lines + l, sizeof g_lines - l, "%s\n", message);
  }
}

/* A client with the library's defaults (sim_client adds a CA, a log sink
 * and a total timeout only), its retries observed. */
static threecx_client *client(void) {
  threecx_client *c;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  assert_int_equal(threecx_client_set_log(c, THREECX_LOG_TRACE, count_retries, NULL), THREECX_OK);
  g_retries = 0;
  g_lines[0] = 0;
  return c;
}

static int post_link(threecx_client *c, const char *link) {
  threecx_request *r;
  threecx_response *resp = NULL;
  char body[128];
  snprintf(body, sizeof body, "{\"Link\":\"%s\",\"Name\":\"n\"}", link);
  assert_int_equal(threecx_request_new(c, "POST", "/WebsiteLinks", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_body(r, body), THREECX_OK);
  int rc = threecx_request_send(r, &resp);
  threecx_response_free(resp);
  threecx_request_free(r);
  return rc;
}

/* Answers the token request only. */
static void token_only(rawsrv *srv, void *ud, const char *path, const char *request, int fd) {
  (void)srv, (void)ud, (void)request;
  if (strcmp(path, "/connect/token") == 0)
    rawsrv_reply(fd, 200, "application/json", NULL, "{\"access_token\":\"t-1\",\"expires_in\":3600}");
  else
    rawsrv_reply(fd, 500, "application/json", NULL, "{}");
}

/* Default on: two 503s then success, three hits; 500 too. */
static void test_get_retried_by_default(void **state) {
  (void)state;
  threecx_client *c = client();
  fault("{\"method\":\"GET\",\"path\":\"^/SecurityTokens\",\"status\":503,\"times\":2}");
  long mark = wire_mark();
  assert_int_equal(sim_get(c, "/SecurityTokens", NULL, NULL, NULL), THREECX_OK);
  assert_int_equal(wire_count(mark, "GET", "/SecurityTokens"), 3);
  assert_int_equal(g_retries, 2);
  fault("{\"method\":\"GET\",\"path\":\"^/SecurityTokens\",\"status\":500,\"times\":1}");
  mark = wire_mark();
  assert_int_equal(sim_get(c, "/SecurityTokens", NULL, NULL, NULL), THREECX_OK);
  assert_int_equal(wire_count(mark, "GET", "/SecurityTokens"), 2);
  threecx_client_free(c);
}

/* The token request is retried (503, then a token). */
static void test_token_request_retried(void **state) {
  (void)state;
  threecx_client *c = client();
  fault("{\"path\":\"^/connect/token\",\"status\":503,\"times\":1}");
  int64_t before = sim_stat(&g_sim, "token_requests"), faulted = sim_stat(&g_sim, "faults_applied");
  assert_int_equal(threecx_client_authenticate(c), THREECX_OK);
  /* two requests reached /connect/token: the one the fault answered, and
   * the one that got the token */
  assert_int_equal(sim_stat(&g_sim, "faults_applied"), faulted + 1);
  assert_int_equal(sim_stat(&g_sim, "token_requests"), before + 1);
  assert_int_equal(g_retries, 1);
  threecx_client_free(c);
}

/* A POST: not retried on 500 (it may have been applied), retried on 429
 * (not processed), and when the connection is refused (nothing sent). */
static void test_post_retry_rules(void **state) {
  (void)state;
  threecx_client *c = client();
  assert_int_equal(threecx_client_authenticate(c), THREECX_OK);
  fault("{\"method\":\"POST\",\"path\":\"^/WebsiteLinks\",\"status\":500,\"times\":1}");
  long mark = wire_mark();
  assert_int_equal(post_link(c, "r500"), THREECX_E_HTTP);
  assert_int_equal(wire_count(mark, "POST", "/WebsiteLinks"), 1);
  fault("{\"method\":\"POST\",\"path\":\"^/WebsiteLinks\",\"status\":429,\"times\":1}");
  mark = wire_mark();
  assert_int_equal(post_link(c, "r429"), THREECX_OK);
  assert_int_equal(wire_count(mark, "POST", "/WebsiteLinks"), 2);
  threecx_client_free(c);

  /* a server gone after the token was fetched (a loopback server that
   * closes every connection, so none is reused): every try of the POST is
   * refused before anything is sent, so it is tried again (1 + 2 retries) */
  rawsrv *gone = rawsrv_start(token_only, NULL);
  assert_non_null(gone);
  assert_int_equal(threecx_client_new(rawsrv_base(gone), TEST_CLIENT_ID, TEST_API_KEY, &c), THREECX_OK);
  assert_int_equal(threecx_client_allow_http(c, 1), THREECX_OK);
  assert_int_equal(threecx_client_set_log(c, THREECX_LOG_TRACE, count_retries, NULL), THREECX_OK);
  assert_int_equal(threecx_client_set_retry(c, 2, 1, 5, 60000), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_OK);
  rawsrv_stop(gone);
  g_retries = 0;
  g_lines[0] = 0;
  assert_int_equal(post_link(c, "refused"), THREECX_E_NETWORK);
  assert_int_equal(g_retries, 2);
  assert_non_null(strstr(g_lines, "POST "));
  threecx_client_free(c);
}

/* Retry-After: honoured as given (here beyond max_delay_ms, within the
 * deadline); past the deadline, RETRY_LATER at once with the answer and
 * the delay; through a pager too. */
static void test_retry_after(void **state) {
  (void)state;
  threecx_client *c = client();
  assert_int_equal(threecx_client_set_retry(c, 3, 1, 100, 5000), THREECX_OK);
  fault("{\"method\":\"GET\",\"path\":\"^/SecurityTokens\",\"status\":503,\"retry_after\":\"1\",\"times\":1}");
  long mark = wire_mark();
  assert_int_equal(sim_get(c, "/SecurityTokens", NULL, NULL, NULL), THREECX_OK);
  assert_int_equal(wire_count(mark, "GET", "/SecurityTokens"), 2);
  assert_non_null(strstr(g_lines, "retry 1 in 1000 ms"));

  fault("{\"method\":\"GET\",\"path\":\"^/SecurityTokens\",\"status\":429,\"retry_after\":\"120\",\"times\":1}");
  mark = wire_mark();
  threecx_request *r;
  threecx_response *resp = NULL;
  assert_int_equal(threecx_request_new(c, "GET", "/SecurityTokens", &r), THREECX_OK);
  assert_int_equal(threecx_request_send(r, &resp), THREECX_E_RETRY_LATER);
  assert_non_null(strstr(threecx_last_error(), "120000 ms"));
  assert_non_null(resp);
  int32_t st = 0;
  int64_t ms = 0;
  assert_int_equal(threecx_response_status(resp, &st), THREECX_OK);
  assert_int_equal(st, 429);
  assert_int_equal(threecx_response_retry_after_ms(resp, &ms), THREECX_OK);
  assert_int_equal(ms, 120000);
  threecx_response_free(resp);
  assert_int_equal(wire_count(mark, "GET", "/SecurityTokens"), 1);

  /* an absurd Retry-After: the same, no overflow (UBSan builds check) */
  fault("{\"method\":\"GET\",\"path\":\"^/SecurityTokens\",\"status\":503,"
        "\"retry_after\":\"99999999999999999999999\",\"times\":1}");
  assert_int_equal(threecx_request_send(r, &resp), THREECX_E_RETRY_LATER);
  threecx_response_free(resp);

  /* the pager reports it the same way, with the answer kept */
  fault("{\"method\":\"GET\",\"path\":\"^/SecurityTokens\",\"status\":503,\"retry_after\":\"3600\",\"times\":1}");
  threecx_pager *p;
  char *page = NULL;
  assert_int_equal(threecx_pager_new(r, 5, &p), THREECX_OK);
  assert_int_equal(threecx_pager_next_page(p, &page), THREECX_E_RETRY_LATER);
  assert_int_equal(threecx_pager_last_response(p, &resp), THREECX_OK);
  assert_int_equal(threecx_response_retry_after_ms(resp, &ms), THREECX_OK);
  assert_int_equal(ms, 3600000);
  threecx_response_free(resp);
  threecx_pager_free(p);
  threecx_request_free(r);
  threecx_client_free(c);
}

/* The budget: 10 tokens pay two retries (5 each); then none until
 * successes refill it. */
static void test_retry_budget(void **state) {
  (void)state;
  threecx_client *c = client();
  assert_int_equal(threecx_client_set_retry(c, 5, 1, 5, 60000), THREECX_OK);
  assert_int_equal(threecx_client_set_retry_budget(c, 10), THREECX_OK);
  fault("{\"method\":\"GET\",\"path\":\"^/SecurityTokens\",\"status\":503}");
  long mark = wire_mark();
  assert_int_equal(sim_get(c, "/SecurityTokens", NULL, NULL, NULL), THREECX_E_HTTP);
  assert_int_equal(wire_count(mark, "GET", "/SecurityTokens"), 3);
  mark = wire_mark();
  assert_int_equal(sim_get(c, "/SecurityTokens", NULL, NULL, NULL), THREECX_E_HTTP);
  assert_int_equal(wire_count(mark, "GET", "/SecurityTokens"), 1);
  assert_int_equal(sim_call(&g_sim, "DELETE", "/_sim/faults", NULL, NULL), 200);
  /* five first-try successes give back 5: one retry again */
  for (int i = 0; i < 5; ++i) assert_int_equal(sim_get(c, "/SecurityTokens", NULL, NULL, NULL), THREECX_OK);
  fault("{\"method\":\"GET\",\"path\":\"^/SecurityTokens\",\"status\":503}");
  mark = wire_mark();
  assert_int_equal(sim_get(c, "/SecurityTokens", NULL, NULL, NULL), THREECX_E_HTTP);
  assert_int_equal(wire_count(mark, "GET", "/SecurityTokens"), 2);
  threecx_client_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_get_retried_by_default, sim_reset),
      cmocka_unit_test_setup(test_token_request_retried, sim_reset),
      cmocka_unit_test_setup(test_post_retry_rules, sim_reset),
      cmocka_unit_test_setup(test_retry_after, sim_reset),
      cmocka_unit_test_setup(test_retry_budget, sim_reset),
  };
  return cmocka_run_group_tests_name("retry_defaults", tests, sim_group_setup, sim_group_teardown);
}
