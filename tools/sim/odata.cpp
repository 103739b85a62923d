#include "odata.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace sim {
namespace {

// Simple case mapping of one code point (ASCII, Latin-1, Latin Extended-A,
// Greek, Cyrillic): enough for names in a PBX; other code points unchanged.
uint32_t cp_lower(uint32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0x80) return c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if (c >= 0x100 && c <= 0x17F) {
    if (c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17F) return c;
    if (c == 0x178) return 0xFF;
    bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_upper) return (c & 1) ? c + 1 : c;
    return (c & 1) ? c : c + 1;
  }
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;
  if (c >= 0x410 && c <= 0x42F) return c + 32;
  if (c >= 0x400 && c <= 0x40F) return c + 80;
  return c;
}

uint32_t cp_upper(uint32_t c) {
  if (c >= 'a' && c <= 'z') return c - 32;
  if (c < 0x80) return c;
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 32;
  if (c == 0xFF) return 0x178;
  if (c >= 0x100 && c <= 0x17F) {
    if (c == 0x130 || c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17F || c == 0x178) return c;
    bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_upper) return (c & 1) ? c : c - 1;
    return (c & 1) ? c - 1 : c;
  }
  if (c == 0x3C2) return 0x3A3;  // final sigma
  if (c >= 0x3B1 && c <= 0x3C9) return c - 32;
  if (c >= 0x430 && c <= 0x44F) return c - 32;
  if (c >= 0x450 && c <= 0x45F) return c - 80;
  return c;
}

// Decodes one UTF-8 sequence at s[i] (advancing i); invalid bytes come back
// as themselves with ok = false.
uint32_t utf8_next(const std::string &s, size_t &i, bool *ok) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  *ok = true;
  int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (len == 1) {
    ++i;
    return c;
  }
  if (len == 0 || i + len > s.size()) {
    *ok = false;
    ++i;
    return c;
  }
  uint32_t cp = c & (0xFF >> (len + 1));
  for (int k = 1; k < len; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) {
      *ok = false;
      ++i;
      return c;
    }
    cp = (cp << 6) | (d & 0x3F);
  }
  i += len;
  return cp;
}

void utf8_put(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string map_case(const std::string &s, uint32_t (*f)(uint32_t)) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t at = i;
    bool ok;
    uint32_t cp = utf8_next(s, i, &ok);
    if (ok) utf8_put(out, f(cp));
    else out.push_back(s[at]);
  }
  return out;
}

std::string lower(const std::string &s) { return map_case(s, cp_lower); }
std::string upper(const std::string &s) { return map_case(s, cp_upper); }

// Characters (code points), not bytes.
size_t utf8_length(const std::string &s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    bool ok;
    utf8_next(s, i, &ok);
  }
  return n;
}

bool all_digits(const std::string &s, size_t from, size_t n) {
  if (from + n > s.size()) return false;
  for (size_t k = from; k < from + n; ++k)
    if (s[k] < '0' || s[k] > '9') return false;
  return true;
}

// 8-4-4-4-12 hexadecimal digits.
bool is_guid(const std::string &s) {
  if (s.size() != 36) return false;
  for (size_t k = 0; k < 36; ++k) {
    bool dash = k == 8 || k == 13 || k == 18 || k == 23;
    if (dash ? s[k] != '-' : !std::isxdigit(static_cast<unsigned char>(s[k]))) return false;
  }
  return true;
}

// YYYY-MM-DD
bool is_date(const std::string &s) {
  return s.size() == 10 && all_digits(s, 0, 4) && s[4] == '-' && all_digits(s, 5, 2) && s[7] == '-' &&
         all_digits(s, 8, 2);
}

// HH:MM[:SS[.f+]] (Edm.TimeOfDay)
bool is_time_of_day(const std::string &s) {
  if (s.size() < 5 || !all_digits(s, 0, 2) || s[2] != ':' || !all_digits(s, 3, 2)) return false;
  if (s.size() == 5) return true;
  if (s[5] != ':' || !all_digits(s, 6, 2)) return false;
  if (s.size() == 8) return true;
  return s[8] == '.' && s.size() > 9 && all_digits(s, 9, s.size() - 9);
}

