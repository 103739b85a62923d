#include "request/odata.hpp"

#include <cctype>
#include <cstdio>
#include <cstring>

#include "common/error.hpp"

namespace threecx::odata {
namespace {
constexpr char kHex[] = "0123456789ABCDEF";

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

void append_encoded(std::string &out, unsigned char c, const char *keep) {
  if (unreserved(c) || (c != 0 && std::strchr(keep, c) != nullptr)) {
    out.push_back(static_cast<char>(c));
  } else {
    out.push_back('%');
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
}

std::string encode_except(std::string_view s, const char *keep) {
  std::string out;
  out.reserve(s.size() * 3);  // never reallocates: no stray copies of secrets
  for (unsigned char c : s) append_encoded(out, c, keep);
  return out;
}

bool digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return false;
  for (size_t i = pos; i < pos + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}
int num(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}
}  // namespace

std::string url_encode(std::string_view s) { return encode_except(s, ""); }

std::string query_encode(std::string_view s) {
  return encode_except(s, "(),':/@!*;$=");
}

std::string quote_string(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('\'');
  for (char c : s) {
    out.push_back(c);
    if (c == '\'') out.push_back('\'');
  }
  out.push_back('\'');
  return out;
}

std::string path_string(std::string_view s) {
  return url_encode(quote_string(s));
}

std::string path_int(int64_t v) { return std::to_string(v); }
std::string path_bool(bool v) { return v ? "true" : "false"; }
std::string path_null() { return "null"; }

bool is_guid(std::string_view s) noexcept {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

bool is_datetime(std::string_view s) noexcept {
  // YYYY-MM-DDTHH:MM:SS
  if (!digits(s, 0, 4) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2) ||
      s[7] != '-' || !digits(s, 8, 2) || (s[10] != 'T' && s[10] != 't') ||
      !digits(s, 11, 2) || s[13] != ':' || !digits(s, 14, 2) ||
      s[16] != ':' || !digits(s, 17, 2))
    return false;
  int mo = num(s, 5, 2), d = num(s, 8, 2), h = num(s, 11, 2),
      mi = num(s, 14, 2), se = num(s, 17, 2);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return false;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int y = num(s, 0, 4);
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[mo - 1] || (mo == 2 && d == 29 && !leap)) return false;
  size_t p = 19;
  if (p < s.size() && s[p] == '.') {
    size_t start = ++p;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
    if (p == start || p - start > 12) return false;
  }
  if (p >= s.size()) return false;  // an offset is required
  if (s[p] == 'Z' || s[p] == 'z') return p + 1 == s.size();
  if (s[p] != '+' && s[p] != '-') return false;
  if (p + 6 != s.size() || !digits(s, p + 1, 2) || s[p + 3] != ':' ||
      !digits(s, p + 4, 2))
    return false;
  return num(s, p + 1, 2) <= 23 && num(s, p + 4, 2) <= 59;
}

std::string path_guid(std::string_view s) {
  if (!is_guid(s))
    fail(THREECX_E_INVALID_ARGUMENT,
         "not a GUID (expected 8-4-4-4-12 hexadecimal digits): '" +
             std::string(s.substr(0, 64)) + "'");
  return std::string(s);
}

std::string path_datetime(std::string_view s) {
  if (!is_datetime(s))
    fail(THREECX_E_INVALID_ARGUMENT,
         "not an ISO 8601 date-time with offset (e.g. "
         "2026-01-31T08:00:00Z or 2026-01-31T09:00:00+01:00): '" +
             std::string(s.substr(0, 64)) + "'");
  return url_encode(s);
}

namespace {
// Characters kept as they are in a searchWord (searchChar of the ABNF,
// less '+', which form decoders read as a space, and '?'); the rest is
// percent-encoded (pct-encoded-no-DQUOTE), ' and ; included.
constexpr const char *kWordKeep = "!*,:@/$=";
// Inside '...' of an expression: pchar-no-SQUOTE less '&' and '+'.
constexpr const char *kStringKeep = "!()*,;$=:@";
constexpr int kMaxSearchDepth = 64;

bool blank(char c) { return c == ' ' || c == '\t'; }

[[noreturn]] void bad_search(const std::string &why, size_t at) {
  fail(THREECX_E_INVALID_ARGUMENT,
       "$search: " + why + " at offset " + std::to_string(at) +
           " (write words, AND, OR, NOT, ( ), \"phrases\"; threecx_search_phrase "
           "makes a phrase of any text)");
}

struct SearchWriter {
  std::string_view s;
  size_t i = 0;
  std::string out;

