/* Cancellation and per-call deadlines over real HTTPS against threecx-sim:
 * a call made slow by a latency fault is cancelled from another thread and
 * returns THREECX_E_CANCELLED long before the fault's latency has elapsed
 * (a correctness check that the transfer was aborted, not waited out); the
 * client stays usable afterwards; a cancelled token fetch does not fail the
 * threads waiting for it; a pager resumes where it was; a deadline replaces
 * the client's timeout. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include <threecx/threecx.h>

#include "simproc.h"

/* The slow path: far longer than any honest cancellation takes. */
#define LATENCY_MS 8000
#define LATENCY_RULE(path) "{\"path\":\"" path "\",\"latency_ms\":8000,\"times\":1}"
/* Extra clients, so that the token a cancelled fetch still gets issued by
 * the simulator later does not replace the "test" client's live token. */
#define TOK_ID "cancel-tok"
#define TOK_KEY "k3y-cancel-2b7e-token-fetch"
#define DL_ID "deadline-tok"
#define DL_KEY "k3y-deadline-91c4-token-fetch"

static sim S;

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static void fault(const char *rule) {
  assert_int_equal(sim_call(&S, "POST", "/_sim/faults", rule, NULL), 201);
}

/* Triggers `token` once the simulator has applied one more fault than
 * `faults_before` (the slow request is in flight), or after 10 s. */
typedef struct trigger_job {
  threecx_cancel *token;
  int64_t faults_before;
  int rc;
} trigger_job;

static void *trigger_when_in_flight(void *arg) {
  trigger_job *j = arg;
  for (int i = 0; i < 1000 && sim_stat(&S, "faults_applied") <= j->faults_before; ++i) sleep_ms(10);
  sleep_ms(100); /* well inside the sleeping handler */
  j->rc = threecx_cancel_trigger(j->token);
  return NULL;
}

static void start_trigger(pthread_t *t, trigger_job *j, threecx_cancel *token) {
  j->token = token;
  j->faults_before = sim_stat(&S, "faults_applied");
  j->rc = -1;
  assert_int_equal(pthread_create(t, NULL, trigger_when_in_flight, j), 0);
}

static int send_status(threecx_request *r, int32_t *status) {
  threecx_response *resp = NULL;
  int rc = threecx_request_send(r, &resp);
  *status = 0;
  if (resp) threecx_response_status(resp, status);
  threecx_response_free(resp);
  return rc;
}

static int setup(void **state) {
  (void)state;
  const char *args[] = {"--client", TOK_ID ":" TOK_KEY ":SystemOwner",
                        "--client", DL_ID ":" DL_KEY ":SystemOwner", NULL};
  return sim_start(&S, 0, args);
}
static int teardown(void **state) {
  (void)state;
  /* the simulator still sleeps in the handlers of the aborted requests:
   * no graceful stop to wait for */
  if (S.pid > 0) kill(S.pid, SIGKILL);
  sim_stop(&S);
  return 0;
}
static int reset(void **state) {
  (void)state;
  return sim_call(&S, "POST", "/_sim/reset", "{}", NULL) == 200 ? 0 : -1;
}