// ISO 8601 date-time with an offset (YYYY-MM-DDTHH:MM[:SS[.f+]](Z|+HH:MM|-HH:MM))
// as an instant: seconds since 1970 and nanoseconds.
bool parse_datetime(const std::string &s, long long *secs, long *nanos) {
  if (s.size() < 17 || !is_date(s.substr(0, 10)) || (s[10] != 'T' && s[10] != 't') || !all_digits(s, 11, 2) ||
      s[13] != ':' || !all_digits(s, 14, 2))
    return false;
  auto num = [&](size_t from, size_t n) { return std::atoi(s.substr(from, n).c_str()); };
  int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), se = 0;
  size_t p = 16;
  long ns = 0;
  if (p < s.size() && s[p] == ':') {
    if (!all_digits(s, p + 1, 2)) return false;
    se = num(p + 1, 2);
    p += 3;
    if (p < s.size() && s[p] == '.') {
      size_t start = ++p;
      long scale = 100000000;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
        ns += (s[p] - '0') * scale;
        scale /= 10;
        ++p;
      }
      if (p == start) return false;
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return false;
  long off = 0;
  if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
    ++p;
  } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    if (p + 6 != s.size() || !all_digits(s, p + 1, 2) || s[p + 3] != ':' || !all_digits(s, p + 4, 2)) return false;
    off = (num(p + 1, 2) * 60 + num(p + 4, 2)) * 60L * (s[p] == '-' ? -1 : 1);
    p += 6;
  } else {
    return false;  // an offset is required
  }
  if (p != s.size()) return false;
  // days from civil (H. Hinnant)
  int yy = y - (mo <= 2);
  long era = (yy >= 0 ? yy : yy - 399) / 400;
  long yoe = yy - era * 400;
  long doy = (153L * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  long long days = era * 146097LL + doe - 719468;
  *secs = days * 86400LL + h * 3600L + mi * 60L + se - off;
  *nanos = ns;
  return true;
}

// A full decimal number (optional sign, digits, fraction, exponent).
bool is_number(const std::string &s) {
  if (s.empty()) return false;
  char *end = nullptr;
  std::strtod(s.c_str(), &end);
  if (!end || *end) return false;
  return s.find_first_not_of("-+0123456789.eE") == std::string::npos;
}

Value from_json(const cJSON *j) {
  Value v;
  if (!j || cJSON_IsNull(j)) return v;
  if (cJSON_IsBool(j)) {
    v.kind = Value::Bool;
    v.b = cJSON_IsTrue(j);
  } else if (cJSON_IsNumber(j)) {
    v.kind = Value::Number;
    v.n = j->valuedouble;
  } else if (cJSON_IsString(j)) {
    v.kind = Value::String;
    v.s = j->valuestring;
  } else {
    v.kind = Value::String;  // arrays/objects compare by their text
    char *t = cJSON_PrintUnformatted(j);
    v.s = t ? t : "";
    cJSON_free(t);
  }
  return v;
}

// ---- tokens ----
struct Tok {
  enum Kind { End, Ident, Str, Num, LParen, RParen, Comma } kind;
  std::string text;
  size_t pos;
};

// Reads the '...' literal starting at s[i] (a quote); '' is an escaped quote.
std::string read_string(const std::string &s, size_t &i) {
  size_t start = i;
  std::string v;
  ++i;
  for (;;) {
    if (i >= s.size()) throw BadQuery("unterminated string literal at position " + std::to_string(start));
    if (s[i] == '\'') {
      if (i + 1 < s.size() && s[i + 1] == '\'') {
        v.push_back('\'');
        i += 2;
        continue;
      }
      ++i;
      return v;
    }
    v.push_back(s[i++]);
  }
}

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

std::vector<Tok> tokenize(const std::string &s) {
  std::vector<Tok> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    size_t start = i;
    if (c == '(') {
      out.push_back({Tok::LParen, "(", i++});
    } else if (c == ')') {
      out.push_back({Tok::RParen, ")", i++});
    } else if (c == ',') {
      out.push_back({Tok::Comma, ",", i++});
    } else if (c == '\'') {
      std::string v = read_string(s, i);
      out.push_back({Tok::Str, v, start});
    } else if (is_digit(c) || (c == '-' && i + 1 < s.size() && is_digit(s[i + 1]))) {
      ++i;
      while (i < s.size() && (is_alnum(s[i]) || s[i] == '.' || s[i] == ':' || s[i] == '-' || s[i] == '+')) ++i;
      std::string t = s.substr(start, i - start);
      // date-times, dates and GUIDs are bare literals that may start with digits
      long long secs;
      long nanos;
      if (is_number(t))
        out.push_back({Tok::Num, t, start});
      else if (is_guid(t) || is_date(t) || is_time_of_day(t) || parse_datetime(t, &secs, &nanos))
        out.push_back({Tok::Str, t, start});
      else
        throw BadQuery("syntax error at position " + std::to_string(start) + ": bad literal '" + t + "'");
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      ++i;
      while (i < s.size() && (is_alnum(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '/')) ++i;
      if (i < s.size() && s[i] == '\'') {  // enum literal: Pbx.GrantType'Password'
        std::string v = read_string(s, i);
        out.push_back({Tok::Str, v, start});
      } else if (i < s.size() && s[i] == '-' && i - start == 8) {  // GUID starting with a letter
        while (i < s.size() && (std::isxdigit(static_cast<unsigned char>(s[i])) || s[i] == '-')) ++i;
        std::string t = s.substr(start, i - start);
        if (!is_guid(t))
          throw BadQuery("syntax error at position " + std::to_string(start) + ": bad literal '" + t + "'");
        out.push_back({Tok::Str, t, start});
      } else {
        out.push_back({Tok::Ident, s.substr(start, i - start), start});
      }
    } else {
      throw BadQuery(std::string("syntax error at position ") + std::to_string(i) + ": unexpected '" + c + "'");
    }
  }
  out.push_back({Tok::End, "", s.size()});
  return out;
}

