/*
 * Fails every allocation in turn (curl's "torture" idea): a scenario that
 * builds a client, a query with every option, requests with typed
 * parameters, URLs and catalog look-ups (no network) is run once to count
 * its allocations, then again with allocation 1, 2, ..., N failing. Every
 * run must end without a crash, every failing call must return
 * THREECX_E_NO_MEMORY (or a documented code), and every run must free
 * everything it allocated.
 *
 * malloc/calloc/realloc/free are interposed in this executable (glibc
 * resolves the library's and libstdc++'s calls to them), so this test is
 * not built for sanitizer or valgrind runs, which replace malloc themselves.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <threecx/catalog.h>
#include <threecx/threecx.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static long g_count;      /* allocations since arming */
static long g_fail_at;    /* fail the allocation with this number (0: none) */
static long g_live;       /* outstanding allocations */
static int g_armed;
static int g_failed;      /* an allocation was refused in this run */

static int should_fail(void) {
  if (!g_armed) return 0;
  ++g_count;
  if (g_count == g_fail_at) {
    g_failed = 1;
    return 1;
  }
  return 0;
}

#define EXPORT __attribute__((visibility("default")))
EXPORT void *malloc(size_t n) {
  if (should_fail()) return NULL;
  void *p = __libc_malloc(n);
  if (p && g_armed) ++g_live;
  return p;
}
EXPORT void *calloc(size_t a, size_t b) {
  if (should_fail()) return NULL;
  void *p = __libc_calloc(a, b);
  if (p && g_armed) ++g_live;
  return p;
}
EXPORT void *realloc(void *old, size_t n) {
  if (!old) return malloc(n);
  if (should_fail()) return NULL;
  return __libc_realloc(old, n);
}
EXPORT void free(void *p) {
  if (p && g_armed) --g_live;
  __libc_free(p);
}

/* What a complete run produced; compared with the unarmed reference run. */
static char g_url[512], g_qs[512], g_lit[64];

static int ok_or_oom(int rc) {
  return rc == THREECX_OK || rc == THREECX_E_NO_MEMORY;
}

/* The scenario. Returns 0 when it ran to the end, 1 when it stopped at an
 * out-of-memory error; fails the test on any other outcome. */
