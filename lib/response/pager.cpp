#include "response/pager.hpp"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <cstring>
#include <memory>
#include <system_error>

#include "common/error.hpp"
#include "common/scrub.hpp"
#include "request/json.hpp"

namespace threecx {

Page parse_page(const char *body, size_t size) {
  std::string_view text(body, size);
  CollectionScan scan;
  JsonError err;
  if (!scan_collection(text, &scan, &err))
    fail(THREECX_E_PROTOCOL, std::string("pager: the page is not JSON (") + err.why + " at byte " +
                                 std::to_string(err.offset) + "): " + body_excerpt(body, size));
  if (!scan.has_value) fail(THREECX_E_PROTOCOL, "pager: the page has no \"value\" array");
  Page p;
  if (scan.has_count && scan.count != "null") {
    // checked as a double before any conversion (as cJSON would read it):
    // fractions, negative, huge and non-numbers refused, never cast
    std::string_view c = scan.count;
    double d = -1;
    bool number = c[0] == '-' || (c[0] >= '0' && c[0] <= '9');
    if (number) {
      auto r = std::from_chars(c.data(), c.data() + c.size(), d);
      if (r.ec != std::errc() || r.ptr != c.data() + c.size()) d = -1;
    }
    if (!number || !(d >= 0 && d <= static_cast<double>(kMaxODataCount)) ||
        static_cast<double>(static_cast<int64_t>(d)) != d)  // cast only once in range
      fail(THREECX_E_PROTOCOL, "pager: @odata.count " + std::string(c.substr(0, 40)) +
                                   " is not a whole number in 0.." + std::to_string(kMaxODataCount));
    p.count = static_cast<int64_t>(d);
  }
  p.items = static_cast<int64_t>(scan.items);
  p.first = scan.first;
  return p;
}

std::string_view take_item(std::string &text, size_t *cursor, bool last) noexcept {
  // the page was validated when fetched: its items are only skipped here
  size_t start = *cursor, end = json_skip_value(text, start), n = text.size(), next = end;
  if (!last) {
    auto blanks = [&] {
      while (next < n && (text[next] == ' ' || text[next] == '\t' || text[next] == '\n' || text[next] == '\r'))
        ++next;
    };
    blanks();
    if (next < n && text[next] == ',') ++next;
    blanks();
  }
  *cursor = next;
  // the byte after an item (',', ']' or a blank) is no longer needed
  if (end < n) text[end] = '\0';
  return std::string_view(text.data() + start, end - start);
}

namespace {

struct Fetched {
  std::string text;
  Page page;
};

// Sends the page request (`skip`, `top`) and scans the answer. An HTTP
// error's answer goes to *failed.
Fetched fetch_one(Request &req, int64_t skip, int64_t top, std::optional<Response> *failed) {
  Query &q = req.mutable_query();
  q.put(Query::kSkip, std::to_string(skip));
  q.put(Query::kTop, std::to_string(top));
  Response r = req.send();
  if (!r.ok()) {
    std::string msg = req.scrub(r.describe("pager"));
    int64_t later = r.retry_later_ms();
    *failed = std::move(r);  // for threecx_pager_last_response
    if (later >= 0)
      fail(THREECX_E_RETRY_LATER, msg + " - the server asks to retry in " + std::to_string(later) +
                                      " ms, past the retry deadline");
    fail(THREECX_E_HTTP, msg);
  }
  Fetched f;
  f.text = r.release_body();  // moved: the transfer's buffer is the page
  try {
    f.page = parse_page(f.text.data(), f.text.size());
  } catch (const Error &e) {
    fail(e.code(), req.scrub(e.what()));
  }
  return f;
}

}  // namespace

// The background fetcher (prefetch): one thread for the pager's life,
// started by the first prefetch, fetching one page at a time with its own
// copy of the request. Each fetch has its own cancel token `stop`,
// triggered by the pager's token (a waker) and by the pager's destructor.
struct Pager::Ahead {
  explicit Ahead(const Request &r) : req(r) {}
  Request req;
  std::thread thread;
  std::mutex mu;
  std::condition_variable cv;
  bool job = false;    // a fetch was asked for and not collected (mu)
  bool ready = false;  // its result is in (mu)
  bool quit = false;   // (mu)
  // the fetch asked for: written while the thread waits, read by it after
  int64_t skip = 0, want = 0;
  std::shared_ptr<CancelToken> stop, user;  // user: the pager's token then
  uint64_t waker = 0;
  // its result: written by the thread before `ready`
  Fetched got;
  std::optional<Response> failed;
  std::exception_ptr error;

