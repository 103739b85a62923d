#include "common/scrub.hpp"

#include <cctype>
#include <cstring>

namespace threecx {
namespace {

constexpr char kRedacted[] = "[REDACTED]";

bool ieq(std::string_view text, size_t pos, std::string_view word) {
  if (pos + word.size() > text.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[pos + i])) != word[i]) return false;
  return true;
}

// token68 (RFC 7235) plus '\' (JSON escapes '/' as "\/") and '%' (encoded).
bool credential_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("-._~+/=\\%", c) != nullptr;
}

// Replaces text[from, to) with [REDACTED]; returns the index after it.
size_t redact(std::string &text, size_t from, size_t to) {
  if (to <= from) return from;
  if (text.compare(from, to - from, kRedacted) == 0) return to;
  text.replace(from, to - from, kRedacted);
  return from + sizeof kRedacted - 1;
}

// "Bearer <credentials>": the run of credential characters after it.
void scrub_bearer(std::string &text) {
  for (size_t pos = 0; pos < text.size();) {
    if (!ieq(text, pos, "bearer") ||
        (pos > 0 && std::isalnum(static_cast<unsigned char>(text[pos - 1])))) {
      ++pos;
      continue;
    }
    size_t v = pos + 6;
    size_t sp = v;
    while (sp < text.size() && (text[sp] == ' ' || text[sp] == '\t')) ++sp;
    if (sp == v) {  // "bearer" glued to something else: a word, not a scheme
      pos = v;
      continue;
    }
    size_t end = sp;
    while (end < text.size() && credential_char(text[end])) ++end;
    pos = redact(text, sp, end);
  }
}

// name":"value"  /  name=value  /  name: value, for a credential field name.
void scrub_field(std::string &text, std::string_view name) {
  for (size_t pos = 0; pos + name.size() <= text.size();) {
    if (!ieq(text, pos, name)) {
      ++pos;
      continue;
    }
    size_t v = pos + name.size();
    if (v < text.size() && text[v] == '"') ++v;  // JSON member name's closing quote
    while (v < text.size() && (text[v] == ' ' || text[v] == '\t')) ++v;
    if (v >= text.size() || (text[v] != ':' && text[v] != '=')) {
      pos = v > pos ? v : pos + 1;
      continue;
    }
    ++v;
    while (v < text.size() && (text[v] == ' ' || text[v] == '\t')) ++v;
    size_t end = v;
    if (v < text.size() && text[v] == '"') {  // JSON string: up to the unescaped quote
      ++v;
      end = v;
      while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
      if (end > text.size()) end = text.size();
    } else {
      while (end < text.size() && credential_char(text[end])) ++end;
    }
    pos = redact(text, v, end);
  }
}

}  // namespace

void scrub_patterns(std::string &text) {
  scrub_bearer(text);
  for (const char *f : {"access_token", "client_secret", "refresh_token", "id_token"}) scrub_field(text, f);
}

std::string body_excerpt(const char *body, size_t size, size_t max) {
  std::string out;
  size_t n = size < max ? size : max;
  out.reserve(n + 3);
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(body[i]);
    out.push_back(c < 0x20 || c == 0x7f ? (c == '\n' || c == '\t' ? ' ' : '?') : static_cast<char>(c));
  }
  if (size > n) {  // cut: never end inside a UTF-8 sequence
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0xC0) out.pop_back();
    out += "...";
  }
  return out;
}

}  // namespace threecx
