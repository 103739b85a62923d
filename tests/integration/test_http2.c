/* HTTP/2 on the wire, against nginx (tests/integration/http2_nginx.sh: the
 * simulator speaks HTTP/1.1 only). Answers come 50 ms late, so requests
 * submitted together overlap:
 *  - a synchronous call over HTTP/2: status, body, headers by name (HTTP/2
 *    sends them in lower case) and by position;
 *  - 50 requests through the asynchronous API share ONE connection
 *    (multiplexed: the transfers wait for the first connection instead of
 *    opening their own);
 *  - the same at THREECX_HTTP_1_1 takes one connection per request.
 * Connections are counted by nginx (stub_status "accepts"). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>
#include <curl/curl.h>

#include <threecx/threecx.h>

#include "simproc.h"

enum { N = 50 };

static const char *env(const char *name) {
  const char *v = getenv(name);
  if (!v || !*v) fail_msg("%s is not set: run through http2_nginx.sh", name);
  return v;
}

typedef struct text {
  char b[2048];
  size_t n;
} text;

static size_t on_text(char *p, size_t s, size_t n, void *ud) {
  text *t = ud;
  size_t k = s * n;
  if (t->n + k >= sizeof t->b) return 0;
  memcpy(t->b + t->n, p, k);
  t->n += k;
  t->b[t->n] = 0;
  return k;
}

/* Connections nginx has accepted so far (its status port: plain HTTP).
 * One handle, kept: its connection stays open, so asking adds none. */
static CURL *status_h;

static long accepts(void) {
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%s/_status", env("THREECX_H2_STATUS_PORT"));
  text t = {{0}, 0};
  if (!status_h) status_h = curl_easy_init();
  assert_non_null(status_h);
  curl_easy_setopt(status_h, CURLOPT_URL, url);
  curl_easy_setopt(status_h, CURLOPT_WRITEFUNCTION, on_text);
  curl_easy_setopt(status_h, CURLOPT_WRITEDATA, &t);
  assert_int_equal(curl_easy_perform(status_h), CURLE_OK);
  /* "Active connections: 1 \nserver accepts handled requests\n 5 5 9 \n..." */
  const char *p = strstr(t.b, "requests\n");
  assert_non_null(p);
  return strtol(p + 9, NULL, 10);
}

/* A client of the nginx server, its token fetched (that connection is
 * counted before the measure starts). */
static threecx_client *client(int32_t http_version) {
  char dom[64];
  snprintf(dom, sizeof dom, "127.0.0.1:%s", env("THREECX_H2_PORT"));
  threecx_client *c = NULL;
  assert_int_equal(threecx_client_new(dom, "h2-test", "k3y-h2-7c1e-test-key", &c), THREECX_OK);
  assert_int_equal(threecx_client_set_ca_file(c, env("THREECX_H2_CA")), THREECX_OK);
  assert_int_equal(threecx_client_set_log(c, THREECX_LOG_TRACE, test_log_sink, NULL), THREECX_OK);
  assert_int_equal(threecx_client_set_http_version(c, http_version), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_OK);
  return c;
}

static void test_sync_call(void **state) {
  (void)state;
  threecx_client *c = client(THREECX_HTTP_2);
  threecx_request *r = NULL;
  threecx_response *resp = NULL;
  assert_int_equal(threecx_request_new(c, "GET", "/SecurityTokens", &r), THREECX_OK);
  assert_int_equal(threecx_request_send(r, &resp), THREECX_OK);
  int32_t status = 0;
  assert_int_equal(threecx_response_status(resp, &status), THREECX_OK);
  assert_int_equal(status, 200);
  const char *body = NULL;
  size_t n = 0;
  assert_int_equal(threecx_response_body_view(resp, &body, &n), THREECX_OK);
  assert_non_null(strstr(body, "\"Username\":\"admin\""));
  /* HTTP/2 header names arrive in lower case; the look-up ignores case */
  const char *ct = NULL;
  size_t ctn = 0;
  assert_int_equal(threecx_response_header_view(resp, "Content-Type", &ct, &ctn), THREECX_OK);
  assert_string_equal(ct, "application/json");
  assert_int_equal(ctn, strlen("application/json"));
  size_t count = 0;
  assert_int_equal(threecx_response_header_count(resp, &count), THREECX_OK);
  int seen = 0;
  for (size_t i = 0; i < count; ++i) {
    const char *name = NULL, *value = NULL;
    assert_int_equal(threecx_response_header_at(resp, i, &name, &value), THREECX_OK);
    assert_null(strchr(name, ':'));
    if (strcmp(name, "content-type") == 0) seen = 1; /* as received */
  }
  assert_true(seen);
  threecx_response_free(resp);
  threecx_request_free(r);
  threecx_client_free(c);
}

typedef struct tally {
  int ok, bad;
} tally;

static void on_done(void *ud, threecx_completion *done) {
  tally *t = ud;
  int32_t code = -1, status = 0;
  threecx_response *resp = NULL;
  assert_int_equal(threecx_completion_code(done, &code), THREECX_OK);
  if (code == THREECX_OK && threecx_completion_take_response(done, &resp) == THREECX_OK &&
      threecx_response_status(resp, &status) == THREECX_OK && status == 200)
    ++t->ok;
  else
    ++t->bad;
  threecx_response_free(resp);
}

/* N requests submitted at once; returns the connections nginx accepted. */
static long batch(threecx_client *c) {
  threecx_async *a = NULL;
  assert_int_equal(threecx_async_new(c, &a), THREECX_OK);
  assert_int_equal(threecx_async_set_max_concurrent(a, N), THREECX_OK);
  threecx_request *r = NULL;
  assert_int_equal(threecx_request_new(c, "GET", "/SecurityTokens", &r), THREECX_OK);
  tally t = {0, 0};
  long before = accepts();
  for (int i = 0; i < N; ++i) assert_int_equal(threecx_async_submit(a, r, on_done, &t, NULL), THREECX_OK);
  int32_t pending = N;
  for (int guard = 0; pending > 0 && guard < 10000; ++guard)
    assert_int_equal(threecx_async_wait(a, 1000, &pending), THREECX_OK);
  long conns = accepts() - before;
  assert_int_equal(pending, 0);
  assert_int_equal(t.ok, N);
  assert_int_equal(t.bad, 0);
  threecx_request_free(r);
  threecx_async_free(a);
  return conns;
}

static void test_async_multiplexed(void **state) {
  (void)state;
  threecx_client *c = client(THREECX_HTTP_2);
  long conns = batch(c);
  print_message("HTTP/2: %d requests in flight over %ld connection(s)\n", N, conns);
  assert_int_equal(conns, 1);
  threecx_client_free(c);
}

static void test_async_http11(void **state) {
  (void)state;
  threecx_client *c = client(THREECX_HTTP_1_1);
  long conns = batch(c);
  print_message("HTTP/1.1: %d requests in flight over %ld connection(s)\n", N, conns);
  assert_int_equal(conns, N);
  threecx_client_free(c);
}

int main(void) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sync_call),
      cmocka_unit_test(test_async_multiplexed),
      cmocka_unit_test(test_async_http11),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_easy_cleanup(status_h);
  curl_global_cleanup();
  return rc;
}