  void run() {
    std::unique_lock<std::mutex> lk(mu);
    for (;;) {
      cv.wait(lk, [this] { return quit || (job && !ready); });
      if (quit) return;
      lk.unlock();
      try {
        got = fetch_one(req, skip, want, &failed);
      } catch (...) {
        error = std::current_exception();
      }
      lk.lock();
      ready = true;
      cv.notify_all();
    }
  }
};

Pager::Pager(const Request &req, int64_t page_size) : req_(req), page_size_(page_size) {
  if (page_size <= 0) fail(THREECX_E_INVALID_ARGUMENT, "page size must be > 0");
  if (req.method() != "GET") fail(THREECX_E_INVALID_ARGUMENT, "a pager needs a GET request");
  Query &q = req_.mutable_query();
  if (const auto &skip = q.get(Query::kSkip)) offset_ = std::stoll(*skip);
  if (const auto &top = q.get(Query::kTop)) limit_ = std::stoll(*top);
  q.put(Query::kCount, "true");
  // each page is validated by its scan (parse_page): not twice
  req_.set_json_checked_by_caller(true);
}

Pager::~Pager() {
  if (!ahead_) return;
  if (ahead_->job) {
    ahead_->stop->trigger();
    collect_prefetch();
  }
  {
    std::lock_guard<std::mutex> lk(ahead_->mu);
    ahead_->quit = true;
  }
  ahead_->cv.notify_all();
  ahead_->thread.join();
}

void Pager::collect_prefetch() noexcept {
  Ahead &a = *ahead_;
  {
    std::unique_lock<std::mutex> lk(a.mu);
    a.cv.wait(lk, [&a] { return a.ready; });
    a.job = a.ready = false;
  }
  if (a.waker) a.user->remove_waker(a.waker);
  a.waker = 0;
  a.user.reset();
}

void Pager::launch_prefetch() {
  // Best effort: without memory or a thread the page is fetched when needed.
  try {
    if (!ahead_) {
      auto a = std::make_unique<Ahead>(req_);
      Ahead *raw = a.get();
      a->thread = std::thread([raw] { raw->run(); });
      ahead_ = std::move(a);
    }
    Ahead &a = *ahead_;
    auto stop = std::make_shared<CancelToken>();
    std::shared_ptr<CancelToken> user = req_.cancel();
    uint64_t waker = 0;
    if (user) {
      std::weak_ptr<CancelToken> weak = stop;
      waker = user->add_waker([weak] {
        if (auto s = weak.lock()) s->trigger();
      });
      if (user->triggered()) stop->trigger();
    }
    // nothing below throws; the thread is waiting for a job
    a.req.set_cancel(stop);
    a.skip = offset_;
    a.want = limit_ ? std::min(page_size_, *limit_) : page_size_;
    a.stop = std::move(stop);
    a.user = std::move(user);
    a.waker = waker;
    a.got = Fetched{};
    a.failed.reset();
    a.error = nullptr;
    {
      std::lock_guard<std::mutex> lk(a.mu);
      a.job = true;
    }
    a.cv.notify_all();
  } catch (...) {
  }
}

bool Pager::fetch() {
  failed_.reset();
  left_ = 0;
  if (done_) return false;
  if (limit_ && *limit_ <= 0) {
    done_ = true;
    return false;
  }
  int64_t want = limit_ ? std::min(page_size_, *limit_) : page_size_;
  Fetched f;
  bool fetched = false;
  if (ahead_ && ahead_->job) {
    collect_prefetch();
    Ahead &a = *ahead_;
    if (a.skip == offset_ && a.want == want) {
      if (!a.error) {
        f = std::move(a.got);
        fetched = true;
      } else {
        // A cancellation counts only if the pager's token (now) is
        // triggered: one replaced since (threecx_pager_set_cancel) does
        // not stop the walk - the page is fetched again below.
        bool cancelled = false;
        try {
          std::rethrow_exception(a.error);
        } catch (const Error &e) {
          cancelled = e.code() == THREECX_E_CANCELLED;
        } catch (...) {
        }
        if (!cancelled || (req_.cancel() && req_.cancel()->triggered())) {
          failed_ = std::move(a.failed);
          std::exception_ptr error = std::move(a.error);
          a.error = nullptr;
          std::rethrow_exception(error);  // where it would have occurred
        }
      }
    }
  }
  if (!fetched) f = fetch_one(req_, offset_, want, &failed_);
  const Page &page = f.page;
  if (page.count) total_ = page.count;
  int64_t n = page.items;
  offset_ += n;
  if (limit_) *limit_ -= n;
  // With @odata.count known, a short page (a server-side cap) does not end
  // the walk; without it, a short page does.
  bool end = total_ ? (offset_ >= *total_ || n == 0) : n < want;
  if (end || (limit_ && *limit_ <= 0)) done_ = true;
  page_ = std::move(f.text);
  cursor_ = page.first;
  left_ = n;
  if (prefetch_ && !done_) launch_prefetch();
  return n > 0;
}

std::optional<std::string> Pager::next_page() {
  if (mode_ == 2) fail(THREECX_E_STATE, "pager: next_page after next_item");
  mode_ = 1;
  if (!fetch()) return std::nullopt;
  left_ = 0;
  return std::move(page_);
}

std::optional<std::string_view> Pager::next_item() {
  if (mode_ == 1) fail(THREECX_E_STATE, "pager: next_item after next_page");
  mode_ = 2;
  while (left_ == 0) {
    if (!fetch()) return std::nullopt;
  }
  return take_item(page_, &cursor_, left_-- == 1);
}

}  // namespace threecx
