#include "spec.hpp"

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace sim {

std::string pct_decode(const std::string &s);  // server.cpp

namespace {

const char kSchemaPrefix[] = "#/components/schemas/";

const cJSON *item(const cJSON *o, const char *k) { return o ? cJSON_GetObjectItemCaseSensitive(o, k) : nullptr; }

std::string str(const cJSON *o, const char *k) {
  const cJSON *v = item(o, k);
  return cJSON_IsString(v) ? v->valuestring : "";
}

std::string trim(const std::string &s) {
  size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

bool is_ident(const std::string &s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

// Splits at top-level commas, keeping '...' literals whole.
std::vector<std::string> split_args(const std::string &s) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : s) {
    if (c == '\'') quoted = !quoted;  // '' toggles twice: stays inside
    if (c == ',' && !quoted) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

// "name=literal" with name an identifier before any quote.
bool split_named(const std::string &part, std::string *name, std::string *lit) {
  size_t eq = part.find('=');
  size_t q = part.find('\'');
  if (eq == std::string::npos || (q != std::string::npos && q < eq)) return false;
  *name = trim(part.substr(0, eq));
  *lit = trim(part.substr(eq + 1));
  return is_ident(*name);
}

std::string iso_date(Lcg &g) {
  char b[40];
  std::snprintf(b, sizeof b, "2026-%02u-%02uT%02u:%02u:00Z", g.next() % 12 + 1, g.next() % 28 + 1, g.next() % 24,
                g.next() % 60);
  return b;
}

std::string guid(Lcg &g) {
  char b[40];
  std::snprintf(b, sizeof b, "%08x-%04x-4%03x-8%03x-%08x%04x", g.next(), g.next() & 0xffff, g.next() & 0xfff,
                g.next() & 0xfff, g.next(), g.next() & 0xffff);
  return b;
}

}  // namespace

uint64_t fnv1a(const std::string &s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

bool parse_string_literal(const std::string &lit, std::string *out) {
  if (lit.size() < 2 || lit.front() != '\'' || lit.back() != '\'') return false;
  out->clear();
  for (size_t i = 1; i + 1 < lit.size(); ++i) {
    if (lit[i] == '\'') {
      if (i + 2 < lit.size() && lit[i + 1] == '\'') {
        out->push_back('\'');
        ++i;
        continue;
      }
      return false;  // a lone quote inside the literal
    }
    out->push_back(lit[i]);
  }
  return true;
}

namespace {

const std::regex &guid_re() {
  static const std::regex re("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  return re;
}
const std::regex &date_time_re() {
  static const std::regex re(
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,12})?)?(Z|[+-][0-9]{2}:[0-9]{2})$");
  return re;
}

const char *json_kind(const cJSON *v) {
  if (cJSON_IsString(v)) return "a string";
  if (cJSON_IsNumber(v)) return "a number";
  if (cJSON_IsBool(v)) return "a boolean";
  if (cJSON_IsArray(v)) return "an array";
  if (cJSON_IsObject(v)) return "an object";
  return "null";
}

}  // namespace

bool parse_literal(const std::string &text, const Param &p, Value *out, std::string *err) {
  std::string t = trim(text);
  *out = Value{};
  auto bad = [&](const std::string &what) {
    *err = "The value '" + t + "' of parameter '" + p.name + "' is not a valid " + what + " literal.";
    return false;
  };
  if (t == "null") {
    if (p.nullable) return true;
    *err = "The parameter '" + p.name + "' must not be null.";
    return false;
  }
  if (p.format == "uuid") {
    if (!std::regex_match(t, guid_re())) return bad("GUID");
    out->kind = Value::String;
    out->s = t;
    return true;
  }
  if (p.format == "date-time") {
    if (!std::regex_match(t, date_time_re())) return bad("Edm.DateTimeOffset");
    out->kind = Value::String;
    out->s = t;
    return true;
  }
  if (p.type == "integer") {
    static const std::regex re("^-?[0-9]{1,19}$");
    if (!std::regex_match(t, re)) return bad("integer");
    errno = 0;
    long long v = std::strtoll(t.c_str(), nullptr, 10);
    if (errno || (p.format != "int64" && (v < INT32_MIN || v > INT32_MAX))) return bad("Edm.Int32");
    out->kind = Value::Number;
    out->n = static_cast<double>(v);
    return true;
  }
  if (p.type == "number") {
    char *end = nullptr;
    double v = std::strtod(t.c_str(), &end);
    if (t.empty() || *end) return bad("number");
    out->kind = Value::Number;
    out->n = v;
    return true;
  }
  if (p.type == "boolean") {
    if (t != "true" && t != "false") return bad("Edm.Boolean");
    out->kind = Value::Bool;
    out->b = t == "true";
    return true;
  }
  // strings, enums, durations: '...' (an enum may carry its type prefix)
  std::string lit = t;
  size_t q = lit.find('\'');
  if (q != std::string::npos && q > 0 && !p.enums.empty()) lit = lit.substr(q);
  std::string s;
  if (!parse_string_literal(lit, &s)) return bad("Edm.String");
  if (!p.enums.empty()) {
    bool ok = false;
    for (const auto &e : p.enums) ok = ok || e == s;
    if (!ok) {
      *err = "The value '" + s + "' is not a member of the enumeration of parameter '" + p.name + "'.";
      return false;
    }
  }
  out->kind = Value::String;
  out->s = s;
  return true;
}

Spec::~Spec() { cJSON_Delete(root_); }

const cJSON *Spec::schema(const std::string &name) const { return item(schemas_, name.c_str()); }

std::string Spec::ref_name(const cJSON *s) const {
  if (!s) return "";
  std::string r = str(s, "$ref");
  if (r.rfind(kSchemaPrefix, 0) == 0) return r.substr(sizeof kSchemaPrefix - 1);
  const cJSON *all = item(s, "allOf");
  if (cJSON_GetArraySize(all) == 1) return ref_name(all->child);
  return "";
}

const cJSON *Spec::resolve(const cJSON *s) const {
  for (int guard = 0; s && guard < 32; ++guard) {
    std::string r = str(s, "$ref");
    if (!r.empty()) {
      s = r.rfind(kSchemaPrefix, 0) == 0 ? schema(r.substr(sizeof kSchemaPrefix - 1)) : nullptr;
      continue;
    }
    const cJSON *all = item(s, "allOf");
    if (cJSON_GetArraySize(all) == 1 && !item(s, "properties")) {
      s = all->child;
      continue;
    }
    return s;
  }
  return s;
}

void Spec::properties(const cJSON *s, std::vector<const cJSON *> *out) const {
  s = resolve(s);
  if (!s) return;
  const cJSON *all = item(s, "allOf");
  for (const cJSON *a = all ? all->child : nullptr; a; a = a->next) properties(a, out);
  const cJSON *props = item(s, "properties");
  for (const cJSON *p = props ? props->child : nullptr; p; p = p->next) out->push_back(p);
}


std::string Spec::check_value(const cJSON *raw, const cJSON *v, const std::string &where, int depth) const {
  const cJSON *s = resolve(raw);
  if (!s || depth > 12) return "";
  const std::string at = where.empty() ? "the body" : "'" + where + "'";
  for (const char *k : {"oneOf", "anyOf"}) {
    const cJSON *alts = item(s, k);
    if (cJSON_GetArraySize(alts) == 0) continue;
    std::string first;
    for (const cJSON *a = alts->child; a; a = a->next) {
      std::string why = check_value(a, v, where, depth + 1);
      if (why.empty()) return "";
      if (first.empty()) first = why;
    }
    return first;
  }
  std::string type = str(s, "type");
  if (cJSON_IsNull(v)) {
    // .NET value types (numbers, booleans, enums) need "nullable"
    bool nullable = cJSON_IsTrue(item(raw, "nullable")) || cJSON_IsTrue(item(s, "nullable"));
    bool value_type = type == "integer" || type == "number" || type == "boolean" || item(s, "enum");
    return nullable || !value_type ? "" : at + " must not be null";
  }
  const cJSON *en = item(s, "enum");
  if (cJSON_GetArraySize(en) > 0) {
    if (!cJSON_IsString(v)) return at + " must be a string (one of the enumeration's members), not " + json_kind(v);
    bool strings_only = true;
    for (const cJSON *e = en->child; e; e = e->next) strings_only = strings_only && cJSON_IsString(e);
    if (!strings_only) return "";  // the spec's YAML-mangled members (false for "No"): any string
    bool flags = cJSON_IsTrue(item(s, "x-ms-enum-flags")) || cJSON_IsTrue(item(s, "isFlags"));
    std::string text = v->valuestring;
    size_t start = 0;
    while (start <= text.size()) {
      size_t comma = flags ? text.find(',', start) : std::string::npos;
      std::string member = trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      bool known = false;
      for (const cJSON *e = en->child; e && !known; e = e->next) known = member == e->valuestring;
      if (!known) return at + ": '" + member + "' is not a member of the enumeration " + str(s, "title");
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return "";
  }
  if (type == "string") {
    if (!cJSON_IsString(v)) return at + " must be a string, not " + json_kind(v);
    std::string format = str(s, "format");
    if (format == "uuid" && !std::regex_match(v->valuestring, guid_re())) return at + " is not a valid GUID";
    if (format == "date-time" && !std::regex_match(v->valuestring, date_time_re()))
      return at + " is not a valid Edm.DateTimeOffset (ISO 8601 with an offset)";
    const cJSON *max = item(s, "maxLength");
    if (cJSON_IsNumber(max) && std::strlen(v->valuestring) > static_cast<size_t>(max->valuedouble))
      return at + " is longer than " + std::to_string(static_cast<long>(max->valuedouble)) + " characters";
    return "";
  }
  if (type == "integer" || type == "number") {
    std::string what = type == "integer" ? "an integer" : "a number";
    if (!str(s, "format").empty()) what += " (" + str(s, "format") + ")";
    if (!cJSON_IsNumber(v)) return at + " must be " + what + ", not " + json_kind(v);
    double d = v->valuedouble;
    if (type == "integer" && d != static_cast<double>(static_cast<long long>(d))) return at + " must be " + what;
    const cJSON *lo = item(s, "minimum"), *hi = item(s, "maximum");
    if ((cJSON_IsNumber(lo) && d < lo->valuedouble) || (cJSON_IsNumber(hi) && d > hi->valuedouble))
      return at + " is out of range for " + (str(s, "format").empty() ? type : str(s, "format"));
    return "";
  }
  if (type == "boolean") return cJSON_IsBool(v) ? "" : at + " must be a boolean, not " + json_kind(v);
  if (type == "array") {
    if (!cJSON_IsArray(v)) return at + " must be an array, not " + json_kind(v);
    int i = 0;
    for (const cJSON *x = v->child; x; x = x->next, ++i) {
      std::string why = check_value(item(s, "items"), x, where + "[" + std::to_string(i) + "]", depth + 1);
      if (!why.empty()) return why;
    }
    return "";
  }
  std::vector<const cJSON *> props;
  properties(s, &props);
  if (props.empty()) return "";  // an untyped or open schema
  if (!cJSON_IsObject(v)) return at + " must be an object, not " + json_kind(v);
  for (const cJSON *f = v->child; f; f = f->next) {
    if (f->string[0] == '@') continue;  // annotations (@odata.type, @odata.etag, ...)
    const cJSON *ps = nullptr;
    for (const cJSON *p : props)
      if (std::strcmp(p->string, f->string) == 0) ps = p;
    std::string name = where.empty() ? f->string : where + "." + f->string;
    if (!ps) {
      std::string title = str(s, "title");
      return "the property '" + name + "' does not exist" + (title.empty() ? "" : " on type '" + title + "'");
    }
    std::string why = check_value(ps, f, name, depth + 1);
    if (!why.empty()) return why;
  }
  return "";
}

const EntityType *Spec::type(const std::string &name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

cJSON *Spec::generate(const cJSON *raw, Lcg &g, int depth, const std::string &prop) const {
  const cJSON *s = resolve(raw);
  if (!s) return cJSON_CreateNull();
  const cJSON *en = item(s, "enum");
  if (cJSON_GetArraySize(en) > 0) {
    // a member of the declared type (the spec has `enum: [false, "Basic"]`
    // with type string: YAML's `No`)
    bool want_string = str(s, "type") == "string";
    std::vector<const cJSON *> members;
    for (const cJSON *e = en->child; e; e = e->next)
      if (!want_string || cJSON_IsString(e)) members.push_back(e);
    if (members.empty()) members.push_back(en->child);
    return cJSON_Duplicate(members[g.next() % members.size()], 1);
  }
  for (const char *k : {"oneOf", "anyOf"}) {
    const cJSON *alt = item(s, k);
    if (cJSON_GetArraySize(alt) > 0) return generate(alt->child, g, depth, prop);
  }
  std::string type = str(s, "type"), format = str(s, "format");
  if (type.empty() && (item(s, "properties") || item(s, "allOf"))) type = "object";
  unsigned n = g.next();
  if (type == "string") {
    if (format == "uuid") return cJSON_CreateString(guid(g).c_str());
    if (format == "date-time") return cJSON_CreateString(iso_date(g).c_str());
    if (format == "date") return cJSON_CreateString(iso_date(g).substr(0, 10).c_str());
    if (format == "time") return cJSON_CreateString("10:30:00");
    if (format == "duration") return cJSON_CreateString("PT1H30M");
    if (format == "byte" || format == "binary") return cJSON_CreateString("c2ltdWxhdGVk");
    std::string v;
    std::string lp = prop;
    for (char &c : lp) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    static const char *const kFirst[] = {"Anna", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hugo",
                                         "Ines", "Jonas", "Keiko", "Liam", "Maria", "Noah", "Olga", "Pavel"};
    static const char *const kLast[] = {"Smith", "Garcia", "Müller", "Rossi", "Novak", "Dubois", "Tanaka", "O'Brien",
                                        "Kowalski", "Jensen", "Silva", "Nguyen", "Papadopoulos", "Ivanova"};
    if (lp == "firstname") v = kFirst[n % (sizeof kFirst / sizeof *kFirst)];
    else if (lp == "lastname") v = kLast[n % (sizeof kLast / sizeof *kLast)];
    else if (lp.find("email") != std::string::npos) v = "user" + std::to_string(n % 1000) + "@example.com";
    else if (lp == "number" || lp.find("extension") != std::string::npos || lp.find("phone") != std::string::npos ||
             lp.find("mobile") != std::string::npos)
      v = std::to_string(100 + n % 900);
    else if (lp.find("url") != std::string::npos || lp.find("link") != std::string::npos)
      v = "https://example.com/" + std::to_string(n % 1000);
    else
      v = (prop.empty() ? std::string("value") : prop) + " " + std::to_string(n % 1000);
    return cJSON_CreateString(v.c_str());
  }
  if (type == "integer") {
    long v = static_cast<long>(n % 100);
    const cJSON *mn = item(s, "minimum");
    if (cJSON_IsNumber(mn) && v < mn->valuedouble) v = static_cast<long>(mn->valuedouble);
    return cJSON_CreateNumber(static_cast<double>(v));
  }
  if (type == "number") return cJSON_CreateNumber((n % 1000) / 4.0);
  if (type == "boolean") return cJSON_CreateBool(n % 2);
  if (type == "array") {
    cJSON *a = cJSON_CreateArray();
    int count = depth >= 3 ? 0 : depth >= 1 ? 1 : 2;
    for (int i = 0; i < count; ++i) cJSON_AddItemToArray(a, generate(item(s, "items"), g, depth + 1, prop));
    return a;
  }
  if (type == "object") {
    std::vector<const cJSON *> props;
    properties(s, &props);
    if (depth >= 4) return cJSON_CreateObject();  // recursion cap: an empty object
    cJSON *o = cJSON_CreateObject();
    for (const cJSON *p : props) {
      if (p->string[0] == '@' || cJSON_IsTrue(item(p, "x-ms-navigationProperty"))) continue;
      if (cJSON_GetObjectItemCaseSensitive(o, p->string)) continue;
      cJSON_AddItemToObject(o, p->string, generate(p, g, depth + 1, p->string));
    }
    return o;
  }
  return cJSON_CreateNull();
}

void Spec::build_types() {
  for (const cJSON *sc = schemas_ ? schemas_->child : nullptr; sc; sc = sc->next) {
    std::vector<const cJSON *> props;
    properties(sc, &props);
    if (props.empty()) continue;
    EntityType t;
    t.name = sc->string;
    for (const cJSON *p : props) {
      if (cJSON_IsTrue(item(p, "x-ms-navigationProperty"))) {
        std::string target = ref_name(p);
        if (target.empty()) target = ref_name(item(p, "items"));
        t.navs[p->string] = target;
      } else {
        t.properties.insert(p->string);
        const cJSON *rs = resolve(p);
        std::string type = str(rs, "type"), format = str(rs, "format");
        const cJSON *en = item(rs, "enum");
        if (cJSON_GetArraySize(en) > 0) {
          bool strings_only = true;
          std::set<std::string> members;
          for (const cJSON *e = en->child; e; e = e->next) {
            if (cJSON_IsString(e)) members.insert(e->valuestring);
            else strings_only = false;
          }
          std::string name = ref_name(p);
          t.edm[p->string] = name.empty() ? "Edm.String" : name;
          if (strings_only) t.enum_members[p->string] = members;  // the YAML-mangled ones: any string
        } else if (type == "string") {
          t.edm[p->string] = format == "date-time" ? "Edm.DateTimeOffset" : format == "uuid" ? "Edm.Guid" : "Edm.String";
        } else if (type == "integer") {
          t.edm[p->string] = format == "int64" ? "Edm.Int64" : "Edm.Int32";
        } else if (type == "number") {
          t.edm[p->string] = "Edm.Double";
        } else if (type == "boolean") {
          t.edm[p->string] = "Edm.Boolean";
        }
      }
    }
    types_[t.name] = t;
  }
  for (auto &[name, t] : types_)
    for (const auto &[nav, target] : t.navs) {
      auto it = types_.find(target);
      if (it != types_.end()) t.nav_types[nav] = &it->second;
    }
}

void Spec::build_route(const std::string &tmpl, const std::string &method, const cJSON *op) {
  Route r;
  r.method = method;
  r.tmpl = tmpl;
  r.op_id = str(op, "operationId");
  // segments
  std::stringstream ss(tmpl.substr(1));
  std::string part;
  while (std::getline(ss, part, '/')) {
    Segment seg;
    size_t p = part.find('(');
    seg.name = part.substr(0, p);
    if (p != std::string::npos) {
      seg.parens = true;
      std::string inner = part.substr(p + 1, part.size() - p - 2);
      if (inner.size() > 2 && inner.front() == '{' && inner.back() == '}') {
        seg.single_key = true;
        seg.params.push_back(inner.substr(1, inner.size() - 2));
      } else if (!inner.empty()) {
        for (const auto &a : split_args(inner)) seg.params.push_back(trim(a.substr(0, a.find('='))));
      }
    }
    r.segs.push_back(seg);
  }
  // path parameters
  const cJSON *params = item(op, "parameters");
  for (const cJSON *p = params ? params->child : nullptr; p; p = p->next) {
    if (str(p, "in") != "path") continue;
    Param pa;
    pa.name = str(p, "name");
    const cJSON *sc = item(p, "schema");
    pa.nullable = cJSON_IsTrue(item(sc, "nullable"));
    const cJSON *rs = resolve(sc);
    pa.type = str(rs, "type");
    pa.format = str(rs, "format");
    pa.nullable = pa.nullable || cJSON_IsTrue(item(rs, "nullable"));
    const cJSON *en = item(rs, "enum");
    for (const cJSON *e = en ? en->child : nullptr; e; e = e->next)
      if (cJSON_IsString(e)) pa.enums.push_back(e->valuestring);
    if (!pa.enums.empty()) pa.type = "string";
    r.params[pa.name] = pa;
  }
  const cJSON *rb = item(op, "requestBody");
  std::string rbref = str(rb, "$ref");
  if (rbref.rfind("#/components/requestBodies/", 0) == 0)
    rb = item(item(item(root_, "components"), "requestBodies"), rbref.substr(27).c_str());
  r.has_body = rb != nullptr;
  r.body_required = cJSON_IsTrue(item(rb, "required"));
  r.body_schema = item(item(item(rb, "content"), "application/json"), "schema");
  // success response
  const cJSON *responses = item(op, "responses");
  const cJSON *resp = nullptr;
  for (const cJSON *c = responses ? responses->child : nullptr; c; c = c->next) {
    if (std::strcmp(c->string, "default") == 0) continue;
    r.status = std::atoi(c->string);
    resp = c;
    break;
  }
  std::string rref = str(resp, "$ref");
  if (rref.rfind("#/components/responses/", 0) == 0)
    resp = item(item(item(root_, "components"), "responses"), rref.substr(23).c_str());
  const cJSON *raw_schema = item(item(item(resp, "content"), "application/json"), "schema");
  if (raw_schema) {
    r.schema = raw_schema;
    r.type = ref_name(raw_schema);
    std::vector<const cJSON *> props;
    if (resolve(raw_schema) && (str(resolve(raw_schema), "type") == "object" || item(resolve(raw_schema), "allOf")))
      properties(raw_schema, &props);
    for (const cJSON *p : props) {
      if (std::strcmp(p->string, "value") == 0 && str(resolve(p), "type") == "array") {
        r.collection = true;
        r.item_type = ref_name(item(resolve(p), "items"));
      }
    }
  }
  // kind
  const Segment &first = r.segs.front(), &last = r.segs.back();
  bool fn = last.name.rfind("Pbx.", 0) == 0;
  if (fn) {
    r.kind = method == "GET" ? Route::Function : Route::Action;
    if (r.segs.size() > 1 && first.name.rfind("Pbx.", 0) != 0) r.set = first.name;  // bound to a set or entity
  } else if (r.segs.size() == 1 && !first.parens) {
    if (method == "GET") r.kind = r.collection ? Route::List : Route::Singleton;
    else if (method == "POST") r.kind = Route::Create;
    else if (method == "PATCH") r.kind = Route::Update;
    else r.kind = Route::Delete;
    r.set = first.name;
  } else if (r.segs.size() == 1) {
    r.kind = method == "GET" ? Route::Read : method == "PATCH" ? Route::Update : method == "DELETE" ? Route::Delete
                                                                                                      : Route::Action;
    r.set = first.name;
    r.key_prop = first.params.empty() ? "" : first.params.front();
  } else {
    r.kind = Route::Nav;
    r.set = first.name;
  }
  std::string fname = fn ? last.name.substr(4) : "";
  r.file = r.status != 204 &&
           (r.type == "Pbx.IActionResult" || fname.rfind("Download", 0) == 0 || fname.rfind("Export", 0) == 0);
  routes_.push_back(r);
}

void Spec::load(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the specification " + path + ": " + std::strerror(errno));
  std::stringstream buf;
  buf << in.rdbuf();
  if (in.bad()) throw std::runtime_error("cannot read the specification " + path + ": " + std::strerror(errno));
  load_text(buf.str(), path);
}

void Spec::load_text(const std::string &text, const std::string &path) {
  root_ = cJSON_Parse(text.c_str());
  if (!root_) throw std::runtime_error("the spec " + path + " is not JSON");
  schemas_ = item(item(root_, "components"), "schemas");
  const cJSON *paths = item(root_, "paths");
  if (!schemas_ || !paths) throw std::runtime_error("the spec " + path + " has no paths or schemas");
  for (const cJSON *p = paths->child; p; p = p->next)
    for (const char *m : {"get", "post", "patch", "delete", "put"}) {
      const cJSON *op = item(p, m);
      if (!op) continue;
      std::string M = m;
      for (char &c : M) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      build_route(p->string, M, op);
    }
  build_types();
  // entity sets: lists at the root, keys from reads by key
  for (const Route &r : routes_) {
    if (r.kind == Route::List && !r.item_type.empty()) {
      sets_[r.set].type = r.item_type;
      sets_[r.set].listed = true;
    }
  }
  for (const Route &r : routes_) {
    bool by_key = r.kind == Route::Read || r.kind == Route::Update || r.kind == Route::Delete;
    if (!by_key || r.segs.size() != 1 || !r.segs.front().single_key) continue;
    auto &info = sets_[r.set];
    if (info.type.empty() && r.kind == Route::Read) info.type = r.type;
    if (!info.key.empty() && r.kind != Route::Read) continue;
    info.key = r.key_prop;
    auto p = r.params.find(r.key_prop);
    if (p != r.params.end()) {
      info.key_type = p->second.type;
      info.key_format = p->second.format;
    }
  }
  for (auto it = sets_.begin(); it != sets_.end();) {
    auto &info = it->second;
    if (info.key.empty()) {
      const EntityType *t = type(info.type);
      if (t && t->properties.count("Id")) {
        info.key = "Id";
        info.key_type = "integer";
        info.key_format = "int32";
        std::vector<const cJSON *> props;
        properties(schema(info.type), &props);
        for (const cJSON *p : props)
          if (std::strcmp(p->string, "Id") == 0) {
            const cJSON *rs = resolve(p);
            if (!str(rs, "type").empty()) info.key_type = str(rs, "type");
            info.key_format = str(rs, "format");
          }
      }
    }
    if (info.type.empty() || !type(info.type)) it = sets_.erase(it);
    else ++it;
  }
}

RouteMatch Spec::match(const std::string &method, const std::string &raw_path) const {
  RouteMatch best;
  std::vector<std::string> raw;
  {
    std::string cur;
    for (size_t i = 1; i <= raw_path.size(); ++i) {
      if (i == raw_path.size() || raw_path[i] == '/') {
        raw.push_back(cur);
        cur.clear();
      } else {
        cur.push_back(raw_path[i]);
      }
    }
  }
  if (raw_path.empty() || raw_path[0] != '/') return best;
  for (const Route &r : routes_) {
    if (r.method != method || r.segs.size() != raw.size()) continue;
    RouteMatch m;
    m.route = &r;
    bool ok = true;
    for (size_t i = 0; ok && i < raw.size(); ++i) {
      const Segment &t = r.segs[i];
      const std::string &s = raw[i];
      size_t p = s.find('(');
      if (pct_decode(s.substr(0, p)) != t.name) {
        ok = false;
        break;
      }
      if ((p != std::string::npos) != t.parens) {
        ok = false;
        break;
      }
      if (!t.parens) continue;
      if (s.back() != ')') {
        ok = false;
        break;
      }
      std::string content = pct_decode(s.substr(p + 1, s.size() - p - 2));
      if (t.params.empty()) {
        ok = trim(content).empty();
        continue;
      }
      auto parse = [&](const std::string &name, const std::string &lit) {
        auto pa = r.params.find(name);
        Param fallback;
        fallback.name = name;
        fallback.type = "string";
        Value v;
        std::string err;
        if (!parse_literal(lit, pa == r.params.end() ? fallback : pa->second, &v, &err)) {
          if (m.error.empty()) m.error = err;
        }
        m.args[name] = v;
      };
      std::string n, lit;
      if (t.single_key) {
        if (split_named(content, &n, &lit)) {
          if (n != t.params[0]) {
            ok = false;
            break;
          }
          content = lit;
        }
        parse(t.params[0], content);
        continue;
      }
      auto parts = split_args(content);
      if (parts.size() != t.params.size()) {
        ok = false;
        break;
      }
      for (const auto &a : parts) {
        if (!split_named(a, &n, &lit) ||
            std::find(t.params.begin(), t.params.end(), n) == t.params.end() || m.args.count(n)) {
          ok = false;
          break;
        }
        parse(n, lit);
      }
    }
    if (!ok) continue;
    if (m.error.empty()) return m;
    if (!best.route) best = m;
  }
  return best;
}

}  // namespace sim
