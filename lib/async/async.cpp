#include "async/async.hpp"

#include <curl/curl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "common/error.hpp"
#include "common/secret.hpp"
#include "transport/retry.hpp"

namespace threecx {

static_assert(THREECX_POLLIN == POLLIN && THREECX_POLLOUT == POLLOUT, "poll flags differ");
static_assert(sizeof(threecx_pollfd) == sizeof(struct pollfd), "threecx_pollfd is not struct pollfd");

namespace {
int socket_cb(CURL *, curl_socket_t fd, int what, void *self, void *) {
  try {
    static_cast<AsyncEngine *>(self)->on_socket(fd, what);
  } catch (...) {
    return -1;  // out of memory: libcurl fails the transfers
  }
  return 0;
}
}  // namespace

struct AsyncEngine::Job {
  int64_t id = 0;
  threecx_async_fn fn = nullptr;
  void *user_data = nullptr;
  Request request;  // the caller's request, copied
  HttpRequest http;
  CallControl ctl;
  HttpResponse resp;
  // the client's options when submitted, for the whole call (retries
  // included), as threecx_request_send takes one snapshot per call
  std::shared_ptr<const ClientOptions> opts;
  PooledHandle *handle = nullptr;
  bool idempotent = false;
  bool refreshed = false;  // a 401 refreshed the token once
  uint64_t token_generation = 0;
  std::unique_ptr<ClientCore::Retrier> retrier;
  Clock::time_point retry_at, started;
  uint64_t waker = 0;  // on the request's cancel token
  bool queued = false;    // in queue_
  bool retrying = false;  // in retrying_

  explicit Job(const Request &r) : request(r) {}
  std::string what() const { return http.method + " " + http.url; }
};

AsyncEngine::AsyncEngine(std::shared_ptr<ClientCore> core) : core_(std::move(core)) {
  CURLM *m = curl_multi_init();
  if (!m) throw std::bad_alloc();
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    curl_multi_cleanup(m);
    fail(THREECX_E_INTERNAL, "eventfd failed");
  }
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_fd_;
  if (epoll_fd_ < 0 || epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0) {
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
    ::close(wake_fd_);
    curl_multi_cleanup(m);
    fail(THREECX_E_INTERNAL, "epoll_create1 failed");
  }
  curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, socket_cb);
  curl_multi_setopt(m, CURLMOPT_SOCKETDATA, this);
  // The connection cache keeps as many idle connections as may be in
  // flight (libcurl's default, 4 x the handles added, shrinks as a batch
  // drains and closes the connections the next batch needs).
  curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, static_cast<long>(max_concurrent_));
  // HTTP/2: as many streams on one connection as may be in flight (the
  // server's own limit still applies)
  curl_multi_setopt(m, CURLMOPT_MAX_CONCURRENT_STREAMS, static_cast<long>(std::max<int32_t>(100, max_concurrent_)));
  multi_ = m;
}

AsyncEngine::~AsyncEngine() {
  for (auto &kv : jobs_) {
    Job *job = kv.second.get();
    if (job->waker) job->ctl.cancel->remove_waker(job->waker);
    detach(job);
  }
  jobs_.clear();
  curl_multi_cleanup(static_cast<CURLM *>(multi_));
  ::close(epoll_fd_);
  ::close(wake_fd_);
}

// A socket libcurl stops watching (an idle connection back in the cache)
// stays registered with no events ("parked", 0 in sockets_) and is changed
// back when libcurl watches it again: epoll_ctl MOD, not DEL then ADD, which
// take and drop the socket's wait queue on every request.
void AsyncEngine::on_socket(int fd, int what) {
  auto it = sockets_.find(fd);
  const bool known = it != sockets_.end();
  epoll_event ev{};
  ev.data.fd = fd;
  if (what == CURL_POLL_REMOVE || what == CURL_POLL_NONE) {
    if (!known || it->second == 0) return;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) == 0)
      it->second = 0;
    else
      sockets_.erase(it);  // (closed already: dropped by the kernel)
    return;
  }
  if (known && it->second == what) return;
  ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
  // (a parked descriptor may have been closed and its number reused: the
  // other operation then)
  if (epoll_ctl(epoll_fd_, known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0 &&
      epoll_ctl(epoll_fd_, known ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev) != 0)
    throw std::bad_alloc();  // (ENOMEM/ENOSPC) libcurl fails the transfer
  sockets_[fd] = what;
}

