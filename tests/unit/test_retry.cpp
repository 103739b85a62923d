// The retry policy's pure parts (lib/transport/retry.cpp): which statuses
// and methods retry, Retry-After parsing, back-off growth, jitter bounds,
// clamping and 64-bit safety.
#include "unit.h"

#include <cstdint>
#include <ctime>

#include "transport/retry.hpp"

using threecx::RetryPolicy;

static void test_statuses_and_methods(void **) {
  for (long s : {408L, 429L, 502L, 503L, 504L}) assert_true(threecx::retryable_status(s));
  for (long s : {200L, 201L, 204L, 400L, 401L, 403L, 404L, 409L, 412L, 500L, 501L})
    assert_false(threecx::retryable_status(s));
  assert_true(threecx::idempotent_method("GET"));
  assert_true(threecx::idempotent_method("DELETE"));
  assert_true(threecx::idempotent_method("PUT"));
  assert_false(threecx::idempotent_method("POST"));
  assert_false(threecx::idempotent_method("PATCH"));
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
  // absurd values do not overflow; they are clamped by retry_delay_ms
  auto huge = threecx::parse_retry_after("99999999999999999999999999", now);
  assert_true(huge.has_value());
  assert_true(*huge > 0);
  RetryPolicy p;
  assert_int_equal(threecx::retry_delay_ms(p, 1, huge, 0), p.max_delay_ms);
}

static void test_backoff(void **) {
  RetryPolicy p;
  p.base_delay_ms = 100;
  p.max_delay_ms = 10000;
  // equal jitter: delay d gives [d/2, d]
  for (int attempt = 1; attempt <= 6; ++attempt) {
    int64_t d = 100LL << (attempt - 1);
    assert_int_equal(threecx::retry_delay_ms(p, attempt, std::nullopt, 0), d / 2);
    assert_int_equal(threecx::retry_delay_ms(p, attempt, std::nullopt, UINT64_MAX), d / 2 + (UINT64_MAX % (d - d / 2 + 1)));
    for (uint64_t r = 0; r < 1000; r += 37) {
      int64_t v = threecx::retry_delay_ms(p, attempt, std::nullopt, r * 2654435761u);
      assert_true(v >= d / 2);
      assert_true(v <= d);
    }
  }
  // large attempts saturate at the cap, never overflow
  for (int attempt : {8, 20, 63, 64, 1000, 2147483647}) {
    int64_t v = threecx::retry_delay_ms(p, attempt, std::nullopt, 12345);
    assert_true(v >= p.max_delay_ms / 2);
    assert_true(v <= p.max_delay_ms);
  }
  // a cap near INT64_MAX is safe too
  p.max_delay_ms = INT64_MAX;
  p.base_delay_ms = INT64_MAX / 3;
  int64_t v = threecx::retry_delay_ms(p, 50, std::nullopt, 99);
  assert_true(v >= INT64_MAX / 2);
  // Retry-After wins over the back-off, within the cap
  p.max_delay_ms = 5000;
  assert_int_equal(threecx::retry_delay_ms(p, 3, 1234, 99), 1234);
  assert_int_equal(threecx::retry_delay_ms(p, 3, 60000, 99), 5000);
  // attempt < 1 is treated as the first
  p.base_delay_ms = 100;
  assert_int_equal(threecx::retry_delay_ms(p, 0, std::nullopt, 0), 50);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_statuses_and_methods),
      cmocka_unit_test(test_retry_after),
      cmocka_unit_test(test_backoff),
  };
  return cmocka_run_group_tests_name("retry", tests, NULL, NULL);
}
