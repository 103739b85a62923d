// Private: an answer of the XAPI and its OData error.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "transport/http.hpp"

namespace threecx {

struct ODataError {
  std::string code, message, details;  // details: JSON array text
};

// Parses {"error":{"code","message","details":[...]}}; nullopt if the body
// is not an OData error.
std::optional<ODataError> parse_odata_error(const std::string &body);

// The parsed header list of a response, made on first use. Safe for
// concurrent readers (the first complete parse is published with a
// compare-and-swap); a copy starts empty and parses again.
class HeaderCache {
 public:
  using List = std::vector<std::pair<std::string, std::string>>;
  HeaderCache() = default;
  HeaderCache(const HeaderCache &) {}
  HeaderCache(HeaderCache &&o) noexcept : list_(o.list_.exchange(nullptr)) {}
  HeaderCache &operator=(const HeaderCache &o) {
    if (this != &o) reset();
    return *this;
  }
  HeaderCache &operator=(HeaderCache &&o) noexcept {
    if (this != &o) {
      reset();
      list_ = o.list_.exchange(nullptr);
    }
    return *this;
  }
  ~HeaderCache() { reset(); }
  const List &get(const HttpResponse &http) const {
    if (const List *l = list_.load(std::memory_order_acquire)) return *l;
    auto fresh = std::make_unique<List>(http.header_list());
    const List *expected = nullptr;
    if (list_.compare_exchange_strong(expected, fresh.get(), std::memory_order_acq_rel))
      return *fresh.release();
    return *expected;  // another thread's parse won
  }

 private:
  void reset() { delete list_.exchange(nullptr); }
  mutable std::atomic<const List *> list_{nullptr};
};

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
  std::optional<std::string_view> header(std::string_view name) const { return http_.header(name); }
  const HttpResponse &http() const { return http_; }
  // Every header (name, value) in order: parsed from the raw block on
  // first use (any thread; the parse is published once), kept with the
  // response, so the strings stay valid as long as it does.
  const std::vector<std::pair<std::string, std::string>> &headers() const { return headers_.get(http_); }
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
  HeaderCache headers_;
};

}  // namespace threecx
