#include "auth/token.hpp"

#include <algorithm>
#include <cstring>

#include <cjson/cJSON.h>

#include "common/error.hpp"
#include "common/log.hpp"
#include "request/json.hpp"

namespace threecx {

Token parse_token_response(const char *body, size_t size) {
  cJSON *j = parse_json(std::string_view(body, size));  // std::bad_alloc when cJSON ran out of memory
  struct Del {
    cJSON *j;
    ~Del() { cJSON_Delete(j); }
  } del{j};
  if (!cJSON_IsObject(j)) fail(THREECX_E_PROTOCOL, "token response: the body is not a JSON object");
  const cJSON *at = cJSON_GetObjectItemCaseSensitive(j, "access_token");
  if (!cJSON_IsString(at) || at->valuestring[0] == '\0')
    fail(THREECX_E_PROTOCOL, "token response carries no access_token");
  Token t;
  t.access_token = at->valuestring;
  std::memset(at->valuestring, 0, t.access_token.size());  // the parsed copy
  const cJSON *ex = cJSON_GetObjectItemCaseSensitive(j, "expires_in");
  if (!ex || cJSON_IsNull(ex)) {
    t.lifetime_s = kDefaultLifetimeS;
    t.lifetime_assumed = true;
    return t;
  }
  // checked as a double before any conversion: NaN, fractions, 0, negative
  // and huge values (1e300) are refused, never cast
  double d = cJSON_IsNumber(ex) ? ex->valuedouble : 0;
  // (the cast happens only once the range is known; no libm needed)
  if (!cJSON_IsNumber(ex) || !(d >= 1 && d <= static_cast<double>(kMaxLifetimeS)) ||
      static_cast<double>(static_cast<int64_t>(d)) != d) {
    std::string shown;
    if (char *p = cJSON_PrintUnformatted(ex)) {
      shown.assign(p, std::min<size_t>(std::strlen(p), 40));
      cJSON_free(p);
    }
    wipe(t.access_token);
    fail(THREECX_E_PROTOCOL, "token response: expires_in " + shown +
                                 " is not a whole number of seconds in 1.." + std::to_string(kMaxLifetimeS));
  }
  t.lifetime_s = static_cast<int64_t>(d);
  return t;
}

namespace {
std::string with_prefix(std::string_view prefix, std::string_view token) {
  std::string out;  // reserved: the token is copied once, never reallocated unwiped
  out.reserve(prefix.size() + token.size());
  out.append(prefix).append(token);
  return out;
}
}  // namespace

std::string TokenCache::get(const Fetch &fetch, uint64_t *generation, const CallControl *ctl,
                            std::string_view prefix) {
  {
    std::shared_lock<std::shared_mutex> shared(mu_);
    if (!token_.empty() && Clock::now() < refresh_at_) {
      *generation = generation_;
      return with_prefix(prefix, token_.view());
    }
  }
  std::unique_lock<std::shared_mutex> lk(mu_);
  for (;;) {
    auto now = Clock::now();
    if (!token_.empty() && now < refresh_at_) {
      *generation = generation_;
      return with_prefix(prefix, token_.view());
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
  // bounded again here: no time_point addition can overflow
  int64_t life = std::clamp<int64_t>(t.lifetime_s, 1, kMaxLifetimeS);
  int64_t margin = margin_s_ >= 0 ? std::min(margin_s_, life) : std::min<int64_t>(60, life / 5);
  if (margin >= life) margin = life / 2;
  expires_at_ = now + std::chrono::seconds(life);
  refresh_at_ = expires_at_ - std::chrono::seconds(margin);
  *generation = generation_;
  std::string out = with_prefix(prefix, token_.view());
  cv_.notify_all();
  return out;
}

void TokenCache::invalidate(uint64_t generation) {
  std::lock_guard<std::shared_mutex> lk(mu_);
  if (generation == 0 || generation == generation_) {
    token_.clear();
    refresh_at_ = expires_at_ = Clock::time_point{};
  }
}

void TokenCache::set_margin(int64_t seconds) {
  std::lock_guard<std::shared_mutex> lk(mu_);
  margin_s_ = seconds;
}

int64_t TokenCache::fetches() const {
  std::shared_lock<std::shared_mutex> lk(mu_);
  return fetches_;
}


}  // namespace threecx