/* A slow GET cancelled from another thread; the client keeps its token. */
static void test_cancel_slow_request(void **state) {
  (void)state;
  threecx_client *c;
  assert_int_equal(sim_client(&S, &c), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_OK);
  threecx_request *r;
  assert_int_equal(threecx_request_new(c, "GET", "/Users", &r), THREECX_OK);
  threecx_cancel *k;
  assert_int_equal(threecx_cancel_new(&k), THREECX_OK);
  int32_t trig = -1;
  assert_int_equal(threecx_cancel_is_triggered(k, &trig), THREECX_OK);
  assert_int_equal(trig, 0);
  assert_int_equal(threecx_request_set_cancel(r, k), THREECX_OK);

  fault(LATENCY_RULE("^/Users"));
  pthread_t t;
  trigger_job job;
  start_trigger(&t, &job, k);
  threecx_response *resp = (threecx_response *)(void *)&resp;
  int64_t t0 = now_ms();
  int rc = threecx_request_send(r, &resp);
  int64_t took = now_ms() - t0;
  pthread_join(t, NULL);
  assert_int_equal(job.rc, THREECX_OK);
  assert_int_equal(rc, THREECX_E_CANCELLED);
  assert_null(resp);
  assert_non_null(strstr(threecx_last_error(), "cancelled"));
  assert_string_equal(threecx_error_name(rc), "THREECX_E_CANCELLED");
  /* aborted, not waited out: it returned before the server would answer */
  assert_true(took < LATENCY_MS / 2);
  assert_int_equal(threecx_cancel_is_triggered(k, &trig), THREECX_OK);
  assert_int_equal(trig, 1);

  /* the token stays triggered: a new send stops before any traffic */
  int64_t before = sim_stat(&S, "xapi_requests");
  int32_t status;
  assert_int_equal(send_status(r, &status), THREECX_E_CANCELLED);
  assert_int_equal(sim_stat(&S, "xapi_requests"), before);
  assert_int_equal(threecx_cancel_trigger(k), THREECX_OK); /* idempotent */

  /* detached, the same request works, with the token already held */
  assert_int_equal(threecx_request_set_cancel(r, NULL), THREECX_OK);
  assert_int_equal(send_status(r, &status), THREECX_OK);
  assert_int_equal(status, 200);
  int64_t fetches = 0;
  assert_int_equal(threecx_client_token_requests(c, &fetches), THREECX_OK);
  assert_int_equal(fetches, 1);

  /* a request holds its own reference: the caller may free the token */
  threecx_cancel *k2;
  assert_int_equal(threecx_cancel_new(&k2), THREECX_OK);
  assert_int_equal(threecx_request_set_cancel(r, k2), THREECX_OK);
  threecx_cancel_free(k2);
  assert_int_equal(send_status(r, &status), THREECX_OK);
  assert_int_equal(status, 200);

  threecx_cancel_free(k);
  threecx_request_free(r);
  threecx_client_free(c);
}

/* A token fetch made slow is cancelled: the client fetches again next time,
 * and a thread that was waiting for that fetch is not failed by it. */
typedef struct send_job {
  threecx_request *r;
  int rc;
  int32_t status;
  int64_t took;
} send_job;

static void *run_send(void *arg) {
  send_job *j = arg;
  int64_t t0 = now_ms();
  j->rc = send_status(j->r, &j->status);
  j->took = now_ms() - t0;
  return NULL;
}

static void wait_faults_above(int64_t n) {
  for (int i = 0; i < 1000 && sim_stat(&S, "faults_applied") <= n; ++i) sleep_ms(10);
  assert_true(sim_stat(&S, "faults_applied") > n);
}

static void test_cancel_token_fetch(void **state) {
  (void)state;
  threecx_client *c;
  assert_int_equal(sim_client_as(&S, TOK_ID, TOK_KEY, &c), THREECX_OK);
  threecx_request *r, *r2;
  assert_int_equal(threecx_request_new(c, "GET", "/Users", &r), THREECX_OK);
  assert_int_equal(threecx_request_new(c, "GET", "/Users", &r2), THREECX_OK);
  threecx_cancel *k;
  assert_int_equal(threecx_cancel_new(&k), THREECX_OK);
  assert_int_equal(threecx_request_set_cancel(r, k), THREECX_OK);

  fault(LATENCY_RULE("^/connect/token"));
  int64_t faults = sim_stat(&S, "faults_applied");
  send_job cancelled = {r, -1, 0, 0}, waiter = {r2, -1, 0, 0};
  pthread_t ta, tb;
  assert_int_equal(pthread_create(&ta, NULL, run_send, &cancelled), 0);
  wait_faults_above(faults); /* its token request sleeps in the simulator */
  /* a second thread needs the token meanwhile: it waits for that fetch */
  assert_int_equal(pthread_create(&tb, NULL, run_send, &waiter), 0);
  sleep_ms(200);
  assert_int_equal(threecx_cancel_trigger(k), THREECX_OK);
  pthread_join(ta, NULL);
  pthread_join(tb, NULL);

  assert_int_equal(cancelled.rc, THREECX_E_CANCELLED);
  assert_true(cancelled.took < LATENCY_MS / 2);
  /* the waiter was not failed with someone else's cancellation: it fetched
   * a token itself (the fault is spent) and got its answer */
  assert_int_equal(waiter.rc, THREECX_OK);
  assert_int_equal(waiter.status, 200);
  assert_true(waiter.took < LATENCY_MS / 2);
  int64_t fetches = 0;
  assert_int_equal(threecx_client_token_requests(c, &fetches), THREECX_OK);
  assert_int_equal(fetches, 2);

  /* the client goes on with the token it has */
  assert_int_equal(threecx_request_set_cancel(r, NULL), THREECX_OK);
  int32_t status;
  assert_int_equal(send_status(r, &status), THREECX_OK);
  assert_int_equal(status, 200);
  assert_int_equal(threecx_client_token_requests(c, &fetches), THREECX_OK);
  assert_int_equal(fetches, 2);

  threecx_cancel_free(k);
  threecx_request_free(r2);
  threecx_request_free(r);
  threecx_client_free(c);
}

