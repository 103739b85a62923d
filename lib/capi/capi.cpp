// The extern "C" layer: argument checks, handle <-> object, and every C++
// failure funnelled through threecx::guard into a status code.
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <strings.h>
#include <ctime>
#include <unistd.h>
#include <fcntl.h>

#include "capi/handles.hpp"
#include "catalog/catalog.hpp"
#include "common/error.hpp"
#include "request/odata.hpp"
#include "transport/retry.hpp"
#include "threecx/catalog.h"
#include "threecx/threecx.h"
#include "threecx/version.h"

using threecx::fail;
using threecx::guard;

namespace {

template <class T>
void null_out(T **out) {
  if (out) *out = nullptr;
}

std::string env_or_fail(const char *name) {
  const char *v = std::getenv(name);
  if (!v || !*v) fail(THREECX_E_INVALID_ARGUMENT, std::string("environment variable ") + name + " is not set");
  return v;
}

// Sends and hands the response back on success and on HTTP errors.
int finish_send(threecx::Response resp, const threecx_request *req, threecx_response **out) {
  std::string msg;
  int code = req->rep.outcome(resp, &msg);
  *out = new threecx_response{std::move(resp)};
  if (code == THREECX_OK) return THREECX_OK;
  threecx::set_last_error(code, msg);
  return code;
}

void set_param_checked(threecx_request *r, const char *name, int type, std::string lit) {
  THREECX_REQUIRE(r);
  THREECX_REQUIRE(name);
  r->rep.set_param(name, type, std::move(lit));
}

}  // namespace

extern "C" {

/* ---- errors, memory, version ---- */

const char *threecx_strerror(int code) { return threecx::code_text(code); }
const char *threecx_error_name(int code) { return threecx::code_name(code); }
int threecx_error_last(void) { return THREECX_E__LAST; }
const char *threecx_last_error(void) { return threecx::last_error(); }
int threecx_last_error_code(void) { return threecx::last_error_code(); }
void threecx_clear_error(void) { threecx::clear_error(); }
void threecx_free(void *ptr) { std::free(ptr); }

const char *threecx_version(void) { return THREECX_VERSION; }
int threecx_version_number(void) { return THREECX_VERSION_NUMBER; }
int threecx_abi_version(void) { return THREECX_ABI_VERSION; }

/* ---- client ---- */

int threecx_client_new(const char *domain, const char *client_id, const char *api_key,
                       threecx_client **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(out);
    THREECX_REQUIRE(domain);
    THREECX_REQUIRE(client_id);
    THREECX_REQUIRE(api_key);
    if (!*client_id) fail(THREECX_E_INVALID_ARGUMENT, "client id is empty");
    if (!*api_key) fail(THREECX_E_INVALID_ARGUMENT, "API key is empty");
    auto ep = threecx::parse_domain(domain);
    *out = new threecx_client{std::make_shared<threecx::ClientCore>(ep, client_id, api_key)};
  });
}

int threecx_client_new_from_env(threecx_client **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(out);
    std::string d = env_or_fail("THREECX_DOMAIN");
    std::string id = env_or_fail("THREECX_CLIENT_ID");
    std::string key = env_or_fail("THREECX_API_KEY");
    int rc = threecx_client_new(d.c_str(), id.c_str(), key.c_str(), out);
    threecx::wipe(key);
    return rc;
  });
}

void threecx_client_free(threecx_client *client) { delete client; }

#define CLIENT_SETTER(fn, type, call)                  \
  int fn(threecx_client *client, type value) {         \
    return guard(__func__, [&] {                                 \
      THREECX_REQUIRE(client);                         \
      client->rep->call;                               \
    });                                                \
  }
