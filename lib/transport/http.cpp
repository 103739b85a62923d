#include "transport/http.hpp"

#include <curl/curl.h>

#if LIBCURL_VERSION_NUM < 0x075000
#error "libcurl 7.80 or later is needed (CURLOPT_PREREQFUNCTION, CURLOPT_CAINFO_BLOB)"
#endif

#include <chrono>
#include <cstring>
#include <mutex>
#include <strings.h>

#include "common/error.hpp"
#include "common/secret.hpp"

namespace threecx {
namespace {

constexpr size_t kMaxIdle = 16;

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

size_t on_header(char *data, size_t size, size_t n, void *ud) {
  auto *ex = static_cast<Exchange *>(ud);
  size_t len = size * n;
  std::string_view line(data, len);
  if (line.rfind("HTTP/", 0) == 0) {
    ex->resp->headers.clear();  // a new response (after 100-continue etc.)
    return len;
  }
  try {
    std::pair<std::string, std::string> h;
    if (parse_header_line(line, &h)) ex->resp->headers.push_back(std::move(h));
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

const std::string *HttpResponse::header(const std::string &name) const {
  for (const auto &h : headers)
    if (strcasecmp(h.first.c_str(), name.c_str()) == 0) return &h.second;
  return nullptr;
}

Transport::Transport() { global_init(); }

namespace {

// A pooled easy handle with its own multi handle: the multi keeps the
// connection cache, and curl_multi_poll can be woken by a cancel token from
// another thread (curl_easy_perform cannot be interrupted promptly).
struct PooledHandle {
  CURL *easy;
  CURLM *multi;
};

void destroy(PooledHandle *h) {
  curl_easy_cleanup(h->easy);
  curl_multi_cleanup(h->multi);
  delete h;
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

}  // namespace

Transport::~Transport() {
  for (void *h : idle_) destroy(static_cast<PooledHandle *>(h));
}

void *Transport::acquire() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (!idle_.empty()) {
      void *h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  CURL *c = curl_easy_init();
  if (!c) throw std::bad_alloc();
  CURLM *m = curl_multi_init();
  if (!m) {
    curl_easy_cleanup(c);
    throw std::bad_alloc();
  }
  try {
    return new PooledHandle{c, m};
  } catch (...) {  // out of memory: neither handle may leak
    curl_multi_cleanup(m);
    curl_easy_cleanup(c);
    throw;
  }
}

void Transport::release(void *handle) {
  auto *h = static_cast<PooledHandle *>(handle);
  curl_easy_reset(h->easy);  // the connection cache is the multi's: kept
  std::lock_guard<std::mutex> lk(mu_);
  if (idle_.size() < kMaxIdle) {
    try {
      idle_.push_back(h);
      return;
    } catch (...) {
    }
  }
  destroy(h);
}

HttpResponse Transport::perform(const HttpRequest &req,
                                const TransportOptions &opt,
                                const Logger &log) {
  if (req.ctl) req.ctl->check(req.method + " " + req.url);
  auto *pooled = static_cast<PooledHandle *>(acquire());
  CURL *c = pooled->easy;
  struct Releaser {
    Transport *t;
    PooledHandle *c;
    curl_slist *headers = nullptr;
    ~Releaser() {
      // the Authorization line is in here: wipe before libcurl frees it
      for (curl_slist *n = headers; n; n = n->next) {
        volatile char *p = n->data;
        for (; *p; ++p) *p = 0;
      }
      curl_slist_free_all(headers);
      t->release(c);
    }
  } rel{this, pooled};

  HttpResponse resp;
  Exchange ex{c, &req, &resp};
  ex.max_body = opt.max_body_bytes;
  char errbuf[CURL_ERROR_SIZE] = {0};

  auto add_header = [&rel](const std::string &line) {
    curl_slist *n = curl_slist_append(rel.headers, line.c_str());
    if (!n) throw std::bad_alloc();
    rel.headers = n;
  };
  for (const auto &h : req.headers) add_header(h.first + ": " + h.second);
  for (const auto &h : req.secret_headers) {
    std::string line;  // one reserved buffer, wiped after libcurl copied it
    line.reserve(h.first.size() + 2 + h.second.size());
    line.append(h.first).append(": ").append(h.second);
    add_header(line);
    wipe(line);
  }
  add_header("Accept: application/json");
  if (req.body) add_header(std::string("Content-Type: ") + req.content_type);
  add_header("Expect:");

  must(curl_easy_setopt(c, CURLOPT_URL, req.url.c_str()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  must(curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https"));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, rel.headers);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &ex);
  curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, on_prereq);
  curl_easy_setopt(c, CURLOPT_PREREQDATA, &ex);
  must(curl_easy_setopt(c, CURLOPT_USERAGENT, opt.user_agent.c_str()));
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, opt.tls_verify ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, opt.tls_verify ? 2L : 0L);
  if (!opt.ca_file.empty()) must(curl_easy_setopt(c, CURLOPT_CAINFO, opt.ca_file.c_str()));
  if (!opt.ca_path.empty()) must(curl_easy_setopt(c, CURLOPT_CAPATH, opt.ca_path.c_str()));
  if (!opt.ca_pem.empty()) {
    curl_blob blob{const_cast<char *>(opt.ca_pem.data()), opt.ca_pem.size(), CURL_BLOB_COPY};
    must(curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob));
  }
  if (!opt.pinned_keys.empty()) must(curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, opt.pinned_keys.c_str()));
  if (opt.connect_timeout_ms > 0)
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(opt.connect_timeout_ms));
  // a per-call deadline replaces the client's total timeout
  int64_t total_ms = req.ctl && req.ctl->deadline ? req.ctl->remaining_ms() : opt.timeout_ms;
  if (total_ms > 0)
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(total_ms));
  if (opt.stall_seconds > 0 && opt.stall_bytes_per_s > 0) {
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(opt.stall_bytes_per_s));
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(opt.stall_seconds));
  }
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);

  if (req.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else {
    must(curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str()));
    if (req.body || req.method == "POST" || req.method == "PATCH" ||
        req.method == "PUT") {
      static const std::string kEmpty;
      const std::string &b = req.body ? *req.body : kEmpty;
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, b.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(b.size()));
    }
  }

  if (log.enabled(THREECX_LOG_TRACE)) {
    std::string line = "> " + req.method + " " + req.url;
    for (const auto &h : req.headers) line += "\n> " + h.first + ": " + h.second;
    for (const auto &h : req.secret_headers) line += "\n> " + h.first + ": [REDACTED]";
    if (req.body) line += "\n> (body: " + std::to_string(req.body->size()) + " bytes)";
    log.log(THREECX_LOG_TRACE, line);
  }

  auto t0 = std::chrono::steady_clock::now();
  CURLcode rc = run_transfer(pooled, req.ctl, req.method + " " + req.url);
  resp.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
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
    if (rc == CURLE_OPERATION_TIMEDOUT && std::strncmp(errbuf, "Operation too slow", 18) == 0)
      failure(THREECX_E_TIMEOUT, "stalled: fewer than " + std::to_string(opt.stall_bytes_per_s) +
                                     " bytes/s for " + std::to_string(opt.stall_seconds) +
                                     " s (threecx_client_set_stall_timeout)");
    std::string msg = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    int code = map_curl_error(rc);
    if (code == THREECX_E_TIMEOUT && req.ctl && req.ctl->deadline)
      msg += " (the call's deadline of " + std::to_string(req.ctl->deadline_ms) + " ms)";
    failure(code, msg);
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  if (log.enabled(THREECX_LOG_TRACE)) {
    std::string line = "< HTTP " + std::to_string(resp.status);
    for (const auto &h : resp.headers) line += "\n< " + h.first + ": " + h.second;
    line += "\n< (body: " + std::to_string(resp.body.size()) + " bytes" +
            (resp.streamed ? ", streamed" : "") + ")";
    log.log(THREECX_LOG_TRACE, line);
  }
  return resp;
}

}  // namespace threecx
