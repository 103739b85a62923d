/* Raw bodies: streaming a 2xx body to a callback or a file, aborting from
 * the callback, error bodies kept in the response, and the byte-exact copy
 * of a body (threecx_response_body_bytes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <cmocka.h>

#include <threecx/catalog.h>
#include <threecx/threecx.h>

#include "simproc.h"

#define reset sim_reset

typedef struct sink {
  char *data;
  size_t len;
  int calls;
  int abort_after;  /* 0: never */
} sink;

static int32_t collect(void *ud, const unsigned char *data, size_t size) {
  sink *s = ud;
  ++s->calls;
  if (s->abort_after && s->calls >= s->abort_after) return 1;
  char *d = realloc(s->data, s->len + size + 1);
  if (!d) return 1;
  memcpy(d + s->len, data, size);
  s->len += size;
  d[s->len] = 0;
  s->data = d;
  return 0;
}

static threecx_request *tokens_request(void) {
  threecx_request *r;
  assert_int_equal(threecx_request_new(g_client, "GET", "/SecurityTokens", &r), THREECX_OK);
  return r;
}

static char *reference_body(void) {
  char *body = NULL;
  assert_int_equal(sim_get(g_client, "/SecurityTokens", NULL, &body, NULL), THREECX_OK);
  return body;
}

static void test_callback_receives_the_body(void **state) {
  (void)state;
  char *ref = reference_body();
  threecx_request *r = tokens_request();
  sink s = {0};
  threecx_response *resp = NULL;
  assert_int_equal(threecx_request_send_to_callback(r, collect, &s, &resp), THREECX_OK);
  assert_non_null(resp);
  assert_true(s.calls >= 1);
  assert_string_equal(s.data, ref);
  /* streamed: not kept in the response */
  size_t n = 1;
  assert_int_equal(threecx_response_body_size(resp, &n), THREECX_OK);
  assert_int_equal(n, 0);
  char *ct = NULL;
  assert_int_equal(threecx_response_header(resp, "Content-Type", &ct), THREECX_OK);
  assert_non_null(strstr(ct, "application/json"));
  threecx_free(ct);
  threecx_response_free(resp);
  threecx_request_free(r);
  free(s.data);
  threecx_free(ref);
}

static void test_callback_abort(void **state) {
  (void)state;
  threecx_request *r = tokens_request();
  sink s = {0};
  s.abort_after = 1;
  threecx_response *resp = (threecx_response *)1;
  assert_int_equal(threecx_request_send_to_callback(r, collect, &s, &resp), THREECX_E_ABORTED);
  assert_null(resp);
  threecx_request_free(r);
  free(s.data);
}

