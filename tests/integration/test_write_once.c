/* Finding 1 of issue 13: a write is sent at most once. The simulator reads
 * a request on a reused keep-alive connection and closes it without an
 * answer (the "drop" fault); libcurl must not resend it behind the
 * library's back, and the library must say it cannot know whether the
 * write was applied (THREECX_E_UNCERTAIN). A GET with N retries reaches
 * the server at most N+1 times. /_sim/requests is the wire's record. */
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

#include "simproc.h"

/* The sequence number the next recorded request will get. */
static long wire_mark(void) { return sim_wire_mark(&g_sim); }
static int wire_count(long mark, const char *method, const char *prefix) {
  return sim_wire_count(&g_sim, mark, method, prefix);
}

static void fault(const char *rule) {
  assert_int_equal(sim_call(&g_sim, "POST", "/_sim/faults", rule, NULL), 201);
}

static int send_and_free(threecx_request *r, int32_t *status) {
  threecx_response *resp = NULL;
  int rc = threecx_request_send(r, &resp);
  if (status) *status = 0;
  if (resp && status) threecx_response_status(resp, status);
  threecx_response_free(resp);
  threecx_request_free(r);
  return rc;
}

/* A client whose connection to the simulator is open and idle (a GET went
 * first), so that the next request is put on a reused connection. */
static threecx_client *warm_client(void) {
  threecx_client *c;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  assert_int_equal(sim_get(c, "/Defs", NULL, NULL, NULL), THREECX_OK);
  return c;
}

static void create_link(threecx_client *c, const char *link) {
  threecx_request *r;
  char body[256];
  snprintf(body, sizeof body, "{\"Link\":\"%s\",\"Name\":\"n\"}", link);
  assert_int_equal(threecx_request_new(c, "POST", "/WebsiteLinks", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_body(r, body), THREECX_OK);
  int32_t st;
  assert_int_equal(send_and_free(r, &st), THREECX_OK);
  assert_int_equal(st, 201);
}

#define TRIALS 6

/* POST: one on the wire per call, reported as UNCERTAIN, never as a 201. */
static void test_post_dropped_once(void **state) {
  (void)state;
  for (int i = 0; i < TRIALS; ++i) {
    threecx_client *c = warm_client();
    fault("{\"method\":\"POST\",\"path\":\"^/WebsiteLinks\",\"drop\":true,\"times\":1}");
    long mark = wire_mark();
    threecx_request *r;
    char body[128];
    snprintf(body, sizeof body, "{\"Link\":\"once-%d\",\"Name\":\"x\"}", i);
    assert_int_equal(threecx_request_new(c, "POST", "/WebsiteLinks", &r), THREECX_OK);
    assert_int_equal(threecx_request_set_body(r, body), THREECX_OK);
    int rc = send_and_free(r, NULL);
    assert_int_equal(rc, THREECX_E_UNCERTAIN);
    assert_non_null(strstr(threecx_last_error(), "may or may not"));
    assert_int_equal(wire_count(mark, "POST", "/WebsiteLinks"), 1);
    threecx_client_free(c);
  }
}

/* PATCH and DELETE without If-Match: the same. */
static void test_patch_delete_dropped_once(void **state) {
  (void)state;
  for (int i = 0; i < TRIALS; ++i) {
    threecx_client *c = warm_client();
    char link[32];
    snprintf(link, sizeof link, "pd-%d", i);
    create_link(c, link);
    const char *methods[] = {"PATCH", "DELETE"};
    for (int m = 0; m < 2; ++m) {
      char rule[160];
      snprintf(rule, sizeof rule, "{\"method\":\"%s\",\"path\":\"^/WebsiteLinks\",\"drop\":true,\"times\":1}",
               methods[m]);
      fault(rule);
      long mark = wire_mark();
      threecx_request *r;
      assert_int_equal(threecx_request_new(c, methods[m], "/WebsiteLinks({Link})", &r), THREECX_OK);
      assert_int_equal(threecx_request_set_param_string(r, "Link", link), THREECX_OK);
      if (m == 0) assert_int_equal(threecx_request_set_body(r, "{\"Name\":\"y\"}"), THREECX_OK);
      assert_int_equal(send_and_free(r, NULL), THREECX_E_UNCERTAIN);
      assert_int_equal(wire_count(mark, methods[m], "/WebsiteLinks("), 1);
    }
    threecx_client_free(c);
  }
}

/* A GET with N retries: at most N+1 on the wire, even though libcurl would
 * resend on its own each time a reused connection dies. */
static void test_get_retries_bounded(void **state) {
  (void)state;
  for (int n = 0; n <= 2; ++n) {
    threecx_client *c = warm_client();
    assert_int_equal(threecx_client_set_retry(c, n, 1, 5, 60000), THREECX_OK);
    fault("{\"method\":\"GET\",\"path\":\"^/SecurityTokens\",\"drop\":true}");
    long mark = wire_mark();
    int rc = sim_get(c, "/SecurityTokens", NULL, NULL, NULL);
    assert_int_equal(rc, THREECX_E_NETWORK);
    int hits = wire_count(mark, "GET", "/SecurityTokens");
    assert_true(hits >= 1);
    assert_true(hits <= n + 1);
    assert_int_equal(sim_call(&g_sim, "DELETE", "/_sim/faults", NULL, NULL), 200);
    threecx_client_free(c);
  }
}

/* The caller may declare a write safe to repeat: then it is retried like a
 * GET (here: a PATCH, which sets the same name again). */
static void test_opt_in_write_retried(void **state) {
  (void)state;
  threecx_client *c = warm_client();
  create_link(c, "optin");
  assert_int_equal(threecx_client_set_retry(c, 2, 1, 5, 60000), THREECX_OK);
  fault("{\"method\":\"PATCH\",\"path\":\"^/WebsiteLinks\",\"drop\":true,\"times\":1}");
  long mark = wire_mark();
  threecx_request *r;
  assert_int_equal(threecx_request_new(c, "PATCH", "/WebsiteLinks({Link})", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_param_string(r, "Link", "optin"), THREECX_OK);
  assert_int_equal(threecx_request_set_body(r, "{\"Name\":\"z\"}"), THREECX_OK);
  assert_int_equal(threecx_request_set_idempotent(r, 1), THREECX_OK);
  int32_t st;
  assert_int_equal(send_and_free(r, &st), THREECX_OK);
  assert_int_equal(st, 204);
  assert_int_equal(wire_count(mark, "PATCH", "/WebsiteLinks("), 2);
  threecx_client_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_post_dropped_once, sim_reset),
      cmocka_unit_test_setup(test_patch_delete_dropped_once, sim_reset),
      cmocka_unit_test_setup(test_get_retries_bounded, sim_reset),
      cmocka_unit_test_setup(test_opt_in_write_retried, sim_reset),
  };
  return cmocka_run_group_tests_name("write_once", tests, sim_group_setup, sim_group_teardown);
}
