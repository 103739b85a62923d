// Private: when and how long to wait before retrying an exchange. Pure
// functions, so the policy is unit-tested without a clock or a server.
#pragma once

#include <cstdint>
#include <ctime>
#include <mutex>
#include <optional>
#include <string>

#include "transport/http.hpp"

namespace threecx {

struct RetryPolicy {
  int32_t max_retries = 3;        // 0: never retry
  int64_t base_delay_ms = 250;    // first back-off step
  int64_t max_delay_ms = 20000;   // cap of one computed back-off (not of Retry-After)
  int64_t deadline_ms = 60000;    // no wait may end later than this after the first try
};

// The client-wide retry quota of the AWS SDKs: a token bucket that every
// retry draws from (kRetryCost, kTimeoutCost after a timeout) and that
// successes refill (the cost of the retry that succeeded, or kSuccessRefund
// for a first-try success), never beyond its capacity. When it cannot pay,
// the failure is returned as is: an outage does not multiply the load.
class RetryBudget {
 public:
  static constexpr int64_t kRetryCost = 5, kTimeoutCost = 10, kSuccessRefund = 1;
  static constexpr int64_t kDefaultCapacity = 500;
  // 0 = no budget (every retry the policy allows). Refills the bucket.
  void set_capacity(int64_t capacity);
  // Takes the cost of one retry: its cost, or 0 when the bucket cannot pay.
  int64_t acquire(bool timeout);
  // After a success: refunds `retry_cost` (0 for a first-try success, which
  // earns kSuccessRefund).
  void on_success(int64_t retry_cost);
  int64_t available() const;

 private:
  mutable std::mutex mu_;
  int64_t capacity_ = kDefaultCapacity, tokens_ = kDefaultCapacity;
};

// Statuses worth another try: 408, 429, 500, 502, 503, 504.
bool retryable_status(long status) noexcept;
// Methods whose repetition is harmless: GET, DELETE, PUT (not POST/PATCH).
bool idempotent_method(const std::string &method) noexcept;
// Requests the library may send again by default: GET, PUT and a DELETE
// with If-Match (a DELETE without it could remove an item re-created in
// between under the same key). POST and PATCH never.
bool repeatable_request(const HttpRequest &req) noexcept;

// Retry-After as delta-seconds or an HTTP-date (relative to `now`), in ms;
// nullopt when absent or unparsable. Negative dates give 0.
std::optional<int64_t> parse_retry_after(const std::string &value, std::time_t now);

// Back-off before retry number `attempt` (1 = first retry), "full
// jitter": a uniform draw from `random` in 0..min(max_delay_ms,
// base * 2^(attempt-1)), computed in 64 bits without overflow. (Retry-After
// is not this function's business: the server's delay is honoured as given.)
int64_t retry_delay_ms(const RetryPolicy &p, int attempt, uint64_t random) noexcept;

}  // namespace threecx
