// Private: the operation catalog's in-memory layout. The data itself is
// generated into lib/generated/catalog_data.inc by tools/gen/xapi_gen.py.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "threecx/threecx.h"

// The public opaque type threecx_operation is this struct.
struct threecx_operation_param {
  const char *name;
  uint8_t type;      // THREECX_TYPE_*
  uint8_t nullable;  // 0/1
};

struct threecx_operation {
  const char *id;        // operationId
  const char *method;    // "GET" ...
  const char *path;      // template under /xapi/v1, with {name} slots
  const char *tag;
  const char *summary;
  const char *function;  // typed C function name
  const threecx_operation_param *params;
  uint8_t param_count;
  uint8_t options;        // THREECX_OPT_* mask
  uint8_t response_kind;  // THREECX_RESPONSE_*
  uint8_t has_body;
  uint8_t has_if_match;
  uint8_t body_required;  // the spec marks the request body required
};

namespace threecx::catalog {

// All operations, sorted by id (strcmp order).
std::size_t count() noexcept;
const threecx_operation *at(std::size_t index) noexcept;
// nullptr when absent.
const threecx_operation *find(std::string_view id) noexcept;
// The operation of `method` and path template `path` (as written in the
// catalog), or nullptr; a binary search over an index built on first use.
const threecx_operation *find_by_path(std::string_view method, std::string_view path);
// Index of a parameter by name, or -1.
int param_index(const threecx_operation *op, std::string_view name) noexcept;
// The XAPI specification version the catalog was generated from.
const char *xapi_version() noexcept;

// One path argument of a typed function (lib/generated/operations.cpp):
// `s` for string/guid/date-time (nullptr = null), `i` for int32/bool. The
// parameter's name and type come from the catalog, in path order.
struct Arg {
  const char *s;
  int64_t i;
};
// The body of every typed threecx_xapi_* function: checks out/client/body,
// then makes the request of operation `index` (its place in the catalog,
// written into lib/generated/operations.cpp by the generator: no look-up
// by name) and sets its parameters, query, If-Match and body through the
// public C API, sends and frees it. Sets *out as threecx_request_send does.
int call(threecx_client *client, std::size_t index, const Arg *args,
         std::size_t n, const threecx_query *query, const char *if_match,
         const char *body_json, threecx_response **out) noexcept;

}  // namespace threecx::catalog
