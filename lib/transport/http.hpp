// Private: one HTTP exchange over libcurl, with a pool of reusable handles
// (so connections and TLS sessions are kept alive between requests).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/cancel.hpp"
#include "common/log.hpp"
#include "threecx/catalog.h"

namespace threecx {

struct TransportOptions {
  std::string ca_file, ca_path, user_agent;
  int64_t connect_timeout_ms = 0, timeout_ms = 0;
  int64_t max_body_bytes = 0;  // buffered bodies only; 0 = no limit
  bool tls_verify = true;
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
  // Cancel token and deadline of the call (may be null).
  const CallControl *ctl = nullptr;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool streamed = false;
  double seconds = 0;
  // Case-insensitive look-up; nullptr when absent.
  const std::string *header(const std::string &name) const;
};

class Transport {
 public:
  Transport();
  ~Transport();
  Transport(const Transport &) = delete;
  Transport &operator=(const Transport &) = delete;

  // Performs the exchange. Throws Error(NETWORK/TLS/TIMEOUT/ABORTED/
  // CANCELLED/...) when no HTTP answer was received. req.ctl's deadline
  // replaces opt.timeout_ms; its token aborts the transfer when triggered.
  HttpResponse perform(const HttpRequest &req, const TransportOptions &opt,
                       const Logger &log);

 private:
  void *acquire();
  void release(void *handle);
  std::mutex mu_;
  std::vector<void *> idle_;
};

}  // namespace threecx
