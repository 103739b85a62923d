#include "transport/http.hpp"

#include <curl/curl.h>

#if LIBCURL_VERSION_NUM < 0x075000
#error "libcurl 7.80 or later is needed (CURLOPT_PREREQFUNCTION, CURLOPT_CAINFO_BLOB)"
#endif

#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>
#include <strings.h>

#include "common/error.hpp"
#include "common/secret.hpp"
#include "threecx/threecx.h"

namespace threecx {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      fail(THREECX_E_INTERNAL, "curl_global_init failed");
  });
}

struct Exchange {
  CURL *curl;
  const HttpRequest *req;
  HttpResponse *resp;
  bool aborted = false;
  bool too_big = false;
  bool oom = false;  // our copy of a body or header chunk failed to allocate
  int64_t max_body = 0;
  bool status_known = false;
  bool stream = false;
  int requests = 0;          // pre-request callbacks: requests about to be sent
  bool resend_refused = false;
  int64_t received = 0;      // body bytes of this exchange (progress)
};

void report_progress(Exchange *ex, size_t len) {
  ex->received += static_cast<int64_t>(len);
  if (!ex->req->progress) return;
  curl_off_t total = -1;
  if (curl_easy_getinfo(ex->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &total) != CURLE_OK || total < 0) total = -1;
  ex->req->progress(ex->req->progress_user_data, ex->received, static_cast<int64_t>(total));
}

// Called by libcurl right before it sends a request on a connection (new
// or reused). A second call within one perform is libcurl resending on its
// own after a reused connection closed without an answer: refused, so that
// nothing is ever sent twice behind the library's back.
int on_prereq(void *ud, char *, char *, int, int) {
  auto *ex = static_cast<Exchange *>(ud);
  if (++ex->requests > 1) {
    ex->resend_refused = true;
    return CURL_PREREQFUNC_ABORT;
  }
  return CURL_PREREQFUNC_OK;
}

size_t on_body(char *data, size_t size, size_t n, void *ud) {
  auto *ex = static_cast<Exchange *>(ud);
  size_t len = size * n;
  if (!ex->status_known) {
    long code = 0;
    curl_easy_getinfo(ex->curl, CURLINFO_RESPONSE_CODE, &code);
    ex->status_known = true;
    ex->stream = ex->req->sink != nullptr && code >= 200 && code < 300;
    ex->resp->streamed = ex->stream;
  }
  if (ex->stream) {
    if (ex->req->sink(ex->req->sink_user_data,
                      reinterpret_cast<const unsigned char *>(data), len) != 0) {
      ex->aborted = true;
      return 0;  // makes curl stop with CURLE_WRITE_ERROR
    }
    report_progress(ex, len);
    return len;
  }
  if (ex->max_body > 0 && ex->resp->body.size() + len > static_cast<uint64_t>(ex->max_body)) {
    ex->too_big = true;
    return 0;  // stops the transfer: never more than the limit in memory
  }
  try {
    ex->resp->body.append(data, len);
  } catch (...) {
    ex->oom = true;
    return 0;
  }
  report_progress(ex, len);
  return len;
}

// Keeps the raw header block (one append per line, parsed on demand).
size_t on_header(char *data, size_t size, size_t n, void *ud) {
  auto *ex = static_cast<Exchange *>(ud);
  size_t len = size * n;
  if (len >= 5 && std::memcmp(data, "HTTP/", 5) == 0) {
    ex->resp->raw_headers.clear();  // a new response (after 100-continue etc.)
    return len;
  }
  if (len == 0 || data[0] == '\r' || data[0] == '\n') return len;  // the blank line
  try {
    ex->resp->raw_headers.append(data, len);
  } catch (...) {
    ex->oom = true;
    return 0;
  }
  return len;
}

// Options whose string libcurl copies fail only for lack of memory (which
// would otherwise surface later as a malformed URL or a refused protocol).
void must(CURLcode rc) {
  if (rc == CURLE_OUT_OF_MEMORY) throw std::bad_alloc();
}

int map_curl_error(CURLcode rc) {
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return THREECX_E_TIMEOUT;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_INITFAILED:
      return THREECX_E_TLS;
    case CURLE_OUT_OF_MEMORY:
      return THREECX_E_NO_MEMORY;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return THREECX_E_INVALID_DOMAIN;
    default:
      return THREECX_E_NETWORK;
  }
}

}  // namespace

