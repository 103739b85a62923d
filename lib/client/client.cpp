#include <cstdint>
#include "client/client.hpp"

#include <cjson/cJSON.h>

#include <cctype>
#include <chrono>
#include <random>
#include <thread>
#include <cstring>

#include "common/error.hpp"
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

ClientCore::ClientCore(Endpoint ep, std::string client_id, std::string api_key)
    : ep_(std::move(ep)), client_id_(std::move(client_id)), api_key_(api_key) {
  wipe(api_key);
  topt_.user_agent = std::string("libthreecx/") + THREECX_VERSION;
  log_.add_secret(api_key_.view());
}

ClientCore::~ClientCore() = default;

void ClientCore::set_ca_file(const char *path) {
  std::lock_guard<std::mutex> lk(mu_);
  topt_.ca_file = path ? path : "";
}
void ClientCore::set_ca_path(const char *dir) {
  std::lock_guard<std::mutex> lk(mu_);
  topt_.ca_path = dir ? dir : "";
}
namespace {
// The longest timeout, delay or deadline accepted: what a 32-bit long (the
// type libcurl takes) holds, about 24.8 days; no time computation overflows.
constexpr int64_t kMaxMs = INT32_MAX;
}  // namespace

void ClientCore::set_connect_timeout_ms(int64_t ms) {
  if (ms < 0 || ms > kMaxMs) fail(THREECX_E_INVALID_ARGUMENT, "connect timeout must be 0..2147483647 ms");
  std::lock_guard<std::mutex> lk(mu_);
  topt_.connect_timeout_ms = ms;
}
void ClientCore::set_timeout_ms(int64_t ms) {
  if (ms < 0 || ms > kMaxMs) fail(THREECX_E_INVALID_ARGUMENT, "timeout must be 0..2147483647 ms");
  std::lock_guard<std::mutex> lk(mu_);
  topt_.timeout_ms = ms;
}
void ClientCore::set_max_response_bytes(int64_t bytes) {
  if (bytes < 0) fail(THREECX_E_INVALID_ARGUMENT, "maximum response size must be >= 0");
  std::lock_guard<std::mutex> lk(mu_);
  topt_.max_body_bytes = bytes;
}
void ClientCore::set_user_agent(const char *ua) {
  std::string v = ua ? ua : std::string("libthreecx/") + THREECX_VERSION;
  for (char c : v)
    if (c == '\r' || c == '\n') fail(THREECX_E_INVALID_ARGUMENT, "user agent contains CR/LF");
  std::lock_guard<std::mutex> lk(mu_);
  topt_.user_agent = v;
}
void ClientCore::allow_http(bool allow) {
  std::lock_guard<std::mutex> lk(mu_);
  allow_http_ = allow;
}
void ClientCore::set_tls_verify(bool verify) {
  std::lock_guard<std::mutex> lk(mu_);
  topt_.tls_verify = verify;
}
void ClientCore::set_retry(const RetryPolicy &p) {
  auto bad_ms = [](int64_t ms) { return ms < 0 || ms > kMaxMs; };
  if (p.max_retries < 0 || p.max_retries > 100 || bad_ms(p.base_delay_ms) || bad_ms(p.max_delay_ms) ||
      bad_ms(p.deadline_ms))
    fail(THREECX_E_INVALID_ARGUMENT,
         "retry: 0..100 retries, delays and deadline 0..2147483647 ms");
  std::lock_guard<std::mutex> lk(mu_);
  retry_ = p;
}

void ClientCore::set_refresh_margin(int64_t seconds) {
  tokens_.set_margin(seconds < 0 ? -1 : seconds);
}

std::string ClientCore::base_url() const {
  std::lock_guard<std::mutex> lk(mu_);
  return ep_.scheme + "://" + ep_.authority + "/xapi/v1";
}

TransportOptions ClientCore::transport_options() const {
  std::lock_guard<std::mutex> lk(mu_);
  return topt_;
}

void ClientCore::check_scheme() const {
  std::lock_guard<std::mutex> lk(mu_);
  if (ep_.scheme == "http" && !allow_http_)
    fail(THREECX_E_INSECURE,
         "plain http:// would send the API key unencrypted; call "
         "threecx_client_allow_http(client, 1) to permit it");
}

