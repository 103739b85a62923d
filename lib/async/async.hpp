// Private: the asynchronous API's engine. One curl multi handle driven by
// the caller's thread in socket-action mode (the sockets libcurl wants
// watched are tracked here and its timeout read with curl_multi_timeout, so
// a caller's poll loop can wait on them), a queue bounded by a concurrency limit, retries as timers, and
// completions delivered to callbacks or kept for polling.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <poll.h>

#include "capi/handles.hpp"
#include "client/client.hpp"
#include "request/request.hpp"
#include "threecx/threecx.h"

struct threecx_completion {
  int64_t id = 0;
  int32_t code = THREECX_OK;
  std::string message;
  std::unique_ptr<threecx_response> response;
  threecx_async_fn fn = nullptr;
  void *user_data = nullptr;
};

namespace threecx {

class AsyncEngine {
 public:
  explicit AsyncEngine(std::shared_ptr<ClientCore> core);
  ~AsyncEngine();
  AsyncEngine(const AsyncEngine &) = delete;
  AsyncEngine &operator=(const AsyncEngine &) = delete;

  void set_max_concurrent(int32_t n);
  int64_t submit(const Request &request, threecx_async_fn fn, void *user_data);
  // Both return how many submitted requests are not delivered yet.
  int32_t perform();
  int32_t wait(int64_t timeout_ms);
  void wakeup();  // thread-safe
  std::unique_ptr<threecx_completion> next();
  bool cancel(int64_t id);
  void cancel_all();
  size_t fds(threecx_pollfd *out, size_t capacity) const;
  int64_t timeout_ms() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Job;

 public:
  // libcurl's socket callback (CURLMOPT_SOCKETFUNCTION)
  void on_socket(int fd, int what);

 private:
  void drive(bool poll_sockets);
  void pass(bool poll_sockets);
  long curl_timeout() const;  // curl_multi_timeout: ms, -1 none
  bool curl_due() const;
  void start_due();
  void start(Job *job);
  void read_done();
  void finished(Job *job, int curl_code);
  void on_failure(Job *job, const class TransportError &e);
  void on_answer(Job *job);
  void retry_in(Job *job, int64_t ms);
  void complete(Job *job, int code, std::string message, std::unique_ptr<threecx_response> resp = nullptr);
  void cancel_job(Job *job);
  void detach(Job *job);  // off the multi, the pooled handle given back
  void deliver();
  int32_t pending() const;
  void drain_wakeups();
  void act_on_ready_sockets(int timeout_ms);
  // The wakeup descriptor first, then the sockets libcurl wants watched.
  std::vector<struct pollfd> watched() const;

  std::shared_ptr<ClientCore> core_;
  void *multi_ = nullptr;  // CURLM
  int wake_fd_ = -1;       // eventfd: wakeup() and cancel tokens
  int epoll_fd_ = -1;      // the sockets libcurl wants watched, and wake_fd_
  // a cancel token may have triggered (a wakeup came, or a job with a token
  // was submitted): the next pass looks at every job's token
  bool check_cancels_ = false;
  uint64_t delivered_ = 0;  // completions delivered (to a callback or for next())
  int32_t max_concurrent_ = 64;
  int64_t next_id_ = 0;
  bool in_perform_ = false;
  std::map<int64_t, std::unique_ptr<Job>> jobs_;  // submitted, not completed
  std::deque<Job *> queue_;                       // waiting for a slot, in order
  std::vector<Job *> retrying_;                   // waiting for their retry time
  std::unordered_map<void *, Job *> running_;     // easy handle -> job
  std::map<int, int> sockets_;                    // fd -> CURL_POLL_* wanted
  std::deque<std::unique_ptr<threecx_completion>> done_;   // to deliver
  std::deque<std::unique_ptr<threecx_completion>> ready_;  // for next()
};

}  // namespace threecx

struct threecx_async {
  std::unique_ptr<threecx::AsyncEngine> rep;
};