CLIENT_SETTER(threecx_client_set_ca_file, const char *, set_ca_file(value))
CLIENT_SETTER(threecx_client_set_ca_path, const char *, set_ca_path(value))
CLIENT_SETTER(threecx_client_set_connect_timeout_ms, int64_t, set_connect_timeout_ms(value))
CLIENT_SETTER(threecx_client_set_timeout_ms, int64_t, set_timeout_ms(value))
CLIENT_SETTER(threecx_client_set_max_response_bytes, int64_t, set_max_response_bytes(value))
CLIENT_SETTER(threecx_client_set_user_agent, const char *, set_user_agent(value))
CLIENT_SETTER(threecx_client_allow_http, int32_t, allow_http(value != 0))
CLIENT_SETTER(threecx_client_set_insecure_skip_tls_verify, int32_t, set_tls_verify(value == 0))
CLIENT_SETTER(threecx_client_set_refresh_margin, int64_t, set_refresh_margin(value))
CLIENT_SETTER(threecx_client_set_http_version, int32_t, set_http_version(value))
#undef CLIENT_SETTER

int threecx_client_set_ca_pem(threecx_client *client, const char *pem, size_t size) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(client);
    client->rep->set_ca_pem(pem, pem ? size : 0);
  });
}

int threecx_client_set_pinned_public_key(threecx_client *client, const char *pins) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(client);
    client->rep->set_pinned_public_key(pins);
  });
}

int threecx_client_set_stall_timeout(threecx_client *client, int64_t min_bytes_per_second,
                                     int64_t seconds) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(client);
    client->rep->set_stall_timeout(min_bytes_per_second, seconds);
  });
}

int threecx_client_set_retry(threecx_client *client, int32_t max_retries, int64_t base_delay_ms,
                             int64_t max_delay_ms, int64_t deadline_ms) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(client);
    threecx::RetryPolicy p;
    p.max_retries = max_retries;
    p.base_delay_ms = base_delay_ms;
    p.max_delay_ms = max_delay_ms;
    p.deadline_ms = deadline_ms;
    client->rep->set_retry(p);
  });
}

int threecx_client_set_retry_budget(threecx_client *client, int64_t capacity) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(client);
    client->rep->set_retry_budget(capacity);
  });
}

int threecx_client_set_log(threecx_client *client, int32_t level, threecx_log_fn fn, void *user_data) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(client);
    if (level < THREECX_LOG_NONE || level > THREECX_LOG_TRACE)
      fail(THREECX_E_INVALID_ARGUMENT, "log level must be THREECX_LOG_NONE..THREECX_LOG_TRACE");
    client->rep->logger().set(level, fn, user_data);
  });
}

int threecx_client_authenticate(threecx_client *client) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(client);
    client->rep->invalidate_token(0);
    uint64_t gen;
    std::string t = client->rep->token(&gen);
    threecx::wipe(t);
  });
}

int threecx_client_invalidate_token(threecx_client *client) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(client);
    client->rep->invalidate_token(0);
  });
}

int threecx_client_token_requests(threecx_client *client, int64_t *out) {
  if (out) *out = 0;
  return guard(__func__, [&] {
    THREECX_REQUIRE(client);
    THREECX_REQUIRE(out);
    *out = client->rep->token_requests();
  });
}

int threecx_client_base_url(threecx_client *client, char **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(client);
    THREECX_REQUIRE(out);
    *out = threecx::dup_out(client->rep->base_url());
  });
}

/* ---- literals ---- */

int threecx_odata_string(const char *text, char **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(text);
    THREECX_REQUIRE(out);
    *out = threecx::dup_out(threecx::odata::quote_string(text));
  });
}

int threecx_search_phrase(const char *text, char **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(text);
    THREECX_REQUIRE(out);
    if (!threecx::odata::valid_utf8(text))
      fail(THREECX_E_INVALID_ARGUMENT, "text is not valid UTF-8");
    *out = threecx::dup_out(threecx::odata::search_phrase(text));
  });
}

int threecx_url_encode(const char *text, char **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(text);
    THREECX_REQUIRE(out);
    *out = threecx::dup_out(threecx::odata::url_encode(text));
  });
}

/* ---- query ---- */

int threecx_query_new(threecx_query **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(out);
    *out = new threecx_query{};
  });
}

void threecx_query_free(threecx_query *query) { delete query; }

#define QUERY_SETTER(fn, type, call)           \
  int fn(threecx_query *query, type value) {   \
    return guard(__func__, [&] {                         \
      THREECX_REQUIRE(query);                  \
      call;                                    \
    });                                        \
  }
#define QUERY_STRING_SETTER(fn, method)          \
  QUERY_SETTER(fn, const char *, {               \
    THREECX_REQUIRE(value);                      \
    query->rep.method(value);                    \
  })
