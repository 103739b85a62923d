/* Requests against a real threecx-sim over HTTPS: all eight OData options,
 * CRUD with an awkward string key, headers, OData errors, body checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include <threecx/operations.h>
#include <threecx/threecx.h>

#include "simproc.h"

#define g_c g_client
#define reset sim_reset

/* GET /SecurityTokens with q; returns the parsed body. */
static cJSON *list_tokens(threecx_query *q) {
  char *body = NULL;
  int32_t status = 0;
  int rc = sim_get(g_c, "/SecurityTokens", q, &body, &status);
  assert_int_equal(rc, THREECX_OK);
  assert_int_equal(status, 200);
  cJSON *j = cJSON_Parse(body);
  threecx_free(body);
  assert_non_null(j);
  assert_true(cJSON_IsArray(cJSON_GetObjectItem(j, "value")));
  return j;
}

static void test_all_eight_options(void **state) {
  (void)state;
  /* the reference: everything, unfiltered */
  cJSON *all = list_tokens(NULL);
  cJSON *items = cJSON_GetObjectItem(all, "value");
  int total = cJSON_GetArraySize(items);
  assert_true(total >= 10);
  int matching = 0;
  cJSON *it;
  cJSON_ArrayForEach(it, items) {
    if (cJSON_GetObjectItem(it, "Id")->valueint > 3) ++matching;
  }

  threecx_query *q;
  assert_int_equal(threecx_query_new(&q), THREECX_OK);
  assert_int_equal(threecx_query_set_filter(q, "Id gt 3"), THREECX_OK);
  assert_int_equal(threecx_query_set_count(q, 1), THREECX_OK);
  assert_int_equal(threecx_query_set_orderby(q, "Id desc"), THREECX_OK);
  assert_int_equal(threecx_query_set_select(q, "Id,Username"), THREECX_OK);
  assert_int_equal(threecx_query_set_top(q, 4), THREECX_OK);
  assert_int_equal(threecx_query_set_skip(q, 1), THREECX_OK);
  assert_int_equal(threecx_query_set_expand(q, "Client"), THREECX_OK);
  cJSON *page = list_tokens(q);
  assert_int_equal(cJSON_GetObjectItem(page, "@odata.count")->valueint, matching);
  cJSON *v = cJSON_GetObjectItem(page, "value");
  assert_int_equal(cJSON_GetArraySize(v), matching - 1 < 4 ? matching - 1 : 4);
  int prev = 1 << 30, first = 1;
  cJSON_ArrayForEach(it, v) {
    int id = cJSON_GetObjectItem(it, "Id")->valueint;
    assert_true(id > 3);
    assert_true(id < prev);
    prev = id;
    assert_non_null(cJSON_GetObjectItem(it, "Username"));
    assert_null(cJSON_GetObjectItem(it, "Expires"));  /* not selected */
    first = 0;
  }
  assert_false(first);
  cJSON_Delete(page);
  threecx_query_free(q);

  /* $search: every hit contains the term somewhere, and fewer than all */
  assert_int_equal(threecx_query_new(&q), THREECX_OK);
  const char *term = cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "Username")->valuestring;
  assert_int_equal(threecx_query_set_search(q, term), THREECX_OK);
  page = list_tokens(q);
  v = cJSON_GetObjectItem(page, "value");
  assert_true(cJSON_GetArraySize(v) >= 1);
  assert_true(cJSON_GetArraySize(v) <= total);
  cJSON_ArrayForEach(it, v) {
    char *s = cJSON_PrintUnformatted(it);
    assert_non_null(strstr(s, term));
    free(s);
  }
  cJSON_Delete(page);
  threecx_query_free(q);
  cJSON_Delete(all);
}

/* The typed function of ListSecurityRefreshToken takes all eight options at
 * once: the simulator evaluates them, and the URL it received is exactly the
 * one the generic builder renders for the same query. */
