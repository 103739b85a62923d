/* Paging over a collection, and a misbehaving server: dropped connections,
 * truncated bodies, malformed JSON, latency beyond the timeout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include <threecx/catalog.h>
#include <threecx/threecx.h>

#include "simproc.h"

#define g_c g_client
#define reset sim_reset

static int total_tokens(void) {
  char *body;
  assert_int_equal(sim_get(g_c, "/SecurityTokens", NULL, &body, NULL), THREECX_OK);
  cJSON *j = cJSON_Parse(body);
  threecx_free(body);
  int n = cJSON_GetArraySize(cJSON_GetObjectItem(j, "value"));
  cJSON_Delete(j);
  return n;
}

static void test_pages(void **state) {
  (void)state;
  int total = total_tokens();
  threecx_request *r;
  assert_int_equal(threecx_request_new(g_c, "GET", "/SecurityTokens", &r), THREECX_OK);
  threecx_pager *p;
  assert_int_equal(threecx_pager_new(r, 5, &p), THREECX_OK);
  threecx_request_free(r); /* the pager keeps its own copy */
  int64_t before = sim_stat(&g_sim, "xapi_requests");
  int pages = 0, items = 0;
  char *page;
  int rc;
  while ((rc = threecx_pager_next_page(p, &page)) == THREECX_OK) {
    cJSON *j = cJSON_Parse(page);
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(j, "value"));
    assert_true(n <= 5);
    items += n;
    ++pages;
    cJSON_Delete(j);
    threecx_free(page);
  }
  assert_int_equal(rc, THREECX_DONE);
  assert_null(page);
  assert_int_equal(items, total);
  assert_int_equal(pages, (total + 4) / 5);
  /* stops at @odata.count: no extra empty request */
  assert_int_equal(sim_stat(&g_sim, "xapi_requests") - before, pages);
  int64_t t = 0;
  assert_int_equal(threecx_pager_total(p, &t), THREECX_OK);
  assert_int_equal(t, total);
  assert_int_equal(threecx_pager_next_page(p, &page), THREECX_DONE);
  threecx_pager_free(p);
}

static void test_items_with_filter_and_limit(void **state) {
  (void)state;
  threecx_query *q;
  threecx_query_new(&q);
  threecx_query_set_filter(q, "Id ge 2");
  threecx_query_set_orderby(q, "Id asc");
  threecx_query_set_skip(q, 1);
  threecx_query_set_top(q, 7);
  threecx_request *r;
  threecx_request_new(g_c, "GET", "/SecurityTokens", &r);
  threecx_request_set_query(r, q);
  threecx_pager *p;
  assert_int_equal(threecx_pager_new(r, 3, &p), THREECX_OK);
  char *item;
  int n = 0, prev = 0, rc;
  while ((rc = threecx_pager_next_item(p, &item)) == THREECX_OK) {
    cJSON *j = cJSON_Parse(item);
    int id = cJSON_GetObjectItem(j, "Id")->valueint;
    assert_true(id >= 2);
    assert_true(id > prev);
    prev = id;
    ++n;
    cJSON_Delete(j);
    threecx_free(item);
  }
  assert_int_equal(rc, THREECX_DONE);
  assert_int_equal(n, 7);
  /* mixing the two styles is refused */
  assert_int_equal(threecx_pager_next_page(p, &item), THREECX_E_STATE);
  threecx_pager_free(p);
  threecx_request_free(r);
  threecx_query_free(q);
}

static void fault(const char *rule) {
  assert_int_equal(sim_call(&g_sim, "POST", "/_sim/faults", rule, NULL), 201);
}

static void test_dropped_connection(void **state) {
  (void)state;
  /* no "times": libcurl may retry a request once on a reused connection
   * that died, so the rule stays until it is cleared */
  fault("{\"path\":\"^/SecurityTokens\",\"drop\":true}");
  assert_int_equal(sim_get(g_c, "/SecurityTokens", NULL, NULL, NULL), THREECX_E_NETWORK);
  assert_int_equal(sim_call(&g_sim, "DELETE", "/_sim/faults", NULL, NULL), 200);
  assert_int_equal(sim_get(g_c, "/SecurityTokens", NULL, NULL, NULL), THREECX_OK);
}

