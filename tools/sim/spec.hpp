// threecx-sim: the OpenAPI document (swagger.json) read at start: a router
// built from its path templates, OData literal parsing for the slots, and
// deterministic schema-shaped values.
#pragma once

#include <cjson/cJSON.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "odata.hpp"

namespace sim {

// Deterministic pseudo-random numbers (seed data, generated values).
struct Lcg {
  uint64_t s;
  uint32_t next() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(s >> 33);
  }
  template <size_t N>
  const char *pick(const char *const (&a)[N]) { return a[next() % N]; }
};

uint64_t fnv1a(const std::string &s);

// One path parameter (a slot in a template).
struct Param {
  std::string name;
  std::string type;    // string, integer, number, boolean
  std::string format;  // int32, uuid, date-time, ...
  bool nullable = false;
  std::vector<std::string> enums;
};

// One '/'-separated piece of a template: Name, Name(), Name({k}) or
// Name(a={a},b={b}).
struct Segment {
  std::string name;
  bool parens = false;
  bool single_key = false;          // Name({Id})
  std::vector<std::string> params;  // slot names
};

struct Route {
  enum Kind { List, Read, Create, Update, Delete, Singleton, Nav, Function, Action };
  Kind kind = Nav;
  std::string method;  // GET POST PATCH DELETE
  std::string tmpl;    // "/Users({Id})"
  std::string op_id;
  std::vector<Segment> segs;
  std::map<std::string, Param> params;
  std::string set;          // entity set (first segment) for store routes
  std::string key_prop;     // property matched by the key slot(s)
  int status = 200;         // success status
  const cJSON *schema = nullptr;  // success response schema (resolved), or null
  bool collection = false;  // response is {"value":[...]}
  std::string item_type;    // collection item schema name ("Pbx.User"), if any
  std::string type;         // entity schema name for object responses
  bool file = false;        // answers bytes
  bool has_body = false;    // takes a JSON request body
  bool body_required = false;
  const cJSON *body_schema = nullptr;  // the JSON body's schema, if any
};

struct RouteMatch {
  const Route *route = nullptr;
  std::map<std::string, Value> args;  // slot name -> parsed literal
  std::string error;                  // set when a template matched but a literal is bad
};

class Spec {
 public:
  Spec() = default;
  ~Spec();
  Spec(const Spec &) = delete;
  Spec &operator=(const Spec &) = delete;

  // Reads and indexes the document. Throws std::runtime_error.
  void load(const std::string &path);
  // the same from text; `path` names it in errors
  void load_text(const std::string &text, const std::string &path);
  bool loaded() const { return root_ != nullptr; }

  // Finds the route for a method and a raw (still percent-encoded) path
  // relative to /xapi/v1. route == nullptr and error empty: no route.
  RouteMatch match(const std::string &method, const std::string &raw_path) const;

  // Follows $ref and single-item allOf; merges multi-item allOf.
  const cJSON *resolve(const cJSON *schema) const;
  const cJSON *schema(const std::string &name) const;
  // All properties of a (resolved) object schema, allOf merged.
  void properties(const cJSON *schema, std::vector<const cJSON *> *out) const;

  // Why v does not fit the schema (types, nullability of value types,
  // enums and flags, GUID and date-time formats, ranges, unknown
  // properties), "" when it does. where names v ("Groups[0].GroupId").
  std::string check_value(const cJSON *schema, const cJSON *v, const std::string &where, int depth = 0) const;

  // A deterministic value shaped by the schema.
  cJSON *generate(const cJSON *schema, Lcg &g, int depth, const std::string &prop = "") const;

  // Evaluator types for all object schemas (navigation targets linked).
  const std::map<std::string, EntityType> &types() const { return types_; }
  const EntityType *type(const std::string &name) const;

  const std::vector<Route> &routes() const { return routes_; }
  // Entity sets (first path segment) with their item type and key property.
  struct SetInfo {
    std::string type, key, key_type, key_format;
    bool listed = false;  // a list operation exists (keys can be discovered)
  };
  const std::map<std::string, SetInfo> &sets() const { return sets_; }

 private:
  cJSON *root_ = nullptr;
  const cJSON *schemas_ = nullptr;
  std::vector<Route> routes_;
  std::map<std::string, EntityType> types_;
  std::map<std::string, SetInfo> sets_;

  std::string ref_name(const cJSON *schema) const;  // "Pbx.User" for a $ref (through allOf)
  void build_types();
  void build_route(const std::string &tmpl, const std::string &method, const cJSON *op);
};

// Parses one OData literal for a slot. Returns false with *err set.
bool parse_literal(const std::string &text, const Param &p, Value *out, std::string *err);
// The '...' string literal (quotes stripped, '' undoubled).
bool parse_string_literal(const std::string &lit, std::string *out);

}  // namespace sim
