// Private: an answer of the XAPI and its OData error.
#pragma once

#include <optional>
#include <string>

#include "transport/http.hpp"

namespace threecx {

struct ODataError {
  std::string code, message, details;  // details: JSON array text
};

// Parses {"error":{"code","message","details":[...]}}; nullopt if the body
// is not an OData error.
std::optional<ODataError> parse_odata_error(const std::string &body);

class Response {
 public:
  explicit Response(HttpResponse http) : http_(std::move(http)) {
    if (!ok()) error_ = parse_odata_error(http_.body);
  }
  bool ok() const { return http_.status >= 200 && http_.status < 300; }
  long status() const { return http_.status; }
  const std::string &body() const { return http_.body; }
  // Moves the body out (the response keeps an empty one).
  std::string release_body() { return std::move(http_.body); }
  const std::string *header(const std::string &name) const { return http_.header(name); }
  const std::vector<std::pair<std::string, std::string>> &headers() const { return http_.headers; }
  const std::optional<ODataError> &error() const { return error_; }
  // Passes the OData error's code, message and details through `scrub`
  // (the client's: they are server text handed out as error text).
  template <class F>
  void scrub_error(F &&scrub) {
    if (!error_) return;
    error_->code = scrub(std::move(error_->code));
    error_->message = scrub(std::move(error_->message));
    error_->details = scrub(std::move(error_->details));
  }
  // The server's Retry-After past the retry deadline (no retry made), or -1.
  int64_t retry_later_ms() const { return http_.retry_later_ms; }
  // "HTTP 404 (NotFound): message" for the thread's last error. Quotes the
  // server: pass it through the client's scrubber (Request::scrub).
  std::string describe(const std::string &what) const;

 private:
  HttpResponse http_;
  std::optional<ODataError> error_;
};

}  // namespace threecx
