// Private: $top/$skip paging over a collection, one page in memory.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "request/request.hpp"
#include "response/response.hpp"

typedef struct cJSON cJSON;

namespace threecx {

// One page of a collection, parsed: {"@odata.count"?: n, "value": [...]}.
struct Page {
  std::unique_ptr<cJSON, void (*)(cJSON *)> doc{nullptr, nullptr};
  cJSON *value = nullptr;         // the "value" array inside doc
  std::optional<int64_t> count;   // @odata.count when present
  int64_t items = 0;              // elements of "value"
};

// Largest @odata.count accepted: every integer up to it is exact in a
// JSON number (a double), 2^53 - 1.
constexpr int64_t kMaxODataCount = (INT64_C(1) << 53) - 1;

// Parses a page body. THREECX_E_PROTOCOL when it is not JSON, has no
// "value" array, or carries an @odata.count that is not a whole number in
// 0..kMaxODataCount (the value is named; nothing is cast unchecked). The
// message quotes the start of a non-JSON body (callers scrub it). A plain
// function of the buffer, for tests and fuzzing.
Page parse_page(const char *body, size_t size);

class Pager {
 public:
  Pager(const Request &req, int64_t page_size);
  ~Pager();
  Pager(const Pager &) = delete;
  Pager &operator=(const Pager &) = delete;

  // Next page body; nullopt at the end.
  std::optional<std::string> next_page();
  // Next item as JSON text; nullopt at the end.
  std::optional<std::string> next_item();
  std::optional<int64_t> total() const { return total_; }
  void set_cancel(std::shared_ptr<CancelToken> token) { req_.set_cancel(std::move(token)); }
  // The answer of the last fetch if it was an HTTP error (else empty).
  const std::optional<Response> &failed() const { return failed_; }

 private:
  // Fetches the next page into doc_; false at the end.
  bool fetch();
  Request req_;
  int64_t page_size_;
  int64_t offset_ = 0;
  std::optional<int64_t> limit_;  // remaining items allowed by the user's $top
  std::optional<int64_t> total_;
  bool done_ = false;
  std::string page_;        // current page's raw body
  cJSON *doc_ = nullptr;   // current page (for next_item)
  cJSON *cursor_ = nullptr;
  int mode_ = 0;  // 0 unset, 1 pages, 2 items
  std::optional<Response> failed_;
};

}  // namespace threecx
