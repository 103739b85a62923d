/* The asynchronous API over real HTTPS against threecx-sim: 200 requests in
 * flight under a concurrency limit behind a latency fault (one token
 * fetch, at most `limit` connections); a caller's poll() loop on
 * threecx_async_fds/_timeout_ms with completions polled by
 * threecx_async_next; cancellation of one request and of all; a POST whose
 * answer never comes is UNCERTAIN and sent once; a 503 retried by the
 * loop's timers; an expired token refreshed once; errors the request
 * carries refused at submit. */
#define _POSIX_C_SOURCE 200809L
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <threecx/threecx.h>

#include "simproc.h"

static void fault(const char *rule) {
  assert_int_equal(sim_call(&g_sim, "POST", "/_sim/faults", rule, NULL), 201);
}

static threecx_request *get_request(threecx_client *c, const char *path) {
  threecx_request *r = NULL;
  assert_int_equal(threecx_request_new(c, "GET", path, &r), THREECX_OK);
  return r;
}

/* Results gathered by the completion callback. */
#define MAX_JOBS 256
typedef struct results {
  int done;
  int codes[MAX_JOBS + 1];   /* by id */
  int32_t status[MAX_JOBS + 1];
  int with_body;
} results;

static void on_done(void *ud, threecx_completion *c) {
  results *res = ud;
  int64_t id = 0;
  int32_t code = -1;
  assert_int_equal(threecx_completion_id(c, &id), THREECX_OK);
  assert_int_equal(threecx_completion_code(c, &code), THREECX_OK);
  assert_true(id >= 1 && id <= MAX_JOBS);
  res->codes[id] = code;
  threecx_response *resp = NULL;
  if (threecx_completion_take_response(c, &resp) == THREECX_OK) {
    threecx_response_status(resp, &res->status[id]);
    size_t n = 0;
    threecx_response_body_size(resp, &n);
    if (n > 0) ++res->with_body;
    threecx_response_free(resp);
  }
  ++res->done;
}

/* Drives `a` with threecx_async_wait until only `left` completions (kept
 * for threecx_async_next) are pending. */
static void run_until(threecx_async *a, int32_t left) {
  int32_t pending = left + 1;
  for (int guard = 0; pending > left && guard < 100000; ++guard)
    assert_int_equal(threecx_async_wait(a, 1000, &pending), THREECX_OK);
  assert_int_equal(pending, left);
}
static void run_until_idle(threecx_async *a) { run_until(a, 0); }

static void test_many_in_flight(void **state) {
  (void)state;
  enum { N = 200, LIMIT = 20 };
  threecx_client *c = NULL;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  fault("{\"path\":\"^/SecurityTokens\",\"latency_ms\":50}");
  threecx_async *a = NULL;
  assert_int_equal(threecx_async_new(c, &a), THREECX_OK);
  assert_int_equal(threecx_async_set_max_concurrent(a, LIMIT), THREECX_OK);
  static results res;
  memset(&res, 0, sizeof res);
  threecx_request *r = get_request(c, "/SecurityTokens");
  for (int i = 0; i < N; ++i) {
    int64_t id = 0;
    assert_int_equal(threecx_async_submit(a, r, on_done, &res, &id), THREECX_OK);
    assert_int_equal(id, i + 1);
  }
  threecx_request_free(r); /* the async object keeps its own copies */
  run_until_idle(a);
  assert_int_equal(res.done, N);
  for (int i = 1; i <= N; ++i) {
    assert_int_equal(res.codes[i], THREECX_OK);
    assert_int_equal(res.status[i], 200);
  }
  assert_int_equal(res.with_body, N);
  int64_t tokens = 0;
  assert_int_equal(threecx_client_token_requests(c, &tokens), THREECX_OK);
  assert_int_equal(tokens, 1);
  assert_int_equal(sim_stat(&g_sim, "token_requests"), 1);
  assert_int_equal(sim_stat(&g_sim, "xapi_requests"), N);
  int64_t conns = sim_stat(&g_sim, "connections");
  print_message("%d requests, at most %d in flight, over %lld connections\n", N, LIMIT, (long long)conns);
  assert_true(conns >= 1 && conns <= LIMIT + 1); /* + the token request's */
  threecx_async_free(a);
  threecx_client_free(c);
}