void AsyncEngine::set_max_concurrent(int32_t n) {
  if (n < 1 || n > 100000) fail(THREECX_E_INVALID_ARGUMENT, "max concurrent must be 1..100000");
  max_concurrent_ = n;
  curl_multi_setopt(static_cast<CURLM *>(multi_), CURLMOPT_MAXCONNECTS, static_cast<long>(n));
  curl_multi_setopt(static_cast<CURLM *>(multi_), CURLMOPT_MAX_CONCURRENT_STREAMS,
                    static_cast<long>(std::max<int32_t>(100, n)));
}

int64_t AsyncEngine::submit(const Request &request, threecx_async_fn fn, void *user_data) {
  auto job = std::make_unique<Job>(request);
  job->request.prepare(job->http, job->ctl);  // missing parameters etc. fail here
  job->fn = fn;
  job->user_data = user_data;
  job->idempotent = job->http.idempotent >= 0 ? job->http.idempotent != 0 : repeatable_request(job->http);
  job->opts = core_->options();
  job->retrier = std::make_unique<ClientCore::Retrier>(*core_, job->opts->retry, job->http.method, job->http.url,
                                                       job->http.ctl);
  job->id = ++next_id_;
  Job *j = job.get();
  jobs_.emplace(j->id, std::move(job));
  try {
    queue_.push_back(j);
    j->queued = true;
    if (j->ctl.cancel) {
      check_cancels_ = true;  // (it may have triggered already)
      int fd = wake_fd_;
      j->waker = j->ctl.cancel->add_waker([fd] {
        uint64_t one = 1;
        ssize_t n = ::write(fd, &one, sizeof one);
        (void)n;
      });
    }
  } catch (...) {
    if (j->queued) queue_.erase(std::remove(queue_.begin(), queue_.end(), j), queue_.end());
    jobs_.erase(j->id);
    throw;
  }
  return j->id;
}

void AsyncEngine::wakeup() {
  uint64_t one = 1;
  ssize_t n = ::write(wake_fd_, &one, sizeof one);
  (void)n;  // EAGAIN: the counter is full, a wakeup is pending anyway
}

void AsyncEngine::drain_wakeups() {
  uint64_t v;
  while (::read(wake_fd_, &v, sizeof v) > 0) check_cancels_ = true;
}

int32_t AsyncEngine::pending() const {
  size_t n = jobs_.size() + done_.size() + ready_.size();
  return n > INT32_MAX ? INT32_MAX : static_cast<int32_t>(n);
}

