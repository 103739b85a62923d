// The extern "C" catalog functions of threecx/catalog.h: thin wrappers over
// threecx::catalog, every failure funnelled through threecx::guard.
#include <string>

#include "catalog/catalog.hpp"
#include "common/error.hpp"
#include "threecx/catalog.h"

using threecx::fail;
using threecx::guard;

namespace {

template <class T>
void reset(T *out, T value) {
  if (out) *out = value;
}

const threecx_operation_param &param(const threecx_operation *op, size_t index, const char *fn) {
  if (index >= op->param_count)
    fail(THREECX_E_INVALID_ARGUMENT, std::string(fn) + ": parameter index " + std::to_string(index) +
                                         " out of range (operation " + op->id + " has " +
                                         std::to_string(op->param_count) + ")");
  return op->params[index];
}

// The common shape of the getters; `fn` names the C function in messages.
template <class T, class F>
int get(const char *fn, const threecx_operation *op, T *out, F &&f) {
  reset(out, T{});
  return guard([&] {
    if (!op) fail(THREECX_E_INVALID_ARGUMENT, std::string(fn) + ": op is NULL");
    if (!out) fail(THREECX_E_INVALID_ARGUMENT, std::string(fn) + ": out is NULL");
    *out = f();
  });
}

}  // namespace

extern "C" {

const char *threecx_xapi_version(void) { return threecx::catalog::xapi_version(); }

int threecx_operation_count(size_t *out) {
  reset(out, size_t{0});
  return guard([&] {
    if (!out) fail(THREECX_E_INVALID_ARGUMENT, "threecx_operation_count: out is NULL");
    *out = threecx::catalog::count();
  });
}

int threecx_operation_at(size_t index, const threecx_operation **out) {
  reset<const threecx_operation *>(out, nullptr);
  return guard([&] {
    if (!out) fail(THREECX_E_INVALID_ARGUMENT, "threecx_operation_at: out is NULL");
    const threecx_operation *op = threecx::catalog::at(index);
    if (!op)
      fail(THREECX_E_INVALID_ARGUMENT, "threecx_operation_at: index " + std::to_string(index) +
                                           " out of range (count " +
                                           std::to_string(threecx::catalog::count()) + ")");
    *out = op;
  });
}

int threecx_operation_find(const char *operation_id, const threecx_operation **out) {
  reset<const threecx_operation *>(out, nullptr);
  return guard([&] {
    if (!operation_id) fail(THREECX_E_INVALID_ARGUMENT, "threecx_operation_find: operation_id is NULL");
    if (!out) fail(THREECX_E_INVALID_ARGUMENT, "threecx_operation_find: out is NULL");
    const threecx_operation *op = threecx::catalog::find(operation_id);
    if (!op) fail(THREECX_E_NOT_FOUND, std::string("no XAPI operation '") + operation_id + "'");
    *out = op;
  });
}

int threecx_operation_id(const threecx_operation *op, const char **out) {
  return get("threecx_operation_id", op, out, [&] { return op->id; });
}
int threecx_operation_method(const threecx_operation *op, const char **out) {
  return get("threecx_operation_method", op, out, [&] { return op->method; });
}
int threecx_operation_path(const threecx_operation *op, const char **out) {
  return get("threecx_operation_path", op, out, [&] { return op->path; });
}
int threecx_operation_tag(const threecx_operation *op, const char **out) {
  return get("threecx_operation_tag", op, out, [&] { return op->tag; });
}
int threecx_operation_summary(const threecx_operation *op, const char **out) {
  return get("threecx_operation_summary", op, out, [&] { return op->summary; });
}
int threecx_operation_function(const threecx_operation *op, const char **out) {
  return get("threecx_operation_function", op, out, [&] { return op->function; });
}
int threecx_operation_param_count(const threecx_operation *op, size_t *out) {
  return get("threecx_operation_param_count", op, out, [&] { return static_cast<size_t>(op->param_count); });
}
int threecx_operation_param_name(const threecx_operation *op, size_t index, const char **out) {
  return get("threecx_operation_param_name", op, out, [&] { return param(op, index, "threecx_operation_param_name").name; });
}
int threecx_operation_param_type(const threecx_operation *op, size_t index, int32_t *out) {
  return get("threecx_operation_param_type", op, out, [&] { return static_cast<int32_t>(param(op, index, "threecx_operation_param_type").type); });
}
int threecx_operation_param_nullable(const threecx_operation *op, size_t index, int32_t *out) {
  return get("threecx_operation_param_nullable", op, out, [&] { return static_cast<int32_t>(param(op, index, "threecx_operation_param_nullable").nullable); });
}
int threecx_operation_options(const threecx_operation *op, int32_t *out) {
  return get("threecx_operation_options", op, out, [&] { return static_cast<int32_t>(op->options); });
}
int threecx_operation_has_body(const threecx_operation *op, int32_t *out) {
  return get("threecx_operation_has_body", op, out, [&] { return static_cast<int32_t>(op->has_body); });
}
int threecx_operation_has_if_match(const threecx_operation *op, int32_t *out) {
  return get("threecx_operation_has_if_match", op, out, [&] { return static_cast<int32_t>(op->has_if_match); });
}
int threecx_operation_response_kind(const threecx_operation *op, int32_t *out) {
  return get("threecx_operation_response_kind", op, out, [&] { return static_cast<int32_t>(op->response_kind); });
}

}  // extern "C"