bool parse_header_line(std::string_view line, std::pair<std::string, std::string> *out) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) return false;
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  size_t v = colon + 1;
  while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
  size_t end = line.size();
  while (end > v && (line[end - 1] == ' ' || line[end - 1] == '\t')) --end;
  out->first.assign(line.substr(0, colon));
  out->second.assign(line.substr(v, end - v));
  return true;
}

namespace {
// Calls fn(name, value) for each header line of `raw` until it returns true.
template <class F>
void each_header(std::string_view raw, F fn) {
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t nl = raw.find('\n', pos);
    size_t end = nl == std::string_view::npos ? raw.size() : nl + 1;
    std::string_view line = raw.substr(pos, end - pos);
    pos = end;
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    size_t v = colon + 1;
    while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
    size_t e = line.size();
    while (e > v && (line[e - 1] == ' ' || line[e - 1] == '\t')) --e;
    if (fn(line.substr(0, colon), line.substr(v, e - v))) return;
  }
}
}  // namespace

std::optional<std::string_view> HttpResponse::header(std::string_view name) const {
  std::optional<std::string_view> out;
  each_header(raw_headers, [&](std::string_view n, std::string_view v) {
    if (n.size() != name.size() || strncasecmp(n.data(), name.data(), n.size()) != 0) return false;
    out = v;
    return true;
  });
  return out;
}

std::vector<std::pair<std::string, std::string>> HttpResponse::header_list() const {
  std::vector<std::pair<std::string, std::string>> out;
  each_header(raw_headers, [&](std::string_view n, std::string_view v) {
    out.emplace_back(std::string(n), std::string(v));
    return false;
  });
  return out;
}


// A pooled handle: a multi handle (its connection cache and, since libcurl
// 7.87, its cached CA store: both kept between requests; curl_multi_poll
// can be woken by a cancel token from another thread), the easy handle
// configured once per generation of the client's options, and the state of
// the exchange in progress (the callbacks' data pointers never change).
struct PooledHandle {
  CURLM *multi = nullptr;
  CURL *configured = nullptr;  // carries every per-client option
  CURL *easy = nullptr;        // the handle of the transfer in progress
  uint64_t generation = 0;
  bool fresh = false;  // easy is a duplicate of `configured` (libcurl < 8.1)
  Exchange ex{};
  char errbuf[CURL_ERROR_SIZE] = {0};
  // header lines, NUL-separated, and the list nodes pointing into them
  // (libcurl only reads the list: no allocation per header line)
  std::string header_text;
  std::vector<curl_slist> header_nodes;
  std::chrono::steady_clock::time_point idle_since;
};