// A property path (Name or Nav/Name) checked against the type.
std::vector<std::string> resolve_path(const std::string &text, const EntityType &type) {
  std::vector<std::string> path;
  size_t from = 0;
  const EntityType *et = &type;
  for (;;) {
    size_t slash = text.find('/', from);
    std::string part = text.substr(from, slash == std::string::npos ? std::string::npos : slash - from);
    bool known = et && (et->properties.count(part) || et->navs.count(part));
    if (!known)
      throw BadQuery("Could not find a property named '" + part + "' on type '" +
                     (et ? et->name : std::string("?")) + "'.");
    path.push_back(part);
    if (slash == std::string::npos) break;
    auto nt = et->nav_types.find(part);
    et = nt == et->nav_types.end() ? nullptr : nt->second;
    from = slash + 1;
  }
  return path;
}

const cJSON *walk(const cJSON *e, const std::vector<std::string> &path) {
  const cJSON *cur = e;
  for (const auto &p : path) cur = cJSON_IsObject(cur) ? cJSON_GetObjectItemCaseSensitive(cur, p.c_str()) : nullptr;
  return cur;
}

}  // namespace

// ---- AST ----
struct Filter::Node {
  enum Kind { Lit, Prop, And, Or, Not, Cmp, In, Fn } kind;
  Value lit;
  std::vector<std::string> path;  // property path
  std::string edm;                // Prop: its Edm type, "" if unknown
  const std::set<std::string> *members = nullptr;  // Prop of an enum type
  std::string op;                 // comparison operator or function name
  std::vector<std::unique_ptr<Node>> kids;

  Value eval(const cJSON *e) const;
};

namespace {

bool truthy(const Value &v) { return v.kind == Value::Bool && v.b; }
bool is_false(const Value &v) { return v.kind == Value::Bool && !v.b; }

int compare(const Value &a, const Value &b, bool *comparable) {
  *comparable = true;
  if (a.kind == Value::Number && b.kind == Value::Number) return a.n < b.n ? -1 : a.n > b.n ? 1 : 0;
  if (a.kind == Value::String && b.kind == Value::String) {
    // date-times compare as instants (offsets, fractions), GUIDs ignore case
    long long sa, sb;
    long na, nb;
    if (parse_datetime(a.s, &sa, &na) && parse_datetime(b.s, &sb, &nb))
      return sa != sb ? (sa < sb ? -1 : 1) : na != nb ? (na < nb ? -1 : 1) : 0;
    if (is_guid(a.s) && is_guid(b.s)) {
      std::string la = lower(a.s), lb = lower(b.s);
      return la < lb ? -1 : la == lb ? 0 : 1;
    }
    return a.s.compare(b.s) < 0 ? -1 : a.s == b.s ? 0 : 1;
  }
  if (a.kind == Value::Bool && b.kind == Value::Bool) return int(a.b) - int(b.b);
  if (a.kind == Value::Null && b.kind == Value::Null) return 0;
  *comparable = false;
  return 0;
}

Value make_bool(bool b) {
  Value v;
  v.kind = Value::Bool;
  v.b = b;
  return v;
}

}  // namespace

