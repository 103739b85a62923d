#include "transport/retry.hpp"

#include <cctype>
#include <cstring>
#include <ctime>
#include <strings.h>

namespace threecx {

bool retryable_status(long status) noexcept {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
         status == 504;
}

bool idempotent_method(const std::string &m) noexcept {
  return m == "GET" || m == "DELETE" || m == "PUT";
}

bool repeatable_request(const HttpRequest &req) noexcept {
  if (req.method == "GET" || req.method == "PUT") return true;
  if (req.method != "DELETE") return false;
  for (const auto &h : req.headers)
    if (strcasecmp(h.first.c_str(), "If-Match") == 0) return true;
  return false;
}

std::optional<int64_t> parse_retry_after(const std::string &value, std::time_t now) {
  size_t i = 0;
  while (i < value.size() && value[i] == ' ') ++i;
  if (i == value.size()) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(value[i]))) {
    int64_t s = 0;
    for (; i < value.size() && std::isdigit(static_cast<unsigned char>(value[i])); ++i) {
      if (s > INT64_C(1) << 40) return INT64_MAX / 2;  // absurdly large: clamp later
      s = s * 10 + (value[i] - '0');
    }
    while (i < value.size() && value[i] == ' ') ++i;
    if (i != value.size()) return std::nullopt;
    return s * 1000;
  }
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  struct tm tm;
  std::memset(&tm, 0, sizeof tm);
  const char *end = strptime(value.c_str() + i, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  int64_t d = static_cast<int64_t>(t) - static_cast<int64_t>(now);
  return d > 0 ? d * 1000 : 0;
}

int64_t retry_delay_ms(const RetryPolicy &p, int attempt, uint64_t random) noexcept {
  int64_t cap = p.max_delay_ms > 0 ? p.max_delay_ms : 0;
  if (attempt < 1) attempt = 1;
  int64_t d = p.base_delay_ms > 0 ? p.base_delay_ms : 0;
  // base * 2^(attempt-1), saturating at cap
  for (int k = 1; k < attempt && d < cap; ++k) d = d > cap / 2 ? cap : d * 2;
  if (d > cap) d = cap;
  return static_cast<int64_t>(random % (static_cast<uint64_t>(d) + 1));
}

void RetryBudget::set_capacity(int64_t capacity) {
  std::lock_guard<std::mutex> lk(mu_);
  capacity_ = tokens_ = capacity;
}

int64_t RetryBudget::acquire(bool timeout) {
  std::lock_guard<std::mutex> lk(mu_);
  int64_t cost = timeout ? kTimeoutCost : kRetryCost;
  if (capacity_ == 0) return cost;  // no budget
  if (tokens_ < cost) return 0;
  tokens_ -= cost;
  return cost;
}

void RetryBudget::on_success(int64_t retry_cost) {
  std::lock_guard<std::mutex> lk(mu_);
  tokens_ += retry_cost > 0 ? retry_cost : kSuccessRefund;
  if (tokens_ > capacity_) tokens_ = capacity_;
}

int64_t RetryBudget::available() const {
  std::lock_guard<std::mutex> lk(mu_);
  return tokens_;
}

}  // namespace threecx