QUERY_SETTER(threecx_query_set_top, int64_t, query->rep.set_top(value))
QUERY_SETTER(threecx_query_set_skip, int64_t, query->rep.set_skip(value))
QUERY_SETTER(threecx_query_set_count, int32_t, query->rep.set_count(value != 0))
QUERY_STRING_SETTER(threecx_query_set_search, set_search)
QUERY_STRING_SETTER(threecx_query_set_filter, set_filter)
QUERY_STRING_SETTER(threecx_query_set_orderby, set_orderby)
QUERY_STRING_SETTER(threecx_query_set_select, set_select)
QUERY_STRING_SETTER(threecx_query_set_expand, set_expand)
#undef QUERY_STRING_SETTER
#undef QUERY_SETTER

int threecx_query_add_param(threecx_query *query, const char *name, const char *value) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(query);
    THREECX_REQUIRE(name);
    THREECX_REQUIRE(value);
    query->rep.add_param(name, value);
  });
}

int threecx_query_to_string(const threecx_query *query, char **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(query);
    THREECX_REQUIRE(out);
    *out = threecx::dup_out(query->rep.to_string());
  });
}

/* ---- cancellation ---- */

int threecx_cancel_new(threecx_cancel **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(out);
    *out = new threecx_cancel{std::make_shared<threecx::CancelToken>()};
  });
}

int threecx_cancel_trigger(threecx_cancel *token) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(token);
    token->rep->trigger();
  });
}

int threecx_cancel_is_triggered(const threecx_cancel *token, int32_t *out) {
  if (out) *out = 0;
  return guard(__func__, [&] {
    THREECX_REQUIRE(token);
    THREECX_REQUIRE(out);
    *out = token->rep->triggered() ? 1 : 0;
  });
}

void threecx_cancel_free(threecx_cancel *token) { delete token; }

/* ---- request ---- */

int threecx_request_new(threecx_client *client, const char *method, const char *path,
                        threecx_request **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(client);
    THREECX_REQUIRE(method);
    THREECX_REQUIRE(path);
    THREECX_REQUIRE(out);
    *out = new threecx_request{threecx::Request(client->rep, method, path)};
  });
}

int threecx_request_new_op(threecx_client *client, const char *operation_id, threecx_request **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(client);
    THREECX_REQUIRE(operation_id);
    THREECX_REQUIRE(out);
    const threecx_operation *op = threecx::catalog::find(operation_id);
    if (!op) fail(THREECX_E_NOT_FOUND, std::string("no XAPI operation '") + operation_id + "'");
    *out = new threecx_request{threecx::Request(client->rep, op->method, op->path, op)};
  });
}

void threecx_request_free(threecx_request *request) { delete request; }

int threecx_request_set_param_string(threecx_request *r, const char *name, const char *value) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(value);
    if (!threecx::odata::valid_utf8(value))
      fail(THREECX_E_INVALID_ARGUMENT, "string parameter is not valid UTF-8");
    set_param_checked(r, name, THREECX_TYPE_STRING, threecx::odata::path_string(value));
  });
}
int threecx_request_set_param_int(threecx_request *r, const char *name, int64_t value) {
  return guard(__func__, [&] {
    if (r && r->rep.operation() && (value < INT32_MIN || value > INT32_MAX))
      fail(THREECX_E_INVALID_ARGUMENT, "int32 parameter out of range");
    set_param_checked(r, name, THREECX_TYPE_INT32, threecx::odata::path_int(value));
  });
}
int threecx_request_set_param_bool(threecx_request *r, const char *name, int32_t value) {
  return guard(__func__, [&] { set_param_checked(r, name, THREECX_TYPE_BOOL, threecx::odata::path_bool(value != 0)); });
}
int threecx_request_set_param_guid(threecx_request *r, const char *name, const char *value) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(value);
    set_param_checked(r, name, THREECX_TYPE_GUID, threecx::odata::path_guid(value));
  });
}
int threecx_request_set_param_datetime(threecx_request *r, const char *name, const char *value) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(value);
    set_param_checked(r, name, THREECX_TYPE_DATETIME, threecx::odata::path_datetime(value));
  });
}
int threecx_request_set_param_null(threecx_request *r, const char *name) {
  return guard(__func__, [&] { set_param_checked(r, name, 0, threecx::odata::path_null()); });
}