Value Filter::Node::eval(const cJSON *e) const {
  switch (kind) {
    case Lit:
      return lit;
    case Prop:
      return from_json(walk(e, path));
    // three-valued logic: null (unknown) propagates as OData requires
    case And: {
      Value a = kids[0]->eval(e), b = kids[1]->eval(e);
      if (is_false(a) || is_false(b)) return make_bool(false);
      if (truthy(a) && truthy(b)) return make_bool(true);
      return Value{};
    }
    case Or: {
      Value a = kids[0]->eval(e), b = kids[1]->eval(e);
      if (truthy(a) || truthy(b)) return make_bool(true);
      if (is_false(a) && is_false(b)) return make_bool(false);
      return Value{};
    }
    case Not: {
      Value a = kids[0]->eval(e);
      if (a.kind != Value::Bool) return Value{};
      return make_bool(!a.b);
    }
    case Cmp: {
      Value a = kids[0]->eval(e), b = kids[1]->eval(e);
      bool ok;
      int c = compare(a, b, &ok);
      if (op == "eq") return make_bool(ok && c == 0);
      if (op == "ne") return make_bool(!ok || c != 0);
      if (!ok) return make_bool(false);
      if (op == "gt") return make_bool(c > 0);
      if (op == "ge") return make_bool(c >= 0);
      if (op == "lt") return make_bool(c < 0);
      return make_bool(c <= 0);  // le
    }
    case In: {
      Value a = kids[0]->eval(e);
      for (size_t i = 1; i < kids.size(); ++i) {
        bool ok;
        if (compare(a, kids[i]->eval(e), &ok) == 0 && ok) return make_bool(true);
      }
      return make_bool(false);
    }
    case Fn: {
      Value a = kids[0]->eval(e);
      if (op == "tolower" || op == "toupper") {
        if (a.kind != Value::String) return Value{};
        a.s = op == "tolower" ? lower(a.s) : upper(a.s);
        return a;
      }
      if (op == "length") {
        Value v;
        if (a.kind != Value::String) return v;
        v.kind = Value::Number;
        v.n = static_cast<double>(utf8_length(a.s));
        return v;
      }
      Value b = kids[1]->eval(e);
      if (a.kind != Value::String || b.kind != Value::String) return Value{};  // null in, null out
      if (op == "contains") return make_bool(a.s.find(b.s) != std::string::npos);
      if (op == "startswith") return make_bool(a.s.compare(0, b.s.size(), b.s) == 0);
      return make_bool(a.s.size() >= b.s.size() && a.s.compare(a.s.size() - b.s.size(), b.s.size(), b.s) == 0);
    }
  }
  return Value{};
}

namespace {

using NodeP = std::unique_ptr<Filter::Node>;


struct Parser {
  std::vector<Tok> t;
  size_t i = 0;
  const EntityType &type;

  const Tok &peek() const { return t[i]; }
  bool word(const char *w) const { return t[i].kind == Tok::Ident && t[i].text == w; }
  [[noreturn]] void error(const std::string &what) const {
    throw BadQuery("syntax error at position " + std::to_string(t[i].pos) + ": " + what);
  }
  void expect(Tok::Kind k, const char *what) {
    if (t[i].kind != k) error(std::string("expected ") + what);
    ++i;
  }

  NodeP node(Filter::Node::Kind k) {
    auto n = std::make_unique<Filter::Node>();
    n->kind = k;
    return n;
  }