/* A second batch reuses the first batch's connections, also when the first
 * drained slowly (libcurl's default cache size, 4 x the transfers still
 * running, would close most of them as the last answers came in). */
static void test_batches_reuse_connections(void **state) {
  (void)state;
  enum { LIMIT = 16 };
  threecx_client *c = NULL;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  threecx_async *a = NULL;
  assert_int_equal(threecx_async_new(c, &a), THREECX_OK);
  assert_int_equal(threecx_async_set_max_concurrent(a, LIMIT), THREECX_OK);
  threecx_request *r = get_request(c, "/SecurityTokens");
  static results res;
  memset(&res, 0, sizeof res);
  /* batch 1: answers 15, 30, ... 240 ms late, so the batch drains one by one */
  for (int k = 1; k <= LIMIT; ++k) {
    char rule[96];
    snprintf(rule, sizeof rule, "{\"path\":\"^/SecurityTokens\",\"latency_ms\":%d,\"times\":1}", 15 * k);
    fault(rule);
  }
  for (int i = 0; i < LIMIT; ++i) assert_int_equal(threecx_async_submit(a, r, on_done, &res, NULL), THREECX_OK);
  run_until_idle(a);
  int64_t first = sim_stat(&g_sim, "connections");
  print_message("batch 1: %d requests over %lld connections\n", LIMIT, (long long)first);
  assert_true(first >= 2 && first <= LIMIT + 1); /* + the token request's */
  /* batch 2, all at once: every request finds a kept-alive connection */
  for (int i = 0; i < LIMIT; ++i) assert_int_equal(threecx_async_submit(a, r, on_done, &res, NULL), THREECX_OK);
  run_until_idle(a);
  assert_int_equal(res.done, 2 * LIMIT);
  for (int i = 1; i <= 2 * LIMIT; ++i) assert_int_equal(res.codes[i], THREECX_OK);
  /* batch 1's connections were kept: batch 2 opens only those batch 1
   * never needed (on a slow machine batch 1 may overlap less than LIMIT),
   * so never more than LIMIT data connections in all */
  int64_t second = sim_stat(&g_sim, "connections");
  print_message("batch 2: %lld connections in all\n", (long long)second);
  assert_true(second >= first);
  assert_true(second <= LIMIT + 1);
  threecx_request_free(r);
  threecx_async_free(a);
  threecx_client_free(c);
}

/* A wait whose first pass delivers the last completion returns at once:
 * here the request's deadline has passed before the wait starts it, so it
 * completes (TIMEOUT) without touching the network, and nothing is left to
 * wait for. (It used to sleep its whole timeout then.) */
static void test_wait_returns_on_delivery(void **state) {
  (void)state;
  threecx_client *c = NULL;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  threecx_async *a = NULL;
  assert_int_equal(threecx_async_new(c, &a), THREECX_OK);
  static results res;
  memset(&res, 0, sizeof res);
  threecx_request *r = get_request(c, "/SecurityTokens");
  assert_int_equal(threecx_request_set_deadline_ms(r, 1), THREECX_OK);
  int64_t id = 0;
  assert_int_equal(threecx_async_submit(a, r, on_done, &res, &id), THREECX_OK);
  threecx_request_free(r);
  struct timespec pause = {0, 20 * 1000 * 1000}, t0, t1;
  nanosleep(&pause, NULL); /* the deadline passes */
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int32_t pending = -1;
  assert_int_equal(threecx_async_wait(a, 20000, &pending), THREECX_OK);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  assert_int_equal(pending, 0);
  assert_int_equal(res.done, 1);
  assert_int_equal(res.codes[id], THREECX_E_TIMEOUT);
  double waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  print_message("wait(20000 ms) returned after %.3f s\n", waited);
  assert_true(waited < 10.0); /* not the 20 s timeout */
  assert_int_equal(sim_stat(&g_sim, "xapi_requests"), 0);
  threecx_async_free(a);
  threecx_client_free(c);
}

/* A caller's own loop: poll() on the descriptors the library lists, for at
 * most its timeout, then perform; completions taken with next(). */
