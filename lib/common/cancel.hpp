// Private: cancellation and per-call deadlines. A CancelToken is shared
// (shared_ptr) by the C handle and every request/pager holding it; a
// CallControl travels with one call down to the transport.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <optional>
#include <utility>
#include <vector>

namespace threecx {

class CancelToken {
 public:
  // Sets the flag, wakes sleepers and runs every registered waker.
  void trigger();
  bool triggered() const noexcept { return flag_.load(std::memory_order_acquire); }
  // Sleeps up to `d`; false if the token was (or got) triggered.
  bool sleep_for(std::chrono::milliseconds d);
  // A waker runs (under the token's lock, so keep it short and non-blocking)
  // when the token is triggered; remove it before what it touches goes away.
  uint64_t add_waker(std::function<void()> fn);
  void remove_waker(uint64_t id);

 private:
  std::atomic<bool> flag_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<uint64_t, std::function<void()>>> wakers_;
  uint64_t next_id_ = 0;
};

struct CallControl {
  using Clock = std::chrono::steady_clock;
  std::shared_ptr<CancelToken> cancel;  // may be null
  std::optional<Clock::time_point> deadline;
  int64_t deadline_ms = 0;  // as set, for messages

  bool cancelled() const noexcept { return cancel && cancel->triggered(); }
  // Throws CANCELLED when triggered, TIMEOUT when the deadline has passed.
  void check(const std::string &what) const;
  // Milliseconds left before the deadline (at least 1), or -1 without one.
  int64_t remaining_ms() const;
};

}  // namespace threecx