  NodeP parse_or() {
    NodeP l = parse_and();
    while (word("or")) {
      ++i;
      NodeP n = node(Filter::Node::Or);
      n->kids.push_back(std::move(l));
      n->kids.push_back(parse_and());
      l = std::move(n);
    }
    return l;
  }
  NodeP parse_and() {
    NodeP l = parse_not();
    while (word("and")) {
      ++i;
      NodeP n = node(Filter::Node::And);
      n->kids.push_back(std::move(l));
      n->kids.push_back(parse_not());
      l = std::move(n);
    }
    return l;
  }
  NodeP parse_not() {
    if (word("not")) {
      ++i;
      NodeP n = node(Filter::Node::Not);
      n->kids.push_back(parse_not());
      return n;
    }
    return parse_cmp();
  }
  // A property compared with a literal must agree with the property's Edm
  // type (as ASP.NET OData answers 400): a number for a string, a string for
  // a number, an unknown enum member, a malformed date-time are refused.
  static void check_operands(const Filter::Node &prop, const Filter::Node &lit, const char *op) {
    if (prop.kind != Filter::Node::Prop || lit.kind != Filter::Node::Lit || prop.edm.empty()) return;
    const Value &v = lit.lit;
    if (v.kind == Value::Null) return;
    static const std::map<std::string, std::string> kOpNames = {
        {"eq", "Equal"}, {"ne", "NotEqual"}, {"gt", "GreaterThan"}, {"ge", "GreaterThanOrEqual"},
        {"lt", "LessThan"}, {"le", "LessThanOrEqual"}, {"in", "In"}};
    std::string lit_edm = v.kind == Value::Number ? "Edm.Int32" : v.kind == Value::Bool ? "Edm.Boolean" : "Edm.String";
    bool ok;
    const std::string &e = prop.edm;
    if (e == "Edm.String" || e == "Edm.Guid") {
      ok = v.kind == Value::String;
    } else if (e == "Edm.Int32" || e == "Edm.Int64" || e == "Edm.Double") {
      ok = v.kind == Value::Number;
    } else if (e == "Edm.Boolean") {
      ok = v.kind == Value::Bool;
    } else if (e == "Edm.DateTimeOffset") {
      long long s;
      long ns;
      ok = v.kind == Value::String && parse_datetime(v.s, &s, &ns);
      if (v.kind == Value::String && !ok)
        throw BadQuery("The DateTimeOffset text '" + v.s + "' should be in format 'yyyy-mm-ddThh:mm:ss('.'s+)?(zzzzzz)?'.");
    } else {  // an enum
      ok = v.kind == Value::String;
      if (ok && prop.members && !prop.members->count(v.s))
        throw BadQuery("The string '" + v.s + "' is not a valid enumeration type constant of '" + e + "'.");
    }
    if (!ok) {
      auto name = kOpNames.find(op);
      throw BadQuery("A binary operator with incompatible types was detected. Found operand types '" + e +
                     "' and '" + lit_edm + "' for operator kind '" +
                     (name == kOpNames.end() ? std::string(op) : name->second) + "'.");
    }
  }
  NodeP parse_cmp() {
    NodeP l = parse_primary();
    static const char *ops[] = {"eq", "ne", "gt", "ge", "lt", "le"};
    for (const char *o : ops) {
      if (word(o)) {
        ++i;
        NodeP n = node(Filter::Node::Cmp);
        n->op = o;
        n->kids.push_back(std::move(l));
        n->kids.push_back(parse_primary());
        check_operands(*n->kids[0], *n->kids[1], o);
        check_operands(*n->kids[1], *n->kids[0], o);
        return n;
      }
    }
    if (word("in")) {
      ++i;
      NodeP n = node(Filter::Node::In);
      n->kids.push_back(std::move(l));
      expect(Tok::LParen, "'(' after 'in'");
      for (;;) {
        n->kids.push_back(parse_primary());
        if (peek().kind == Tok::Comma) {
          ++i;
          continue;
        }
        expect(Tok::RParen, "')' closing the 'in' list");
        break;
      }
      for (size_t k = 1; k < n->kids.size(); ++k) check_operands(*n->kids[0], *n->kids[k], "in");
      return n;
    }
    return l;
  }
  NodeP parse_primary() {
    const Tok &k = peek();
    if (k.kind == Tok::LParen) {
      ++i;
      NodeP n = parse_or();
      expect(Tok::RParen, "')'");
      return n;
    }
    if (k.kind == Tok::Str) {
      ++i;
      NodeP n = node(Filter::Node::Lit);
      n->lit.kind = Value::String;
      n->lit.s = k.text;
      return n;
    }
    if (k.kind == Tok::Num) {
      ++i;
      NodeP n = node(Filter::Node::Lit);
      n->lit.kind = Value::Number;
      char *end = nullptr;
      n->lit.n = std::strtod(k.text.c_str(), &end);
      if (!end || *end) error("bad number '" + k.text + "'");
      return n;
    }
    if (k.kind == Tok::Ident) {
      if (k.text == "true" || k.text == "false") {
        ++i;
        NodeP n = node(Filter::Node::Lit);
        n->lit = make_bool(k.text == "true");
        return n;
      }
      if (k.text == "null") {
        ++i;
        return node(Filter::Node::Lit);
      }
      static const char *fns[] = {"contains", "startswith", "endswith", "tolower", "toupper", "length"};
      for (const char *f : fns) {
        if (k.text == f && t[i + 1].kind == Tok::LParen) {
          i += 2;
          NodeP n = node(Filter::Node::Fn);
          n->op = f;
          n->kids.push_back(parse_or());
          bool two = std::strcmp(f, "tolower") && std::strcmp(f, "toupper") && std::strcmp(f, "length");
          if (two) {
            expect(Tok::Comma, "',' between function arguments");
            n->kids.push_back(parse_or());
          }
          expect(Tok::RParen, "')' closing the function call");
          // the string functions take strings (an enum or a number property is refused)
          for (const auto &a : n->kids)
            if ((a->kind == Filter::Node::Prop && !a->edm.empty() && a->edm != "Edm.String") ||
                (a->kind == Filter::Node::Lit && a->lit.kind != Value::String && a->lit.kind != Value::Null))
              throw BadQuery(std::string("No function signature for the function with name '") + f +
                             "' matches the specified arguments (it takes Edm.String).");
          return n;
        }
      }
      if (t[i + 1].kind == Tok::LParen) throw BadQuery("Unknown function '" + k.text + "'.");
      ++i;
      NodeP n = node(Filter::Node::Prop);
      n->path = resolve_path(k.text, type);
      // the owning type of the last segment, for the property's Edm type
      const EntityType *et = &type;
      for (size_t s = 0; et && s + 1 < n->path.size(); ++s) {
        auto nt = et->nav_types.find(n->path[s]);
        et = nt == et->nav_types.end() ? nullptr : nt->second;
      }
      if (et) {
        auto e = et->edm.find(n->path.back());
        if (e != et->edm.end()) n->edm = e->second;
        auto m = et->enum_members.find(n->path.back());
        if (m != et->enum_members.end()) n->members = &m->second;
      }
      return n;
    }
    error(k.kind == Tok::End ? "unexpected end of expression" : "unexpected '" + k.text + "'");
  }
};

std::vector<std::string> split_top(const std::string &s, char sep) {
  std::vector<std::string> out;
  int depth = 0;
  std::string cur;
  for (char c : s) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == sep && depth == 0) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  for (auto &x : out) {
    size_t a = x.find_first_not_of(' '), b = x.find_last_not_of(' ');
    x = a == std::string::npos ? "" : x.substr(a, b - a + 1);
  }
  return out;
}

