#include "request/request.hpp"
#include "request/json.hpp"


#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <strings.h>

#include "catalog/catalog.hpp"
#include "client/client.hpp"
#include "common/error.hpp"
#include "common/scrub.hpp"
#include "request/odata.hpp"
#include "threecx/catalog.h"

namespace threecx {
namespace {
const char *type_name(int t) {
  switch (t) {
    case THREECX_TYPE_STRING: return "string";
    case THREECX_TYPE_INT32: return "int32";
    case THREECX_TYPE_BOOL: return "bool";
    case THREECX_TYPE_GUID: return "GUID";
    case THREECX_TYPE_DATETIME: return "date-time";
    default: return "null";
  }
}
}  // namespace

Request::Request(std::shared_ptr<ClientCore> client, const std::string &method,
                 const std::string &path, const threecx_operation *op)
    : client_(std::move(client)), path_(path), op_(op) {
  static const char *kMethods[] = {"GET", "POST", "PATCH", "DELETE", "PUT"};
  for (const char *m : kMethods)
    if (strcasecmp(m, method.c_str()) == 0) method_ = m;
  if (method_.empty())
    fail(THREECX_E_INVALID_ARGUMENT,
         "method must be GET, POST, PATCH, DELETE or PUT, not '" + method.substr(0, 16) + "'");
  if (path.empty() || path[0] != '/')
    fail(THREECX_E_INVALID_ARGUMENT, "path must start with '/' (relative to /xapi/v1)");
  std::string cur;
  for (size_t i = 0; i < path.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(path[i]);
    if (c == '{') {
      size_t close = path.find('}', i);
      if (close == std::string::npos || close == i + 1)
        fail(THREECX_E_INVALID_ARGUMENT, "path: unbalanced or empty '{' placeholder");
      std::string name = path.substr(i + 1, close - i - 1);
      for (const auto &s : slots_)
        if (s.name == name) fail(THREECX_E_INVALID_ARGUMENT, "path: placeholder {" + name + "} twice");
      // Key slot: Segment({x}) or Segment(Name={x},...) with no '.' in
      // Segment (Pbx.Func(x={x}) is a function call).
      size_t seg = path.rfind('/', i), paren = path.rfind('(', i);
      bool key = paren != std::string::npos && seg != std::string::npos && paren > seg &&
                 path.find(')', paren) > i && path.substr(seg, paren - seg).find('.') == std::string::npos;
      text_.push_back(cur);
      cur.clear();
      slots_.push_back({name, std::nullopt, key});
      i = close;
    } else if (c == 0 || !(std::isalnum(c) || std::strchr("-._~!$&'()*+,;=:@/", c) ||
                 (c == '%' && i + 2 < path.size() && std::isxdigit(static_cast<unsigned char>(path[i + 1])) &&
                  std::isxdigit(static_cast<unsigned char>(path[i + 2]))))) {
      // only what RFC 3986 allows in a path (pchar, '/'), as it goes out
      fail(THREECX_E_INVALID_ARGUMENT,
           std::string("path: character '") + (c >= 0x20 && c < 0x7f ? std::string(1, c) : "\\x" + std::to_string(c)) +
               "' must be passed as a {parameter} (query options go through threecx_query)");
    } else {
      cur.push_back(static_cast<char>(c));
    }
  }
  text_.push_back(cur);
  if (op_) {
    response_kind_ = op_->response_kind;
  } else if (const threecx_operation *o = catalog::find_by_path(method_, path)) {
    response_kind_ = o->response_kind;
  }
}

void Request::set_param(const std::string &name, int type, std::string literal) {
  Slot *slot = nullptr;
  for (auto &s : slots_)
    if (s.name == name) slot = &s;
  if (!slot) {
    std::string where = op_ ? std::string("operation ") + op_->id : "the path";
    fail(THREECX_E_UNKNOWN_PARAMETER, where + " has no parameter '" + name + "'");
  }
  if (type == 0 && !op_ && slot->key) {
    // Function imports look like keys (GetUpdateDetails(key={key})): the
    // catalog tells them apart for its own paths (key slots are never
    // nullable there).
    bool nullable_elsewhere = false;
    for (size_t k = 0; k < catalog::count() && !nullable_elsewhere; ++k) {
      const threecx_operation *o = catalog::at(k);
      if (path_ != o->path) continue;
      int idx = catalog::param_index(o, name);
      nullable_elsewhere = idx >= 0 && o->params[idx].nullable;
    }
    if (!nullable_elsewhere)
      fail(THREECX_E_INVALID_ARGUMENT, "parameter '" + name +
                                           "' is an entity key, and a key is never null");
  }
  if (op_) {
    int idx = catalog::param_index(op_, name);
    if (idx < 0)
      fail(THREECX_E_UNKNOWN_PARAMETER,
           std::string("operation ") + op_->id + " has no parameter '" + name + "'");
    const auto &p = op_->params[idx];
    if (type == 0 && !p.nullable)
      fail(THREECX_E_INVALID_ARGUMENT, std::string("parameter '") + name + "' of " + op_->id +
                                           (slot->key ? " is a key, and a key is never null"
                                                      : " is not nullable"));
    if (type != 0 && type != p.type)
      fail(THREECX_E_INVALID_ARGUMENT,
           std::string("parameter '") + name + "' of " + op_->id + " is " + type_name(p.type) +
               ", not " + type_name(type));
  }
  slot->literal = std::move(literal);
}

void Request::set_query(const Query &q) {
  if (op_) {
    int extra = q.mask() & ~op_->options;
    if (extra) {
      std::string names;
      for (int i = 0; i < Query::kSlotCount; ++i)
        if (extra & Query::slot_bit(i)) names += std::string(names.empty() ? "" : ", ") + Query::slot_name(i);
      fail(THREECX_E_UNSUPPORTED, std::string("operation ") + op_->id + " does not accept " + names);
    }
  }
  query_ = q;
}

void Request::add_header(const std::string &name, const std::string &value) {
  if (name.empty()) fail(THREECX_E_INVALID_ARGUMENT, "header name is empty");
  for (char c : name)
    if (c <= 0x20 || c >= 0x7f || c == ':')
      fail(THREECX_E_INVALID_ARGUMENT, "header name has a forbidden character");
  for (char c : value)
    if (c == '\r' || c == '\n' || c == '\0')
      fail(THREECX_E_INVALID_ARGUMENT, "header value contains CR or LF");
  static const char *kReserved[] = {"Authorization", "Host", "Content-Length",
                                    "Transfer-Encoding", "Content-Type", "Accept"};
  for (const char *r : kReserved)
    if (strcasecmp(r, name.c_str()) == 0)
      fail(THREECX_E_INVALID_ARGUMENT, "header '" + name + "' is set by the library");
  headers_.emplace_back(name, value);
}

void Request::set_body(const char *json) {
  if (!json) {
    body_.reset();
    return;
  }
  if (op_ && !op_->has_body)
    fail(THREECX_E_UNSUPPORTED, std::string("operation ") + op_->id + " takes no request body");
  check_json(json);
  body_ = json;
}

void Request::set_deadline_ms(int64_t ms) {
  if (ms < 0 || ms > INT32_MAX) fail(THREECX_E_INVALID_ARGUMENT, "deadline must be 0..2147483647 ms");
  deadline_ms_ = ms;
}

std::string Request::url() const {
  std::string out = client_->base_url();
  for (size_t i = 0; i < slots_.size(); ++i) {
    out += text_[i];
    if (!slots_[i].literal)
      fail(THREECX_E_MISSING_PARAMETER,
           "path parameter '" + slots_[i].name + "' was never set" +
               (op_ ? std::string(" (operation ") + op_->id + ")" : std::string()));
    out += *slots_[i].literal;
  }
  out += text_.back();
  if (!query_.empty()) {
    out += '?';
    out += query_.to_string();
  }
  return out;
}

std::string Request::scrub(std::string text) const { return client_->scrub(std::move(text)); }

void Request::prepare(HttpRequest &req, CallControl &ctl) const {
  if (op_ && op_->body_required && !body_)
    fail(THREECX_E_MISSING_PARAMETER,
         std::string("operation ") + op_->id + " needs a JSON body (threecx_request_set_body)");
  req.method = method_;
  req.url = url();
  req.headers = headers_;
  req.body = body_ ? &*body_ : nullptr;
  req.progress = progress_;
  req.progress_user_data = progress_user_data_;
  req.ctl = nullptr;
  if (cancel_ || deadline_ms_ > 0) {
    ctl.cancel = cancel_;
    if (deadline_ms_ > 0) {
      ctl.deadline = CallControl::Clock::now() + std::chrono::milliseconds(deadline_ms_);
      ctl.deadline_ms = deadline_ms_;
    }
    req.ctl = &ctl;
  }
  req.idempotent = idempotent_;
}

Response Request::finish(HttpResponse http, const std::string &url) const {
  if (http.status >= 200 && http.status < 300 && !http.streamed) {
    try {
      check_response_shape(http, response_kind_, !json_checked_by_caller_);
    } catch (const Error &e) {
      fail(e.code(), scrub(method_ + " " + url + ": " + e.what()));
    }
  }
  Response resp(std::move(http));
  resp.scrub_error([this](std::string t) { return scrub(std::move(t)); });
  return resp;
}

int Request::outcome(const Response &resp, std::string *message) const {
  if (resp.ok()) {
    message->clear();
    return THREECX_OK;
  }
  std::string what = method_ + " " + (op_ ? std::string(op_->id) : std::string("request"));
  *message = scrub(resp.describe(what));
  if (resp.retry_later_ms() < 0) return THREECX_E_HTTP;
  *message += " - the server asks to retry in " + std::to_string(resp.retry_later_ms()) +
              " ms, past the retry deadline (threecx_response_retry_after_ms)";
  return THREECX_E_RETRY_LATER;
}

Response Request::send(threecx_write_fn sink, void *sink_user_data) const {
  HttpRequest req;
  CallControl ctl;
  prepare(req, ctl);
  req.sink = sink;
  req.sink_user_data = sink_user_data;
  HttpResponse http = client_->send(req);
  return finish(std::move(http), req.url);
}

namespace {
// Whether `hay` contains the lower-case ASCII `needle`, ignoring case.
bool contains_nocase(std::string_view hay, std::string_view needle) {
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && std::tolower(static_cast<unsigned char>(hay[i + k])) == needle[k]) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}
}  // namespace

void check_response_shape(const HttpResponse &resp, int kind, bool parse) {
  if (kind == THREECX_RESPONSE_FILE || resp.body.empty()) return;
  auto ct = resp.header("Content-Type");
  std::string_view type = ct ? *ct : std::string_view();
  const bool json_kind = kind == THREECX_RESPONSE_COLLECTION || kind == THREECX_RESPONSE_ENTITY ||
                         kind == THREECX_RESPONSE_VALUE;
  const bool labelled_json = contains_nocase(type, "json");
  auto refuse = [&](const std::string &why) {
    fail(THREECX_E_PROTOCOL, "HTTP " + std::to_string(resp.status) + " " + why + " (Content-Type '" +
                                 (ct ? std::string(ct->substr(0, 80)) : std::string("none")) +
                                 "'): " + body_excerpt(resp.body.data(), resp.body.size()));
  };
  if (json_kind && !labelled_json) refuse("where JSON was expected");
  if (!labelled_json && contains_nocase(type, "text/html")) refuse("is an HTML page, not an XAPI answer");
  // the whole body one JSON value (trailing data and NULs refused), checked
  // in one pass without building a document
  if (parse && labelled_json && !json_valid(resp.body, false)) refuse("is not valid JSON");
}

}  // namespace threecx