int threecx_request_set_query(threecx_request *request, const threecx_query *query) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(request);
    THREECX_REQUIRE(query);
    request->rep.set_query(query->rep);
  });
}

int threecx_request_add_header(threecx_request *request, const char *name, const char *value) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(request);
    THREECX_REQUIRE(name);
    THREECX_REQUIRE(value);
    request->rep.add_header(name, value);
  });
}

int threecx_request_set_body(threecx_request *request, const char *json) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(request);
    request->rep.set_body(json);
  });
}

int threecx_request_set_cancel(threecx_request *request, threecx_cancel *token) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(request);
    request->rep.set_cancel(token ? token->rep : nullptr);
  });
}

int threecx_request_set_progress(threecx_request *request, threecx_progress_fn fn, void *user_data) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(request);
    request->rep.set_progress(fn, user_data);
  });
}

int threecx_request_set_deadline_ms(threecx_request *request, int64_t ms) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(request);
    request->rep.set_deadline_ms(ms);
  });
}

int threecx_request_set_idempotent(threecx_request *request, int32_t idempotent) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(request);
    if (idempotent < -1 || idempotent > 1)
      fail(THREECX_E_INVALID_ARGUMENT, "idempotent must be -1 (by method), 0 or 1");
    request->rep.set_idempotent(idempotent);
  });
}

int threecx_request_url(threecx_request *request, char **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(request);
    THREECX_REQUIRE(out);
    *out = threecx::dup_out(request->rep.url());
  });
}

int threecx_request_send(threecx_request *request, threecx_response **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(request);
    THREECX_REQUIRE(out);
    return finish_send(request->rep.send(), request, out);
  });
}

int threecx_request_send_to_callback(threecx_request *request, threecx_write_fn fn, void *user_data,
                                     threecx_response **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(request);
    THREECX_REQUIRE(fn);
    THREECX_REQUIRE(out);
    return finish_send(request->rep.send(fn, user_data), request, out);
  });
}

namespace {
struct FileSink {
  FILE *f;
  int err;  // errno of the first failed write, 0 if none
};
int32_t write_file(void *ud, const unsigned char *data, size_t size) {
  auto *s = static_cast<FileSink *>(ud);
  if (std::fwrite(data, 1, size, s->f) == size) return 0;
  s->err = errno ? errno : EIO;
  return 1;
}
}  // namespace

// The body goes to a temporary file next to `path` (same directory, so the
// rename is atomic) that replaces `path` only on success: a failed download
// never truncates or removes what was there.
int threecx_request_send_to_file(threecx_request *request, const char *path, threecx_response **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(request);
    THREECX_REQUIRE(path);
    THREECX_REQUIRE(out);
    // a new name (O_EXCL), created with 0666 so that the umask applies as
    // for any new file
    static std::atomic<unsigned> counter{0};
    std::string tmp;
    int fd = -1;
    for (int tries = 0; fd < 0 && tries < 100; ++tries) {
      tmp = std::string(path) + ".part-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
      fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0)
      fail(THREECX_E_IO, std::string("cannot create a file next to '") + path + "': " + std::strerror(errno));
    FileSink sink{fdopen(fd, "wb"), 0};
    if (!sink.f) {
      int e = errno;
      ::close(fd);
      std::remove(tmp.c_str());
      fail(THREECX_E_IO, std::string("cannot open '") + tmp + "': " + std::strerror(e));
    }
    auto drop = [&] {
      if (sink.f) std::fclose(sink.f);
      sink.f = nullptr;
      std::remove(tmp.c_str());
    };
    int rc;
    try {
      rc = finish_send(request->rep.send(write_file, &sink), request, out);
    } catch (const threecx::Error &e) {
      drop();
      if (e.code() == THREECX_E_ABORTED)
        fail(THREECX_E_IO, std::string("writing '") + path + "' failed: " + std::strerror(sink.err ? sink.err : EIO));
      throw;
    } catch (...) {
      drop();
      throw;
    }
    if (rc != THREECX_OK) {
      drop();
      return rc;
    }
    int close_rc = std::fclose(sink.f);
    int close_err = errno;
    sink.f = nullptr;
    if (close_rc != 0 || std::rename(tmp.c_str(), path) != 0) {
      int e = close_rc != 0 ? close_err : errno;
      std::remove(tmp.c_str());
      threecx_response_free(*out);
      *out = nullptr;
      fail(THREECX_E_IO, std::string(close_rc != 0 ? "closing '" : "renaming to '") + path +
                             "' failed: " + std::strerror(e));
    }
    return rc;
  });
}