long long parse_nonneg(const std::string &name, const std::string &v) {
  if (v.empty() || v.size() > 12 || v.find_first_not_of("0123456789") != std::string::npos)
    throw BadQuery("Invalid value '" + v + "' for " + name + " query option found. The " + name +
                   " query option requires a non-negative integer value.");
  return std::stoll(v);
}

}  // namespace

Filter::Filter(const std::string &text, const EntityType &type) {
  Parser p{tokenize(text), 0, type};
  root_ = p.parse_or();
  if (p.peek().kind != Tok::End) p.error("unexpected '" + p.peek().text + "'");
}
Filter::~Filter() = default;
bool Filter::matches(const cJSON *e) const { return truthy(root_->eval(e)); }

Query parse_query(const std::vector<std::pair<std::string, std::string>> &params) {
  Query q;
  for (const auto &kv : params) {  // no structured binding: lambdas capture k (C++20 only)
    const std::string &k = kv.first, &v = kv.second;
    auto once = [&](bool &flag) {
      if (flag) throw BadQuery("Query option '" + k + "' was specified more than once, but it must be specified at most once.");
      flag = true;
    };
    if (k == "$filter") {
      once(q.has_filter);
      q.filter = v;
    } else if (k == "$search") {
      once(q.has_search);
      q.search = v;
    } else if (k == "$orderby") {
      once(q.has_orderby);
      q.orderby = v;
    } else if (k == "$select") {
      once(q.has_select);
      q.select = v;
    } else if (k == "$expand") {
      once(q.has_expand);
      q.expand = v;
    } else if (k == "$top") {
      once(q.has_top);
      q.top = parse_nonneg("$top", v);
    } else if (k == "$skip") {
      once(q.has_skip);
      q.skip = parse_nonneg("$skip", v);
    } else if (k == "$count") {
      once(q.has_count);
      if (v != "true" && v != "false")
        throw BadQuery("'" + v + "' is not a valid count option.");
      q.count = v == "true";
    } else if (!k.empty() && k[0] == '$') {
      throw BadQuery("The query parameter '" + k + "' is not supported.");
    }
  }
  return q;
}

namespace {

// ---- $search: words and "phrases", implicit or explicit AND, OR, NOT,
// parentheses; each term matches case-insensitively inside any string
// property ----
struct Search {
  enum Kind { Term, And, Or, Not } kind = Term;
  std::string term;  // lower-cased
  std::vector<std::unique_ptr<Search>> kids;

  bool matches(const cJSON *e) const {
    switch (kind) {
      case Term:
        for (const cJSON *f = e->child; f; f = f->next)
          if (cJSON_IsString(f) && lower(f->valuestring).find(term) != std::string::npos) return true;
        return false;
      case And:
        return kids[0]->matches(e) && kids[1]->matches(e);
      case Or:
        return kids[0]->matches(e) || kids[1]->matches(e);
      case Not:
        return !kids[0]->matches(e);
    }
    return false;
  }
};

struct SearchParser {
  struct STok {
    enum Kind { End, Word, Phrase, LParen, RParen } kind;
    std::string text;
  };
  std::vector<STok> t;
  size_t i = 0;

  explicit SearchParser(const std::string &s) {
    size_t k = 0;
    while (k < s.size()) {
      char c = s[k];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++k;
      } else if (c == '(' || c == ')') {
        t.push_back({c == '(' ? STok::LParen : STok::RParen, std::string(1, c)});
        ++k;
      } else if (c == '"') {
        std::string v;
        ++k;
        for (;;) {
          if (k >= s.size()) throw BadQuery("Unterminated phrase in $search: " + s);
          if (s[k] == '\\' && k + 1 < s.size()) {
            v.push_back(s[k + 1]);
            k += 2;
          } else if (s[k] == '"') {
            ++k;
            break;
          } else {
            v.push_back(s[k++]);
          }
        }
        if (v.empty()) throw BadQuery("Empty phrase in $search.");
        t.push_back({STok::Phrase, v});
      } else {
        size_t start = k;
        while (k < s.size() && !std::isspace(static_cast<unsigned char>(s[k])) && s[k] != '(' && s[k] != ')' &&
               s[k] != '"')
          ++k;
        t.push_back({STok::Word, s.substr(start, k - start)});
      }
    }
    t.push_back({STok::End, ""});
  }

  bool op(const char *w) const { return t[i].kind == STok::Word && t[i].text == w; }