namespace {

void destroy(PooledHandle *h) {
  if (h->easy && h->easy != h->configured) curl_easy_cleanup(h->easy);
  curl_easy_cleanup(h->configured);
  curl_multi_cleanup(h->multi);
  delete h;
}

// libcurl before 8.1.0 keeps a pointer to the previous transfer's last
// stored header in a reused easy handle (freed at the next transfer's
// start): a response whose first header line starts with a blank (a folded
// line) makes it unfold into freed memory. There, every transfer runs on a
// fresh duplicate of the configured handle (whose state is clean); the
// connections and the CA store stay with the pooled multi handle.
bool reuse_is_safe() {
  static const bool safe = curl_version_info(CURLVERSION_NOW)->version_num >= 0x080100;
  return safe;
}

// Runs the transfer of `h` to completion, or until `ctl`'s token triggers
// (THREECX_E_CANCELLED: the connection is closed).
CURLcode run_transfer(PooledHandle *h, const CallControl *ctl, const std::string &what) {
  if (curl_multi_add_handle(h->multi, h->easy) != CURLM_OK)
    fail(THREECX_E_INTERNAL, "curl_multi_add_handle failed");
  CancelToken *tok = ctl && ctl->cancel ? ctl->cancel.get() : nullptr;
  struct Detach {
    PooledHandle *h;
    CancelToken *tok;
    uint64_t waker = 0;
    ~Detach() {
      if (waker) tok->remove_waker(waker);
      curl_multi_remove_handle(h->multi, h->easy);
    }
  } detach{h, tok};
  if (tok) {
    CURLM *m = h->multi;
    detach.waker = tok->add_waker([m] { curl_multi_wakeup(m); });
  }
  for (;;) {
    if (tok && tok->triggered()) fail(THREECX_E_CANCELLED, what + ": cancelled");
    int running = 0;
    CURLMcode mc = curl_multi_perform(h->multi, &running);
    if (mc != CURLM_OK) fail(THREECX_E_INTERNAL, std::string("curl_multi_perform: ") + curl_multi_strerror(mc));
    if (!running) break;
    mc = curl_multi_poll(h->multi, nullptr, 0, 1000, nullptr);
    if (mc != CURLM_OK) fail(THREECX_E_INTERNAL, std::string("curl_multi_poll: ") + curl_multi_strerror(mc));
  }
  CURLcode rc = CURLE_OK;
  int left = 0;
  while (CURLMsg *msg = curl_multi_info_read(h->multi, &left))
    if (msg->msg == CURLMSG_DONE && msg->easy_handle == h->easy) rc = msg->data.result;
  return rc;
}

// Every option that depends only on the client's options (set once per
// generation, not per request).
void configure(PooledHandle *h, CURLSH *share, const TransportOptions &opt) {
  CURL *c = h->configured;
  curl_easy_reset(c);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  must(curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https"));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &h->ex);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &h->ex);
  curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, on_prereq);
  curl_easy_setopt(c, CURLOPT_PREREQDATA, &h->ex);
  curl_easy_setopt(c, CURLOPT_SHARE, share);
  must(curl_easy_setopt(c, CURLOPT_USERAGENT, opt.user_agent.c_str()));
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, opt.tls_verify ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, opt.tls_verify ? 2L : 0L);
  if (!opt.ca_file.empty()) must(curl_easy_setopt(c, CURLOPT_CAINFO, opt.ca_file.c_str()));
  if (!opt.ca_path.empty()) must(curl_easy_setopt(c, CURLOPT_CAPATH, opt.ca_path.c_str()));
  if (!opt.ca_pem.empty()) {
    curl_blob blob{const_cast<char *>(opt.ca_pem.data()), opt.ca_pem.size(), CURL_BLOB_COPY};
    must(curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob));
  }
#if LIBCURL_VERSION_NUM >= 0x075700
  // the parsed CA store is kept by the multi handle (a blob is not cached)
  curl_easy_setopt(c, CURLOPT_CA_CACHE_TIMEOUT, 3600L);
#endif
  if (!opt.pinned_keys.empty()) must(curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, opt.pinned_keys.c_str()));
  if (opt.connect_timeout_ms > 0)
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opt.connect_timeout_ms));
  if (opt.stall_seconds > 0 && opt.stall_bytes_per_s > 0) {
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(opt.stall_bytes_per_s));
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(opt.stall_seconds));
  }
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION,
                   opt.http_version == THREECX_HTTP_1_1 ? static_cast<long>(CURL_HTTP_VERSION_1_1)
                                                        : static_cast<long>(CURL_HTTP_VERSION_2TLS));
  // HTTP/2: a transfer starting while a connection to the PBX is being set
  // up waits to learn whether it multiplexes, instead of opening its own
  // (the asynchronous API's many transfers share one connection)
  curl_easy_setopt(c, CURLOPT_PIPEWAIT, opt.http_version == THREECX_HTTP_1_1 ? 0L : 1L);
  h->generation = opt.generation;
}

void wipe_headers(PooledHandle *h) {
  volatile char *p = h->header_text.empty() ? nullptr : &h->header_text[0];
  for (size_t i = 0; i < h->header_text.size(); ++i) p[i] = 0;
  h->header_text.clear();
  h->header_nodes.clear();
}

}  // namespace

namespace {
void lock_share(CURL *, curl_lock_data data, curl_lock_access, void *self) {
  static_cast<Transport *>(self)->share_lock(data).lock();
}
void unlock_share(CURL *, curl_lock_data data, void *self) {
  static_cast<Transport *>(self)->share_lock(data).unlock();
}
}  // namespace

Transport::Transport() {
  global_init();
  CURLSH *sh = curl_share_init();
  if (!sh) throw std::bad_alloc();
  curl_share_setopt(sh, CURLSHOPT_LOCKFUNC, lock_share);
  curl_share_setopt(sh, CURLSHOPT_UNLOCKFUNC, unlock_share);
  curl_share_setopt(sh, CURLSHOPT_USERDATA, this);
  // The connection cache is not shared: libcurl does not support sharing
  // connections between concurrent threads (CURLSHOPT_SHARE(3)); each
  // pooled handle keeps its own connection alive instead.
  curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  share_ = sh;
}

