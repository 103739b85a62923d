// threecx-sim: OData query evaluation over JSON entities (cJSON).
#pragma once

#include <cjson/cJSON.h>

#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace sim {

// A malformed or unsupported query: answered as 400 with an OData error.
struct BadQuery : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What the evaluator needs to know about an entity type.
struct EntityType {
  std::string name;                         // "Pbx.RefreshToken"
  std::set<std::string> properties;         // structural properties
  std::map<std::string, std::string> navs;  // navigation -> target type name
  std::map<std::string, const EntityType *> nav_types;
  // Structural property -> its Edm type ("Edm.String", "Edm.Int32",
  // "Edm.Double", "Edm.Boolean", "Edm.DateTimeOffset", "Edm.Guid", or an
  // enum's name), for type-checking $filter; empty: not checked.
  std::map<std::string, std::string> edm;
  std::map<std::string, std::set<std::string>> enum_members;  // enum properties
};

struct Value {
  enum Kind { Null, Bool, Number, String } kind = Null;
  bool b = false;
  double n = 0;
  std::string s;
};

// A parsed $filter expression.
class Filter {
 public:
  struct Node;
  Filter(const std::string &text, const EntityType &type);
  ~Filter();
  bool matches(const cJSON *entity) const;

 private:
  std::unique_ptr<Node> root_;
};

// The decoded system query options of one request.
struct Query {
  std::string filter, search, orderby, select, expand;
  bool has_filter = false, has_search = false, has_orderby = false, has_select = false,
       has_expand = false, has_top = false, has_skip = false, has_count = false;
  long long top = 0, skip = 0;
  bool count = false;
};

// Parses name=value pairs (already percent-decoded) into a Query; unknown
// $options and bad numbers throw BadQuery.
Query parse_query(const std::vector<std::pair<std::string, std::string>> &params);

// Applies filter, search, count, orderby, skip, top, select and expand to
// `items` and returns the collection body {"@odata.context", "@odata.count"?,
// "value": [...]}. `items` are not modified.
cJSON *evaluate(const std::vector<const cJSON *> &items, const Query &q, const EntityType &type,
                const std::string &context);

// $select / $expand applied to one entity (for reads by key).
cJSON *shape(const cJSON *entity, const Query &q, const EntityType &type);

}  // namespace sim
