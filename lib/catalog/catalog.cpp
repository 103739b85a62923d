// The operation catalog over the generated table, and the call helper behind
// every typed threecx_xapi_* function.
#include "catalog/catalog.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "capi/handles.hpp"
#include "common/error.hpp"
#include "threecx/catalog.h"

namespace {
#include "generated/catalog_data.inc"

constexpr std::size_t kCount = sizeof(kOperations) / sizeof(kOperations[0]);
static_assert(kCount == THREECX_XAPI_OPERATION_COUNT, "catalog size");
}  // namespace

namespace threecx::catalog {

std::size_t count() noexcept { return kCount; }

const threecx_operation *at(std::size_t index) noexcept {
  return index < kCount ? &kOperations[index] : nullptr;
}

const threecx_operation *find(std::string_view id) noexcept {
  std::size_t lo = 0, hi = kCount;
  while (lo < hi) {
    std::size_t mid = lo + (hi - lo) / 2;
    // strcmp order == byte-wise compare of unsigned chars == string_view order.
    int c = std::string_view(kOperations[mid].id).compare(id);
    if (c == 0) return &kOperations[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return nullptr;
}

const threecx_operation *find_by_path(std::string_view method, std::string_view path) {
  using Key = std::pair<std::string_view, std::string_view>;  // path, method
  // stable: of two operations with one method and path (none in 20.0.10),
  // the first by operationId, as a scan of the catalog would find
  static const std::vector<const threecx_operation *> index = [] {
    std::vector<const threecx_operation *> v;
    v.reserve(kCount);
    for (std::size_t i = 0; i < kCount; ++i) v.push_back(&kOperations[i]);
    std::stable_sort(v.begin(), v.end(), [](const threecx_operation *a, const threecx_operation *b) {
      return Key(a->path, a->method) < Key(b->path, b->method);
    });
    return v;
  }();
  Key want(path, method);
  auto it = std::lower_bound(index.begin(), index.end(), want,
                             [](const threecx_operation *o, const Key &k) { return Key(o->path, o->method) < k; });
  if (it != index.end() && Key((*it)->path, (*it)->method) == want) return *it;
  return nullptr;
}

int param_index(const threecx_operation *op, std::string_view name) noexcept {
  if (!op) return -1;
  for (int i = 0; i < op->param_count; ++i)
    if (name == op->params[i].name) return i;
  return -1;
}

const char *xapi_version() noexcept { return THREECX_XAPI_SPEC_VERSION; }

int call(threecx_client *client, std::size_t index, const Arg *args,
         std::size_t n, const threecx_query *query, const char *if_match,
         const char *body_json, threecx_response **out) noexcept {
  if (out) *out = nullptr;
  const threecx_operation *op = at(index);
  int rc = guard([&] {
    if (!op) fail(THREECX_E_INTERNAL, "typed function for unknown operation #" + std::to_string(index));
    auto refuse = [op](int code, const std::string &what) { fail(code, op->function + (": " + what)); };
    if (!out) refuse(THREECX_E_INVALID_ARGUMENT, "out is NULL");
    if (!client) refuse(THREECX_E_INVALID_ARGUMENT, "client is NULL");
    if (n != op->param_count || (n && !args))
      refuse(THREECX_E_INTERNAL, "argument count does not match the catalog");
    for (std::size_t i = 0; i < n; ++i) {
      const threecx_operation_param &p = op->params[i];
      bool pointer = p.type == THREECX_TYPE_STRING || p.type == THREECX_TYPE_GUID ||
                     p.type == THREECX_TYPE_DATETIME;
      if (pointer && !args[i].s && !p.nullable)
        refuse(THREECX_E_INVALID_ARGUMENT, std::string("parameter '") + p.name + "' is NULL but not nullable");
    }
    if (op->has_body && op->body_required && !body_json)
      refuse(THREECX_E_INVALID_ARGUMENT, "body_json is NULL but the request body is required");
  });
  if (rc != THREECX_OK) return rc;

  threecx_request *req = nullptr;
  rc = guard([&] { req = new threecx_request{threecx::Request(client->rep, op->method, op->path, op)}; });
  for (std::size_t i = 0; rc == THREECX_OK && i < n; ++i) {
    const threecx_operation_param &p = op->params[i];
    const Arg &a = args[i];
    switch (p.type) {
      case THREECX_TYPE_INT32:
        rc = threecx_request_set_param_int(req, p.name, a.i);
        break;
      case THREECX_TYPE_BOOL:
        rc = threecx_request_set_param_bool(req, p.name, a.i != 0);
        break;
      default:
        if (!a.s)
          rc = threecx_request_set_param_null(req, p.name);
        else if (p.type == THREECX_TYPE_GUID)
          rc = threecx_request_set_param_guid(req, p.name, a.s);
        else if (p.type == THREECX_TYPE_DATETIME)
          rc = threecx_request_set_param_datetime(req, p.name, a.s);
        else
          rc = threecx_request_set_param_string(req, p.name, a.s);
        break;
    }
  }
  if (rc == THREECX_OK && query) rc = threecx_request_set_query(req, query);
  if (rc == THREECX_OK && if_match) rc = threecx_request_add_header(req, "If-Match", if_match);
  if (rc == THREECX_OK && body_json) rc = threecx_request_set_body(req, body_json);
  if (rc == THREECX_OK) rc = threecx_request_send(req, out);
  threecx_request_free(req);
  return rc;
}

}  // namespace threecx::catalog