Transport::~Transport() {
  for (PooledHandle *h : idle_) destroy(h);
  curl_share_cleanup(static_cast<CURLSH *>(share_));
}

PooledHandle *Transport::acquire(const TransportOptions &opt) {
  PooledHandle *h = nullptr;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (!idle_.empty()) {
      h = idle_.back();  // the most recently used: its connection is warm
      idle_.pop_back();
    }
  }
  if (!h) {
    auto fresh = std::make_unique<PooledHandle>();
    fresh->configured = curl_easy_init();
    fresh->multi = curl_multi_init();
    if (!fresh->configured || !fresh->multi) {
      if (fresh->configured) curl_easy_cleanup(fresh->configured);
      if (fresh->multi) curl_multi_cleanup(fresh->multi);
      throw std::bad_alloc();
    }
    h = fresh.release();
    h->generation = ~opt.generation;  // never matches: configured below
  }
  try {
    if (h->generation != opt.generation) configure(h, static_cast<CURLSH *>(share_), opt);
    if (reuse_is_safe()) {
      h->easy = h->configured;
      h->fresh = false;
    } else {
      h->easy = curl_easy_duphandle(h->configured);
      if (!h->easy) throw std::bad_alloc();
      h->fresh = true;
      curl_easy_setopt(h->easy, CURLOPT_SHARE, static_cast<CURLSH *>(share_));
    }
  } catch (...) {
    h->easy = nullptr;
    destroy(h);
    throw;
  }
  return h;
}

void Transport::release(PooledHandle *h) {
  if (h->fresh && h->easy) curl_easy_cleanup(h->easy);
  h->easy = nullptr;
  wipe_headers(h);
  h->ex = Exchange{};
  auto now = std::chrono::steady_clock::now();
  h->idle_since = now;
  std::vector<PooledHandle *> stale;
  {
    std::lock_guard<std::mutex> lk(mu_);
    try {
      idle_.push_back(h);
      h = nullptr;
    } catch (...) {
    }
    // the oldest first: free those idle for longer than kMaxIdle
    size_t n = 0;
    while (n < idle_.size() && now - idle_[n]->idle_since > kMaxIdle) ++n;
    if (n) {
      stale.assign(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(n));
      idle_.erase(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(n));
    }
  }
  if (h) destroy(h);
  for (PooledHandle *s : stale) destroy(s);
}

void *Transport::easy(PooledHandle *h) { return h->easy; }

PooledHandle *Transport::begin(const HttpRequest &req, const TransportOptions &opt, const Logger &log,
                               HttpResponse *resp) {
  if (req.ctl) req.ctl->check(req.method + " " + req.url);
  PooledHandle *h = acquire(opt);
  try {
    CURL *c = h->easy;
    h->ex = Exchange{c, &req, resp};
    h->ex.max_body = opt.max_body_bytes;
    h->errbuf[0] = 0;

    // The header list: one text buffer (reserved, so the Authorization
    // line is never left behind in a freed reallocation) and list nodes
    // pointing into it.
    size_t need = 64 + (req.body ? 16 + std::strlen(req.content_type) : 0);
    for (const auto &hd : req.headers) need += hd.first.size() + hd.second.size() + 3;
    for (const auto &hd : req.secret_headers) need += hd.first.size() + hd.second.size() + 3;
    if (h->header_text.capacity() < need) {
      wipe_headers(h);
      std::string fresh;
      fresh.reserve(need * 2);
      h->header_text.swap(fresh);
    }
    std::string &t = h->header_text;
    std::vector<size_t> starts;
    auto line = [&](std::string_view a, std::string_view b, bool colon) {
      starts.push_back(t.size());
      t.append(a);
      if (colon) t.append(": ");
      t.append(b);
      t.push_back('\0');
    };
    for (const auto &hd : req.headers) line(hd.first, hd.second, true);
    for (const auto &hd : req.secret_headers) line(hd.first, hd.second, true);
    line("Accept: application/json", {}, false);
    if (req.body) line("Content-Type", req.content_type, true);
    if (req.body) line("Expect:", {}, false);  // (no 100-continue wait before a body)
    h->header_nodes.resize(starts.size());
    for (size_t i = 0; i < starts.size(); ++i) {
      h->header_nodes[i].data = &t[starts[i]];
      h->header_nodes[i].next = i + 1 < starts.size() ? &h->header_nodes[i + 1] : nullptr;
    }

    must(curl_easy_setopt(c, CURLOPT_URL, req.url.c_str()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h->header_nodes.data());
    // a per-call deadline replaces the client's total timeout
    int64_t total_ms = req.ctl && req.ctl->deadline ? req.ctl->remaining_ms() : opt.timeout_ms;
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(total_ms > 0 ? total_ms : 0));
    if (req.method == "GET") {
      curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, static_cast<char *>(nullptr));
    } else {
      if (req.body || req.method == "POST" || req.method == "PATCH" || req.method == "PUT") {
        static const std::string kEmpty;
        const std::string &b = req.body ? *req.body : kEmpty;
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(b.size()));
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, b.data());
      } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
      }
      must(curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str()));
    }

    if (log.enabled(THREECX_LOG_TRACE)) {
      std::string l = "> " + req.method + " " + req.url;
      for (const auto &hd : req.headers) l += "\n> " + hd.first + ": " + hd.second;
      for (const auto &hd : req.secret_headers) l += "\n> " + hd.first + ": [REDACTED]";
      if (req.body) l += "\n> (body: " + std::to_string(req.body->size()) + " bytes)";
      log.log(THREECX_LOG_TRACE, l);
    }
  } catch (...) {
    release(h);
    throw;
  }
  return h;
}