  std::unique_ptr<Search> join(Search::Kind k, std::unique_ptr<Search> l, std::unique_ptr<Search> r) {
    auto n = std::make_unique<Search>();
    n->kind = k;
    n->kids.push_back(std::move(l));
    n->kids.push_back(std::move(r));
    return n;
  }
  std::unique_ptr<Search> parse_or() {
    auto l = parse_and();
    while (op("OR")) {
      ++i;
      l = join(Search::Or, std::move(l), parse_and());
    }
    return l;
  }
  std::unique_ptr<Search> parse_and() {
    auto l = parse_not();
    for (;;) {
      if (op("AND")) {
        ++i;
      } else if (t[i].kind == STok::End || t[i].kind == STok::RParen || op("OR")) {
        break;
      }  // else: implicit AND
      l = join(Search::And, std::move(l), parse_not());
    }
    return l;
  }
  std::unique_ptr<Search> parse_not() {
    if (op("NOT")) {
      ++i;
      auto n = std::make_unique<Search>();
      n->kind = Search::Not;
      n->kids.push_back(parse_not());
      return n;
    }
    const STok &k = t[i];
    if (k.kind == STok::LParen) {
      ++i;
      auto n = parse_or();
      if (t[i].kind != STok::RParen) throw BadQuery("Unbalanced parentheses in $search: missing ')'.");
      ++i;
      return n;
    }
    if (k.kind == STok::Word || k.kind == STok::Phrase) {
      if (k.kind == STok::Word && (k.text == "AND" || k.text == "OR"))
        throw BadQuery("Misplaced operator '" + k.text + "' in $search.");
      ++i;
      auto n = std::make_unique<Search>();
      n->term = lower(k.text);
      return n;
    }
    if (k.kind == STok::RParen) throw BadQuery("Unbalanced parentheses in $search: unexpected ')'.");
    throw BadQuery("Unexpected end of the $search expression.");
  }
};

std::unique_ptr<Search> parse_search(const std::string &text) {
  if (text.find_first_not_of(" \t") == std::string::npos) throw BadQuery("The $search expression is empty.");
  SearchParser p(text);
  auto root = p.parse_or();
  if (p.t[p.i].kind != SearchParser::STok::End)
    throw BadQuery("Unbalanced parentheses in $search: unexpected '" + p.t[p.i].text + "'.");
  return root;
}

std::vector<std::string> parse_select(const std::string &text, const EntityType &type) {
  std::vector<std::string> out;
  for (const auto &p : split_top(text, ',')) {
    if (p == "*") return {};
    if (!type.properties.count(p) && !type.navs.count(p))
      throw BadQuery("Could not find a property named '" + p + "' on type '" + type.name + "'.");
    out.push_back(p);
  }
  return out;
}

struct OrderKey {
  std::vector<std::string> path;
  bool desc;
};

std::vector<OrderKey> parse_orderby(const std::string &text, const EntityType &type) {
  std::vector<OrderKey> order;
  for (const auto &item : split_top(text, ',')) {
    std::string prop = item, dir;
    size_t sp = item.find(' ');
    if (sp != std::string::npos) {
      prop = item.substr(0, sp);
      dir = item.substr(item.find_first_not_of(' ', sp));
    }
    if (dir != "" && dir != "asc" && dir != "desc")
      throw BadQuery("Invalid sort direction '" + dir + "' in $orderby.");
    order.push_back({resolve_path(prop, type), dir == "desc"});
  }
  return order;
}

// A query's options parsed and checked against the type.
struct Plan;
struct Expand {
  std::string nav;
  Query inner;
  const EntityType *type = nullptr;  // target type (null: not known)
  std::unique_ptr<Plan> plan;        // inner options parsed against it
};

struct Plan {
  std::unique_ptr<Filter> filter;
  std::unique_ptr<Search> search;
  std::vector<std::string> select;
  std::vector<Expand> expand;
  std::vector<OrderKey> order;
};

std::unique_ptr<Plan> make_plan(const Query &q, const EntityType &type);

std::vector<Expand> parse_expand(const std::string &text, const EntityType &type) {
  std::vector<Expand> out;
  for (const auto &item : split_top(text, ',')) {
    if (item.empty()) throw BadQuery("Empty item in $expand.");
    Expand x;
    size_t paren = item.find('(');
    x.nav = item.substr(0, paren);
    if (!type.navs.count(x.nav))
      throw BadQuery("Could not find a property named '" + x.nav + "' on type '" + type.name + "'.");
    if (paren != std::string::npos) {
      if (item.back() != ')') throw BadQuery("Bad nested options in $expand: '" + item + "'.");
      std::string inner = item.substr(paren + 1, item.size() - paren - 2);
      std::vector<std::pair<std::string, std::string>> kv;
      for (const auto &opt : split_top(inner, ';')) {
        size_t eq = opt.find('=');
        if (eq == std::string::npos) throw BadQuery("Bad nested option '" + opt + "' in $expand.");
        kv.emplace_back(opt.substr(0, eq), opt.substr(eq + 1));
      }
      x.inner = parse_query(kv);
    }
    auto nt = type.nav_types.find(x.nav);
    if (nt != type.nav_types.end() && nt->second) {
      x.type = nt->second;
      x.plan = make_plan(x.inner, *x.type);  // validates the nested options up front
    }
    out.push_back(std::move(x));
  }
  return out;
}