static void test_error_body_stays_in_response(void **state) {
  (void)state;
  threecx_request *r;
  assert_int_equal(threecx_request_new(g_client, "GET", "/WebsiteLinks({Link})", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_param_string(r, "Link", "no such link"), THREECX_OK);
  sink s = {0};
  threecx_response *resp = NULL;
  assert_int_equal(threecx_request_send_to_callback(r, collect, &s, &resp), THREECX_E_HTTP);
  assert_int_equal(s.calls, 0);
  char *code = NULL;
  assert_int_equal(threecx_response_error_code(resp, &code), THREECX_OK);
  assert_string_equal(code, "NotFound");
  threecx_free(code);
  threecx_response_free(resp);

  char path[512];
  snprintf(path, sizeof path, "%s/error-download.bin", g_sim.dir);
  assert_int_equal(threecx_request_send_to_file(r, path, &resp), THREECX_E_HTTP);
  assert_int_equal(access(path, F_OK), -1); /* no partial file left */
  threecx_response_free(resp);

  /* a file already at the path survives a failed download, and no
   * temporary file is left next to it */
  FILE *keep = fopen(path, "wb");
  assert_non_null(keep);
  fputs("precious", keep);
  fclose(keep);
  assert_int_equal(threecx_request_send_to_file(r, path, &resp), THREECX_E_HTTP);
  keep = fopen(path, "rb");
  assert_non_null(keep);
  char back[16] = {0};
  assert_int_equal(fread(back, 1, sizeof back - 1, keep), 8);
  fclose(keep);
  assert_string_equal(back, "precious");
  char pattern[600];
  snprintf(pattern, sizeof pattern, "%s.part-*", path);
  glob_t g;
  assert_int_equal(glob(pattern, 0, NULL, &g), GLOB_NOMATCH);
  unlink(path);
  threecx_response_free(resp);
  threecx_request_free(r);
}

static void test_file(void **state) {
  (void)state;
  char *ref = reference_body();
  threecx_request *r = tokens_request();
  char path[512];
  snprintf(path, sizeof path, "%s/download.json", g_sim.dir);
  FILE *old = fopen(path, "wb"); /* an older download: replaced on success */
  assert_non_null(old);
  fputs("an older, longer download that must disappear entirely", old);
  fclose(old);
  threecx_response *resp = NULL;
  assert_int_equal(threecx_request_send_to_file(r, path, &resp), THREECX_OK);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char *buf = calloc(1, strlen(ref) + 16);
  size_t n = fread(buf, 1, strlen(ref) + 15, f);
  fclose(f);
  assert_int_equal(n, strlen(ref));
  assert_memory_equal(buf, ref, n);
  free(buf);
  unlink(path);
  threecx_response_free(resp);

  /* an unwritable path: THREECX_E_IO, nothing sent */
  int64_t before = sim_stat(&g_sim, "xapi_requests");
  assert_int_equal(threecx_request_send_to_file(r, "/nonexistent-dir/x.bin", &resp), THREECX_E_IO);
  assert_null(resp);
  assert_int_equal(sim_stat(&g_sim, "xapi_requests"), before);
  threecx_request_free(r);
  threecx_free(ref);
}

typedef struct progress {
  int calls;
  int64_t last, total;
  int monotonic;
} progress;

static void on_progress(void *ud, int64_t received, int64_t total) {
  progress *p = ud;
  if (received < p->last) p->monotonic = 0;
  ++p->calls;
  p->last = received;
  p->total = total;
}

/* The progress callback sees every body byte, buffered or streamed, with
 * the Content-Length the simulator announces as the total. */
static void test_progress(void **state) {
  (void)state;
  char *ref = reference_body();
  threecx_request *r = tokens_request();
  progress p = {0, 0, -2, 1};
  assert_int_equal(threecx_request_set_progress(r, on_progress, &p), THREECX_OK);
  sink s = {0};
  threecx_response *resp = NULL;
  assert_int_equal(threecx_request_send_to_callback(r, collect, &s, &resp), THREECX_OK);
  assert_true(p.calls >= 1);
  assert_true(p.monotonic);
  assert_int_equal(p.last, (int64_t)strlen(ref));
  assert_int_equal(p.total, (int64_t)strlen(ref));
  threecx_response_free(resp);
  free(s.data);

  /* buffered, then removed: no more calls */
  progress q = {0, 0, -2, 1};
  assert_int_equal(threecx_request_set_progress(r, on_progress, &q), THREECX_OK);
  assert_int_equal(threecx_request_send(r, &resp), THREECX_OK);
  assert_true(q.calls >= 1);
  assert_int_equal(q.last, (int64_t)strlen(ref));
  threecx_response_free(resp);
  assert_int_equal(threecx_request_set_progress(r, NULL, NULL), THREECX_OK);
  int before = q.calls;
  assert_int_equal(threecx_request_send(r, &resp), THREECX_OK);
  assert_int_equal(q.calls, before);
  threecx_response_free(resp);
  threecx_request_free(r);
  threecx_free(ref);
}

/* Every header can be listed, borrowed, in the order received. */
static void test_header_iteration(void **state) {
  (void)state;
  threecx_request *r = tokens_request();
  threecx_response *resp = NULL;
  assert_int_equal(threecx_request_send(r, &resp), THREECX_OK);
  size_t n = 0;
  assert_int_equal(threecx_response_header_count(resp, &n), THREECX_OK);
  assert_true(n >= 2);
  int seen_type = 0, seen_length = 0;
  for (size_t i = 0; i < n; ++i) {
    const char *name = NULL, *value = NULL;
    assert_int_equal(threecx_response_header_at(resp, i, &name, &value), THREECX_OK);
    assert_non_null(name);
    assert_non_null(value);
    assert_true(name[0] != 0);
    assert_null(strchr(name, ':'));
    assert_null(strchr(value, '\r'));
    if (strcasecmp(name, "Content-Type") == 0) {
      char *ct = NULL;
      assert_int_equal(threecx_response_header(resp, "content-type", &ct), THREECX_OK);
      assert_string_equal(ct, value);
      threecx_free(ct);
      const char *lent = NULL;
      size_t lent_n = 0;
      assert_int_equal(threecx_response_header_view(resp, "CONTENT-TYPE", &lent, &lent_n), THREECX_OK);
      assert_ptr_equal(lent, value); /* the response's own copy, lent */
      assert_int_equal(lent_n, strlen(value));
      seen_type = 1;
    }
    if (strcasecmp(name, "Content-Length") == 0) seen_length = 1;
  }
  assert_true(seen_type);
  assert_true(seen_length);
  const char *name = "x", *value = "y";
  assert_int_equal(threecx_response_header_at(resp, n, &name, &value), THREECX_E_NOT_FOUND);
  assert_null(name);
  assert_null(value);
  assert_int_equal(threecx_response_header_at(resp, 0, NULL, &value), THREECX_OK); /* name not wanted */
  assert_non_null(value);
  size_t absent_n = 5;
  assert_int_equal(threecx_response_header_view(resp, "X-Not-Sent", &value, &absent_n), THREECX_E_NOT_FOUND);
  assert_null(value);
  assert_int_equal(absent_n, 0);
  assert_int_equal(threecx_response_header_view(resp, "Content-Length", &value, NULL), THREECX_OK); /* no size */
  assert_true(atol(value) > 0);
  threecx_response_free(resp);
  threecx_request_free(r);
}

static void test_body_bytes(void **state) {
  (void)state;
  char *ref = reference_body();
  threecx_request *r = tokens_request();
  threecx_response *resp = NULL;
  assert_int_equal(threecx_request_send(r, &resp), THREECX_OK);
  unsigned char *bytes = NULL;
  size_t n = 0;
  assert_int_equal(threecx_response_body_bytes(resp, &bytes, &n), THREECX_OK);
  assert_int_equal(n, strlen(ref));
  assert_memory_equal(bytes, ref, n);
  threecx_free(bytes);
  threecx_response_free(resp);
  threecx_request_free(r);
  threecx_free(ref);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_callback_receives_the_body, reset),
      cmocka_unit_test_setup(test_callback_abort, reset),
      cmocka_unit_test_setup(test_error_body_stays_in_response, reset),
      cmocka_unit_test_setup(test_file, reset),
      cmocka_unit_test_setup(test_body_bytes, reset),
      cmocka_unit_test_setup(test_progress, reset),
      cmocka_unit_test_setup(test_header_iteration, reset),
  };
  return cmocka_run_group_tests_name("files", tests, sim_group_setup, sim_group_teardown);
}