static void test_typed_list_all_eight(void **state) {
  (void)state;
  cJSON *all = list_tokens(NULL);
  cJSON *items = cJSON_GetObjectItem(all, "value");
  const char *term = cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "Username")->valuestring;
  int hits = 0;
  cJSON *it;
  cJSON_ArrayForEach(it, items) {
    char *j = cJSON_PrintUnformatted(it);
    if (strstr(j, term) && cJSON_GetObjectItem(it, "Id")->valueint > 0) ++hits;
    free(j);
  }
  assert_true(hits >= 1);

  threecx_query *q;
  assert_int_equal(threecx_query_new(&q), THREECX_OK);
  assert_int_equal(threecx_query_set_top(q, 3), THREECX_OK);
  assert_int_equal(threecx_query_set_skip(q, 0), THREECX_OK);
  assert_int_equal(threecx_query_set_search(q, term), THREECX_OK);
  assert_int_equal(threecx_query_set_filter(q, "Id gt 0"), THREECX_OK);
  assert_int_equal(threecx_query_set_count(q, 1), THREECX_OK);
  assert_int_equal(threecx_query_set_orderby(q, "Id desc"), THREECX_OK);
  assert_int_equal(threecx_query_set_select(q, "Id,Username"), THREECX_OK);
  assert_int_equal(threecx_query_set_expand(q, "Client"), THREECX_OK);

  char *before = NULL;
  assert_int_equal(sim_call(&g_sim, "GET", "/_sim/requests", NULL, &before), 200);
  cJSON *rec = cJSON_Parse(before);
  free(before);
  char since[64];
  snprintf(since, sizeof since, "/_sim/requests?since=%d", cJSON_GetObjectItem(rec, "next")->valueint);
  cJSON_Delete(rec);

  threecx_response *resp = NULL;
  assert_int_equal(threecx_xapi_list_security_refresh_token(g_c, q, &resp), THREECX_OK);
  int32_t status = 0;
  assert_int_equal(threecx_response_status(resp, &status), THREECX_OK);
  assert_int_equal(status, 200);
  char *body = NULL;
  assert_int_equal(threecx_response_body(resp, &body), THREECX_OK);
  cJSON *page = cJSON_Parse(body);
  threecx_free(body);
  threecx_response_free(resp);
  assert_non_null(page);
  assert_int_equal(cJSON_GetObjectItem(page, "@odata.count")->valueint, hits);
  cJSON *v = cJSON_GetObjectItem(page, "value");
  assert_int_equal(cJSON_GetArraySize(v), hits < 3 ? hits : 3);
  int prev = 1 << 30;
  cJSON_ArrayForEach(it, v) {
    int id = cJSON_GetObjectItem(it, "Id")->valueint;
    assert_true(id < prev);
    prev = id;
    assert_non_null(cJSON_GetObjectItem(it, "Username"));
    int found = 0; /* the whole entity (from the unfiltered list) contains the term */
    cJSON *e;
    cJSON_ArrayForEach(e, items) {
      if (cJSON_GetObjectItem(e, "Id")->valueint != id) continue;
      char *j = cJSON_PrintUnformatted(e);
      found = strstr(j, term) != NULL;
      free(j);
    }
    assert_true(found);
    assert_null(cJSON_GetObjectItem(it, "Expires")); /* not selected */
  }
  cJSON_Delete(page);

  /* what the server received == what the generic builder renders */
  threecx_request *r;
  char *url = NULL;
  assert_int_equal(threecx_request_new(g_c, "GET", "/SecurityTokens", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_query(r, q), THREECX_OK);
  assert_int_equal(threecx_request_url(r, &url), THREECX_OK);
  threecx_request_free(r);
  const char *target = strstr(url, "/xapi/v1/");
  assert_non_null(target);
  char *got = NULL;
  assert_int_equal(sim_call(&g_sim, "GET", since, NULL, &got), 200);
  rec = cJSON_Parse(got);
  free(got);
  cJSON *reqs = cJSON_GetObjectItem(rec, "requests");
  cJSON *last = cJSON_GetArrayItem(reqs, cJSON_GetArraySize(reqs) - 1);
  assert_non_null(last);
  assert_string_equal(cJSON_GetObjectItem(last, "target")->valuestring, target);
  static const char *const opts[] = {"$filter=", "$search=", "$orderby=", "$select=",
                                     "$expand=", "$count=",  "$top=",     "$skip="};
  const char *prev_opt = target;
  for (size_t i = 0; i < sizeof opts / sizeof *opts; ++i) {
    const char *o = strstr(target, opts[i]);
    assert_non_null(o);
    assert_true(o > prev_opt); /* the fixed order */
    prev_opt = o;
  }
  cJSON_Delete(rec);
  threecx_free(url);
  threecx_query_free(q);
  cJSON_Delete(all);
}