/* Items of a page body, appended to ids[]; returns the count. */
static int page_ids(const char *page, int *ids, int n) {
  cJSON *j = cJSON_Parse(page);
  assert_non_null(j);
  const cJSON *it;
  cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "value")) ids[n++] = cJSON_GetObjectItem(it, "Id")->valueint;
  cJSON_Delete(j);
  return n;
}

/* A pager's page fetch cancelled; with the token detached the walk resumes
 * where it stopped: every item once, in order. */
static void test_cancel_pager(void **state) {
  (void)state;
  threecx_client *c;
  assert_int_equal(sim_client(&S, &c), THREECX_OK);
  threecx_query *q;
  assert_int_equal(threecx_query_new(&q), THREECX_OK);
  assert_int_equal(threecx_query_set_orderby(q, "Id asc"), THREECX_OK);
  threecx_request *r;
  assert_int_equal(threecx_request_new(c, "GET", "/SecurityTokens", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_query(r, q), THREECX_OK);
  threecx_pager *p;
  assert_int_equal(threecx_pager_new(r, 3, &p), THREECX_OK);
  static int ids[4096];
  int n = 0;
  char *page = NULL;
  assert_int_equal(threecx_pager_next_page(p, &page), THREECX_OK);
  n = page_ids(page, ids, n);
  threecx_free(page);
  int64_t total = 0;
  assert_int_equal(threecx_pager_total(p, &total), THREECX_OK);
  assert_true(total > 6 && total < 4096);

  threecx_cancel *k;
  assert_int_equal(threecx_cancel_new(&k), THREECX_OK);
  assert_int_equal(threecx_pager_set_cancel(p, k), THREECX_OK);
  fault(LATENCY_RULE("^/SecurityTokens"));
  pthread_t t;
  trigger_job job;
  start_trigger(&t, &job, k);
  int64_t t0 = now_ms();
  page = (char *)(void *)&page;
  int rc = threecx_pager_next_page(p, &page);
  int64_t took = now_ms() - t0;
  pthread_join(t, NULL);
  assert_int_equal(rc, THREECX_E_CANCELLED);
  assert_null(page);
  assert_true(took < LATENCY_MS / 2);

  assert_int_equal(threecx_pager_set_cancel(p, NULL), THREECX_OK);
  while ((rc = threecx_pager_next_page(p, &page)) == THREECX_OK) {
    n = page_ids(page, ids, n);
    threecx_free(page);
  }
  assert_int_equal(rc, THREECX_DONE);
  assert_int_equal(n, total);
  for (int i = 1; i < n; ++i) assert_true(ids[i] > ids[i - 1]);

  threecx_cancel_free(k);
  threecx_pager_free(p);
  threecx_request_free(r);
  threecx_query_free(q);
  threecx_client_free(c);
}

/* A retry wait (Retry-After 5 s) ends at once when the token triggers. */
static void test_cancel_retry_wait(void **state) {
  (void)state;
  threecx_client *c;
  assert_int_equal(sim_client(&S, &c), THREECX_OK);
  assert_int_equal(threecx_client_set_retry(c, 3, 5000, 8000, 60000), THREECX_OK);
  threecx_request *r;
  assert_int_equal(threecx_request_new(c, "GET", "/Users", &r), THREECX_OK);
  threecx_cancel *k;
  assert_int_equal(threecx_cancel_new(&k), THREECX_OK);
  assert_int_equal(threecx_request_set_cancel(r, k), THREECX_OK);
  fault("{\"path\":\"^/Users\",\"status\":503,\"retry_after\":\"8\",\"times\":1}");
  pthread_t t;
  trigger_job job;
  start_trigger(&t, &job, k);
  int64_t t0 = now_ms();
  int32_t status;
  int rc = send_status(r, &status);
  int64_t took = now_ms() - t0;
  pthread_join(t, NULL);
  assert_int_equal(rc, THREECX_E_CANCELLED);
  assert_true(took < LATENCY_MS / 2);
  threecx_cancel_free(k);
  threecx_request_free(r);
  threecx_client_free(c);
}

/* A deadline bounds the whole call (token fetch included) and replaces the
 * client's total timeout, shorter or longer. */
static void test_deadline(void **state) {
  (void)state;
  threecx_client *c;
  assert_int_equal(sim_client(&S, &c), THREECX_OK); /* client timeout: 20 s */
  threecx_request *r;
  assert_int_equal(threecx_request_new(c, "GET", "/Users", &r), THREECX_OK);
  int32_t status;
  assert_int_equal(send_status(r, &status), THREECX_OK); /* token fetched */

  /* shorter than the client's timeout */
  assert_int_equal(threecx_request_set_deadline_ms(r, 300), THREECX_OK);
  fault(LATENCY_RULE("^/Users"));
  int64_t t0 = now_ms();
  assert_int_equal(send_status(r, &status), THREECX_E_TIMEOUT);
  assert_true(now_ms() - t0 < LATENCY_MS / 2);
  assert_non_null(strstr(threecx_last_error(), "deadline of 300 ms"));

  /* longer than the client's: a 1 s answer fails on the client's 300 ms
   * timeout (retries off: a retry would outlast the two slow answers), and
   * succeeds with a 20 s deadline */
  assert_int_equal(threecx_client_set_retry(c, 0, 0, 0, 0), THREECX_OK);
  assert_int_equal(threecx_client_set_timeout_ms(c, 300), THREECX_OK);
  assert_int_equal(threecx_request_set_deadline_ms(r, 0), THREECX_OK);
  fault("{\"path\":\"^/Users\",\"latency_ms\":1000,\"times\":2}");
  assert_int_equal(send_status(r, &status), THREECX_E_TIMEOUT);
  assert_int_equal(threecx_request_set_deadline_ms(r, 20000), THREECX_OK);
  assert_int_equal(send_status(r, &status), THREECX_OK);
  assert_int_equal(status, 200);
  threecx_request_free(r);
  threecx_client_free(c);

  /* the token fetch is inside the deadline */
  assert_int_equal(sim_client_as(&S, DL_ID, DL_KEY, &c), THREECX_OK);
  assert_int_equal(threecx_request_new(c, "GET", "/Users", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_deadline_ms(r, 300), THREECX_OK);
  fault(LATENCY_RULE("^/connect/token"));
  t0 = now_ms();
  assert_int_equal(send_status(r, &status), THREECX_E_TIMEOUT);
  assert_true(now_ms() - t0 < LATENCY_MS / 2);
  /* and the client fetches again afterwards */
  assert_int_equal(threecx_request_set_deadline_ms(r, 0), THREECX_OK);
  assert_int_equal(send_status(r, &status), THREECX_OK);
  assert_int_equal(status, 200);
  threecx_request_free(r);
  threecx_client_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_cancel_slow_request, reset),
      cmocka_unit_test_setup(test_cancel_token_fetch, reset),
      cmocka_unit_test_setup(test_cancel_pager, reset),
      cmocka_unit_test_setup(test_cancel_retry_wait, reset),
      cmocka_unit_test_setup(test_deadline, reset),
  };
  return cmocka_run_group_tests_name("cancel", tests, setup, teardown);
}
