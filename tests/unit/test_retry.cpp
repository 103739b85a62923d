// The retry policy's pure parts (lib/transport/retry.cpp): which statuses
// and methods retry, Retry-After parsing, back-off growth, full-jitter
// bounds, clamping and 64-bit safety, the retry budget's bucket.
#include "unit.h"

#include <cstdint>
#include <ctime>

#include "transport/retry.hpp"

using threecx::RetryPolicy;

static void test_statuses_and_methods(void **) {
  for (long s : {408L, 429L, 500L, 502L, 503L, 504L}) assert_true(threecx::retryable_status(s));
  for (long s : {200L, 201L, 204L, 400L, 401L, 403L, 404L, 409L, 412L, 501L, 505L})
    assert_false(threecx::retryable_status(s));
  assert_true(threecx::idempotent_method("GET"));
  assert_true(threecx::idempotent_method("DELETE"));
  assert_true(threecx::idempotent_method("PUT"));
  assert_false(threecx::idempotent_method("POST"));
  assert_false(threecx::idempotent_method("PATCH"));
  // what the library repeats by default: DELETE only with If-Match
  threecx::HttpRequest r;
  for (const char *m : {"GET", "PUT"}) {
    r.method = m;
    assert_true(threecx::repeatable_request(r));
  }
  for (const char *m : {"POST", "PATCH", "DELETE"}) {
    r.method = m;
    assert_false(threecx::repeatable_request(r));
  }
  r.headers.emplace_back("if-match", "W/\"3\"");
  assert_true(threecx::repeatable_request(r));
  r.method = "POST";
  assert_false(threecx::repeatable_request(r));
}

static void test_retry_after(void **) {
  std::time_t now = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
  assert_int_equal(*threecx::parse_retry_after("7", now), 7000);
  assert_int_equal(*threecx::parse_retry_after(" 0 ", now), 0);
  assert_int_equal(*threecx::parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now), 10000);
  assert_int_equal(*threecx::parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now), 0);  // past
  assert_false(threecx::parse_retry_after("", now).has_value());
  assert_false(threecx::parse_retry_after("soon", now).has_value());
  assert_false(threecx::parse_retry_after("7s", now).has_value());
  assert_false(threecx::parse_retry_after("-3", now).has_value());
  // absurd values do not overflow: huge, and so past any deadline
  auto huge = threecx::parse_retry_after("99999999999999999999999999", now);
  assert_true(huge.has_value());
  assert_true(*huge > INT64_C(1) << 40);
}

static void test_backoff(void **) {
  RetryPolicy p;
  p.base_delay_ms = 100;
  p.max_delay_ms = 10000;
  // full jitter: delay d gives [0, d]
  for (int attempt = 1; attempt <= 6; ++attempt) {
    int64_t d = 100LL << (attempt - 1);
    assert_int_equal(threecx::retry_delay_ms(p, attempt, 0), 0);
    assert_int_equal(threecx::retry_delay_ms(p, attempt, static_cast<uint64_t>(d)), d);
    assert_int_equal(threecx::retry_delay_ms(p, attempt, UINT64_MAX), static_cast<int64_t>(UINT64_MAX % (d + 1)));
    for (uint64_t r = 0; r < 1000; r += 37) {
      int64_t v = threecx::retry_delay_ms(p, attempt, r * 2654435761u);
      assert_true(v >= 0);
      assert_true(v <= d);
    }
  }
  // large attempts saturate at the cap, never overflow
  for (int attempt : {8, 20, 63, 64, 1000, 2147483647}) {
    assert_int_equal(threecx::retry_delay_ms(p, attempt, static_cast<uint64_t>(p.max_delay_ms)), p.max_delay_ms);
    int64_t v = threecx::retry_delay_ms(p, attempt, 12345);
    assert_true(v >= 0);
    assert_true(v <= p.max_delay_ms);
  }
  // a cap near INT64_MAX is safe too
  p.max_delay_ms = INT64_MAX;
  p.base_delay_ms = INT64_MAX / 3;
  assert_int_equal(threecx::retry_delay_ms(p, 50, static_cast<uint64_t>(INT64_MAX)), INT64_MAX);
  // attempt < 1 is treated as the first
  p.base_delay_ms = 100;
  assert_int_equal(threecx::retry_delay_ms(p, 0, 100), 100);
  assert_int_equal(threecx::retry_delay_ms(p, 0, 101), 0);
}

static void test_budget(void **) {
  using threecx::RetryBudget;
  RetryBudget b;
  b.set_capacity(12);
  assert_int_equal(b.acquire(false), RetryBudget::kRetryCost);   // 7 left
  assert_int_equal(b.acquire(false), RetryBudget::kRetryCost);   // 2 left
  assert_int_equal(b.acquire(false), 0);                          // cannot pay
  assert_int_equal(b.acquire(true), 0);
  b.on_success(0);                                                // +1: 3
  assert_int_equal(b.available(), 3);
  b.on_success(RetryBudget::kRetryCost);                          // refund: 8
  assert_int_equal(b.acquire(true), 0);                           // a timeout costs 10
  assert_int_equal(b.acquire(false), RetryBudget::kRetryCost);    // 3
  for (int i = 0; i < 100; ++i) b.on_success(RetryBudget::kTimeoutCost);
  assert_int_equal(b.available(), 12);                            // never above capacity
  b.set_capacity(0);                                              // no budget: always pays
  for (int i = 0; i < 1000; ++i) assert_int_equal(b.acquire(true), RetryBudget::kTimeoutCost);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_statuses_and_methods),
      cmocka_unit_test(test_retry_after),
      cmocka_unit_test(test_backoff),
      cmocka_unit_test(test_budget),
  };
  return cmocka_run_group_tests_name("retry", tests, NULL, NULL);
}
