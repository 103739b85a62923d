// Private: the one place where C++ failures become C status codes.
#pragma once

#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "threecx/threecx.h"

namespace threecx {

// The exception every internal layer throws for an expected failure.
class Error : public std::exception {
 public:
  Error(int code, std::string message)
      : code_(code), message_(std::move(message)) {}
  int code() const noexcept { return code_; }
  const char *what() const noexcept override { return message_.c_str(); }

 private:
  int code_;
  std::string message_;
};

[[noreturn]] inline void fail(int code, std::string message) {
  throw Error(code, std::move(message));
}

// Records the calling thread's last error.
void set_last_error(int code, std::string_view message) noexcept;
const char *last_error() noexcept;
int last_error_code() noexcept;
void clear_error() noexcept;
// Fixed text / macro name per status code.
const char *code_text(int code) noexcept;
const char *code_name(int code) noexcept;

// Prefixes this thread's last message with "api: " unless it starts so.
void name_last_error(const char *api) noexcept;

// Runs `f` and turns any exception into a status code plus a thread-local
// message. `f` returns void (THREECX_OK) or an int status.
template <class F>
int guard(F &&f) noexcept {
  try {
    if constexpr (std::is_void_v<std::invoke_result_t<F>>) {
      f();
      return THREECX_OK;
    } else {
      return static_cast<int>(f());
    }
  } catch (const Error &e) {
    set_last_error(e.code(), e.what());
    return e.code();
  } catch (const std::bad_alloc &) {
    set_last_error(THREECX_E_NO_MEMORY, "out of memory");
    return THREECX_E_NO_MEMORY;
  } catch (const std::exception &e) {
    set_last_error(THREECX_E_INTERNAL, e.what());
    return THREECX_E_INTERNAL;
  } catch (...) {
    set_last_error(THREECX_E_INTERNAL, "unknown exception");
    return THREECX_E_INTERNAL;
  }
}

// guard() for a public function: `api` (its __func__) starts the message
// of every INVALID_ARGUMENT it returns ("threecx_query_set_top: query is
// NULL"), whichever helper raised it.
template <class F>
int guard(const char *api, F &&f) noexcept {
  int rc = guard(std::forward<F>(f));
  if (rc == THREECX_E_INVALID_ARGUMENT) name_last_error(api);
  return rc;
}

// Argument checks used by the C layer (inside guard(__func__, ...)).
#define THREECX_REQUIRE(ptr)                                                        \
  do {                                                                              \
    if ((ptr) == nullptr) ::threecx::fail(THREECX_E_INVALID_ARGUMENT, #ptr " is NULL"); \
  } while (0)

// Copies a string into memory released by threecx_free (malloc).
char *dup_out(std::string_view s);

}  // namespace threecx