static void test_truncated_body(void **state) {
  (void)state;
  fault("{\"path\":\"^/SecurityTokens\",\"truncate\":true}");
  long mark = sim_wire_mark(&g_sim);
  assert_int_equal(sim_get(g_c, "/SecurityTokens", NULL, NULL, NULL), THREECX_E_NETWORK);
  /* a GET: tried again by default (3 retries), and never more */
  assert_int_equal(sim_wire_count(&g_sim, mark, "GET", "/SecurityTokens"), 4);
  assert_int_equal(sim_call(&g_sim, "DELETE", "/_sim/faults", NULL, NULL), 200);
  assert_int_equal(sim_get(g_c, "/SecurityTokens", NULL, NULL, NULL), THREECX_OK);
}

static void test_malformed_json(void **state) {
  (void)state;
  fault("{\"path\":\"^/SecurityTokens\",\"malformed\":true,\"times\":1}");
  threecx_request *r;
  threecx_request_new(g_c, "GET", "/SecurityTokens", &r);
  threecx_pager *p;
  threecx_pager_new(r, 5, &p);
  char *page;
  assert_int_equal(threecx_pager_next_page(p, &page), THREECX_E_PROTOCOL);
  threecx_pager_free(p);
  threecx_request_free(r);
}

static void test_latency_timeout(void **state) {
  (void)state;
  fault("{\"path\":\"^/SecurityTokens\",\"latency_ms\":1500,\"times\":1}");
  threecx_client *c;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_OK);
  assert_int_equal(threecx_client_set_timeout_ms(c, 300), THREECX_OK);
  /* retries off: on (the default), the timed-out GET would be sent again
   * and, the fault being spent, succeed */
  assert_int_equal(threecx_client_set_retry(c, 0, 0, 0, 0), THREECX_OK);
  assert_int_equal(sim_get(c, "/SecurityTokens", NULL, NULL, NULL), THREECX_E_TIMEOUT);
  threecx_client_free(c);
}

/* An HTTP error in the middle of a walk: E_HTTP, and the failing answer
 * (status, OData error, Retry-After) from threecx_pager_last_response. */
static void test_pager_http_error(void **state) {
  (void)state;
  threecx_request *r;
  assert_int_equal(threecx_request_new(g_c, "GET", "/SecurityTokens", &r), THREECX_OK);
  threecx_pager *p;
  assert_int_equal(threecx_pager_new(r, 5, &p), THREECX_OK);
  threecx_request_free(r);
  char *page = NULL;
  threecx_response *resp = NULL;
  assert_int_equal(threecx_pager_next_page(p, &page), THREECX_OK);
  threecx_free(page);
  assert_int_equal(threecx_pager_last_response(p, &resp), THREECX_E_NOT_FOUND);
  assert_null(resp);
  /* retries off for this walk (on by default, the 503 would be retried) */
  assert_int_equal(threecx_client_set_retry(g_c, 0, 0, 0, 0), THREECX_OK);
  fault("{\"path\":\"^/SecurityTokens\",\"status\":503,\"code\":\"Busy\",\"message\":\"try later\","
        "\"retry_after\":\"7\",\"times\":1}");
  assert_int_equal(threecx_pager_next_page(p, &page), THREECX_E_HTTP);
  assert_null(page);
  assert_int_equal(threecx_pager_last_response(p, &resp), THREECX_OK);
  int32_t status = 0;
  char *code = NULL, *retry = NULL;
  assert_int_equal(threecx_response_status(resp, &status), THREECX_OK);
  assert_int_equal(status, 503);
  assert_int_equal(threecx_response_error_code(resp, &code), THREECX_OK);
  assert_string_equal(code, "Busy");
  assert_int_equal(threecx_response_header(resp, "Retry-After", &retry), THREECX_OK);
  assert_string_equal(retry, "7");
  threecx_free(code);
  threecx_free(retry);
  threecx_response_free(resp);
  /* the walk goes on from where it failed */
  assert_int_equal(threecx_pager_next_page(p, &page), THREECX_OK);
  threecx_free(page);
  assert_int_equal(threecx_pager_last_response(p, &resp), THREECX_E_NOT_FOUND);
  threecx_pager_free(p);
  assert_int_equal(threecx_client_set_retry(g_c, 3, 250, 20000, 60000), THREECX_OK);
}