/* ---- response ---- */

void threecx_response_free(threecx_response *response) { delete response; }

int threecx_response_status(const threecx_response *response, int32_t *out) {
  if (out) *out = 0;
  return guard(__func__, [&] {
    THREECX_REQUIRE(response);
    THREECX_REQUIRE(out);
    *out = static_cast<int32_t>(response->rep.status());
  });
}

int threecx_response_body(const threecx_response *response, char **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(response);
    THREECX_REQUIRE(out);
    *out = threecx::dup_out(response->rep.body());
  });
}

int threecx_response_body_view(const threecx_response *response, const char **data, size_t *size) {
  if (data) *data = nullptr;
  if (size) *size = 0;
  return guard(__func__, [&] {
    THREECX_REQUIRE(response);
    THREECX_REQUIRE(data);
    THREECX_REQUIRE(size);
    const std::string &b = response->rep.body();
    *data = b.c_str();
    *size = b.size();
  });
}

int threecx_response_body_size(const threecx_response *response, size_t *out) {
  if (out) *out = 0;
  return guard(__func__, [&] {
    THREECX_REQUIRE(response);
    THREECX_REQUIRE(out);
    *out = response->rep.body().size();
  });
}

int threecx_response_body_bytes(const threecx_response *response, unsigned char **out, size_t *size) {
  null_out(out);
  if (size) *size = 0;
  return guard(__func__, [&] {
    THREECX_REQUIRE(response);
    THREECX_REQUIRE(out);
    THREECX_REQUIRE(size);
    const std::string &b = response->rep.body();
    if (b.empty()) return;
    auto *p = static_cast<unsigned char *>(std::malloc(b.size()));
    if (!p) throw std::bad_alloc();
    std::memcpy(p, b.data(), b.size());
    *out = p;
    *size = b.size();
  });
}

int threecx_response_header(const threecx_response *response, const char *name, char **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(response);
    THREECX_REQUIRE(name);
    THREECX_REQUIRE(out);
    auto v = response->rep.header(name);
    if (!v) fail(THREECX_E_NOT_FOUND, std::string("no header '") + name + "' in the response");
    *out = threecx::dup_out(std::string(*v));
  });
}

int threecx_response_header_view(const threecx_response *response, const char *name, const char **value,
                                 size_t *size) {
  if (value) *value = nullptr;
  if (size) *size = 0;
  return guard(__func__, [&] {
    THREECX_REQUIRE(response);
    THREECX_REQUIRE(name);
    THREECX_REQUIRE(value);
    for (const auto &h : response->rep.headers())
      if (strcasecmp(h.first.c_str(), name) == 0) {
        *value = h.second.c_str();
        if (size) *size = h.second.size();
        return;
      }
    fail(THREECX_E_NOT_FOUND, std::string("no header '") + name + "' in the response");
  });
}

int threecx_response_header_count(const threecx_response *response, size_t *out) {
  if (out) *out = 0;
  return guard(__func__, [&] {
    THREECX_REQUIRE(response);
    THREECX_REQUIRE(out);
    *out = response->rep.headers().size();
  });
}

int threecx_response_header_at(const threecx_response *response, size_t index, const char **name,
                               const char **value) {
  if (name) *name = nullptr;
  if (value) *value = nullptr;
  return guard(__func__, [&] {
    THREECX_REQUIRE(response);
    const auto &h = response->rep.headers();
    if (index >= h.size())
      fail(THREECX_E_NOT_FOUND, "header index " + std::to_string(index) + " is out of range (" +
                                    std::to_string(h.size()) + " headers)");
    if (name) *name = h[index].first.c_str();
    if (value) *value = h[index].second.c_str();
  });
}