static void test_poll_loop(void **state) {
  (void)state;
  enum { N = 30 };
  threecx_client *c = NULL;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  threecx_async *a = NULL;
  assert_int_equal(threecx_async_new(c, &a), THREECX_OK);
  assert_int_equal(threecx_async_set_max_concurrent(a, 8), THREECX_OK);
  threecx_request *users = get_request(c, "/Users");
  threecx_request *tokens = get_request(c, "/SecurityTokens");
  for (int i = 0; i < N; ++i)
    assert_int_equal(threecx_async_submit(a, i % 2 ? users : tokens, NULL, NULL, NULL), THREECX_OK);
  threecx_request_free(users);
  threecx_request_free(tokens);
  int got = 0, polls = 0, max_fds = 0;
  int seen[N + 1] = {0};
  int32_t pending = N;
  while (got < N && polls < 100000) {
    threecx_pollfd fds[64];
    size_t n = 0;
    int64_t timeout = 0;
    assert_int_equal(threecx_async_fds(a, fds, 64, &n), THREECX_OK);
    assert_true(n >= 1 && n <= 64);
    if ((int)n > max_fds) max_fds = (int)n;
    assert_int_equal(threecx_async_timeout_ms(a, &timeout), THREECX_OK);
    assert_true(timeout >= 0); /* something is pending (got < N) */
    ++polls;
    poll((struct pollfd *)fds, n, timeout > 1000 ? 1000 : (int)timeout);
    assert_int_equal(threecx_async_perform(a, &pending), THREECX_OK);
    threecx_completion *done = NULL;
    while (threecx_async_next(a, &done) == THREECX_OK) {
      int64_t id = 0;
      int32_t code = -1;
      assert_int_equal(threecx_completion_id(done, &id), THREECX_OK);
      assert_int_equal(threecx_completion_code(done, &code), THREECX_OK);
      assert_int_equal(code, THREECX_OK);
      assert_true(id >= 1 && id <= N && !seen[id]);
      seen[id] = 1;
      threecx_response *resp = NULL;
      assert_int_equal(threecx_completion_take_response(done, &resp), THREECX_OK);
      threecx_response *again = NULL;
      assert_int_equal(threecx_completion_take_response(done, &again), THREECX_E_NOT_FOUND);
      assert_null(again);
      char *body = NULL;
      assert_int_equal(threecx_response_body(resp, &body), THREECX_OK);
      assert_non_null(strstr(body, "\"value\""));
      threecx_free(body);
      threecx_response_free(resp);
      threecx_completion_free(done);
      ++got;
    }
  }
  assert_int_equal(got, N);
  assert_int_equal(threecx_async_perform(a, &pending), THREECX_OK);
  assert_int_equal(pending, 0);
  int64_t t = 0;
  assert_int_equal(threecx_async_timeout_ms(a, &t), THREECX_OK);
  assert_int_equal(t, -1);
  print_message("%d completions in %d polls, up to %d descriptors\n", got, polls, max_fds);
  assert_true(max_fds >= 2); /* the wakeup descriptor and at least one socket */
  threecx_async_free(a);
  threecx_client_free(c);
}

/* A client and an async object on it, with every /SecurityTokens answer
 * held back 8 s by a latency fault. */
static threecx_async *held_async(threecx_client **c) {
  threecx_async *a = NULL;
  assert_int_equal(sim_client(&g_sim, c), THREECX_OK);
  fault("{\"path\":\"^/SecurityTokens\",\"latency_ms\":8000}");
  assert_int_equal(threecx_async_new(*c, &a), THREECX_OK);
  return a;
}

/* Drives `a` until the simulator holds `n` requests (returns the pending count). */
static int32_t wait_held(threecx_async *a, int64_t n) {
  int32_t pending = 0;
  for (int i = 0; i < 500 && sim_stat(&g_sim, "faults_applied") < n; ++i)
    assert_int_equal(threecx_async_wait(a, 10, &pending), THREECX_OK);
  assert_int_equal(sim_stat(&g_sim, "faults_applied"), n);
  return pending;
}

