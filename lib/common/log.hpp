// Private: the client's log sink, with secrets scrubbed from every line.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "common/secret.hpp"
#include "threecx/threecx.h"

namespace threecx {

class Logger {
 public:
  void set(int32_t level, threecx_log_fn fn, void *user_data);
  // Lock-free: the level is an atomic (THREECX_LOG_NONE while no sink is
  // set). Check it before building a message.
  bool enabled(int32_t level) const noexcept {
    return level > THREECX_LOG_NONE && level <= level_.load(std::memory_order_relaxed);
  }
  // Emits `message` after replacing every registered secret, and every
  // credential recognisable by its shape (scrub_patterns), with
  // "[REDACTED]". Never throws.
  void log(int32_t level, const std::string &message) const noexcept;
  // Secrets to scrub: the API key, issued tokens. Empty strings ignored.
  void add_secret(std::string_view secret);
  void remove_secret(std::string_view secret);
  // Applies the same scrubbing to any text (error messages).
  std::string scrub(std::string text) const;

 private:
  mutable std::mutex mu_;
  // a copy of the level for enabled(); written under mu_
  std::atomic<int32_t> level_{THREECX_LOG_NONE};
  threecx_log_fn fn_ = nullptr;
  void *user_data_ = nullptr;
  std::vector<Secret> secrets_;  // kept out of core dumps
};

}  // namespace threecx
