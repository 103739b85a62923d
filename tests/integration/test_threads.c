/* One client shared by 16 threads: 1,000 requests, exactly one token
 * request; then a forced expiry under load: still one refresh; then
 * options changed while the threads send (each request goes out with one
 * whole snapshot of the options, new requests see the new one). */
#include <pthread.h>
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

#define THREADS 16
#define TOTAL 1000


static volatile int g_keep_going; /* workers continue while set */

typedef struct job {
  threecx_client *client;
  int count;
  int ok;
  int done;
  int first_error;
} job;

static void *worker(void *arg) {
  job *j = arg;
  threecx_query *q;
  threecx_query_new(&q);
  threecx_query_set_top(q, 2);
  for (int i = 0; i < j->count || __atomic_load_n(&g_keep_going, __ATOMIC_ACQUIRE); ++i) {
    int32_t status = 0;
    int rc = sim_get(j->client, "/SecurityTokens", q, NULL, &status);
    ++j->done;
    if (rc == THREECX_OK && status == 200) ++j->ok;
    else if (!j->first_error) j->first_error = rc ? rc : status;
  }
  threecx_query_free(q);
  return NULL;
}

/* Returns the number of successful requests; *done gets the number made. */
static int run(threecx_client *c, int total, int *done) {
  pthread_t t[THREADS];
  job jobs[THREADS];
  int ok = 0;
  *done = 0;
  for (int i = 0; i < THREADS; ++i) {
    jobs[i] = (job){c, total / THREADS + (i < total % THREADS), 0, 0, 0};
    pthread_create(&t[i], NULL, worker, &jobs[i]);
  }
  for (int i = 0; i < THREADS; ++i) {
    pthread_join(t[i], NULL);
    ok += jobs[i].ok;
    *done += jobs[i].done;
    if (jobs[i].first_error) print_error("thread %d first error %d\n", i, jobs[i].first_error);
  }
  return ok;
}

static void test_shared_client(void **state) {
  (void)state;
  threecx_client *c;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  int done = 0;
  int ok = run(c, TOTAL, &done);
  assert_int_equal(done, TOTAL);
  assert_int_equal(ok, TOTAL);
  int64_t n = 0;
  threecx_client_token_requests(c, &n);
  assert_int_equal(n, 1);
  assert_int_equal(sim_stat(&g_sim, "token_requests"), 1);
  assert_int_equal(sim_stat(&g_sim, "unauthorized"), 0);
  threecx_client_free(c);
}

/* Tokens revoked server-side while 16 threads are busy: many requests see a
 * 401, but the client refreshes once per revocation.  The revoker works in
 * lock-step with what the simulator saw, never with the wall clock, so a slow
 * or loaded machine cannot merge two revocations into one refresh (or split
 * one request across two revocations): it revokes only after the current
 * token has served plenty of requests, then waits for the refresh. */
#define SETTLE_REQUESTS 64
static int g_revocations;

static int wait_stat_at_least(sim *s, const char *field, int64_t target) {
  struct timespec ts = {0, 5 * 1000000L};
  for (int i = 0; i < 12000; ++i) { /* up to 60 s */
    if (sim_stat(s, field) >= target) return 1;
    nanosleep(&ts, NULL);
  }
  print_error("timed out waiting for %s >= %lld\n", field, (long long)target);
  return 0;
}

static void *revoker(void *arg) {
  sim *s = arg;
  for (int i = 0; i < 3; ++i) {
    if (!wait_stat_at_least(s, "xapi_requests", sim_stat(s, "xapi_requests") + SETTLE_REQUESTS)) break;
    int64_t tokens = sim_stat(s, "token_requests");
    sim_call(s, "POST", "/_sim/expire-tokens", "{}", NULL);
    ++g_revocations;
    if (!wait_stat_at_least(s, "token_requests", tokens + 1)) break;
  }
  wait_stat_at_least(s, "xapi_requests", sim_stat(s, "xapi_requests") + SETTLE_REQUESTS);
  __atomic_store_n(&g_keep_going, 0, __ATOMIC_RELEASE);
  return NULL;
}

