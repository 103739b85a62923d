#include "common/cancel.hpp"

#include <string>

#include "common/error.hpp"

namespace threecx {

void CancelToken::trigger() {
  std::lock_guard<std::mutex> lk(mu_);
  if (flag_.exchange(true, std::memory_order_acq_rel)) return;
  cv_.notify_all();
  for (auto &w : wakers_) w.second();
}

bool CancelToken::sleep_for(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lk(mu_);
  return !cv_.wait_for(lk, d, [this] { return triggered(); });
}

uint64_t CancelToken::add_waker(std::function<void()> fn) {
  std::lock_guard<std::mutex> lk(mu_);
  wakers_.emplace_back(++next_id_, std::move(fn));
  return next_id_;
}

void CancelToken::remove_waker(uint64_t id) {
  std::lock_guard<std::mutex> lk(mu_);
  for (auto it = wakers_.begin(); it != wakers_.end(); ++it)
    if (it->first == id) {
      wakers_.erase(it);
      return;
    }
}

void CallControl::check(const std::string &what) const {
  if (cancelled()) fail(THREECX_E_CANCELLED, what + ": cancelled");
  if (deadline && Clock::now() >= *deadline)
    fail(THREECX_E_TIMEOUT, what + ": the call's deadline of " + std::to_string(deadline_ms) +
                                " ms has passed (threecx_request_set_deadline_ms)");
}

int64_t CallControl::remaining_ms() const {
  if (!deadline) return -1;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
  return left < 1 ? 1 : static_cast<int64_t>(left);
}

}  // namespace threecx