/* Requests held by an 8 s latency fault: one cancelled, then all. */
static void test_cancel(void **state) {
  (void)state;
  enum { N = 5 };
  threecx_client *c = NULL;
  threecx_async *a = held_async(&c);
  static results res;
  memset(&res, 0, sizeof res);
  threecx_request *r = get_request(c, "/SecurityTokens");
  int64_t ids[N];
  for (int i = 0; i < N; ++i) assert_int_equal(threecx_async_submit(a, r, on_done, &res, &ids[i]), THREECX_OK);
  threecx_request_free(r);
  /* until every request is held by the fault on the server */
  int32_t pending = wait_held(a, N);
  assert_int_equal(res.done, 0);
  assert_int_equal(threecx_async_cancel(a, ids[2]), THREECX_OK);
  assert_int_equal(threecx_async_cancel(a, ids[2]), THREECX_E_NOT_FOUND); /* already completed */
  assert_int_equal(threecx_async_perform(a, &pending), THREECX_OK);
  assert_int_equal(res.done, 1);
  assert_int_equal(res.codes[ids[2]], THREECX_E_CANCELLED);
  assert_int_equal(pending, N - 1);
  assert_int_equal(threecx_async_cancel_all(a), THREECX_OK);
  assert_int_equal(threecx_async_perform(a, &pending), THREECX_OK);
  assert_int_equal(pending, 0);
  assert_int_equal(res.done, N);
  for (int i = 0; i < N; ++i) assert_int_equal(res.codes[ids[i]], THREECX_E_CANCELLED);
  assert_int_equal(sim_call(&g_sim, "DELETE", "/_sim/faults", NULL, NULL), 200);
  /* the async object goes on */
  memset(&res, 0, sizeof res);
  r = get_request(c, "/SecurityTokens");
  int64_t id = 0;
  assert_int_equal(threecx_async_submit(a, r, on_done, &res, &id), THREECX_OK);
  threecx_request_free(r);
  run_until_idle(a);
  assert_int_equal(res.codes[id], THREECX_OK);
  threecx_async_free(a);
  threecx_client_free(c);
}

/* A request's own cancel token (threecx_request_set_cancel) works too. */
static void test_cancel_token(void **state) {
  (void)state;
  threecx_client *c = NULL;
  threecx_async *a = held_async(&c);
  static results res;
  memset(&res, 0, sizeof res);
  threecx_cancel *tok = NULL;
  assert_int_equal(threecx_cancel_new(&tok), THREECX_OK);
  threecx_request *r = get_request(c, "/SecurityTokens");
  assert_int_equal(threecx_request_set_cancel(r, tok), THREECX_OK);
  int64_t id = 0;
  assert_int_equal(threecx_async_submit(a, r, on_done, &res, &id), THREECX_OK);
  threecx_request_free(r);
  wait_held(a, 1);
  assert_int_equal(threecx_cancel_trigger(tok), THREECX_OK);
  run_until_idle(a);
  assert_int_equal(res.codes[id], THREECX_E_CANCELLED);
  threecx_cancel_free(tok);
  threecx_async_free(a);
  threecx_client_free(c);
}

/* A POST whose connection is dropped without an answer: UNCERTAIN, sent
 * once; a GET answered 503 twice: retried by the loop, OK. */
static void test_uncertain_and_retry(void **state) {
  (void)state;
  threecx_client *c = NULL;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  assert_int_equal(threecx_client_set_retry(c, 3, 20, 100, 10000), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_OK);
  fault("{\"method\":\"POST\",\"path\":\"^/WebsiteLinks\",\"drop\":true,\"times\":1}");
  fault("{\"method\":\"GET\",\"path\":\"^/SecurityTokens\",\"status\":503,\"times\":2}");
  long mark = sim_wire_mark(&g_sim);
  threecx_async *a = NULL;
  assert_int_equal(threecx_async_new(c, &a), THREECX_OK);
  static results res;
  memset(&res, 0, sizeof res);
  threecx_request *post = NULL;
  assert_int_equal(threecx_request_new(c, "POST", "/WebsiteLinks", &post), THREECX_OK);
  assert_int_equal(threecx_request_set_body(post, "{\"Link\":\"async-once\",\"Name\":\"x\"}"), THREECX_OK);
  int64_t post_id = 0, get_id = 0;
  assert_int_equal(threecx_async_submit(a, post, NULL, NULL, &post_id), THREECX_OK);
  threecx_request_free(post);
  threecx_request *get = get_request(c, "/SecurityTokens");
  assert_int_equal(threecx_async_submit(a, get, on_done, &res, &get_id), THREECX_OK);
  threecx_request_free(get);
  run_until(a, 1); /* the POST's completion waits for threecx_async_next */
  /* the GET, by callback */
  assert_int_equal(res.codes[get_id], THREECX_OK);
  assert_int_equal(res.status[get_id], 200);
  assert_int_equal(sim_wire_count(&g_sim, mark, "GET", "/SecurityTokens"), 3);
  /* the POST, polled */
  threecx_completion *done = NULL;
  assert_int_equal(threecx_async_next(a, &done), THREECX_OK);
  int64_t id = 0;
  int32_t code = 0;
  char *msg = NULL;
  threecx_completion_id(done, &id);
  threecx_completion_code(done, &code);
  assert_int_equal(id, post_id);
  assert_int_equal(code, THREECX_E_UNCERTAIN);
  assert_int_equal(threecx_completion_message(done, &msg), THREECX_OK);
  assert_non_null(strstr(msg, "may or may not"));
  threecx_free(msg);
  threecx_response *resp = NULL;
  assert_int_equal(threecx_completion_take_response(done, &resp), THREECX_E_NOT_FOUND);
  threecx_completion_free(done);
  assert_int_equal(threecx_async_next(a, &done), THREECX_DONE);
  assert_int_equal(sim_wire_count(&g_sim, mark, "POST", "/WebsiteLinks"), 1);
  threecx_async_free(a);
  threecx_client_free(c);
}

