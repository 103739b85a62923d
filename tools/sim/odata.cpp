#include "odata.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

namespace sim {
namespace {

std::string lower(std::string s) {
  for (char &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string upper(std::string s) {
  for (char &c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
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
      // date-times and GUIDs are bare literals that may start with digits
      bool plain = t.find_first_not_of("-0123456789.eE") == std::string::npos;
      out.push_back({plain ? Tok::Num : Tok::Str, t, start});
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      ++i;
      while (i < s.size() && (is_alnum(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '/')) ++i;
      if (i < s.size() && s[i] == '\'') {  // enum literal: Pbx.GrantType'Password'
        std::string v = read_string(s, i);
        out.push_back({Tok::Str, v, start});
      } else if (i < s.size() && s[i] == '-' && i - start == 8) {  // GUID starting with a letter
        while (i < s.size() && (std::isxdigit(static_cast<unsigned char>(s[i])) || s[i] == '-')) ++i;
        out.push_back({Tok::Str, s.substr(start, i - start), start});
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

}  // namespace

// ---- AST ----
struct Filter::Node {
  enum Kind { Lit, Prop, And, Or, Not, Cmp, In, Fn } kind;
  Value lit;
  std::vector<std::string> path;  // property path
  std::string op;                 // comparison operator or function name
  std::vector<std::unique_ptr<Node>> kids;

  Value eval(const cJSON *e) const;
};

namespace {

bool truthy(const Value &v) { return v.kind == Value::Bool && v.b; }

int compare(const Value &a, const Value &b, bool *comparable) {
  *comparable = true;
  if (a.kind == Value::Number && b.kind == Value::Number) return a.n < b.n ? -1 : a.n > b.n ? 1 : 0;
  if (a.kind == Value::String && b.kind == Value::String) return a.s.compare(b.s) < 0 ? -1 : a.s == b.s ? 0 : 1;
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
    case Prop: {
      const cJSON *cur = e;
      for (const auto &p : path) cur = cur ? cJSON_GetObjectItemCaseSensitive(cur, p.c_str()) : nullptr;
      return from_json(cur);
    }
    case And:
      return make_bool(truthy(kids[0]->eval(e)) && truthy(kids[1]->eval(e)));
    case Or:
      return make_bool(truthy(kids[0]->eval(e)) || truthy(kids[1]->eval(e)));
    case Not:
      return make_bool(!truthy(kids[0]->eval(e)));
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
        v.n = static_cast<double>(a.s.size());
        return v;
      }
      Value b = kids[1]->eval(e);
      if (a.kind != Value::String || b.kind != Value::String) return make_bool(false);
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
          return n;
        }
      }
      if (t[i + 1].kind == Tok::LParen) throw BadQuery("Unknown function '" + k.text + "'.");
      ++i;
      NodeP n = node(Filter::Node::Prop);
      // property path: Name or Nav/Name
      size_t from = 0;
      const EntityType *et = &type;
      for (;;) {
        size_t slash = k.text.find('/', from);
        std::string part = k.text.substr(from, slash == std::string::npos ? std::string::npos : slash - from);
        bool known = et && (et->properties.count(part) || et->navs.count(part));
        if (!known)
          throw BadQuery("Could not find a property named '" + part + "' on type '" +
                         (et ? et->name : std::string("?")) + "'.");
        n->path.push_back(part);
        if (slash == std::string::npos) break;
        auto nt = et->nav_types.find(part);
        et = nt == et->nav_types.end() ? nullptr : nt->second;
        from = slash + 1;
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
  for (const auto &[k, v] : params) {
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

struct Expand {
  std::string nav;
  Query inner;
};

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
    out.push_back(std::move(x));
  }
  return out;
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

// Copies `e` keeping selected structural properties (all when none listed)
// and only expanded navigations.
cJSON *shape_one(const cJSON *e, const std::vector<std::string> &select,
                 const std::vector<Expand> &expand, const EntityType &type) {
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
    auto nt = type.nav_types.find(x.nav);
    if (!rel || cJSON_IsNull(rel) || nt == type.nav_types.end()) {
      cJSON_AddNullToObject(out, x.nav.c_str());
      continue;
    }
    const EntityType &rt = *nt->second;
    std::vector<std::string> sel = x.inner.has_select ? parse_select(x.inner.select, rt) : std::vector<std::string>{};
    if (cJSON_IsArray(rel)) {
      std::vector<const cJSON *> items;
      for (const cJSON *c = rel->child; c; c = c->next) items.push_back(c);
      cJSON *coll = evaluate(items, x.inner, rt, "");
      cJSON_AddItemToObject(out, x.nav.c_str(), cJSON_DetachItemFromObject(coll, "value"));
      cJSON_Delete(coll);
    } else {
      cJSON_AddItemToObject(out, x.nav.c_str(), shape_one(rel, sel, {}, rt));
    }
  }
  return out;
}

bool search_match(const cJSON *e, const std::string &term) {
  for (const cJSON *f = e->child; f; f = f->next)
    if (cJSON_IsString(f) && lower(f->valuestring).find(term) != std::string::npos) return true;
  return false;
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
  std::unique_ptr<Filter> filter;
  if (q.has_filter) {
    if (q.filter.empty()) throw BadQuery("The $filter expression is empty.");
    filter = std::make_unique<Filter>(q.filter, type);
  }
  auto select = q.has_select ? parse_select(q.select, type) : std::vector<std::string>{};
  auto expand = q.has_expand ? parse_expand(q.expand, type) : std::vector<Expand>{};
  std::vector<std::pair<std::string, bool>> order;
  if (q.has_orderby) {
    for (const auto &item : split_top(q.orderby, ',')) {
      std::string prop = item, dir;
      size_t sp = item.find(' ');
      if (sp != std::string::npos) {
        prop = item.substr(0, sp);
        dir = item.substr(item.find_first_not_of(' ', sp));
      }
      if (dir != "" && dir != "asc" && dir != "desc")
        throw BadQuery("Invalid sort direction '" + dir + "' in $orderby.");
      if (!type.properties.count(prop))
        throw BadQuery("Could not find a property named '" + prop + "' on type '" + type.name + "'.");
      order.emplace_back(prop, dir == "desc");
    }
  }
  std::string term;
  if (q.has_search) {
    term = q.search;
    if (term.size() >= 2 && term.front() == '"' && term.back() == '"') {
      std::string u;
      for (size_t i = 1; i + 1 < term.size(); ++i) {
        if (term[i] == '\\' && i + 2 < term.size()) ++i;
        u.push_back(term[i]);
      }
      term = u;
    }
    if (term.empty()) throw BadQuery("The $search expression is empty.");
    term = lower(term);
  }

  std::vector<const cJSON *> hits;
  for (const cJSON *e : items) {
    if (filter && !filter->matches(e)) continue;
    if (q.has_search && !search_match(e, term)) continue;
    hits.push_back(e);
  }
  size_t total = hits.size();
  if (!order.empty()) {
    std::stable_sort(hits.begin(), hits.end(), [&](const cJSON *a, const cJSON *b) {
      for (const auto &[prop, desc] : order) {
        Value va = from_json(cJSON_GetObjectItemCaseSensitive(a, prop.c_str()));
        Value vb = from_json(cJSON_GetObjectItemCaseSensitive(b, prop.c_str()));
        bool ok;
        int c = compare(va, vb, &ok);
        if (!ok) c = int(va.kind) - int(vb.kind);  // nulls first
        if (c != 0) return desc ? c > 0 : c < 0;
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
  for (size_t i = from; i < to; ++i) cJSON_AddItemToArray(arr, shape_one(hits[i], select, expand, type));
  return out;
}

}  // namespace sim
