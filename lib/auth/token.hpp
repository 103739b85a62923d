// Private: the bearer token of one client: cached, refreshed ahead of
// expiry, and fetched single-flight (3CX keeps one live token per Client ID,
// so two concurrent fetches would kill each other's token).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "common/cancel.hpp"
#include "common/secret.hpp"

namespace threecx {

struct Token {
  std::string access_token;
  int64_t lifetime_s = 0;
  bool lifetime_assumed = false;  // expires_in was absent: kDefaultLifetimeS
};

// Bounds of a token lifetime (expires_in): whole seconds, 1 s to a year.
constexpr int64_t kMaxLifetimeS = 366LL * 24 * 3600;
// Lifetime assumed (and logged) when a token response has no expires_in.
constexpr int64_t kDefaultLifetimeS = 3600;

// Parses a 200 answer of /connect/token: access_token must be a non-empty
// string; expires_in absent or null assumes kDefaultLifetimeS, otherwise it
// must be a JSON number holding a whole number of seconds in
// 1..kMaxLifetimeS, else THREECX_E_PROTOCOL naming the value. The parsed
// document's copy of the token is wiped. A plain function of the body (no
// client, no network) so that it can be tested and fuzzed on any buffer.
Token parse_token_response(const char *body, size_t size);

class TokenCache {
 public:
  using Clock = std::chrono::steady_clock;
  using Fetch = std::function<Token()>;

  // Returns a usable token and its generation, fetching one with `fetch` if
  // none is cached or it is due for refresh. Concurrent callers wait for a
  // fetch in progress and share its result (or its error, unless the fetch
  // was stopped by its own caller's cancel token or deadline: then a waiter
  // fetches itself). `ctl` (may be null) ends this caller's wait. The
  // result is `prefix` followed by the token (one buffer: "Bearer ...").
  // A valid cached token is read under a shared lock only.
  std::string get(const Fetch &fetch, uint64_t *generation, const CallControl *ctl = nullptr,
                  std::string_view prefix = {});
  // Drops the token of `generation` (after a 401); a newer one stays.
  // generation 0 drops whatever is cached.
  void invalidate(uint64_t generation);
  void set_margin(int64_t seconds);
  int64_t fetches() const;

 private:
  // shared: the fast path (a cached token still fresh); exclusive: the rest
  mutable std::shared_mutex mu_;
  std::condition_variable_any cv_;
  Secret token_;  // kept out of core dumps
  Clock::time_point refresh_at_{}, expires_at_{};
  uint64_t generation_ = 0;
  bool fetching_ = false;
  uint64_t fetch_seq_ = 0;  // completed fetches
  int last_error_code_ = 0;
  std::string last_error_;
  int64_t margin_s_ = -1;
  int64_t fetches_ = 0;
};

}  // namespace threecx