  void skip_blanks() {
    while (i < s.size() && blank(s[i])) ++i;
  }
  // The word at i (up to a blank, parenthesis or quote), not consumed.
  std::string_view peek_word() const {
    size_t j = i;
    while (j < s.size() && !blank(s[j]) && s[j] != '(' && s[j] != ')' && s[j] != '"') ++j;
    return s.substr(i, j - i);
  }
  void phrase() {
    size_t start = i++;
    std::string_view body;
    for (size_t j = i;; ++j) {
      if (j >= s.size()) bad_search("unterminated \"phrase\"", start);
      if (s[j] == '\\') {
        if (j + 1 >= s.size() || (s[j + 1] != '\\' && s[j + 1] != '"'))
          bad_search("in a phrase, \\ must be followed by \\ or \"", j);
        ++j;
        continue;
      }
      if (s[j] == '"') {
        body = s.substr(i, j - i);
        i = j + 1;
        break;
      }
    }
    if (body.empty()) bad_search("empty phrase", start);
    out += "%22";
    for (unsigned char ch : body) append_encoded(out, ch, "(),':/@!*;$=");  // \ -> %5C, " -> %22
    out += "%22";
  }
  // One operand: ( expr ), NOT operand, "phrase" or word.
  void operand(int depth) {
    if (i >= s.size()) bad_search("a search term is missing", i);
    char c = s[i];
    if (c == '(') {
      if (depth >= kMaxSearchDepth) bad_search("parentheses nested too deeply", i);
      size_t open = i++;
      out += "(";
      skip_blanks();
      expr(depth + 1);
      skip_blanks();
      if (i >= s.size() || s[i] != ')') bad_search("unbalanced '('", open);
      ++i;
      out += ")";
      return;
    }
    if (c == ')') bad_search("a search term is missing before ')'", i);
    if (c == '"') return phrase();
    std::string_view w = peek_word();
    if (w == "AND" || w == "OR")
      bad_search("operator " + std::string(w) + " where a search term is expected", i);
    if (w == "NOT") {
      size_t at = i;
      i += 3;
      if (i >= s.size() || !blank(s[i])) bad_search("NOT must be followed by a blank and a term", at);
      skip_blanks();
      out += "NOT%20";
      return operand(depth);
    }
    i += w.size();
    for (unsigned char ch : w) append_encoded(out, ch, kWordKeep);
  }
  void expr(int depth) {
    operand(depth);
    for (;;) {
      size_t before = i;
      skip_blanks();
      if (i >= s.size() || s[i] == ')') return;  // trailing blanks dropped
      if (i == before) bad_search("search terms must be separated by a blank", i);
      std::string_view w = peek_word();
      if (w == "AND" || w == "OR") {
        size_t at = i;
        i += w.size();
        if (i >= s.size() || !blank(s[i]))
          bad_search("operator " + std::string(w) + " must be followed by a blank and a term", at);
        skip_blanks();
        out += "%20";
        out += w;
        out += "%20";
      } else {
        out += "%20";  // implicit AND
      }
      operand(depth);
    }
  }
};
}  // namespace

std::string search_encode(std::string_view expr) {
  SearchWriter w{expr};
  w.skip_blanks();
  w.expr(0);
  w.skip_blanks();
  if (w.i < expr.size()) bad_search("unbalanced ')'", w.i);
  return std::move(w.out);
}

std::string search_phrase(std::string_view text) {
  if (text.empty()) fail(THREECX_E_INVALID_ARGUMENT, "a search phrase cannot be empty");
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string expr_encode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\'') {
      out.push_back(c);
      if (in_string && i + 1 < s.size() && s[i + 1] == '\'') {
        out.push_back('\'');  // '' inside a literal
        ++i;
      } else {
        in_string = !in_string;
      }
      continue;
    }
    append_encoded(out, static_cast<unsigned char>(c), in_string ? kStringKeep : "(),':/@!*;$=");
  }
  return out;
}

bool valid_utf8(std::string_view s) noexcept {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

}  // namespace threecx::odata
