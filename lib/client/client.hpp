// Private: the shared state behind a threecx_client handle.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <mutex>
#include <string>

#include "auth/token.hpp"
#include "common/log.hpp"
#include "transport/http.hpp"
#include "transport/retry.hpp"

namespace threecx {

struct Endpoint {
  std::string scheme;     // "https" or "http"
  std::string authority;  // host[:port]
};

// Parses "host", "host:port", "https://host[:port][/]", "http://...".
Endpoint parse_domain(const std::string &domain);

// Everything a request reads from the client's options: an immutable
// snapshot, replaced as a whole by every setter.
struct ClientOptions {
  TransportOptions transport;
  RetryPolicy retry;
  bool allow_http = false;
  // Bumped by every setter: two snapshots of one client with the same
  // generation are the same options (for state configured once, such as a
  // pooled handle's options).
  uint64_t generation = 1;
};

// NETWORK or TIMEOUT: worth another try.
bool transient_failure(const Error &e);
// The server's Retry-After in ms, if any and parsable.
std::optional<int64_t> retry_after_of(const HttpResponse &resp);

class ClientCore {
 public:
  ClientCore(Endpoint ep, std::string client_id, std::string api_key);
  ~ClientCore();

  // Options (thread-safe; take effect for requests started afterwards).
  void set_ca_file(const char *path);
  void set_ca_path(const char *dir);
  void set_ca_pem(const char *pem, size_t size);
  void set_pinned_public_key(const char *pins);
  void set_connect_timeout_ms(int64_t ms);
  void set_timeout_ms(int64_t ms);
  void set_stall_timeout(int64_t bytes_per_s, int64_t seconds);
  void set_max_response_bytes(int64_t bytes);
  void set_user_agent(const char *ua);
  void allow_http(bool allow);
  void set_http_version(int version);  // THREECX_HTTP_1_1 / THREECX_HTTP_2
  void set_tls_verify(bool verify);
  void set_refresh_margin(int64_t seconds);
  void set_retry(const RetryPolicy &p);
  void set_retry_budget(int64_t capacity);

  const std::string &base_url() const { return base_url_; }  // https://host:port/xapi/v1
  // The current options: a snapshot that later setters do not change. In
  // the common case (no setter since this thread's last request on this
  // client) no lock is taken: a generation number is compared with the
  // thread's cached snapshot.
  std::shared_ptr<const ClientOptions> options() const;

  // A valid bearer token (fetching it if needed) and its generation.
  std::string token(uint64_t *generation, const CallControl *ctl = nullptr);
  void invalidate_token(uint64_t generation) { tokens_.invalidate(generation); }
  int64_t token_requests() const { return tokens_.fetches(); }

  // Sends an XAPI exchange with the bearer token; on 401 refreshes the token
  // once and retries once; retries per the RetryPolicy and the budget. A
  // Retry-After past the deadline sets retry_later_ms on the answer.
  // req.ctl's token and deadline bound the whole call, token fetch included.
  HttpResponse send(HttpRequest &req);

  Logger &logger() { return log_; }
  Transport &transport() { return transport_; }
  // THREECX_E_INSECURE for http:// unless allowed.
  void check_scheme(const ClientOptions &opt) const;

  // The retry decisions of one call: the policy's count and deadline, the
  // client's budget, the server's Retry-After.
  class Retrier {
   public:
    // `what` names the call in log lines: "METHOD URL" (`url` empty: just
    // `method`), built only when a line is written. `policy`, `method` and
    // `url` must outlive the Retrier.
    Retrier(ClientCore &core, const RetryPolicy &policy, const std::string &method, const std::string &url,
            const CallControl *ctl);
    // The wait (ms) before one more try after a failure, counted as a
    // retry (budget taken, logged); -1 to give up. A Retry-After (ms) is
    // honoured as given; if it ends past the deadline, *retry_later gets it.
    int64_t decide(const std::string &why, bool timeout, std::optional<int64_t> retry_after,
                   int64_t *retry_later = nullptr);
    // decide() and the wait (interrupted by the call's cancel token: Error
    // CANCELLED); false to give up.
    bool again(const std::string &why, bool timeout, std::optional<int64_t> retry_after,
               int64_t *retry_later = nullptr);
    void succeeded();

   private:
    std::string what() const;
    ClientCore &core_;
    const std::string &method_, &url_;
    const CallControl *ctl_;
    const RetryPolicy &policy_;
    std::chrono::steady_clock::time_point start_;
    int retries_ = 0;
    int64_t cost_ = 0;
  };
  // Text from a server (or carrying request data) made fit for an error
  // message: the key, the current and previous tokens and any credential
  // recognisable by its shape replaced with [REDACTED].
  std::string scrub(std::string text) const { return log_.scrub(std::move(text)); }

 private:
  Token fetch_token(const CallControl *ctl);
  // The token request with its retries (any transient failure).
  HttpResponse token_exchange(const HttpRequest &req, const ClientOptions &opt);
  // Applies `change` to a copy of the options and publishes the copy.
  template <class F>
  void update(F &&change);

  const uint64_t uid_;  // never reused: keys the threads' snapshot caches
  const Endpoint ep_;
  const std::string base_url_;
  std::string client_id_;
  Secret api_key_;       // kept out of core dumps
  // setters and the slow path of options()
  mutable std::mutex mu_;
  std::shared_ptr<const ClientOptions> opts_;  // guarded by mu_
  std::atomic<uint64_t> opts_gen_{1};          // bumped (under mu_) by every setter
  // the current and the previous access token, which the logger scrubs
  // besides the key (the older ones are dropped); guarded by mu_
  Secret current_token_, previous_token_;
  RetryBudget budget_;
  Logger log_;
  TokenCache tokens_;
  Transport transport_;
};

}  // namespace threecx
