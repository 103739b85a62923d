// Private: $top/$skip paging over a collection, one page in memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "request/request.hpp"
#include "response/response.hpp"

typedef struct cJSON cJSON;

namespace threecx {

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