int threecx_response_retry_after_ms(const threecx_response *response, int64_t *out) {
  if (out) *out = 0;
  return guard(__func__, [&] {
    THREECX_REQUIRE(response);
    THREECX_REQUIRE(out);
    auto v = response->rep.header("Retry-After");
    auto ms = v ? threecx::parse_retry_after(std::string(*v), std::time(nullptr)) : std::nullopt;
    if (!ms) fail(THREECX_E_NOT_FOUND, "the response has no usable Retry-After");
    *out = *ms;
  });
}

#define ERROR_FIELD(fn, field)                                                        \
  int fn(const threecx_response *response, char **out) {                             \
    null_out(out);                                                                    \
    return guard(__func__, [&] {                                                                \
      THREECX_REQUIRE(response);                                                      \
      THREECX_REQUIRE(out);                                                           \
      const auto &e = response->rep.error();                                          \
      if (!e) fail(THREECX_E_NOT_FOUND, "the response carries no OData error");       \
      *out = threecx::dup_out(e->field);                                              \
    });                                                                               \
  }
ERROR_FIELD(threecx_response_error_code, code)
ERROR_FIELD(threecx_response_error_message, message)
ERROR_FIELD(threecx_response_error_details, details)
#undef ERROR_FIELD

/* ---- pager ---- */

int threecx_pager_new(const threecx_request *request, int64_t page_size, threecx_pager **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(request);
    THREECX_REQUIRE(out);
    *out = new threecx_pager{threecx::Pager(request->rep, page_size)};
  });
}

void threecx_pager_free(threecx_pager *pager) { delete pager; }

// next_item: the one copy of the item's span of the page
#define PAGER_NEXT(fn, method)                                 \
  int fn(threecx_pager *pager, char **out) {                   \
    null_out(out);                                             \
    return guard(__func__, [&] {                               \
      THREECX_REQUIRE(pager);                                  \
      THREECX_REQUIRE(out);                                    \
      auto v = pager->rep.method();                            \
      if (!v) return THREECX_DONE;                             \
      *out = threecx::dup_out(*v);                             \
      return THREECX_OK;                                       \
    });                                                        \
  }
PAGER_NEXT(threecx_pager_next_page, next_page)
PAGER_NEXT(threecx_pager_next_item, next_item)
#undef PAGER_NEXT

int threecx_pager_next_item_view(threecx_pager *pager, const char **data, size_t *size) {
  if (data) *data = nullptr;
  if (size) *size = 0;
  return guard(__func__, [&] {
    THREECX_REQUIRE(pager);
    THREECX_REQUIRE(data);
    THREECX_REQUIRE(size);
    auto v = pager->rep.next_item();
    if (!v) return THREECX_DONE;
    *data = v->data();
    *size = v->size();
    return THREECX_OK;
  });
}

int threecx_pager_set_prefetch(threecx_pager *pager, int32_t prefetch) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(pager);
    pager->rep.set_prefetch(prefetch != 0);
  });
}

int threecx_pager_set_cancel(threecx_pager *pager, threecx_cancel *token) {
  return guard(__func__, [&] {
    THREECX_REQUIRE(pager);
    pager->rep.set_cancel(token ? token->rep : nullptr);
  });
}

int threecx_pager_total(const threecx_pager *pager, int64_t *out) {
  if (out) *out = 0;
  return guard(__func__, [&] {
    THREECX_REQUIRE(pager);
    THREECX_REQUIRE(out);
    auto t = pager->rep.total();
    if (!t) fail(THREECX_E_NOT_FOUND, "no @odata.count seen yet");
    *out = *t;
  });
}

int threecx_pager_last_response(const threecx_pager *pager, threecx_response **out) {
  null_out(out);
  return guard(__func__, [&] {
    THREECX_REQUIRE(pager);
    THREECX_REQUIRE(out);
    const auto &failed = pager->rep.failed();
    if (!failed) fail(THREECX_E_NOT_FOUND, "the pager's last fetch was not an HTTP error");
    *out = new threecx_response{*failed};
  });
}

}  // extern "C"