static int scenario(void) {
  threecx_client *c = NULL;
  threecx_query *q = NULL;
  threecx_request *r = NULL, *r2 = NULL;
  char *url = NULL, *qs = NULL, *lit = NULL;
  const threecx_operation *op = NULL;
  int rc, stopped = 0;

#define STEP(call)                            \
  do {                                        \
    rc = (call);                              \
    if (!ok_or_oom(rc)) {                     \
      fail_msg("%s -> %d (%s)", #call, rc, threecx_last_error()); \
    }                                         \
    if (rc != THREECX_OK) {                   \
      stopped = 1;                            \
      goto out;                               \
    }                                         \
  } while (0)

  STEP(threecx_client_new("pbx.example.com:5001", "id", "key-123", &c));
  STEP(threecx_client_set_user_agent(c, "torture/1"));
  STEP(threecx_query_new(&q));
  STEP(threecx_query_set_filter(q, "Name eq 'O''Brien'"));
  STEP(threecx_query_set_search(q, "two words"));
  STEP(threecx_query_set_orderby(q, "Name desc,Id"));
  STEP(threecx_query_set_select(q, "Id,Name"));
  STEP(threecx_query_set_expand(q, "Groups($select=Name)"));
  STEP(threecx_query_set_count(q, 1));
  STEP(threecx_query_set_top(q, 10));
  STEP(threecx_query_set_skip(q, 20));
  STEP(threecx_query_add_param(q, "x", "a b"));
  STEP(threecx_query_to_string(q, &qs));
  STEP(threecx_request_new(c, "GET", "/WebsiteLinks({Link})", &r));
  STEP(threecx_request_set_param_string(r, "Link", "it's a/b#c"));
  STEP(threecx_request_set_query(r, q));
  STEP(threecx_request_add_header(r, "If-Match", "W/\"1\""));
  STEP(threecx_request_url(r, &url));
  STEP(threecx_operation_find("GetLogs", &op));
  STEP(threecx_request_new_op(c, "GetLogs", &r2));
  STEP(threecx_request_set_param_datetime(r2, "startDate", "2026-01-01T00:00:00+01:00"));
  STEP(threecx_request_set_param_datetime(r2, "endDate", "2026-01-02T00:00:00Z"));
  STEP(threecx_request_set_param_null(r2, "extension"));
  STEP(threecx_request_set_param_string(r2, "call", "x"));
  STEP(threecx_request_set_param_string(r2, "severity", "y"));
  STEP(threecx_request_set_body(r, "{\"a\":[1,2,{\"b\":null}],\"s\":\"\\u00e9\"}"));
  STEP(threecx_odata_string("O'Brien", &lit));
  snprintf(g_url, sizeof g_url, "%s", url);
  snprintf(g_qs, sizeof g_qs, "%s", qs);
  snprintf(g_lit, sizeof g_lit, "%s", lit);
out:
  threecx_free(lit);
  threecx_free(url);
  threecx_free(qs);
  threecx_request_free(r2);
  threecx_request_free(r);
  threecx_query_free(q);
  threecx_client_free(c);
  return stopped;
#undef STEP
}

static void test_every_allocation_fails_once(void **state) {
  (void)state;
  /* warm-up: one-time initialisations (curl_global_init, the C++ runtime's
   * first-exception state, this thread's error buffer) */
  assert_int_equal(scenario(), 0);
  char ref_url[512], ref_qs[512], ref_lit[64];
  memcpy(ref_url, g_url, sizeof g_url);
  memcpy(ref_qs, g_qs, sizeof g_qs);
  memcpy(ref_lit, g_lit, sizeof g_lit);
  assert_non_null(strstr(ref_url, "/WebsiteLinks(%27it%27%27s%20a%2Fb%23c%27)?$filter="));
  threecx_client *c = NULL;
  assert_int_equal(threecx_client_new("", "id", "key", &c), THREECX_E_INVALID_DOMAIN);
  threecx_query *q = NULL;
  threecx_query_new(&q);
  assert_int_equal(threecx_query_set_top(q, -1), THREECX_E_INVALID_ARGUMENT);
  threecx_query_free(q);

  g_fail_at = 0;
  g_count = 0;
  g_live = 0;
  g_armed = 1;
  int stopped = scenario();
  g_armed = 0;
  assert_int_equal(stopped, 0);
  assert_int_equal(g_live, 0);
  long total = g_count;
  print_message("scenario: %ld allocations\n", total);
  assert_true(total > 20);

  long oom_runs = 0, absorbed = 0;
  for (long n = 1; n <= total; ++n) {
    g_fail_at = n;
    g_count = 0;
    g_live = 0;
    g_failed = 0;
    g_armed = 1;
    stopped = scenario();
    g_armed = 0;
    if (g_live != 0) fail_msg("allocation %ld of %ld failing: %ld allocations leaked", n, total, g_live);
    if (!stopped) {
      /* the library absorbed the failure (e.g. the thread's error message
       * could not be stored): the results must still be right */
      assert_string_equal(g_url, ref_url);
      assert_string_equal(g_qs, ref_qs);
      assert_string_equal(g_lit, ref_lit);
      ++absorbed;
    }
    oom_runs += stopped;
  }
  print_message("%ld allocations; %ld runs stopped at THREECX_E_NO_MEMORY, %ld completed correctly "
                "despite the failure; none leaked\n", total, oom_runs, absorbed);
  assert_true(oom_runs > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_allocation_fails_once),
  };
  return cmocka_run_group_tests_name("torture", tests, NULL, NULL);
}
