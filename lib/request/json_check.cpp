// Validates a JSON text (RFC 8259) without allocating, so a malformed body
// is told apart from an out-of-memory condition, and says where it broke.
#include <cjson/cJSON.h>

#include <cstring>
#include <string>

#include "common/error.hpp"
#include "request/json.hpp"
#include "request/odata.hpp"
#include "request/request.hpp"

namespace threecx {
namespace {

constexpr int kMaxDepth = 512;

// Bytes that need no attention inside a string: not '"', not '\\', not a
// control character.
struct PlainTable {
  bool plain[256];
  constexpr PlainTable() : plain() {
    for (int c = 0; c < 256; ++c) plain[c] = c >= 0x20 && c != '"' && c != '\\';
  }
};
constexpr PlainTable kPlain{};
// Bytes json_skip_value looks at inside a container.
struct StructTable {
  bool hit[256];
  constexpr StructTable() : hit() {
    hit[static_cast<unsigned char>('"')] = hit[static_cast<unsigned char>('{')] = true;
    hit[static_cast<unsigned char>('[')] = hit[static_cast<unsigned char>('}')] = true;
    hit[static_cast<unsigned char>(']')] = true;
  }
};
constexpr StructTable kStruct{};

// The first byte at or after `i` that is not plain string content.
inline size_t skip_plain(const char *s, size_t i, size_t n) {
  while (i + 4 <= n && kPlain.plain[static_cast<unsigned char>(s[i])] &&
         kPlain.plain[static_cast<unsigned char>(s[i + 1])] && kPlain.plain[static_cast<unsigned char>(s[i + 2])] &&
         kPlain.plain[static_cast<unsigned char>(s[i + 3])])
    i += 4;
  while (i < n && kPlain.plain[static_cast<unsigned char>(s[i])]) ++i;
  return i;
}

// The value of 4 hex digits (checked by the caller).
unsigned hex4(const char *p) {
  unsigned v = 0;
  for (int k = 0; k < 4; ++k) {
    char c = p[k];
    v = v * 16 + static_cast<unsigned>(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return v;
}

// Compares a member name as written (between its quotes, escapes
// included) with a plain ASCII name.
bool name_is(const char *raw, size_t len, const char *want) {
  size_t wn = std::strlen(want);
  if (len == wn && std::memcmp(raw, want, len) == 0) return true;
  if (!std::memchr(raw, '\\', len)) return false;
  size_t k = 0;
  for (size_t i = 0; i < len; ++k) {
    if (k >= wn) return false;
    char c = raw[i];
    if (c == '\\') {
      char e = raw[i + 1];
      if (e == 'u') {
        unsigned cu = hex4(raw + i + 2);
        if (cu >= 0x80) return false;
        c = static_cast<char>(cu);
        i += 6;
      } else {
        c = e == 'b' ? '\b' : e == 'f' ? '\f' : e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : e;
        i += 2;
      }
    } else {
      ++i;
    }
    if (c != want[k]) return false;
  }
  return k == wn;
}

struct Parser {
  const char *s;
  size_t n, i = 0;
  const char *why = nullptr;
  // Also refuses what cJSON 1.7.15 cannot read although RFC 8259 allows
  // it: numbers of more than 63 characters, unpaired UTF-16 surrogates.
  bool cjson_limits = false;
  // Checks that strings are UTF-8 (request bodies); answers from the server
  // are taken as sent, as cJSON did.
  bool utf8 = true;
  // Set: the top-level "value" and "@odata.count" members are recorded
  // (scan_collection); the first of each name counts, as in cJSON.
  CollectionScan *scan = nullptr;
  bool seen_value = false, seen_count = false;
  bool collect_next = false;  // the next value is the "value" member

  bool end() const { return i >= n; }
  void ws() {
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  }
  bool error(const char *w) {
    if (!why) why = w;
    return false;
  }
  bool literal(const char *word) {
    size_t len = std::strlen(word);
    if (n - i < len || std::memcmp(s + i, word, len) != 0) return error("invalid literal");
    i += len;
    return true;
  }
  static bool hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
  bool string() {
    ++i;  // opening quote
    size_t start = i;
    while (i < n) {
      i = skip_plain(s, i, n);
      if (i >= n) break;
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (c == '"') {
        if (utf8 && !odata::valid_utf8(std::string_view(s + start, i - start))) {
          i = start;
          return error("string is not valid UTF-8");
        }
        ++i;
        return true;
      }
      if (c < 0x20) return error("control character in string");
      if (c == '\\') {
        ++i;
        if (i >= n) break;
        char e = s[i];
        if (e == 'u') {
          for (int k = 1; k <= 4; ++k)
            if (i + k >= n || !hex(s[i + k])) return error("bad \\u escape");
          if (cjson_limits) {
            unsigned cu = hex4(s + i + 1);
            if (cu >= 0xDC00 && cu <= 0xDFFF) return error("unpaired surrogate");
            if (cu >= 0xD800 && cu <= 0xDBFF) {
              if (i + 10 >= n || s[i + 5] != '\\' || s[i + 6] != 'u') return error("unpaired surrogate");
              for (int k = 7; k <= 10; ++k)
                if (!hex(s[i + k])) return error("bad \\u escape");
              unsigned lo = hex4(s + i + 7);
              if (lo < 0xDC00 || lo > 0xDFFF) return error("unpaired surrogate");
              i += 6;
            }
          }
          i += 5;
          continue;
        }
        if (!std::strchr("\"\\/bfnrt", e) || e == 0) return error("bad escape");
      }
      ++i;
    }
    return error("unterminated string");
  }
  bool number() {
    size_t start = i;
    bool ok = number_text();
    if (ok && cjson_limits && i - start > 63) return error("number too long");
    return ok;
  }
  bool number_text() {
    if (s[i] == '-') ++i;
    if (end()) return error("bad number");
    if (s[i] == '0') {
      ++i;
    } else if (s[i] >= '1' && s[i] <= '9') {
      while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    } else {
      return error("bad number");
    }
    if (i < n && s[i] == '.') {
      ++i;
      if (end() || s[i] < '0' || s[i] > '9') return error("bad number");
      while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
      if (end() || s[i] < '0' || s[i] > '9') return error("bad number");
      while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
    }
    return true;
  }
  bool value(int depth) {
    const bool collect = collect_next;  // this value is the "value" member
    collect_next = false;
    ws();
    if (end()) return error("unexpected end of input");
    if (depth > kMaxDepth) return error("nested too deeply");
    char c = s[i];
    if (c == '{') {
      if (scan && depth == 0) scan->object = true;
      ++i;
      ws();
      if (i < n && s[i] == '}') {
        ++i;
        return true;
      }
      for (;;) {
        ws();
        if (end()) return error("unexpected end of input");
        if (s[i] != '"') return error("expected a member name in quotes");
        size_t name = i + 1;
        if (!string()) return false;
        bool count = false;
        if (scan && depth == 0) {
          if (!seen_value && name_is(s + name, i - 1 - name, "value")) {
            seen_value = collect_next = true;
          } else if (!seen_count && name_is(s + name, i - 1 - name, "@odata.count")) {
            seen_count = count = true;
          }
        }
        ws();
        if (end()) return error("unexpected end of input");
        if (s[i] != ':') return error("expected ':'");
        ++i;
        ws();
        size_t start = i;
        if (!value(depth + 1)) return false;
        if (count) {
          scan->has_count = true;
          scan->count = std::string_view(s + start, i - start);
        }
        ws();
        if (end()) return error("unexpected end of input");
        if (s[i] == '}') {
          ++i;
          return true;
        }
        if (s[i] != ',') return error("expected ',' or '}'");
        ++i;
      }
    }
    if (c == '[') {
      ++i;
      ws();
      if (collect) scan->has_value = true;
      if (i < n && s[i] == ']') {
        ++i;
        return true;
      }
      if (collect) scan->first = i;
      for (;;) {
        if (!value(depth + 1)) return false;
        if (collect) ++scan->items;
        ws();
        if (end()) return error("unexpected end of input");
        if (s[i] == ']') {
          ++i;
          return true;
        }
        if (s[i] != ',') return error("expected ',' or ']'");
        ++i;
      }
    }
    if (c == '"') return string();
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    if (c == 't') return literal("true");
    if (c == 'f') return literal("false");
    if (c == 'n') return literal("null");
    return error("unexpected character");
  }
};

}  // namespace

namespace {
// One JSON value and nothing after it but blanks; where and why not.
bool whole_value(Parser &p, JsonError *err) {
  bool ok = p.value(0);
  if (ok) {
    p.ws();
    if (!p.end()) ok = p.error("unexpected data after the JSON value");
  }
  if (!ok && err) {
    err->offset = p.i > p.n ? p.n : p.i;
    err->why = p.why;
  }
  return ok;
}
}  // namespace

bool json_valid(std::string_view text, bool utf8, JsonError *err) noexcept {
  Parser p{text.data(), text.size()};
  p.utf8 = utf8;
  p.cjson_limits = true;
  return whole_value(p, err);
}

size_t json_skip_value(std::string_view text, size_t i) noexcept {
  const char *s = text.data();
  size_t n = text.size();
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  if (i >= n) return n;
  // past a string whose opening quote is at i: one past its closing quote
  auto past_string = [s, n](size_t k) {
    for (++k;;) {
      k = skip_plain(s, k, n);
      if (k >= n) return n;
      if (s[k] == '"') return k + 1;
      k += s[k] == '\\' ? 2 : 1;  // an escape, or a control character
    }
  };
  char c = s[i];
  if (c == '"') return past_string(i);
  if (c == '{' || c == '[') {
    size_t depth = 0;
    while (i < n) {
      while (i < n && !kStruct.hit[static_cast<unsigned char>(s[i])]) ++i;
      if (i >= n) break;
      char d = s[i];
      if (d == '"') {
        i = past_string(i);
        continue;
      }
      if (d == '{' || d == '[') {
        ++depth;
      } else if (--depth == 0) {
        return i + 1;
      }
      ++i;
    }
    return n;
  }
  while (i < n && s[i] != ',' && s[i] != ']' && s[i] != '}' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
         s[i] != '\r')
    ++i;
  return i;
}

bool scan_collection(std::string_view text, CollectionScan *out, JsonError *err) noexcept {
  *out = CollectionScan{};
  Parser p{text.data(), text.size()};
  p.utf8 = false;
  p.cjson_limits = true;
  p.scan = out;
  bool ok = whole_value(p, err);
  if (!ok) *out = CollectionScan{};
  return ok;
}

void check_json(const char *json) {
  Parser p{json, std::strlen(json)};
  bool ok = p.value(0);
  if (ok) {
    p.ws();
    if (!p.end()) ok = p.error("unexpected data after the JSON value");
  }
  if (ok) return;
  size_t off = p.i > p.n ? p.n : p.i, line = 1, col = 1;
  for (size_t k = 0; k < off; ++k) {
    if (json[k] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  std::string near(json + off, std::min<size_t>(16, p.n - off));
  for (char &c : near)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  fail(THREECX_E_INVALID_JSON,
       "malformed JSON body at byte " + std::to_string(off) + " (line " + std::to_string(line) +
           ", column " + std::to_string(col) + "): " + p.why +
           (off >= p.n ? std::string() : ", near '" + near + "'"));
}

cJSON *parse_json(std::string_view text) {
  cJSON *doc = cJSON_ParseWithLength(text.data(), text.size());
  if (doc || text.empty()) return doc;
  Parser p{text.data(), text.size()};
  p.cjson_limits = true;
  if (p.value(0)) throw std::bad_alloc();  // well-formed: cJSON ran out of memory
  return nullptr;
}

}  // namespace threecx