// Retries whose time has come go first, then the queue, while slots last.
void AsyncEngine::start_due() {
  auto now = Clock::now();
  for (size_t i = 0; i < retrying_.size();) {
    if (retrying_[i]->retry_at <= now) {
      queue_.push_front(retrying_[i]);
      retrying_[i]->retrying = false;
      retrying_[i]->queued = true;
      retrying_.erase(retrying_.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  while (!queue_.empty() && running_.size() < static_cast<size_t>(max_concurrent_)) {
    Job *job = queue_.front();
    queue_.pop_front();
    job->queued = false;
    start(job);
  }
}

void AsyncEngine::start(Job *job) {
  try {
    core_->check_scheme(*job->opts);
    if (job->http.ctl) job->http.ctl->check(job->what());
    // blocks while a token is fetched (once for everything in flight)
    std::string tok = core_->token(&job->token_generation, job->http.ctl);
    job->http.secret_headers.clear();
    std::string bearer;
    bearer.reserve(7 + tok.size());
    bearer.append("Bearer ").append(tok);
    wipe(tok);
    job->http.secret_headers.emplace_back("Authorization", std::move(bearer));
    job->resp = HttpResponse{};
    struct WipeBearer {
      HttpRequest &r;
      ~WipeBearer() {
        for (auto &h : r.secret_headers) wipe(h.second);
        r.secret_headers.clear();
      }
    } wipe_bearer{job->http};  // begin() copied it into the handle's header list
    job->handle = core_->transport().begin(job->http, job->opts->transport, core_->logger(), &job->resp);
    CURL *easy = Transport::easy(job->handle);
    running_[easy] = job;
    if (curl_multi_add_handle(static_cast<CURLM *>(multi_), easy) != CURLM_OK) {
      running_.erase(easy);
      core_->transport().end(job->handle);
      job->handle = nullptr;
      fail(THREECX_E_INTERNAL, "curl_multi_add_handle failed");
    }
    job->started = Clock::now();
  } catch (const Error &e) {
    complete(job, e.code(), core_->scrub(e.what()));
  } catch (const std::bad_alloc &) {
    complete(job, THREECX_E_NO_MEMORY, "out of memory");
  } catch (const std::exception &e) {
    complete(job, THREECX_E_INTERNAL, e.what());
  }
}

void AsyncEngine::detach(Job *job) {
  if (!job->handle) return;
  CURL *easy = Transport::easy(job->handle);
  curl_multi_remove_handle(static_cast<CURLM *>(multi_), easy);
  running_.erase(easy);
  core_->transport().end(job->handle);
  job->handle = nullptr;
}

void AsyncEngine::read_done() {
  int left = 0;
  while (CURLMsg *msg = curl_multi_info_read(static_cast<CURLM *>(multi_), &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    auto it = running_.find(msg->easy_handle);
    if (it == running_.end()) continue;
    finished(it->second, msg->data.result);
  }
}

void AsyncEngine::finished(Job *job, int curl_code) {
  job->resp.elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - job->started).count();
  try {
    try {
      core_->transport().finish(job->handle, curl_code, job->opts->transport, core_->logger());
    } catch (...) {
      detach(job);
      throw;
    }
    detach(job);
  } catch (const TransportError &e) {
    on_failure(job, e);
    return;
  } catch (const Error &e) {
    complete(job, e.code(), core_->scrub(e.what()));
    return;
  } catch (const std::bad_alloc &) {
    complete(job, THREECX_E_NO_MEMORY, "out of memory");
    return;
  }
  on_answer(job);
}

// As ClientCore::send: a request that never left may always be tried
// again, one that was sent only if repeating it is harmless; a write sent
// without an answer is UNCERTAIN.
void AsyncEngine::on_failure(Job *job, const TransportError &e) {
  const bool repeatable = !e.sent() || job->idempotent;
  if (transient_failure(e) && repeatable) {
    int64_t ms = job->retrier->decide(e.what(), e.code() == THREECX_E_TIMEOUT, std::nullopt);
    if (ms >= 0) return retry_in(job, ms);
  }
  if (e.sent() && !job->idempotent && e.code() != THREECX_E_ABORTED && e.code() != THREECX_E_PROTOCOL &&
      e.code() != THREECX_E_CANCELLED)
    return complete(job, THREECX_E_UNCERTAIN,
                    core_->scrub(std::string(e.what()) + " - the request may or may not have been applied" +
                                 (e.status() ? " (the server's answer began with HTTP " +
                                                   std::to_string(e.status()) + ")"
                                             : std::string()) +
                                 "; it was sent once and is not repeated (threecx_request_set_idempotent)"));
  complete(job, e.code(), core_->scrub(e.what()));
}

void AsyncEngine::on_answer(Job *job) {
  HttpResponse &resp = job->resp;
  Logger &log = core_->logger();
  if (log.enabled(THREECX_LOG_DEBUG))
    log.log(THREECX_LOG_DEBUG, job->what() + " -> " + std::to_string(resp.status) + " (" +
                                   std::to_string(resp.elapsed_ms) + " ms, async)");
  if (resp.status == 401 && !job->refreshed) {
    log.log(THREECX_LOG_INFO, "401 from the XAPI: refreshing the token and retrying once");
    core_->invalidate_token(job->token_generation);
    job->refreshed = true;
    queue_.push_front(job);
    job->queued = true;
    return;
  }
  // 429 means the request was not processed, so any method may repeat it.
  if (retryable_status(resp.status) && (job->idempotent || resp.status == 429)) {
    int64_t later = -1;
    int64_t ms = job->retrier->decide("HTTP " + std::to_string(resp.status), false, retry_after_of(resp), &later);
    if (ms >= 0) return retry_in(job, ms);
    if (later >= 0) resp.retry_later_ms = later;
  }
  if (resp.status >= 200 && resp.status < 300) job->retrier->succeeded();
  try {
    Response r = job->request.finish(std::move(resp), job->http.url);
    std::string msg;
    int code = job->request.outcome(r, &msg);
    complete(job, code, std::move(msg), std::make_unique<threecx_response>(threecx_response{std::move(r)}));
  } catch (const Error &e) {
    complete(job, e.code(), core_->scrub(e.what()));
  } catch (const std::bad_alloc &) {
    complete(job, THREECX_E_NO_MEMORY, "out of memory");
  }
}

void AsyncEngine::retry_in(Job *job, int64_t ms) {
  job->retry_at = Clock::now() + std::chrono::milliseconds(ms);
  retrying_.push_back(job);
  job->retrying = true;
}

void AsyncEngine::complete(Job *job, int code, std::string message, std::unique_ptr<threecx_response> resp) {
  auto c = std::make_unique<threecx_completion>();
  c->id = job->id;
  c->code = code;
  c->message = std::move(message);
  c->response = std::move(resp);
  c->fn = job->fn;
  c->user_data = job->user_data;
  if (job->waker) {
    job->ctl.cancel->remove_waker(job->waker);
    job->waker = 0;
  }
  detach(job);
  if (job->queued) queue_.erase(std::remove(queue_.begin(), queue_.end(), job), queue_.end());
  if (job->retrying) retrying_.erase(std::remove(retrying_.begin(), retrying_.end(), job), retrying_.end());
  done_.push_back(std::move(c));
  jobs_.erase(job->id);  // frees the job
}

void AsyncEngine::cancel_job(Job *job) {
  if (job->handle && job->http.method != "GET" && !job->idempotent)
    core_->logger().log(THREECX_LOG_INFO, job->what() + ": cancelled in flight (it may have been applied)");
  complete(job, THREECX_E_CANCELLED, job->what() + ": cancelled");
}

bool AsyncEngine::cancel(int64_t id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return false;
  cancel_job(it->second.get());
  return true;
}

void AsyncEngine::cancel_all() {
  while (!jobs_.empty()) cancel_job(jobs_.begin()->second.get());
}

long AsyncEngine::curl_timeout() const {
  long t = -1;
  if (curl_multi_timeout(static_cast<CURLM *>(multi_), &t) != CURLM_OK) t = -1;
  return t;
}

bool AsyncEngine::curl_due() const { return !running_.empty() && curl_timeout() == 0; }

std::vector<pollfd> AsyncEngine::watched() const {
  std::vector<pollfd> p;
  p.reserve(sockets_.size() + 1);
  p.push_back(pollfd{wake_fd_, POLLIN, 0});
  for (const auto &s : sockets_) {
    if (s.second == 0) continue;  // parked
    short ev = 0;
    if (s.second & CURL_POLL_IN) ev |= POLLIN;
    if (s.second & CURL_POLL_OUT) ev |= POLLOUT;
    p.push_back(pollfd{s.first, ev, 0});
  }
  return p;
}

// libcurl acts on the sockets that are ready (waiting up to timeout_ms for
// one): O(ready sockets), not O(watched sockets).
void AsyncEngine::act_on_ready_sockets(int timeout_ms) {
  CURLM *m = static_cast<CURLM *>(multi_);
  epoll_event ev[256];
  int n = epoll_wait(epoll_fd_, ev, 256, timeout_ms);
  int running = 0;
  for (int i = 0; i < n; ++i) {
    int fd = ev[i].data.fd;
    if (fd == wake_fd_) continue;
    auto it = sockets_.find(fd);
    if (it == sockets_.end() || it->second == 0) {
      // a parked socket hung up or was written to: nobody watches it now
      // (libcurl finds out when it next uses the connection)
      epoll_event none{};
      epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, &none);
      if (it != sockets_.end()) sockets_.erase(it);
      continue;
    }
    int mask = 0;
    if (ev[i].events & EPOLLIN) mask |= CURL_CSELECT_IN;
    if (ev[i].events & EPOLLOUT) mask |= CURL_CSELECT_OUT;
    if (ev[i].events & (EPOLLERR | EPOLLHUP)) mask |= CURL_CSELECT_ERR;
    // (a socket closed by an earlier action in this batch is unknown to
    // libcurl, which ignores it)
    curl_multi_socket_action(m, fd, mask, &running);
  }
}

void AsyncEngine::drive(bool poll_sockets) {
  CURLM *m = static_cast<CURLM *>(multi_);
  // cancel tokens triggered since the last pass
  if (check_cancels_) {
    check_cancels_ = false;
    std::vector<Job *> cancelled;
    for (auto &kv : jobs_)
      if (kv.second->ctl.cancelled()) cancelled.push_back(kv.second.get());
    for (Job *j : cancelled) cancel_job(j);
  }
  start_due();
  int running = 0;
  if (poll_sockets && !sockets_.empty()) act_on_ready_sockets(0);
  // libcurl's own timeouts (asked each time: its timer callback is not
  // called again for an expiry time it already reported)
  if (curl_due()) curl_multi_socket_action(m, CURL_SOCKET_TIMEOUT, 0, &running);
  read_done();
  // what became startable (slots freed, a 401's second try)
  start_due();
  if (curl_due()) {
    curl_multi_socket_action(m, CURL_SOCKET_TIMEOUT, 0, &running);
    read_done();
  }
}

void AsyncEngine::deliver() {
  while (!done_.empty()) {
    std::unique_ptr<threecx_completion> c = std::move(done_.front());
    done_.pop_front();
    ++delivered_;
    if (!c->fn) {
      ready_.push_back(std::move(c));
      continue;
    }
    c->fn(c->user_data, c.get());  // may submit or cancel (which adds to done_)
  }
}

// One pass of drive() and deliver(), refused from inside a callback.
void AsyncEngine::pass(bool poll_sockets) {
  if (in_perform_) fail(THREECX_E_STATE, "threecx_async_perform/_wait called from a completion callback");
  in_perform_ = true;
  struct Reset {
    bool &b;
    ~Reset() { b = false; }
  } reset{in_perform_};
  drive(poll_sockets);
  deliver();
}

int32_t AsyncEngine::perform() {
  drain_wakeups();
  pass(true);
  return pending();
}

int32_t AsyncEngine::wait(int64_t timeout_ms) {
  if (timeout_ms < 0 || timeout_ms > INT32_MAX) fail(THREECX_E_INVALID_ARGUMENT, "timeout must be 0..2147483647 ms");
  const uint64_t delivered = delivered_;
  pass(false);  // start what can start, so that there are sockets to wait on
  // completions delivered by this first pass are the progress the caller
  // waits for (its last requests may have just finished): no sleep then
  if (delivered_ != delivered) return pending();
  int64_t t = timeout_ms;
  int64_t due = this->timeout_ms();
  if (due >= 0 && due < t) t = due;
  if (t > 0) {
    epoll_event ev;
    epoll_wait(epoll_fd_, &ev, 1, static_cast<int>(t));  // (perform() acts on what is ready)
  }
  return perform();
}

std::unique_ptr<threecx_completion> AsyncEngine::next() {
  if (ready_.empty()) return nullptr;
  auto c = std::move(ready_.front());
  ready_.pop_front();
  return c;
}

size_t AsyncEngine::fds(threecx_pollfd *out, size_t capacity) const {
  std::vector<pollfd> p = watched();
  for (size_t i = 0; i < p.size() && i < capacity; ++i) out[i] = threecx_pollfd{p[i].fd, p[i].events, 0};
  return p.size();
}

int64_t AsyncEngine::timeout_ms() const {
  // (completions kept for next() do not count: they are there to take)
  if (!done_.empty()) return 0;
  if (jobs_.empty()) return -1;
  if (!queue_.empty() && running_.size() < static_cast<size_t>(max_concurrent_)) return 0;
  if (check_cancels_) return 0;
  auto now = Clock::now();
  std::optional<Clock::time_point> at;
  if (!running_.empty()) {
    long t = curl_timeout();
    if (t >= 0) at = now + std::chrono::milliseconds(t);
  }
  for (Job *j : retrying_)
    if (!at || j->retry_at < *at) at = j->retry_at;
  if (!at) return 1000;  // nothing scheduled: look again in a while
  if (*at <= now) return 0;
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*at - now).count() + 1;
  return ms > INT32_MAX ? INT32_MAX : ms;
}

}  // namespace threecx
