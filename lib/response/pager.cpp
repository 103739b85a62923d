#include "response/pager.hpp"

#include <cjson/cJSON.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "common/error.hpp"
#include "common/scrub.hpp"
#include "request/json.hpp"

namespace threecx {

Page parse_page(const char *body, size_t size) {
  Page p;
  p.doc = std::unique_ptr<cJSON, void (*)(cJSON *)>(parse_json(std::string_view(body, size)), cJSON_Delete);  // std::bad_alloc when cJSON ran out of memory
  if (!p.doc)
    fail(THREECX_E_PROTOCOL, "pager: the page is not JSON: " + body_excerpt(body, size));
  p.value = cJSON_GetObjectItemCaseSensitive(p.doc.get(), "value");
  if (!cJSON_IsArray(p.value)) fail(THREECX_E_PROTOCOL, "pager: the page has no \"value\" array");
  const cJSON *count = cJSON_GetObjectItemCaseSensitive(p.doc.get(), "@odata.count");
  if (count && !cJSON_IsNull(count)) {
    double d = cJSON_IsNumber(count) ? count->valuedouble : -1;
    if (!cJSON_IsNumber(count) || !(d >= 0 && d <= static_cast<double>(kMaxODataCount)) ||
        static_cast<double>(static_cast<int64_t>(d)) != d) {  // cast only once in range
      std::string shown;
      if (char *s = cJSON_PrintUnformatted(count)) {
        shown.assign(s, std::min<size_t>(std::strlen(s), 40));
        cJSON_free(s);
      }
      fail(THREECX_E_PROTOCOL, "pager: @odata.count " + shown + " is not a whole number in 0.." +
                                   std::to_string(kMaxODataCount));
    }
    p.count = static_cast<int64_t>(d);
  }
  p.items = cJSON_GetArraySize(p.value);
  return p;
}

Pager::Pager(const Request &req, int64_t page_size) : req_(req), page_size_(page_size) {
  if (page_size <= 0) fail(THREECX_E_INVALID_ARGUMENT, "page size must be > 0");
  if (req.method() != "GET") fail(THREECX_E_INVALID_ARGUMENT, "a pager needs a GET request");
  Query &q = req_.mutable_query();
  if (const auto &skip = q.get(Query::kSkip)) offset_ = std::stoll(*skip);
  if (const auto &top = q.get(Query::kTop)) limit_ = std::stoll(*top);
  q.put(Query::kCount, "true");
}

Pager::~Pager() { cJSON_Delete(doc_); }

bool Pager::fetch() {
  failed_.reset();
  cJSON_Delete(doc_);
  doc_ = nullptr;
  cursor_ = nullptr;
  if (done_) return false;
  if (limit_ && *limit_ <= 0) {
    done_ = true;
    return false;
  }
  int64_t want = limit_ ? std::min(page_size_, *limit_) : page_size_;
  Query &q = req_.mutable_query();
  q.put(Query::kSkip, std::to_string(offset_));
  q.put(Query::kTop, std::to_string(want));
  Response r = req_.send();
  if (!r.ok()) {
    failed_ = r;  // for threecx_pager_last_response
    if (r.retry_later_ms() >= 0)
      fail(THREECX_E_RETRY_LATER, req_.scrub(r.describe("pager")) + " - the server asks to retry in " +
                                      std::to_string(r.retry_later_ms()) + " ms, past the retry deadline");
    fail(THREECX_E_HTTP, req_.scrub(r.describe("pager")));
  }
  Page page;
  try {
    page = parse_page(r.body().data(), r.body().size());
  } catch (const Error &e) {
    fail(e.code(), req_.scrub(e.what()));
  }
  if (page.count) total_ = page.count;
  int64_t n = page.items;
  cJSON *value = page.value;
  doc_ = page.doc.release();
  offset_ += n;
  if (limit_) *limit_ -= n;
  // With @odata.count known, a short page (a server-side cap) does not end
  // the walk; without it, a short page does.
  bool end = total_ ? (offset_ >= *total_ || n == 0) : n < want;
  if (end || (limit_ && *limit_ <= 0)) done_ = true;
  page_ = r.body();
  cursor_ = value->child;
  return n > 0;
}

std::optional<std::string> Pager::next_page() {
  if (mode_ == 2) fail(THREECX_E_STATE, "pager: next_page after next_item");
  mode_ = 1;
  if (!fetch()) return std::nullopt;
  std::string out = std::move(page_);
  cJSON_Delete(doc_);
  doc_ = nullptr;
  cursor_ = nullptr;
  return out;
}

std::optional<std::string> Pager::next_item() {
  if (mode_ == 1) fail(THREECX_E_STATE, "pager: next_item after next_page");
  mode_ = 2;
  while (!cursor_) {
    if (!fetch()) return std::nullopt;
  }
  std::unique_ptr<char, void (*)(void *)> s(cJSON_PrintUnformatted(cursor_), cJSON_free);
  if (!s) throw std::bad_alloc();
  std::string out(s.get());  // may throw: s is freed anyway
  cursor_ = cursor_->next;
  return out;
}

}  // namespace threecx
