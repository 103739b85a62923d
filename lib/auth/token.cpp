#include "auth/token.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/log.hpp"

namespace threecx {

std::string TokenCache::get(const Fetch &fetch, uint64_t *generation, const CallControl *ctl) {
  std::unique_lock<std::mutex> lk(mu_);
  for (;;) {
    auto now = Clock::now();
    if (!token_.empty() && now < refresh_at_) {
      *generation = generation_;
      return std::string(token_.view());
    }
    if (!fetching_) break;
    uint64_t seq = fetch_seq_;
    if (ctl && (ctl->cancel || ctl->deadline)) {
      // short slices: this caller's cancel token or deadline ends the wait
      while (!cv_.wait_for(lk, std::chrono::milliseconds(20), [&] { return !fetching_; }))
        ctl->check("waiting for the access token");
    } else {
      cv_.wait(lk, [&] { return !fetching_; });
    }
    if (fetch_seq_ == seq + 1 && token_.empty() && last_error_code_ != 0)
      fail(last_error_code_, last_error_);  // share the failure of that fetch
  }
  fetching_ = true;
  ++fetches_;
  lk.unlock();
  Token t;
  try {
    t = fetch();
  } catch (const Error &e) {
    lk.lock();
    fetching_ = false;
    ++fetch_seq_;
    // stopped by this caller's own cancel token or deadline: not a verdict
    // on the token endpoint, so waiters try again instead of sharing it
    bool own = e.code() == THREECX_E_CANCELLED ||
               (e.code() == THREECX_E_TIMEOUT && ctl && ctl->deadline);
    last_error_code_ = own ? 0 : e.code();
    last_error_ = own ? std::string() : std::string(e.what());
    cv_.notify_all();
    throw;
  } catch (...) {
    lk.lock();
    fetching_ = false;
    ++fetch_seq_;
    last_error_code_ = THREECX_E_INTERNAL;
    last_error_ = "token fetch failed";
    cv_.notify_all();
    throw;
  }
  lk.lock();
  fetching_ = false;
  ++fetch_seq_;
  last_error_code_ = 0;
  last_error_.clear();
  token_.assign(t.access_token);
  threecx::wipe(t.access_token);
  ++generation_;
  auto now = Clock::now();
  int64_t life = std::max<int64_t>(t.lifetime_s, 1);
  int64_t margin = margin_s_ >= 0 ? margin_s_ : std::min<int64_t>(60, life / 5);
  if (margin >= life) margin = life / 2;
  expires_at_ = now + std::chrono::seconds(life);
  refresh_at_ = expires_at_ - std::chrono::seconds(margin);
  *generation = generation_;
  std::string out(token_.view());
  cv_.notify_all();
  return out;
}

void TokenCache::invalidate(uint64_t generation) {
  std::lock_guard<std::mutex> lk(mu_);
  if (generation == 0 || generation == generation_) {
    token_.clear();
    refresh_at_ = expires_at_ = Clock::time_point{};
  }
}

void TokenCache::set_margin(int64_t seconds) {
  std::lock_guard<std::mutex> lk(mu_);
  margin_s_ = seconds;
}

int64_t TokenCache::fetches() const {
  std::lock_guard<std::mutex> lk(mu_);
  return fetches_;
}


}  // namespace threecx
