// Private: one HTTP exchange over libcurl, with a pool of reusable handles
// (so connections and TLS sessions are kept alive between requests).
#pragma once

#include <cstdint>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/cancel.hpp"
#include "common/error.hpp"
#include "common/log.hpp"
#include "threecx/catalog.h"

namespace threecx {

struct TransportOptions {
  std::string ca_file, ca_path, user_agent;
  std::string ca_pem;       // CA bundle from memory (CURLOPT_CAINFO_BLOB)
  std::string pinned_keys;  // "sha256//...;sha256//..." (CURLOPT_PINNEDPUBLICKEY)
  int64_t connect_timeout_ms = 10000, timeout_ms = 0;
  // stall detector: abort when fewer than stall_bytes_per_s arrive per
  // second over stall_seconds (CURLOPT_LOW_SPEED_*); 0 seconds = off
  int64_t stall_bytes_per_s = 1, stall_seconds = 60;
  int64_t max_body_bytes = 0;  // buffered bodies only; 0 = no limit
  bool tls_verify = true;
  int http_version = 2;  // THREECX_HTTP_1_1 or THREECX_HTTP_2
  // Changes whenever any option above changes: a pooled handle configured
  // for another generation is configured again.
  uint64_t generation = 0;
};

struct HttpRequest {
  std::string method, url;
  std::vector<std::pair<std::string, std::string>> headers;
  // Header values that must never be logged (Authorization).
  std::vector<std::pair<std::string, std::string>> secret_headers;
  const std::string *body = nullptr;  // may be null
  const char *content_type = "application/json";
  // Streams 2xx bodies here instead of buffering them.
  threecx_write_fn sink = nullptr;
  void *sink_user_data = nullptr;
  // Told of every body chunk: bytes so far, Content-Length or -1.
  threecx_progress_fn progress = nullptr;
  void *progress_user_data = nullptr;
  // Cancel token and deadline of the call (may be null).
  const CallControl *ctl = nullptr;
  // 1: may be sent again (retries), 0: at most once, -1: by method (GET,
  // PUT, DELETE with If-Match). See ClientCore::send.
  int idempotent = -1;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  // The final response's header lines as received ("Name: value\r\n"
  // each), parsed on demand (header(), header_list()).
  std::string raw_headers;
  bool streamed = false;
  int64_t elapsed_ms = 0;  // time of the exchange
  // >= 0: the server's Retry-After (ms) that ends past the retry deadline,
  // so no retry was made (THREECX_E_RETRY_LATER).
  int64_t retry_later_ms = -1;
  // Case-insensitive look-up of the first header of that name, a view
  // into raw_headers; nullopt when absent. Reads only: any number of
  // threads may call it on one response.
  std::optional<std::string_view> header(std::string_view name) const;
  // Every header line parsed (name, value), in order.
  std::vector<std::pair<std::string, std::string>> header_list() const;
};

// One response header line as libcurl delivers it ("Name: value\r\n"):
// name and value with surrounding blanks and the line end removed. false
// for a status line, a blank line or a line without a name. A plain
// function of the buffer (tests, fuzzing); values such as ETag and
// X-3CX-Version are taken verbatim, Retry-After is parsed by
// parse_retry_after (transport/retry.hpp).
bool parse_header_line(std::string_view line, std::pair<std::string, std::string> *out);

// A failed exchange (no complete HTTP answer), with what is known about
// how far it got: whether the request may have reached the server.
class TransportError : public Error {
 public:
  TransportError(int code, std::string message, bool sent, long status)
      : Error(code, std::move(message)), sent_(sent), status_(status) {}
  // false: nothing was sent (DNS, connect, TLS handshake failed), so the
  // request cannot have been applied.
  bool sent() const noexcept { return sent_; }
  // The status line's code if one arrived before the failure, else 0.
  long status() const noexcept { return status_; }

 private:
  bool sent_;
  long status_;
};

struct PooledHandle;

// A request prepared on a pooled handle, for a caller driving its own multi
// handle (the asynchronous API): begin() sets it up, the caller adds
// easy() to its multi, and on completion passes libcurl's result to
// finish(), which returns normally for a complete answer (in *resp) and
// throws TransportError (or Error) as perform() does. end() gives the
// handle back (after curl_multi_remove_handle).
class Transport {
 public:
  Transport();
  ~Transport();
  Transport(const Transport &) = delete;
  Transport &operator=(const Transport &) = delete;

  // Performs the exchange, sending the request at most once: libcurl's own
  // resend of a request whose reused connection died without an answer is
  // refused (a pre-request callback that lets one request through), so
  // every repetition is the caller's decision. Throws TransportError
  // (NETWORK/TLS/TIMEOUT/ABORTED/...) when no complete answer arrived.
  // req.ctl's deadline replaces opt.timeout_ms; its token aborts the
  // transfer when triggered (Error CANCELLED).
  HttpResponse perform(const HttpRequest &req, const TransportOptions &opt,
                       const Logger &log);

  // The split form of perform() (see above). `req` and `resp` must outlive
  // the transfer.
  PooledHandle *begin(const HttpRequest &req, const TransportOptions &opt,
                      const Logger &log, HttpResponse *resp);
  static void *easy(PooledHandle *h);
  void finish(PooledHandle *h, int curl_code, const TransportOptions &opt,
              const Logger &log);
  void end(PooledHandle *h);

  // Handles idle longer than this are freed (with their connections).
  static constexpr std::chrono::seconds kMaxIdle{60};

 private:
  PooledHandle *acquire(const TransportOptions &opt);
  void release(PooledHandle *handle);
  void *share_;  // CURLSH: DNS cache and TLS sessions of every handle
  std::mutex share_mu_[8];

 public:
  std::mutex &share_lock(int data) { return share_mu_[static_cast<unsigned>(data) % 8]; }

 private:
  std::mutex mu_;
  std::vector<PooledHandle *> idle_;  // oldest first
};

}  // namespace threecx