std::unique_ptr<Plan> make_plan(const Query &q, const EntityType &type) {
  auto p = std::make_unique<Plan>();
  if (q.has_filter) {
    if (q.filter.find_first_not_of(" \t") == std::string::npos) throw BadQuery("The $filter expression is empty.");
    p->filter = std::make_unique<Filter>(q.filter, type);
  }
  if (q.has_search) p->search = parse_search(q.search);
  if (q.has_select) p->select = parse_select(q.select, type);
  if (q.has_expand) p->expand = parse_expand(q.expand, type);
  if (q.has_orderby) p->order = parse_orderby(q.orderby, type);
  return p;
}

cJSON *run(const std::vector<const cJSON *> &items, const Query &q, const Plan &plan, const EntityType &type,
           const std::string &context);

// Copies `e` keeping selected structural properties (all when none listed)
// and only expanded navigations.
cJSON *shape_one(const cJSON *e, const std::vector<std::string> &select, const std::vector<Expand> &expand,
                 const EntityType &type) {
  cJSON *out = cJSON_CreateObject();
  for (const cJSON *f = e->child; f; f = f->next) {
    std::string name = f->string;
    bool nav = type.navs.count(name) > 0;
    if (nav) continue;
    if (!select.empty() && std::find(select.begin(), select.end(), name) == select.end() &&
        name.rfind("@odata.", 0) != 0)
      continue;
    cJSON_AddItemToObject(out, f->string, cJSON_Duplicate(f, 1));
  }
  for (const auto &x : expand) {
    const cJSON *rel = cJSON_GetObjectItemCaseSensitive(e, x.nav.c_str());
    if (!rel || cJSON_IsNull(rel) || !x.type) {
      cJSON_AddNullToObject(out, x.nav.c_str());
      continue;
    }
    if (cJSON_IsArray(rel)) {
      std::vector<const cJSON *> items;
      for (const cJSON *c = rel->child; c; c = c->next) items.push_back(c);
      cJSON *coll = run(items, x.inner, *x.plan, *x.type, "");
      cJSON_AddItemToObject(out, x.nav.c_str(), cJSON_DetachItemFromObject(coll, "value"));
      cJSON_Delete(coll);
    } else {
      cJSON_AddItemToObject(out, x.nav.c_str(), shape_one(rel, x.plan->select, x.plan->expand, *x.type));
    }
  }
  return out;
}

cJSON *run(const std::vector<const cJSON *> &items, const Query &q, const Plan &plan, const EntityType &type,
           const std::string &context) {
  std::vector<const cJSON *> hits;
  for (const cJSON *e : items) {
    if (plan.filter && !plan.filter->matches(e)) continue;
    if (plan.search && !plan.search->matches(e)) continue;
    hits.push_back(e);
  }
  size_t total = hits.size();
  if (!plan.order.empty()) {
    std::stable_sort(hits.begin(), hits.end(), [&](const cJSON *a, const cJSON *b) {
      for (const auto &k : plan.order) {
        Value va = from_json(walk(a, k.path));
        Value vb = from_json(walk(b, k.path));
        bool ok;
        int c = compare(va, vb, &ok);
        if (!ok) c = int(va.kind) - int(vb.kind);  // nulls first
        if (c != 0) return k.desc ? c > 0 : c < 0;
      }
      return false;
    });
  }
  size_t from = std::min<size_t>(hits.size(), static_cast<size_t>(q.has_skip ? q.skip : 0));
  size_t to = hits.size();
  if (q.has_top) to = std::min<size_t>(to, from + static_cast<size_t>(q.top));

  cJSON *out = cJSON_CreateObject();
  if (!context.empty()) cJSON_AddStringToObject(out, "@odata.context", context.c_str());
  if (q.has_count && q.count) cJSON_AddNumberToObject(out, "@odata.count", static_cast<double>(total));
  cJSON *arr = cJSON_AddArrayToObject(out, "value");
  for (size_t i = from; i < to; ++i) cJSON_AddItemToArray(arr, shape_one(hits[i], plan.select, plan.expand, type));
  return out;
}

}  // namespace

cJSON *shape(const cJSON *entity, const Query &q, const EntityType &type) {
  auto select = q.has_select ? parse_select(q.select, type) : std::vector<std::string>{};
  auto expand = q.has_expand ? parse_expand(q.expand, type) : std::vector<Expand>{};
  return shape_one(entity, select, expand, type);
}

cJSON *evaluate(const std::vector<const cJSON *> &items, const Query &q, const EntityType &type,
                const std::string &context) {
  // validate everything before doing any work
  std::unique_ptr<Plan> plan = make_plan(q, type);
  return run(items, q, *plan, type, context);
}

}  // namespace sim
