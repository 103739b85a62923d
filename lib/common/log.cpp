#include "common/log.hpp"

#include <algorithm>

#include "common/scrub.hpp"

namespace threecx {

void Logger::set(int32_t level, threecx_log_fn fn, void *user_data) {
  std::lock_guard<std::mutex> lk(mu_);
  level_.store(fn ? level : THREECX_LOG_NONE, std::memory_order_relaxed);
  fn_ = fn;
  user_data_ = user_data;
}

void Logger::add_secret(std::string_view secret) {
  if (secret.empty()) return;
  std::lock_guard<std::mutex> lk(mu_);
  secrets_.emplace_back(secret);
}

void Logger::remove_secret(std::string_view secret) {
  std::lock_guard<std::mutex> lk(mu_);
  for (auto it = secrets_.begin(); it != secrets_.end();) {
    if (*it == secret) {
      it = secrets_.erase(it);
    } else {
      ++it;
    }
  }
}

namespace {
void scrub_locked(std::string &text, const std::vector<Secret> &secrets) {
  for (const auto &secret : secrets) {
    std::string_view s = secret.view();
    size_t pos = 0;
    while ((pos = text.find(s, pos)) != std::string::npos) {
      text.replace(pos, s.size(), "[REDACTED]");
      pos += 10;
    }
  }
  scrub_patterns(text);
}
}  // namespace

std::string Logger::scrub(std::string text) const {
  std::lock_guard<std::mutex> lk(mu_);
  scrub_locked(text, secrets_);
  return text;
}

void Logger::log(int32_t level, const std::string &message) const noexcept {
  threecx_log_fn fn;
  void *ud;
  std::string line;
  if (!enabled(level)) return;  // no lock, no copy
  try {
    std::lock_guard<std::mutex> lk(mu_);
    if (!fn_ || level > level_.load(std::memory_order_relaxed)) return;
    fn = fn_;
    ud = user_data_;
    line = message;
    scrub_locked(line, secrets_);
  } catch (...) {
    return;
  }
  fn(ud, level, line.c_str());
}

}  // namespace threecx