Token ClientCore::fetch_token(const CallControl *ctl) {
  check_scheme();
  TransportOptions opt = transport_options();
  std::string url;
  {
    std::lock_guard<std::mutex> lk(mu_);
    url = ep_.scheme + "://" + ep_.authority + "/connect/token";
  }
  if (!opt.tls_verify)
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
  resp = transport_.perform(req, opt, log_);

  cJSON *j = cJSON_ParseWithLength(resp.body.data(), resp.body.size());
  struct Del {
    cJSON *j;
    ~Del() { cJSON_Delete(j); }
  } del{j};
  if (resp.status != 200) {
    std::string msg = std::string(resp.status >= 500 ? "token request failed" : "token request refused") +
                      ": HTTP " + std::to_string(resp.status);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "error_description");
    if (cJSON_IsString(e)) msg += std::string(": ") + e->valuestring;
    if (cJSON_IsString(d)) msg += std::string(": ") + d->valuestring;
    log_.log(THREECX_LOG_ERROR, msg);
    // THREECX_E_AUTH for any status: E_HTTP promises an XAPI response to
    // the caller, and this is the token endpoint's (the message has it)
    fail(THREECX_E_AUTH, log_.scrub(msg));
  }
  const cJSON *at = cJSON_GetObjectItemCaseSensitive(j, "access_token");
  if (!cJSON_IsString(at) || at->valuestring[0] == '\0')
    fail(THREECX_E_PROTOCOL, "token response carries no access_token");
  Token t;
  t.access_token = at->valuestring;
  // wipe the copy inside the parsed document
  std::memset(at->valuestring, 0, t.access_token.size());
  const cJSON *ex = cJSON_GetObjectItemCaseSensitive(j, "expires_in");
  if (cJSON_IsNumber(ex) && ex->valuedouble > 0) {
    t.lifetime_s = static_cast<int64_t>(ex->valuedouble);
  } else {
    t.lifetime_s = 3600;
    log_.log(THREECX_LOG_WARN, "token response has no expires_in; assuming 3600 s");
  }
  {
    std::lock_guard<std::mutex> lk(mu_);
    log_.remove_secret(logged_token_.view());
    logged_token_.assign(t.access_token);
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

HttpResponse ClientCore::send(HttpRequest &req) {
  check_scheme();
  const CallControl *ctl = req.ctl;
  TransportOptions opt = transport_options();
  RetryPolicy policy;
  {
    std::lock_guard<std::mutex> lk(mu_);
    policy = retry_;
  }
  const bool idempotent = idempotent_method(req.method);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::milliseconds(policy.deadline_ms);
  int retries = 0;
  bool refreshed = false;
  // Waits before the next try if the policy and the deadline allow it.
  auto may_retry = [&](std::optional<int64_t> retry_after_ms, const std::string &why) {
    if (retries >= policy.max_retries) return false;
    int64_t ms = retry_delay_ms(policy, retries + 1, retry_after_ms, jitter_random());
    auto wake = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    if (wake > deadline || (ctl && ctl->deadline && wake > *ctl->deadline)) return false;
    ++retries;
    log_.log(THREECX_LOG_INFO, req.method + " " + req.url + ": " + why + "; retry " +
                                   std::to_string(retries) + " in " + std::to_string(ms) + " ms");
    if (ctl && ctl->cancel) {
      if (!ctl->cancel->sleep_for(std::chrono::milliseconds(ms)))
        fail(THREECX_E_CANCELLED, req.method + " " + req.url + ": cancelled");
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    }
    return true;
  };
  for (;;) {
    uint64_t gen = 0;
    std::string tok = token(&gen, ctl);
    req.secret_headers.clear();
    std::string bearer;  // reserved: the token is copied once, moved after
    bearer.reserve(7 + tok.size());
    bearer.append("Bearer ").append(tok);
    req.secret_headers.emplace_back("Authorization", std::move(bearer));
    wipe(tok);
    HttpResponse resp;
    try {
      resp = transport_.perform(req, opt, log_);
    } catch (const Error &e) {
      wipe(req.secret_headers.back().second);
      req.secret_headers.clear();
      bool transient = e.code() == THREECX_E_NETWORK || e.code() == THREECX_E_TIMEOUT;
      if (transient && idempotent && !req.sink && may_retry(std::nullopt, e.what())) continue;
      throw;
    }
    wipe(req.secret_headers.back().second);
    req.secret_headers.clear();
    if (log_.enabled(THREECX_LOG_DEBUG))
      log_.log(THREECX_LOG_DEBUG, req.method + " " + req.url + " -> " +
                                      std::to_string(resp.status) + " (" +
                                      std::to_string(static_cast<long>(resp.seconds * 1000)) +
                                      " ms)");
    if (resp.status == 401 && !refreshed) {
      log_.log(THREECX_LOG_INFO, "401 from the XAPI: refreshing the token and retrying once");
      tokens_.invalidate(gen);
      refreshed = true;
      continue;
    }
    // 429 means the request was not processed, so any method may repeat it.
    if (retryable_status(resp.status) && (idempotent || resp.status == 429) && !resp.streamed) {
      std::optional<int64_t> after;
      if (const std::string *ra = resp.header("Retry-After"))
        after = parse_retry_after(*ra, std::time(nullptr));
      if (may_retry(after, "HTTP " + std::to_string(resp.status))) continue;
    }
    return resp;
  }
}

}  // namespace threecx