void Transport::finish(PooledHandle *h, int curl_code, const TransportOptions &opt, const Logger &log) {
  auto rc = static_cast<CURLcode>(curl_code);
  CURL *c = h->easy;
  const Exchange &ex = h->ex;
  const HttpRequest &req = *ex.req;
  HttpResponse &resp = *ex.resp;
  if (rc != CURLE_OK) {
    if (ex.oom) throw std::bad_alloc();
    long seen = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &seen);
    const bool sent = ex.requests > 0;
    auto failure = [&](int code, const std::string &msg) {
      throw TransportError(code, req.method + " " + req.url + ": " + msg, sent, seen);
    };
    if (ex.aborted) failure(THREECX_E_ABORTED, "the write callback stopped the transfer");
    if (ex.too_big)
      failure(THREECX_E_PROTOCOL, "the response body is larger than " +
                                      std::to_string(opt.max_body_bytes) +
                                      " bytes (threecx_client_set_max_response_bytes)");
    if (ex.resend_refused)
      failure(THREECX_E_NETWORK,
              "the connection closed without an answer (a reused keep-alive connection)");
    if (rc == CURLE_OPERATION_TIMEDOUT && std::strncmp(h->errbuf, "Operation too slow", 18) == 0)
      failure(THREECX_E_TIMEOUT, "stalled: fewer than " + std::to_string(opt.stall_bytes_per_s) +
                                     " bytes/s for " + std::to_string(opt.stall_seconds) +
                                     " s (threecx_client_set_stall_timeout)");
    std::string msg = h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc);
    int code = map_curl_error(rc);
    if (code == THREECX_E_TIMEOUT && req.ctl && req.ctl->deadline)
      msg += " (the call's deadline of " + std::to_string(req.ctl->deadline_ms) + " ms)";
    failure(code, msg);
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  if (log.enabled(THREECX_LOG_TRACE)) {
    std::string line = "< HTTP " + std::to_string(resp.status);
    for (const auto &hd : resp.header_list()) line += "\n< " + hd.first + ": " + hd.second;
    line += "\n< (body: " + std::to_string(resp.body.size()) + " bytes" +
            (resp.streamed ? ", streamed" : "") + ")";
    log.log(THREECX_LOG_TRACE, line);
  }
}

void Transport::end(PooledHandle *h) { release(h); }

HttpResponse Transport::perform(const HttpRequest &req, const TransportOptions &opt, const Logger &log) {
  HttpResponse resp;
  PooledHandle *h = begin(req, opt, log, &resp);
  struct Releaser {
    Transport *t;
    PooledHandle *h;
    ~Releaser() { t->release(h); }
  } rel{this, h};
  auto t0 = std::chrono::steady_clock::now();
  CURLcode rc = run_transfer(h, req.ctl, req.method + " " + req.url);
  resp.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  finish(h, rc, opt, log);
  return resp;
}

}  // namespace threecx
