// Private: $top/$skip paging over a collection, one page in memory.
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "request/request.hpp"
#include "response/response.hpp"

namespace threecx {

// One page of a collection, scanned in place (nothing allocated):
// {"@odata.count"?: n, "value": [...]}.
struct Page {
  std::optional<int64_t> count;  // @odata.count when present (and not null)
  int64_t items = 0;             // elements of "value"
  size_t first = 0;              // offset of the first element (if items)
};

// Largest @odata.count accepted: every integer up to it is exact in a
// JSON number (a double), 2^53 - 1.
constexpr int64_t kMaxODataCount = (INT64_C(1) << 53) - 1;

// Scans a page body. THREECX_E_PROTOCOL when it is not JSON (RFC 8259, the
// whole text one value), has no "value" array, or carries an @odata.count
// that is not a whole number in 0..kMaxODataCount (the value is named;
// nothing is cast unchecked). The message quotes the start of a non-JSON
// body (callers scrub it). A plain function of the buffer, for tests and
// fuzzing.
Page parse_page(const char *body, size_t size);

// The item at *cursor of a page parse_page accepted (its first item is at
// Page::first), NUL-terminated in place; *cursor moves to the next item
// unless `last`. Nothing is allocated.
std::string_view take_item(std::string &text, size_t *cursor, bool last) noexcept;

class Pager {
 public:
  Pager(const Request &req, int64_t page_size);
  ~Pager();
  Pager(const Pager &) = delete;
  Pager &operator=(const Pager &) = delete;

  // Next page body; nullopt at the end.
  std::optional<std::string> next_page();
  // Next item: a span of the current page's text, NUL-terminated in place,
  // valid until the next call on the pager; nullopt at the end.
  std::optional<std::string_view> next_item();
  std::optional<int64_t> total() const { return total_; }
  void set_cancel(std::shared_ptr<CancelToken> token) { req_.set_cancel(std::move(token)); }
  // Fetch page N+1 on a thread of its own while page N is consumed.
  void set_prefetch(bool on) { prefetch_ = on; }
  // The answer of the last fetch if it was an HTTP error (else empty).
  const std::optional<Response> &failed() const { return failed_; }

 private:
  // The background fetcher (prefetch).
  struct Ahead;
  // Fetches the next page into page_; false at the end.
  bool fetch();
  void launch_prefetch();
  // Waits for the fetch in flight (ahead_->job) and ends it.
  void collect_prefetch() noexcept;
  Request req_;
  int64_t page_size_;
  int64_t offset_ = 0;
  std::optional<int64_t> limit_;  // remaining items allowed by the user's $top
  std::optional<int64_t> total_;
  bool done_ = false;
  std::string page_;         // current page's text
  size_t cursor_ = 0;        // next item's offset in page_ (item mode)
  int64_t left_ = 0;         // items of page_ not handed out yet
  int mode_ = 0;  // 0 unset, 1 pages, 2 items
  bool prefetch_ = false;
  std::unique_ptr<Ahead> ahead_;
  std::optional<Response> failed_;
};

}  // namespace threecx