/* An HTTP error is a completion with E_HTTP and the response; an expired
 * token is refreshed once (one more token request); a request missing a
 * path parameter is refused at submit. */
static void test_http_error_and_refresh(void **state) {
  (void)state;
  threecx_client *c = NULL;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_OK);
  assert_int_equal(sim_call(&g_sim, "POST", "/_sim/expire-tokens", "{}", NULL), 200);
  threecx_async *a = NULL;
  assert_int_equal(threecx_async_new(c, &a), THREECX_OK);
  static results res;
  memset(&res, 0, sizeof res);
  threecx_request *ok = get_request(c, "/SecurityTokens");
  threecx_request *missing = get_request(c, "/Users(999999)");
  int64_t ok_id = 0, missing_id = 0, id = 7;
  assert_int_equal(threecx_async_submit(a, ok, on_done, &res, &ok_id), THREECX_OK);
  assert_int_equal(threecx_async_submit(a, missing, on_done, &res, &missing_id), THREECX_OK);
  threecx_request_free(ok);
  threecx_request_free(missing);
  threecx_request *unset = get_request(c, "/Users({Id})");
  assert_int_equal(threecx_async_submit(a, unset, on_done, &res, &id), THREECX_E_MISSING_PARAMETER);
  assert_int_equal(id, 0);
  threecx_request_free(unset);
  run_until_idle(a);
  assert_int_equal(res.done, 2);
  assert_int_equal(res.codes[ok_id], THREECX_OK);
  assert_int_equal(res.codes[missing_id], THREECX_E_HTTP);
  assert_int_equal(res.status[missing_id], 404);
  int64_t tokens = 0;
  assert_int_equal(threecx_client_token_requests(c, &tokens), THREECX_OK);
  assert_int_equal(tokens, 2);
  threecx_async_free(a);
  threecx_client_free(c);
}

/* Freeing the async object with requests in flight. */
static void test_free_in_flight(void **state) {
  (void)state;
  threecx_client *c = NULL;
  threecx_async *a = held_async(&c);
  threecx_client_free(c); /* the async object keeps what it needs */
  static results res;
  memset(&res, 0, sizeof res);
  threecx_request *r = get_request(g_client, "/SecurityTokens");
  for (int i = 0; i < 3; ++i) assert_int_equal(threecx_async_submit(a, r, on_done, &res, NULL), THREECX_OK);
  threecx_request_free(r);
  assert_int_equal(wait_held(a, 3), 3);
  threecx_async_free(a);
  assert_int_equal(res.done, 0); /* no callback after free */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_many_in_flight, sim_reset),
      cmocka_unit_test_setup(test_batches_reuse_connections, sim_reset),
      cmocka_unit_test_setup(test_wait_returns_on_delivery, sim_reset),
      cmocka_unit_test_setup(test_poll_loop, sim_reset),
      cmocka_unit_test_setup(test_cancel, sim_reset),
      cmocka_unit_test_setup(test_cancel_token, sim_reset),
      cmocka_unit_test_setup(test_uncertain_and_retry, sim_reset),
      cmocka_unit_test_setup(test_http_error_and_refresh, sim_reset),
      cmocka_unit_test_setup(test_free_in_flight, sim_reset),
  };
  return cmocka_run_group_tests_name("async", tests, sim_group_setup, sim_group_teardown);
}