static void test_refresh_under_load(void **state) {
  (void)state;
  sim_call(&g_sim, "POST", "/_sim/reset", "{}", NULL);
  threecx_client *c;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_OK);
  pthread_t rv;
  g_keep_going = 1;
  pthread_create(&rv, NULL, revoker, &g_sim);
  int done = 0;
  int ok = run(c, 16, &done);
  pthread_join(rv, NULL);
  int64_t n = 0;
  threecx_client_token_requests(c, &n);
  int64_t unauthorized = sim_stat(&g_sim, "unauthorized");
  print_message("requests %d ok %d revocations %d unauthorized %lld tokens %lld (sim %lld)\n", done, ok,
                g_revocations, (long long)unauthorized, (long long)n, (long long)sim_stat(&g_sim, "token_requests"));
  assert_int_equal(g_revocations, 3);
  assert_true(done >= 16 + 4 * SETTLE_REQUESTS);
  assert_int_equal(ok, done);
  assert_true(unauthorized > 0);
  /* the first token plus exactly one per revocation, on both sides */
  assert_int_equal(n, 4);
  assert_int_equal(sim_stat(&g_sim, "token_requests"), 4);
  threecx_client_free(c);
}

/* Options set while 16 threads send: the User-Agent alternates between two
 * values, each kept until the simulator has seen enough requests that some
 * started after it was set (lock-step with the server, not the clock). */
#define UA_ROUNDS 6
static threecx_client *g_ua_client;

static void *ua_setter(void *arg) {
  sim *s = arg;
  for (int i = 0; i < UA_ROUNDS; ++i) {
    threecx_client_set_user_agent(g_ua_client, i % 2 ? "lean-ua-odd" : "lean-ua-even");
    threecx_client_set_timeout_ms(g_ua_client, 20000 + i); /* another snapshot */
    /* at most 16 in flight began before the change: 40 more arrive, so
     * at least 24 carry it */
    if (!wait_stat_at_least(s, "xapi_requests", sim_stat(s, "xapi_requests") + 40)) break;
  }
  __atomic_store_n(&g_keep_going, 0, __ATOMIC_RELEASE);
  return NULL;
}

static void test_options_change_under_load(void **state) {
  (void)state;
  threecx_client *c;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_OK);
  long mark = sim_wire_mark(&g_sim);
  g_ua_client = c;
  g_keep_going = 1;
  pthread_t st;
  pthread_create(&st, NULL, ua_setter, &g_sim);
  int done = 0;
  int ok = run(c, 16, &done);
  pthread_join(st, NULL);
  assert_int_equal(ok, done);
  assert_true(done >= UA_ROUNDS * 40);
  char url[64], *body = NULL;
  snprintf(url, sizeof url, "/_sim/requests?since=%ld", mark);
  assert_int_equal(sim_call(&g_sim, "GET", url, NULL, &body), 200);
  cJSON *j = cJSON_Parse(body);
  free(body);
  int odd = 0, even = 0, other = 0, n = 0;
  cJSON *e;
  cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "requests")) {
    cJSON *h = cJSON_GetObjectItem(e, "headers");
    const char *ua = cJSON_GetStringValue(cJSON_GetObjectItem(h, "User-Agent"));
    if (!ua) continue;
    ++n;
    if (strcmp(ua, "lean-ua-odd") == 0) ++odd;
    else if (strcmp(ua, "lean-ua-even") == 0) ++even;
    else if (strncmp(ua, "libthreecx/", 11) != 0) ++other;  /* the default, before the first set */
  }
  cJSON_Delete(j);
  print_message("requests %d recorded %d: even %d odd %d\n", done, n, even, odd);
  assert_int_equal(other, 0); /* nothing torn or stale beyond the two values */
  if (done <= 2000) {          /* the simulator records the last 2,000 requests */
    assert_true(n >= done);
    assert_true(odd >= 24 * (UA_ROUNDS / 2));
    assert_true(even >= 24 * (UA_ROUNDS / 2));
  }
  threecx_client_free(c);
}

static int setup(void **state) {
  (void)state;
  return sim_start(&g_sim, 0, NULL);
}
static int teardown(void **state) {
  (void)state;
  sim_stop(&g_sim);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_shared_client),
      cmocka_unit_test(test_refresh_under_load),
      cmocka_unit_test(test_options_change_under_load),
  };
  return cmocka_run_group_tests_name("threads", tests, setup, teardown);
}