static void test_bad_filter_is_odata_error(void **state) {
  (void)state;
  threecx_query *q;
  threecx_query_new(&q);
  threecx_query_set_filter(q, "NoSuchProperty eq 1");
  threecx_request *r;
  threecx_response *resp = NULL;
  assert_int_equal(threecx_request_new(g_c, "GET", "/SecurityTokens", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_query(r, q), THREECX_OK);
  assert_int_equal(threecx_request_send(r, &resp), THREECX_E_HTTP);
  assert_non_null(resp);
  int32_t status;
  threecx_response_status(resp, &status);
  assert_int_equal(status, 400);
  char *msg = NULL;
  assert_int_equal(threecx_response_error_message(resp, &msg), THREECX_OK);
  assert_non_null(strstr(msg, "NoSuchProperty"));
  assert_non_null(strstr(threecx_last_error(), "NoSuchProperty"));
  assert_non_null(strstr(threecx_last_error(), "400"));
  threecx_free(msg);
  threecx_response_free(resp);
  threecx_request_free(r);
  threecx_query_free(q);
}

#define AWKWARD "it's a/b#c?d%e f+g&h=\xc3\xbc\xe6\x9d\xb1 ''x"

static threecx_request *link_request(const char *method, const char *key) {
  threecx_request *r;
  assert_int_equal(threecx_request_new(g_c, method, "/WebsiteLinks({Link})", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_param_string(r, "Link", key), THREECX_OK);
  return r;
}

static int do_send(threecx_request *r, int32_t *status, char **body, char **etag) {
  threecx_response *resp = NULL;
  int rc = threecx_request_send(r, &resp);
  if (resp) {
    threecx_response_status(resp, status);
    if (body) threecx_response_body(resp, body);
    if (etag) threecx_response_header(resp, "ETag", etag);
  }
  threecx_response_free(resp);
  threecx_request_free(r);
  return rc;
}

static void test_string_key_round_trip(void **state) {
  (void)state;
  /* create */
  cJSON *obj = cJSON_CreateObject();
  cJSON_AddStringToObject(obj, "Link", AWKWARD);
  cJSON_AddStringToObject(obj, "Name", "awkward");
  char *json = cJSON_PrintUnformatted(obj);
  cJSON_Delete(obj);
  threecx_request *r;
  assert_int_equal(threecx_request_new(g_c, "POST", "/WebsiteLinks", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_body(r, json), THREECX_OK);
  free(json);
  int32_t status = 0;
  assert_int_equal(do_send(r, &status, NULL, NULL), THREECX_OK);
  assert_int_equal(status, 201);

  /* the URL carries the literal quoted, doubled and encoded */
  r = link_request("GET", AWKWARD);
  char *url;
  assert_int_equal(threecx_request_url(r, &url), THREECX_OK);
  assert_non_null(strstr(url, "/WebsiteLinks(%27it%27%27s%20a%2Fb%23c%3Fd%25e%20f%2Bg%26h%3D%C3%BC%E6%9D%B1%20%27%27%27%27x%27)"));
  threecx_free(url);

  /* read it back by key */
  char *body = NULL, *etag = NULL;
  assert_int_equal(do_send(r, &status, &body, &etag), THREECX_OK);
  assert_int_equal(status, 200);
  cJSON *got = cJSON_Parse(body);
  assert_string_equal(cJSON_GetObjectItem(got, "Link")->valuestring, AWKWARD);
  cJSON_Delete(got);
  threecx_free(body);
  assert_non_null(etag);

  /* update */
  r = link_request("PATCH", AWKWARD);
  assert_int_equal(threecx_request_set_body(r, "{\"Name\":\"renamed\"}"), THREECX_OK);
  assert_int_equal(do_send(r, &status, &body, NULL), THREECX_OK);
  assert_int_equal(status, 204);
  assert_string_equal(body, "");
  threecx_free(body);

  /* delete with a stale If-Match: 412 */
  r = link_request("DELETE", AWKWARD);
  assert_int_equal(threecx_request_add_header(r, "If-Match", etag), THREECX_OK);
  assert_int_equal(do_send(r, &status, NULL, NULL), THREECX_E_HTTP);
  assert_int_equal(status, 412);
  threecx_free(etag);
  /* fresh ETag: deleted */
  r = link_request("GET", AWKWARD);
  assert_int_equal(do_send(r, &status, NULL, &etag), THREECX_OK);
  r = link_request("DELETE", AWKWARD);
  assert_int_equal(threecx_request_add_header(r, "If-Match", etag), THREECX_OK);
  threecx_free(etag);
  assert_int_equal(do_send(r, &status, NULL, NULL), THREECX_OK);
  assert_int_equal(status, 204);

  /* gone: 404 with the OData error's code and message */
  r = link_request("GET", AWKWARD);
  threecx_response *resp;
  assert_int_equal(threecx_request_send(r, &resp), THREECX_E_HTTP);
  char *code = NULL;
  assert_int_equal(threecx_response_error_code(resp, &code), THREECX_OK);
  assert_true(strlen(code) > 0);
  assert_non_null(strstr(threecx_last_error(), "404"));
  threecx_free(code);
  threecx_response_free(resp);
  threecx_request_free(r);
}

static void test_malformed_body_not_sent(void **state) {
  (void)state;
  int64_t before = sim_stat(&g_sim, "xapi_requests");
  threecx_request *r;
  assert_int_equal(threecx_request_new(g_c, "POST", "/WebsiteLinks", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_body(r, "{\"Link\": \"x\",\n \"Name\": }"), THREECX_E_INVALID_JSON);
  assert_non_null(strstr(threecx_last_error(), "line 2"));
  threecx_request_free(r);
  assert_int_equal(sim_stat(&g_sim, "xapi_requests"), before);
}

/* The generic call by operationId refuses every mistake before sending:
 * nothing reaches the simulator. */
static void test_generic_call_refusals(void **state) {
  (void)state;
  int64_t before = sim_stat(&g_sim, "xapi_requests");
  threecx_request *r = (threecx_request *)(void *)&r;
  threecx_response *resp = NULL;
  threecx_query *q;
  assert_int_equal(threecx_request_new_op(g_c, "NoSuchOperation", &r), THREECX_E_NOT_FOUND);
  assert_null(r);
  assert_non_null(strstr(threecx_last_error(), "NoSuchOperation"));

  /* GetWeblink: path parameter Link (string), options $select/$expand */
  assert_int_equal(threecx_request_new_op(g_c, "GetWeblink", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_param_string(r, "Lnk", "x"), THREECX_E_UNKNOWN_PARAMETER);
  assert_int_equal(threecx_request_set_param_int(r, "Link", 5), THREECX_E_INVALID_ARGUMENT); /* a string slot */
  assert_int_equal(threecx_request_set_param_null(r, "Link"), THREECX_E_INVALID_ARGUMENT);  /* not nullable */
  assert_int_equal(threecx_request_send(r, &resp), THREECX_E_MISSING_PARAMETER);            /* Link never set */
  assert_null(resp);
  assert_non_null(strstr(threecx_last_error(), "Link"));
  threecx_query_new(&q);
  threecx_query_set_top(q, 5); /* GetWeblink takes $select/$expand only */
  assert_int_equal(threecx_request_set_query(r, q), THREECX_E_UNSUPPORTED);
  assert_non_null(strstr(threecx_last_error(), "$top"));
  threecx_query_free(q);
  assert_int_equal(threecx_request_set_body(r, "{}"), THREECX_E_UNSUPPORTED); /* takes no body */
  assert_non_null(strstr(threecx_last_error(), "no request body"));
  threecx_request_free(r);

  /* GetLogs: a date-time slot refuses a malformed value */
  assert_int_equal(threecx_request_new_op(g_c, "GetLogs", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_param_datetime(r, "startDate", "yesterday"), THREECX_E_INVALID_ARGUMENT);
  threecx_request_free(r);
  assert_int_equal(sim_stat(&g_sim, "xapi_requests"), before);
}

/* Client options that show on the wire or in the handshake: the User-Agent,
 * and a CA directory (hashed, as c_rehash / openssl rehash make it). */
static void test_client_options(void **state) {
  (void)state;
  threecx_client *c;
  char *rec = NULL;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  assert_int_equal(threecx_client_set_user_agent(c, "fw-gateway/1.2 (libthreecx)"), THREECX_OK);
  assert_int_equal(threecx_client_set_user_agent(c, "bad\r\nX-Injected: 1"), THREECX_E_INVALID_ARGUMENT);
  char *body = NULL;
  assert_int_equal(sim_get(c, "/Defs", NULL, &body, NULL), THREECX_OK);
  threecx_free(body);
  assert_int_equal(sim_call(&g_sim, "GET", "/_sim/requests?since=0", NULL, &rec), 200);
  assert_non_null(strstr(rec, "\"User-Agent\":\"fw-gateway/1.2 (libthreecx)\""));
  free(rec);
  threecx_client_free(c);

  /* CA directory instead of a file */
  char dir[600], cmd[3000];
  snprintf(dir, sizeof dir, "%s/cadir", g_sim.dir);
  snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp '%s' '%s/ca.pem' && openssl rehash '%s' >/dev/null 2>&1", dir,
           g_sim.ca_file, dir, dir);
  assert_int_equal(system(cmd), 0);
  assert_int_equal(threecx_client_new(g_sim.domain, TEST_CLIENT_ID, TEST_API_KEY, &c), THREECX_OK);
  assert_int_equal(threecx_client_set_ca_file(c, "/nonexistent-ca.pem"), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_E_TLS); /* the bad file is used */
  assert_int_equal(threecx_client_set_ca_file(c, NULL), THREECX_OK);
  assert_int_equal(threecx_client_set_ca_path(c, dir), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_OK);
  threecx_client_free(c);
}

static void test_headers(void **state) {
  (void)state;
  threecx_query *q;
  threecx_query_new(&q);
  threecx_query_set_select(q, "Id");
  threecx_request *r;
  threecx_response *resp;
  assert_int_equal(threecx_request_new(g_c, "GET", "/Defs", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_query(r, q), THREECX_OK);
  assert_int_equal(threecx_request_send(r, &resp), THREECX_OK);
  char *ver = NULL;
  assert_int_equal(threecx_response_header(resp, "x-3cx-version", &ver), THREECX_OK);
  assert_memory_equal(ver, "20.", 3);
  threecx_free(ver);
  assert_int_equal(threecx_response_header(resp, "Retry-After", &ver), THREECX_E_NOT_FOUND);
  assert_null(ver);
  threecx_response_free(resp);
  threecx_request_free(r);
  threecx_query_free(q);

  /* Retry-After and a 503 from a fault rule, seen by a client with retries
   * off (on by default, they would wait the 7 s and succeed) */
  threecx_client *once;
  assert_int_equal(sim_client(&g_sim, &once), THREECX_OK);
  assert_int_equal(threecx_client_set_retry(once, 0, 0, 0, 0), THREECX_OK);
  assert_int_equal(sim_call(&g_sim, "POST", "/_sim/faults",
                            "{\"path\":\"^/Defs\",\"status\":503,\"code\":\"Busy\",\"message\":\"later\","
                            "\"retry_after\":\"7\",\"times\":1}", NULL), 201);
  assert_int_equal(threecx_request_new(once, "GET", "/Defs", &r), THREECX_OK);
  assert_int_equal(threecx_request_send(r, &resp), THREECX_E_HTTP);
  assert_int_equal(threecx_response_header(resp, "Retry-After", &ver), THREECX_OK);
  assert_string_equal(ver, "7");
  threecx_free(ver);
  char *msg = NULL;
  assert_int_equal(threecx_response_error_message(resp, &msg), THREECX_OK);
  assert_string_equal(msg, "later");
  threecx_free(msg);
  threecx_response_free(resp);
  /* times:1 — the same request now succeeds */
  assert_int_equal(threecx_request_send(r, &resp), THREECX_OK);
  threecx_response_free(resp);
  threecx_request_free(r);
  threecx_client_free(once);
}

static void test_server_errors_surface(void **state) {
  (void)state;
  static const int codes[] = {401, 403, 404, 500};
  for (size_t i = 0; i < 4; ++i) {
    char rule[256];
    snprintf(rule, sizeof rule,
             "{\"path\":\"^/SecurityTokens$\",\"status\":%d,\"code\":\"E%d\",\"message\":\"fault %d\"}",
             codes[i], codes[i], codes[i]);
    assert_int_equal(sim_call(&g_sim, "POST", "/_sim/faults", rule, NULL), 201);
    threecx_request *r;
    threecx_response *resp = NULL;
    assert_int_equal(threecx_request_new(g_c, "GET", "/SecurityTokens", &r), THREECX_OK);
    assert_int_equal(threecx_request_send(r, &resp), THREECX_E_HTTP);
    int32_t st;
    threecx_response_status(resp, &st);
    assert_int_equal(st, codes[i]);
    char *code = NULL, *msg = NULL, *det = NULL;
    assert_int_equal(threecx_response_error_code(resp, &code), THREECX_OK);
    assert_int_equal(threecx_response_error_message(resp, &msg), THREECX_OK);
    assert_int_equal(threecx_response_error_details(resp, &det), THREECX_OK);
    char want[32];
    snprintf(want, sizeof want, "E%d", codes[i]);
    assert_string_equal(code, want);
    snprintf(want, sizeof want, "fault %d", codes[i]);
    assert_string_equal(msg, want);
    assert_int_equal(det[0], '[');
    assert_non_null(strstr(threecx_last_error(), want));
    threecx_free(code);
    threecx_free(msg);
    threecx_free(det);
    threecx_response_free(resp);
    threecx_request_free(r);
    assert_int_equal(sim_call(&g_sim, "DELETE", "/_sim/faults", NULL, NULL), 200);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_all_eight_options, reset),
      cmocka_unit_test_setup(test_typed_list_all_eight, reset),
      cmocka_unit_test_setup(test_bad_filter_is_odata_error, reset),
      cmocka_unit_test_setup(test_string_key_round_trip, reset),
      cmocka_unit_test_setup(test_malformed_body_not_sent, reset),
      cmocka_unit_test_setup(test_generic_call_refusals, reset),
      cmocka_unit_test_setup(test_client_options, reset),
      cmocka_unit_test_setup(test_headers, reset),
      cmocka_unit_test_setup(test_server_errors_surface, reset),
  };
  return cmocka_run_group_tests_name("requests", tests, sim_group_setup, sim_group_teardown);
}
