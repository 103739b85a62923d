/* The transport over real HTTP(S) on loopback: many threads on one client
 * reuse their connections (the simulator counts the client connections it
 * saw: at most one per thread, and a second burst opens none); a response
 * whose first header line starts with a blank on a pooled handle (libcurl
 * 7.88 would unfold it into the previous transfer's freed header, which the
 * ASan/valgrind runs of this test catch); the HTTP version setter. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <threecx/threecx.h>

#include "rawsrv.h"
#include "simproc.h"

#define THREADS 16
#define PER_THREAD 4

typedef struct burst {
  threecx_client *client;
  pthread_barrier_t *start;
  int ok;
} burst;

static void *burst_thread(void *arg) {
  burst *b = arg;
  pthread_barrier_wait(b->start);
  for (int i = 0; i < PER_THREAD; ++i) {
    int32_t status = 0;
    if (sim_get(b->client, "/SecurityTokens", NULL, NULL, &status) == THREECX_OK && status == 200) ++b->ok;
  }
  return NULL;
}

/* THREADS threads, all released at once, PER_THREAD requests each. */
static void run_burst(threecx_client *c) {
  pthread_t t[THREADS];
  burst b[THREADS];
  pthread_barrier_t start;
  pthread_barrier_init(&start, NULL, THREADS);
  for (int i = 0; i < THREADS; ++i) {
    b[i].client = c;
    b[i].start = &start;
    b[i].ok = 0;
    assert_int_equal(pthread_create(&t[i], NULL, burst_thread, &b[i]), 0);
  }
  for (int i = 0; i < THREADS; ++i) pthread_join(t[i], NULL);
  pthread_barrier_destroy(&start);
  for (int i = 0; i < THREADS; ++i) assert_int_equal(b[i].ok, PER_THREAD);
}

static void test_threads_reuse_connections(void **state) {
  (void)state;
  threecx_client *c = NULL;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  /* the first burst is slowed down so that all threads are in flight at
   * once: the client's pool ends up with one handle per thread */
  assert_int_equal(sim_call(&g_sim, "POST", "/_sim/faults",
                            "{\"path\":\"^/SecurityTokens\",\"latency_ms\":200}", NULL), 201);
  run_burst(c);
  int64_t first = sim_stat(&g_sim, "connections");
  print_message("first burst: %d threads x %d requests over %lld connections\n", THREADS, PER_THREAD,
                (long long)first);
  assert_true(first >= 1);
  assert_true(first <= THREADS);
  assert_int_equal(sim_call(&g_sim, "DELETE", "/_sim/faults", NULL, NULL), 200);
  /* the second burst reuses the kept-alive connections: none is opened */
  run_burst(c);
  assert_int_equal(sim_stat(&g_sim, "connections"), first);
  assert_int_equal(sim_stat(&g_sim, "xapi_requests"), 2 * THREADS * PER_THREAD);
  int64_t tokens = 0;
  assert_int_equal(threecx_client_token_requests(c, &tokens), THREECX_OK);
  assert_int_equal(tokens, 1);
  threecx_client_free(c);
}

/* Sequential requests on one client: one connection for all of them, over
 * HTTP/1.1 forced and with the default (HTTP/2 offered; the simulator
 * answers HTTP/1.1). */
static void test_http_version(void **state) {
  (void)state;
  int versions[] = {THREECX_HTTP_1_1, THREECX_HTTP_2};
  for (int v = 0; v < 2; ++v) {
    assert_int_equal(sim_call(&g_sim, "POST", "/_sim/reset", "{}", NULL), 200);
    threecx_client *c = NULL;
    assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
    assert_int_equal(threecx_client_set_http_version(c, versions[v]), THREECX_OK);
    for (int i = 0; i < 5; ++i) {
      int32_t status = 0;
      assert_int_equal(sim_get(c, "/SecurityTokens", NULL, NULL, &status), THREECX_OK);
      assert_int_equal(status, 200);
    }
    assert_int_equal(sim_stat(&g_sim, "connections"), 1); /* the token request's, kept */
    threecx_client_free(c);
  }
  threecx_client *c = NULL;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  assert_int_equal(threecx_client_set_http_version(c, 0), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_client_set_http_version(c, 11), THREECX_E_INVALID_ARGUMENT);
  threecx_client_free(c);
}

/* ---- a first header line that starts with a blank ---- */

typedef struct folded {
  int xapi; /* XAPI requests answered */
} folded;

static void folded_answer(rawsrv *srv, void *ud, const char *path, const char *request, int fd) {
  (void)srv, (void)request;
  folded *f = ud;
  if (strcmp(path, "/connect/token") == 0) {
    rawsrv_reply(fd, 200, "application/json", NULL, "{\"access_token\":\"t-folded\",\"expires_in\":3600}");
    return;
  }
  if (++f->xapi == 2) {
    static const char kAnswer[] =
        "HTTP/1.1 200 OK\r\n"
        " X-Folded: starts with a blank\r\n"
        "Content-Type: application/json\r\n"
        "Content-Length: 2\r\n"
        "Connection: close\r\n\r\n{}";
    ssize_t n = write(fd, kAnswer, sizeof kAnswer - 1);
    (void)n;
    return;
  }
  rawsrv_reply(fd, 200, "application/json", "X-Many: 1\r\nX-Headers: 2\r\nX-Before: 3\r\n", "{}");
}

static int get_status(threecx_client *c, int32_t *status) {
  return sim_get(c, "/SecurityTokens", NULL, NULL, status);
}

static void test_first_header_line_blank(void **state) {
  (void)state;
  folded f = {0};
  rawsrv *srv = rawsrv_start(folded_answer, &f);
  assert_non_null(srv);
  threecx_client *c = NULL;
  assert_int_equal(threecx_client_new(rawsrv_base(srv), TEST_CLIENT_ID, TEST_API_KEY, &c), THREECX_OK);
  assert_int_equal(threecx_client_allow_http(c, 1), THREECX_OK);
  assert_int_equal(threecx_client_set_retry(c, 0, 0, 0, 0), THREECX_OK);
  int32_t status = 0;
  /* headers stored by libcurl on the pooled handle */
  assert_int_equal(get_status(c, &status), THREECX_OK);
  assert_int_equal(status, 200);
  /* then an answer whose first header line is a continuation: refused as
   * a malformed answer (libcurl cannot unfold it), never read from the
   * previous transfer */
  int rc = get_status(c, &status);
  assert_true(rc == THREECX_E_NETWORK || rc == THREECX_E_PROTOCOL);
  /* the client goes on */
  assert_int_equal(get_status(c, &status), THREECX_OK);
  assert_int_equal(status, 200);
  assert_int_equal(f.xapi, 3);
  threecx_client_free(c);
  rawsrv_stop(srv);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_threads_reuse_connections, sim_reset),
      cmocka_unit_test_setup(test_http_version, sim_reset),
      cmocka_unit_test(test_first_header_line_blank),
  };
  return cmocka_run_group_tests_name("transport", tests, sim_group_setup, sim_group_teardown);
}
