// Private: a request being built: method, path template with typed
// parameters, query options, headers and body.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/cancel.hpp"
#include "request/query.hpp"
#include "response/response.hpp"

struct threecx_operation;

namespace threecx {

class ClientCore;

class Request {
 public:
  Request(std::shared_ptr<ClientCore> client, const std::string &method,
          const std::string &path, const threecx_operation *op = nullptr);

  // `type` is THREECX_TYPE_* of the value given, 0 for null.
  void set_param(const std::string &name, int type, std::string literal);
  void set_query(const Query &q);
  const Query &query() const { return query_; }
  Query &mutable_query() { return query_; }
  void add_header(const std::string &name, const std::string &value);
  void set_body(const char *json);  // nullptr removes it
  void set_cancel(std::shared_ptr<CancelToken> token) { cancel_ = std::move(token); }
  const std::shared_ptr<CancelToken> &cancel() const { return cancel_; }
  void set_deadline_ms(int64_t ms);  // 0: the client's timeout
  void set_progress(threecx_progress_fn fn, void *user_data) {
    progress_ = fn;
    progress_user_data_ = fn ? user_data : nullptr;
  }
  void set_idempotent(int v) { idempotent_ = v < 0 ? -1 : (v ? 1 : 0); }
  // The caller validates a 2xx JSON body itself (the pager's scan): send()
  // checks its content type only.
  void set_json_checked_by_caller(bool v) { json_checked_by_caller_ = v; }

  std::string url() const;
  // Sends; throws for transport failures. A non-2xx status is returned.
  Response send(threecx_write_fn sink = nullptr, void *sink_user_data = nullptr) const;

  // The exchange this request makes (send() in parts, for the
  // asynchronous API): `req` points into this request (body) and into
  // `ctl` (cancel token and deadline, counted from now); both must outlive
  // the exchange. finish() checks a 2xx answer's shape (Error PROTOCOL).
  void prepare(HttpRequest &req, CallControl &ctl) const;
  Response finish(HttpResponse http, const std::string &url) const;
  const std::shared_ptr<ClientCore> &client() const { return client_; }
  // The status code of an answer to this request (THREECX_OK, E_HTTP or
  // E_RETRY_LATER) and, unless OK, its message (scrubbed).
  int outcome(const Response &resp, std::string *message) const;

  const threecx_operation *operation() const { return op_; }
  // The client's scrubber (ClientCore::scrub), for messages quoting a server.
  std::string scrub(std::string text) const;
  const std::string &method() const { return method_; }

 private:
  struct Slot {
    std::string name;
    std::optional<std::string> literal;
    // In the parentheses of a segment that is not namespace-qualified:
    // an entity key or alternate key, which is never null.
    bool key = false;
  };
  std::shared_ptr<ClientCore> client_;
  std::string method_;
  std::string path_;
  // The template cut at its {name} slots: text_[0] slot_[0] text_[1] ...
  std::vector<std::string> text_;
  std::vector<Slot> slots_;
  const threecx_operation *op_;
  Query query_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::optional<std::string> body_;
  std::shared_ptr<CancelToken> cancel_;
  int64_t deadline_ms_ = 0;
  int idempotent_ = -1;
  threecx_progress_fn progress_ = nullptr;
  void *progress_user_data_ = nullptr;
  // THREECX_RESPONSE_* of the operation (looked up by method and template
  // for a request by path), -1 when the catalog does not know it
  int response_kind_ = -1;
  bool json_checked_by_caller_ = false;
};

// Checks a 2xx answer against what the operation returns: for a JSON kind
// (collection, entity, value) a non-empty body must have a JSON content
// type and parse; a file is exempt; for an unknown kind (-1, a raw path
// the catalog does not know) and for "none", a body labelled JSON must
// parse and an HTML page is refused. THREECX_E_PROTOCOL with the content
// type and the start of the body (unscrubbed: callers scrub). `parse`
// false: the caller checks that the body is JSON (content types only).
void check_response_shape(const HttpResponse &resp, int response_kind, bool parse = true);

// Refuses malformed JSON with THREECX_E_INVALID_JSON, saying where it broke.
void check_json(const char *json);

}  // namespace threecx
