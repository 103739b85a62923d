// Private: when and how long to wait before retrying an exchange. Pure
// functions, so the policy is unit-tested without a clock or a server.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>

namespace threecx {

struct RetryPolicy {
  int32_t max_retries = 0;        // 0: never retry (the default)
  int64_t base_delay_ms = 250;    // first back-off step
  int64_t max_delay_ms = 30000;   // cap of one wait (also caps Retry-After)
  int64_t deadline_ms = 120000;   // no wait may end later than this after the first try
};

// Statuses worth another try: 408, 429, 502, 503, 504.
bool retryable_status(long status) noexcept;
// Methods whose repetition is harmless: GET, DELETE, PUT (not POST/PATCH).
bool idempotent_method(const std::string &method) noexcept;

// Retry-After as delta-seconds or an HTTP-date (relative to `now`), in ms;
// nullopt when absent or unparsable. Negative dates give 0.
std::optional<int64_t> parse_retry_after(const std::string &value, std::time_t now);

// Wait before retry number `attempt` (1 = first retry): the server's
// Retry-After when given, else exponential back-off base * 2^(attempt-1)
// with "equal jitter" (half fixed, half random from `random`), computed in
// 64 bits without overflow and clamped to max_delay_ms.
int64_t retry_delay_ms(const RetryPolicy &p, int attempt,
                       std::optional<int64_t> retry_after_ms, uint64_t random) noexcept;

}  // namespace threecx