/* A response above the client's limit stops the transfer: PROTOCOL, no
 * response; streamed downloads are not limited. */
static void test_max_response_bytes(void **state) {
  (void)state;
  threecx_client *c;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  assert_int_equal(threecx_client_set_max_response_bytes(c, 1000), THREECX_OK);
  threecx_request *r;
  threecx_response *resp = (threecx_response *)(void *)&resp;
  assert_int_equal(threecx_request_new(c, "GET", "/SecurityTokens", &r), THREECX_OK); /* ~10 KB */
  assert_int_equal(threecx_request_send(r, &resp), THREECX_E_PROTOCOL);
  assert_null(resp);
  assert_non_null(strstr(threecx_last_error(), "larger than 1000 bytes"));
  char path[512];
  snprintf(path, sizeof path, "%s/big.json", g_sim.dir);
  assert_int_equal(threecx_request_send_to_file(r, path, &resp), THREECX_OK);
  threecx_response_free(resp);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  assert_true(ftell(f) > 1000);
  fclose(f);
  unlink(path);
  assert_int_equal(threecx_client_set_max_response_bytes(c, 0), THREECX_OK);
  assert_int_equal(threecx_request_send(r, &resp), THREECX_OK);
  threecx_response_free(resp);
  threecx_request_free(r);
  threecx_client_free(c);
}

static void test_token_endpoint_fault(void **state) {
  (void)state;
  fault("{\"path\":\"^/connect/token\",\"status\":500,\"code\":\"ServerError\",\"message\":\"down\",\"times\":1}");
  threecx_client *c;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  /* retries off: on (the default), the token request is retried and gets
   * through (integration_retry_defaults) */
  assert_int_equal(threecx_client_set_retry(c, 0, 0, 0, 0), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_E_AUTH);
  assert_non_null(strstr(threecx_last_error(), "token request failed: HTTP 500"));
  assert_int_equal(threecx_client_authenticate(c), THREECX_OK);
  threecx_client_free(c);

  /* through a send: THREECX_E_AUTH and no response (E_HTTP would promise an
   * XAPI response in *out) */
  fault("{\"path\":\"^/connect/token\",\"status\":503,\"times\":1}");
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  assert_int_equal(threecx_client_set_retry(c, 0, 0, 0, 0), THREECX_OK);
  threecx_request *r;
  threecx_response *resp = (threecx_response *)(void *)&resp;
  assert_int_equal(threecx_request_new(c, "GET", "/SecurityTokens", &r), THREECX_OK);
  assert_int_equal(threecx_request_send(r, &resp), THREECX_E_AUTH);
  assert_null(resp);
  assert_non_null(strstr(threecx_last_error(), "HTTP 503"));
  assert_int_equal(threecx_request_send(r, &resp), THREECX_OK);
  assert_non_null(resp);
  threecx_response_free(resp);
  threecx_request_free(r);
  threecx_client_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_pages, reset),
      cmocka_unit_test_setup(test_items_with_filter_and_limit, reset),
      cmocka_unit_test_setup(test_dropped_connection, reset),
      cmocka_unit_test_setup(test_truncated_body, reset),
      cmocka_unit_test_setup(test_malformed_json, reset),
      cmocka_unit_test_setup(test_latency_timeout, reset),
      cmocka_unit_test_setup(test_pager_http_error, reset),
      cmocka_unit_test_setup(test_max_response_bytes, reset),
      cmocka_unit_test_setup(test_token_endpoint_fault, reset),
  };
  return cmocka_run_group_tests_name("pager_faults", tests, sim_group_setup, sim_group_teardown);
}
