#include "common/error.hpp"

#include <cstdlib>
#include <cstring>

namespace threecx {
namespace {
struct LastError {
  int code = THREECX_OK;
  std::string message;
};
thread_local LastError t_last;

struct CodeInfo {
  const char *name;
  const char *text;
};
// Index = code. Never renumber; retired codes keep their slot.
constexpr CodeInfo kCodes[] = {
    {"THREECX_OK", "success"},
    {"THREECX_DONE", "no more elements"},
    {"THREECX_E_INVALID_ARGUMENT", "invalid argument"},
    {"THREECX_E_NO_MEMORY", "out of memory"},
    {"THREECX_E_INVALID_JSON", "malformed JSON"},
    {"THREECX_E_INVALID_DOMAIN", "invalid 3CX domain"},
    {"THREECX_E_OPTION_REPEATED", "query option set twice"},
    {"THREECX_E_UNKNOWN_PARAMETER", "unknown parameter"},
    {"THREECX_E_MISSING_PARAMETER", "missing parameter"},
    {"THREECX_E_INSECURE", "plain HTTP refused"},
    {"THREECX_E_NETWORK", "network failure"},
    {"THREECX_E_TLS", "TLS failure"},
    {"THREECX_E_TIMEOUT", "timed out"},
    {"THREECX_E_AUTH", "authentication failed"},
    {"THREECX_E_HTTP", "HTTP error status"},
    {"THREECX_E_PROTOCOL", "unusable server answer"},
    {"THREECX_E_NOT_FOUND", "not found"},
    {"THREECX_E_UNSUPPORTED", "not supported by this operation"},
    {"THREECX_E_STATE", "invalid state for this call"},
    {"THREECX_E_IO", "local I/O failure"},
    {"THREECX_E_ABORTED", "aborted by callback"},
    {"THREECX_E_INTERNAL", "internal error"},
    {"THREECX_E_UNCERTAIN", "the request may or may not have been applied"},
    {"THREECX_E_RETRY_LATER", "the server asked to retry later than the deadline"},
    {"THREECX_E_CANCELLED", "cancelled"},
};
static_assert(sizeof(kCodes) / sizeof(kCodes[0]) == THREECX_E__LAST + 1,
              "every status code needs a name and a text");
}  // namespace

void set_last_error(int code, std::string_view message) noexcept {
  try {
    t_last.code = code;
    t_last.message.assign(message.data(), message.size());
  } catch (...) {
    t_last.message.clear();
  }
}

const char *last_error() noexcept { return t_last.message.c_str(); }
int last_error_code() noexcept { return t_last.code; }
void clear_error() noexcept {
  t_last.code = THREECX_OK;
  t_last.message.clear();
}

const char *code_text(int code) noexcept {
  if (code < 0 || code > THREECX_E__LAST) return "unknown status code";
  return kCodes[code].text;
}
const char *code_name(int code) noexcept {
  if (code < 0 || code > THREECX_E__LAST) return nullptr;
  return kCodes[code].name;
}

char *dup_out(std::string_view s) {
  char *p = static_cast<char *>(std::malloc(s.size() + 1));
  if (!p) throw std::bad_alloc();
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

void name_last_error(const char *api) noexcept {
  std::string_view msg = last_error();
  size_t n = std::strlen(api);
  if (msg.size() > n && msg.compare(0, n, api) == 0 && msg[n] == ':') return;
  try {
    set_last_error(last_error_code(), std::string(api) + ": " + std::string(msg));
  } catch (...) {
  }
}

}  // namespace threecx
