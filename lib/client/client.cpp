#include <cstdint>
#include "client/client.hpp"

#include <cjson/cJSON.h>

#include <cctype>
#include <chrono>
#include <memory>
#include <random>
#include <thread>
#include <cstring>

#include "common/error.hpp"
#include "request/json.hpp"
#include "request/odata.hpp"
#include "threecx/version.h"

namespace threecx {

Endpoint parse_domain(const std::string &domain) {
  std::string d = domain;
  while (!d.empty() && std::isspace(static_cast<unsigned char>(d.back()))) d.pop_back();
  size_t start = 0;
  while (start < d.size() && std::isspace(static_cast<unsigned char>(d[start]))) ++start;
  d = d.substr(start);
  Endpoint ep{"https", ""};
  auto lower_prefix = [&d](const char *p) {
    size_t n = std::char_traits<char>::length(p);
    if (d.size() < n) return false;
    for (size_t i = 0; i < n; ++i)
      if (std::tolower(static_cast<unsigned char>(d[i])) != p[i]) return false;
    return true;
  };
  if (lower_prefix("https://")) {
    d = d.substr(8);
  } else if (lower_prefix("http://")) {
    ep.scheme = "http";
    d = d.substr(7);
  } else if (d.find("://") != std::string::npos) {
    fail(THREECX_E_INVALID_DOMAIN, "3CX domain: only https:// (or http://) is supported");
  }
  while (!d.empty() && d.back() == '/') d.pop_back();
  if (d.empty()) fail(THREECX_E_INVALID_DOMAIN, "3CX domain is empty");
  // host: letters, digits, '-', '.', or a bracketed IPv6 literal; optional :port
  size_t i = 0;
  if (d[0] == '[') {
    i = d.find(']');
    if (i == std::string::npos) fail(THREECX_E_INVALID_DOMAIN, "3CX domain: unclosed '['");
    for (size_t k = 1; k < i; ++k)
      if (!std::isxdigit(static_cast<unsigned char>(d[k])) && d[k] != ':' && d[k] != '.')
        fail(THREECX_E_INVALID_DOMAIN, "3CX domain: bad IPv6 address");
    ++i;
  } else {
    while (i < d.size() && (std::isalnum(static_cast<unsigned char>(d[i])) ||
                            d[i] == '-' || d[i] == '.' || d[i] == '_'))
      ++i;
    if (i == 0) fail(THREECX_E_INVALID_DOMAIN, "3CX domain: no host name");
  }
  if (i < d.size()) {
    if (d[i] != ':' || i + 1 == d.size())
      fail(THREECX_E_INVALID_DOMAIN,
           "3CX domain must be host, host:port or https://host:port (no path, "
           "user or query)");
    long port = 0;
    for (size_t k = i + 1; k < d.size(); ++k) {
      if (!std::isdigit(static_cast<unsigned char>(d[k])) || port > 65535)
        fail(THREECX_E_INVALID_DOMAIN, "3CX domain: bad port");
      port = port * 10 + (d[k] - '0');
    }
    if (port < 1 || port > 65535) fail(THREECX_E_INVALID_DOMAIN, "3CX domain: bad port");
  }
  ep.authority = d;
  return ep;
}

namespace {
std::atomic<uint64_t> g_next_uid{1};
}  // namespace

ClientCore::ClientCore(Endpoint ep, std::string client_id, std::string api_key)
    : uid_(g_next_uid.fetch_add(1, std::memory_order_relaxed)),
      ep_(std::move(ep)),
      base_url_(ep_.scheme + "://" + ep_.authority + "/xapi/v1"),
      client_id_(std::move(client_id)),
      api_key_(api_key) {
  wipe(api_key);
  auto o = std::make_shared<ClientOptions>();
  o->transport.user_agent = std::string("libthreecx/") + THREECX_VERSION;
  o->transport.generation = o->generation;
  opts_ = std::move(o);
  log_.add_secret(api_key_.view());
  // as the token request sends it, in case a server echoes the form
  std::string encoded = odata::url_encode(api_key_.view());
  if (encoded != api_key_.view()) log_.add_secret(encoded);
  wipe(encoded);
}

ClientCore::~ClientCore() = default;

template <class F>
void ClientCore::update(F &&change) {
  std::lock_guard<std::mutex> lk(mu_);
  auto next = std::make_shared<ClientOptions>(*opts_);
  change(*next);
  next->generation = opts_->generation + 1;
  next->transport.generation = next->generation;  // pooled handles reconfigure on a change
  opts_ = std::move(next);
  opts_gen_.store(opts_->generation, std::memory_order_release);
}

std::shared_ptr<const ClientOptions> ClientCore::options() const {
  // One snapshot per thread, for the client it last served: valid while
  // no setter has run since (same generation).
  struct Cache {
    uint64_t uid = 0, gen = 0;
    std::shared_ptr<const ClientOptions> snap;
  };
  thread_local Cache cache;
  if (cache.uid == uid_ && cache.gen == opts_gen_.load(std::memory_order_acquire)) return cache.snap;
  std::shared_ptr<const ClientOptions> snap;
  uint64_t gen;
  {
    std::lock_guard<std::mutex> lk(mu_);
    snap = opts_;
    gen = snap->generation;
  }
  cache.snap = snap;
  cache.uid = uid_;
  cache.gen = gen;
  return snap;
}

void ClientCore::set_http_version(int version) {
  if (version != THREECX_HTTP_1_1 && version != THREECX_HTTP_2)
    fail(THREECX_E_INVALID_ARGUMENT, "HTTP version must be THREECX_HTTP_1_1 or THREECX_HTTP_2");
  update([&](ClientOptions &o) { o.transport.http_version = version; });
}

void ClientCore::set_ca_file(const char *path) {
  std::string v = path ? path : "";
  update([&](ClientOptions &o) { o.transport.ca_file = std::move(v); });
}
void ClientCore::set_ca_path(const char *dir) {
  std::string v = dir ? dir : "";
  update([&](ClientOptions &o) { o.transport.ca_path = std::move(v); });
}
void ClientCore::set_ca_pem(const char *pem, size_t size) {
  std::string v = pem ? std::string(pem, size) : std::string();
  if (pem && v.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
    fail(THREECX_E_INVALID_ARGUMENT, "CA bundle: no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
  update([&](ClientOptions &o) { o.transport.ca_pem = std::move(v); });
}
void ClientCore::set_pinned_public_key(const char *pins) {
  std::string v = pins ? pins : "";
  if (pins) {
    // sha256//<base64 of 32 bytes>, ';'-separated
    size_t start = 0;
    for (;;) {
      size_t end = v.find(';', start);
      std::string one = v.substr(start, end == std::string::npos ? std::string::npos : end - start);
      bool ok = one.size() == 8 + 44 && one.compare(0, 8, "sha256//") == 0 && one.back() == '=';
      for (size_t i = 8; ok && i + 1 < one.size(); ++i)
        ok = std::isalnum(static_cast<unsigned char>(one[i])) || one[i] == '+' || one[i] == '/';
      if (!ok)
        fail(THREECX_E_INVALID_ARGUMENT,
             "pinned public key: expected sha256//<base64 of the SHA-256 of the DER public key>, "
             "several separated by ';'");
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  update([&](ClientOptions &o) { o.transport.pinned_keys = std::move(v); });
}

namespace {
// The longest timeout, delay or deadline accepted: what a 32-bit long (the
// type libcurl takes) holds, about 24.8 days; no time computation overflows.
constexpr int64_t kMaxMs = INT32_MAX;
}  // namespace

void ClientCore::set_connect_timeout_ms(int64_t ms) {
  if (ms < 0 || ms > kMaxMs) fail(THREECX_E_INVALID_ARGUMENT, "connect timeout must be 0..2147483647 ms");
  update([&](ClientOptions &o) { o.transport.connect_timeout_ms = ms; });
}
void ClientCore::set_timeout_ms(int64_t ms) {
  if (ms < 0 || ms > kMaxMs) fail(THREECX_E_INVALID_ARGUMENT, "timeout must be 0..2147483647 ms");
  update([&](ClientOptions &o) { o.transport.timeout_ms = ms; });
}
void ClientCore::set_stall_timeout(int64_t bytes_per_s, int64_t seconds) {
  if (bytes_per_s < 0 || bytes_per_s > kMaxMs || seconds < 0 || seconds > kMaxMs / 1000)
    fail(THREECX_E_INVALID_ARGUMENT, "stall timeout: 0..2147483647 bytes/s, 0..2147483 s");
  update([&](ClientOptions &o) {
    o.transport.stall_bytes_per_s = bytes_per_s;
    o.transport.stall_seconds = seconds;
  });
}
void ClientCore::set_max_response_bytes(int64_t bytes) {
  if (bytes < 0) fail(THREECX_E_INVALID_ARGUMENT, "maximum response size must be >= 0");
  update([&](ClientOptions &o) { o.transport.max_body_bytes = bytes; });
}
void ClientCore::set_user_agent(const char *ua) {
  std::string v = ua ? ua : std::string("libthreecx/") + THREECX_VERSION;
  for (char c : v)
    if (c == '\r' || c == '\n') fail(THREECX_E_INVALID_ARGUMENT, "user agent contains CR/LF");
  update([&](ClientOptions &o) { o.transport.user_agent = std::move(v); });
}
void ClientCore::allow_http(bool allow) {
  update([&](ClientOptions &o) { o.allow_http = allow; });
}
void ClientCore::set_tls_verify(bool verify) {
  update([&](ClientOptions &o) { o.transport.tls_verify = verify; });
}
void ClientCore::set_retry(const RetryPolicy &p) {
  auto bad_ms = [](int64_t ms) { return ms < 0 || ms > kMaxMs; };
  if (p.max_retries < 0 || p.max_retries > 100 || bad_ms(p.base_delay_ms) || bad_ms(p.max_delay_ms) ||
      bad_ms(p.deadline_ms))
    fail(THREECX_E_INVALID_ARGUMENT,
         "retry: 0..100 retries, delays and deadline 0..2147483647 ms");
  update([&](ClientOptions &o) { o.retry = p; });
}

void ClientCore::set_retry_budget(int64_t capacity) {
  if (capacity < 0 || capacity > kMaxMs) fail(THREECX_E_INVALID_ARGUMENT, "retry budget must be 0..2147483647");
  budget_.set_capacity(capacity);
}

void ClientCore::set_refresh_margin(int64_t seconds) {
  tokens_.set_margin(seconds < 0 ? -1 : seconds);
}

void ClientCore::check_scheme(const ClientOptions &opt) const {
  if (ep_.scheme == "http" && !opt.allow_http)
    fail(THREECX_E_INSECURE,
         "plain http:// would send the API key unencrypted; call "
         "threecx_client_allow_http(client, 1) to permit it");
}

Token ClientCore::fetch_token(const CallControl *ctl) {
  std::shared_ptr<const ClientOptions> opts = options();
  check_scheme(*opts);
  std::string url = ep_.scheme + "://" + ep_.authority + "/connect/token";
  if (!opts->transport.tls_verify)
    log_.log(THREECX_LOG_WARN,
             "TLS verification is OFF: the API key is sent to whoever answers");
  log_.log(THREECX_LOG_INFO, "requesting an access token for client id '" +
                                 client_id_ + "' at " + url);
  std::string form;
  HttpResponse resp;
  struct Wiper {  // both carry secrets
    std::string &a, &b;
    ~Wiper() {
      wipe(a);
      wipe(b);
    }
  } wiper{form, resp.body};
  {
    // one buffer, reserved up front: no temporary copy of the key is freed
    // unwiped by a reallocation
    std::string key = odata::url_encode(api_key_.view());
    std::string id = odata::url_encode(client_id_);
    static const char kId[] = "client_id=", kSecret[] = "&client_secret=",
                      kGrant[] = "&grant_type=client_credentials";
    form.reserve(sizeof kId + id.size() + sizeof kSecret + key.size() + sizeof kGrant);
    form.append(kId).append(id).append(kSecret).append(key).append(kGrant);
    wipe(key);
  }
  HttpRequest req;
  req.method = "POST";
  req.url = url;
  req.body = &form;
  req.content_type = "application/x-www-form-urlencoded";
  req.ctl = ctl;
  resp = token_exchange(req, *opts);

  if (resp.status != 200) {
    // std::bad_alloc when cJSON ran out of memory (the document is freed on any exit)
    std::unique_ptr<cJSON, void (*)(cJSON *)> doc(parse_json(resp.body), cJSON_Delete);
    const cJSON *j = doc.get();
    std::string msg = std::string(resp.status >= 500 ? "token request failed" : "token request refused") +
                      ": HTTP " + std::to_string(resp.status);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "error_description");
    if (cJSON_IsString(e)) msg += std::string(": ") + e->valuestring;
    if (cJSON_IsString(d)) msg += std::string(": ") + d->valuestring;
    doc.reset();
    msg = log_.scrub(msg);
    log_.log(THREECX_LOG_ERROR, msg);
    // THREECX_E_AUTH for any status: E_HTTP promises an XAPI response to
    // the caller, and this is the token endpoint's (the message has it)
    fail(THREECX_E_AUTH, msg);
  }
  Token t = parse_token_response(resp.body.data(), resp.body.size());
  if (t.lifetime_assumed)
    log_.log(THREECX_LOG_WARN, "token response has no expires_in; assuming " +
                                   std::to_string(kDefaultLifetimeS) + " s");
  {
    std::lock_guard<std::mutex> lk(mu_);
    log_.remove_secret(previous_token_.view());
    previous_token_ = std::move(current_token_);
    current_token_.assign(t.access_token);
  }
  log_.add_secret(t.access_token);
  log_.log(THREECX_LOG_INFO, "access token received, valid for " +
                                 std::to_string(t.lifetime_s) + " s");
  return t;
}

std::string ClientCore::token(uint64_t *generation, const CallControl *ctl) {
  return tokens_.get([this, ctl] { return fetch_token(ctl); }, generation, ctl);
}

namespace {
uint64_t jitter_random() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng();
}
}  // namespace

ClientCore::Retrier::Retrier(ClientCore &core, const RetryPolicy &policy, const std::string &method,
                             const std::string &url, const CallControl *ctl)
    : core_(core), method_(method), url_(url), ctl_(ctl), policy_(policy),
      start_(std::chrono::steady_clock::now()) {}

int64_t ClientCore::Retrier::decide(const std::string &why, bool timeout, std::optional<int64_t> retry_after,
                                    int64_t *retry_later) {
  if (retries_ >= policy_.max_retries) return -1;
  int64_t ms = retry_after ? *retry_after : retry_delay_ms(policy_, retries_ + 1, jitter_random());
  // compared in ms left (a Retry-After may be absurdly large: no time
  // point arithmetic that could overflow)
  int64_t elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start_).count();
  // the call's own deadline (threecx_request_set_deadline_ms) bounds it too
  const bool past_call_deadline = ctl_ && ctl_->deadline && ms >= 0 &&
                                  std::chrono::steady_clock::now() + std::chrono::milliseconds(ms) > *ctl_->deadline;
  if (ms < 0 || ms > policy_.deadline_ms - elapsed || past_call_deadline) {
    if (retry_after && retry_later) *retry_later = *retry_after;
    core_.log_.log(THREECX_LOG_INFO, what() + ": " + why + "; no retry: a wait of " +
                                          std::to_string(ms) + " ms ends past the deadline");
    return -1;
  }
  int64_t cost = core_.budget_.acquire(timeout);
  if (cost == 0) {
    core_.log_.log(THREECX_LOG_WARN, what() + ": " + why + "; no retry: the client's retry budget is spent");
    return -1;
  }
  cost_ = cost;
  ++retries_;
  core_.log_.log(THREECX_LOG_INFO, what() + ": " + why + "; retry " + std::to_string(retries_) + " in " +
                                       std::to_string(ms) + " ms");
  return ms;
}

bool ClientCore::Retrier::again(const std::string &why, bool timeout, std::optional<int64_t> retry_after,
                                int64_t *retry_later) {
  int64_t ms = decide(why, timeout, retry_after, retry_later);
  if (ms < 0) return false;
  if (ctl_ && ctl_->cancel) {
    if (!ctl_->cancel->sleep_for(std::chrono::milliseconds(ms)))
      fail(THREECX_E_CANCELLED, what() + ": cancelled");
  } else {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }
  return true;
}

void ClientCore::Retrier::succeeded() { core_.budget_.on_success(retries_ ? cost_ : 0); }

std::string ClientCore::Retrier::what() const { return url_.empty() ? method_ : method_ + " " + url_; }

bool transient_failure(const Error &e) { return e.code() == THREECX_E_NETWORK || e.code() == THREECX_E_TIMEOUT; }

std::optional<int64_t> retry_after_of(const HttpResponse &resp) {
  if (auto ra = resp.header("Retry-After")) return parse_retry_after(std::string(*ra), std::time(nullptr));
  return std::nullopt;
}

namespace {
bool transient(const Error &e) { return transient_failure(e); }
}  // namespace

HttpResponse ClientCore::token_exchange(const HttpRequest &req, const ClientOptions &opts) {
  // Repeating a token request is harmless (no token was received), so
  // every transient failure is retried, sent or not.
  static const std::string kWhat = "token request", kNone;
  const TransportOptions &opt = opts.transport;
  Retrier retry(*this, opts.retry, kWhat, kNone, req.ctl);
  for (;;) {
    HttpResponse resp;
    try {
      resp = transport_.perform(req, opt, log_);
    } catch (const TransportError &e) {
      if (transient(e) && retry.again(e.what(), e.code() == THREECX_E_TIMEOUT, std::nullopt)) continue;
      throw;
    }
    if (retryable_status(resp.status)) {
      int64_t later = -1;
      if (retry.again("HTTP " + std::to_string(resp.status), false, retry_after_of(resp), &later)) {
        wipe(resp.body);
        continue;
      }
      if (later >= 0)
        fail(THREECX_E_RETRY_LATER, "token request: HTTP " + std::to_string(resp.status) +
                                        ", the server asks to wait " + std::to_string(later) +
                                        " ms, past the retry deadline");
    }
    if (resp.status == 200) retry.succeeded();
    return resp;
  }
}

HttpResponse ClientCore::send(HttpRequest &req) {
  // one snapshot of the options for the whole call, retries included
  std::shared_ptr<const ClientOptions> opts = options();
  check_scheme(*opts);
  const CallControl *ctl = req.ctl;
  const TransportOptions &opt = opts->transport;
  const bool idempotent = req.idempotent >= 0 ? req.idempotent != 0 : repeatable_request(req);
  Retrier retry(*this, opts->retry, req.method, req.url, ctl);
  bool refreshed = false;
  for (;;) {
    uint64_t gen = 0;
    // "Bearer <token>" built in one reserved buffer, moved after
    std::string bearer = tokens_.get([this, ctl] { return fetch_token(ctl); }, &gen, ctl, "Bearer ");
    req.secret_headers.clear();
    try {
      req.secret_headers.emplace_back("Authorization", std::move(bearer));
    } catch (...) {
      wipe(bearer);
      throw;
    }
    HttpResponse resp;
    try {
      resp = transport_.perform(req, opt, log_);
    } catch (const TransportError &e) {
      wipe(req.secret_headers.back().second);
      req.secret_headers.clear();
      // a request that never left may always be tried again; one that was
      // sent only if repeating it is harmless
      bool repeatable = !e.sent() || (idempotent && !req.sink);
      if (transient(e) && repeatable && retry.again(e.what(), e.code() == THREECX_E_TIMEOUT, std::nullopt))
        continue;
      if (e.sent() && !idempotent && e.code() != THREECX_E_ABORTED && e.code() != THREECX_E_PROTOCOL &&
          e.code() != THREECX_E_CANCELLED)
        fail(THREECX_E_UNCERTAIN,
             std::string(e.what()) + " - the request may or may not have been applied" +
                 (e.status() ? " (the server's answer began with HTTP " + std::to_string(e.status()) + ")"
                             : std::string()) +
                 "; it was sent once and is not repeated (threecx_request_set_idempotent)");
      throw;
    } catch (...) {  // cancelled, out of memory: the bearer copy is wiped all the same
      wipe(req.secret_headers.back().second);
      req.secret_headers.clear();
      throw;
    }
    wipe(req.secret_headers.back().second);
    req.secret_headers.clear();
    if (log_.enabled(THREECX_LOG_DEBUG))
      log_.log(THREECX_LOG_DEBUG, req.method + " " + req.url + " -> " +
                                      std::to_string(resp.status) + " (" +
                                      std::to_string(resp.elapsed_ms) +
                                      " ms)");
    if (resp.status == 401 && !refreshed) {
      log_.log(THREECX_LOG_INFO, "401 from the XAPI: refreshing the token and retrying once");
      tokens_.invalidate(gen);
      refreshed = true;
      continue;
    }
    // 429 means the request was not processed, so any method may repeat it.
    if (retryable_status(resp.status) && (idempotent || resp.status == 429) && !resp.streamed) {
      int64_t later = -1;
      if (retry.again("HTTP " + std::to_string(resp.status), false, retry_after_of(resp), &later)) continue;
      if (later >= 0) resp.retry_later_ms = later;
    }
    if (resp.status >= 200 && resp.status < 300) retry.succeeded();
    return resp;
  }
}

}  // namespace threecx
