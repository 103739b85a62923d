// The simulator's OData evaluator (tools/sim/odata.cpp) against a table of
// queries over a small hand-made data set, each with a hand-computed answer,
// plus malformed options that must be refused with a BadQuery naming the
// problem. Plain asserts; the last line is "N passed, M failed"; exit 1 on
// failure.
#include <cjson/cJSON.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "odata.hpp"

namespace {

int g_pass = 0, g_fail = 0;

void check(bool ok, const std::string &what) {
  if (ok) {
    ++g_pass;
  } else {
    ++g_fail;
    std::printf("FAIL: %s\n", what.c_str());
  }
}

// Ten entities. Names cover quotes and non-ASCII; Age ints (and a null);
// Active bools (and a null); Created date-times (one with an offset, one
// with fractional seconds, one null); Guid strings (one all digits, one
// starting with a letter, one null); Kind enum strings; Note nullable
// strings; Client a single-valued navigation (null on 3 and 7, absent on 10);
// Lines a collection navigation.
const char *kData = R"JSON([
 {"Id":1,"Name":"Alice","Age":30,"Active":true,"Created":"2026-01-05T10:00:00Z",
  "Guid":"0f8fad5b-d9cb-469f-a165-70867728950e","Kind":"Sso","Note":"first",
  "Client":{"Id":1,"Name":"Acme","Region":"EU"},
  "Lines":[{"No":1,"Text":"a"},{"No":2,"Text":"b"}]},
 {"Id":2,"Name":"bob","Age":25,"Active":false,"Created":"2026-02-10T08:30:00Z",
  "Guid":"7c9e6679-7425-40de-944b-e07fc1f90ae7","Kind":"Password","Note":null,
  "Client":{"Id":2,"Name":"Beta","Region":"US"},"Lines":[]},
 {"Id":3,"Name":"O'Brien","Age":41,"Active":true,"Created":"2025-12-31T23:59:59Z",
  "Guid":"a8098c1a-f86e-11da-bd1a-00112444be1e","Kind":"Sso","Note":"it's here","Client":null},
 {"Id":4,"Name":"Zo\u00eb \u00dcnal","Age":35,"Active":true,"Created":"2026-03-01T00:00:00Z",
  "Guid":"e02fd0e4-00fd-090a-ca30-0d00a0038ba0","Kind":"ClientCredentials","Note":"\u00c4rger",
  "Client":{"Id":1,"Name":"Acme","Region":"EU"}},
 {"Id":5,"Name":"carol","Age":null,"Active":false,"Created":null,
  "Guid":"16fd2706-8baf-433b-82eb-8c7fada847da","Kind":"Support","Note":"Second note",
  "Client":{"Id":3,"Name":"Gamma's","Region":"APAC"}},
 {"Id":6,"Name":"Dave","Age":30,"Active":null,"Created":"2026-01-05T10:00:00Z",
  "Guid":"12345678-1234-1234-1234-123456789012","Kind":"Password","Note":"",
  "Client":{"Id":2,"Name":"Beta","Region":"US"}},
 {"Id":7,"Name":"eve","Age":0,"Active":true,"Created":"2026-06-15T12:00:00.500Z",
  "Guid":"f81d4fae-7dec-11d0-a765-00a0c91e6bf6","Kind":"3CX","Note":"The Quick Brown fox","Client":null},
 {"Id":8,"Name":"Frank","Age":-5,"Active":false,"Created":"2026-01-05T09:59:59Z",
  "Guid":"00000000-0000-0000-0000-000000000000","Kind":"Sso","Note":"quick and brown",
  "Client":{"Id":4,"Name":"Delta","Region":null}},
 {"Id":9,"Name":"alice","Age":30,"Active":true,"Created":"2027-01-01T00:00:00Z",
  "Guid":null,"Kind":null,"Note":"ALICE again","Client":{"Id":5,"Name":"Acme Corp","Region":"EU"}},
 {"Id":10,"Name":"\u00c9mile","Age":99,"Active":false,"Created":"2026-01-05T11:00:00+01:00",
  "Guid":"886313e1-3b8a-5372-9b90-0c9aee199e5d","Kind":"Provisioning","Note":"fox"}
])JSON";

const std::vector<int> kAll = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

struct Types {
  sim::EntityType item, client, line;
  Types() {
    client = {"T.Client", {"Id", "Name", "Region"}, {}, {}};
    line = {"T.Line", {"No", "Text"}, {}, {}};
    item = {"T.Item",
            {"Id", "Name", "Age", "Active", "Created", "Guid", "Kind", "Note"},
            {{"Client", "T.Client"}, {"Lines", "T.Line"}},
            {}};
    item.nav_types["Client"] = &client;
    item.nav_types["Lines"] = &line;
  }
};

// "a=b&c=d" -> pairs (values here never contain '&'; no percent-decoding:
// the evaluator receives decoded text).
std::vector<std::pair<std::string, std::string>> split(const std::string &q) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  while (i <= q.size()) {
    size_t amp = q.find('&', i);
    std::string part = q.substr(i, amp == std::string::npos ? std::string::npos : amp - i);
    size_t eq = part.find('=');
    out.emplace_back(part.substr(0, eq), eq == std::string::npos ? "" : part.substr(eq + 1));
    if (amp == std::string::npos) break;
    i = amp + 1;
  }
  return out;
}

std::string ids_text(const std::vector<int> &v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

struct Fixture {
  Types types;
  cJSON *data = cJSON_Parse(kData);
  std::vector<const cJSON *> items;
  Fixture() {
    if (!data) {
      std::printf("FATAL: the data set does not parse\n");
      std::exit(2);
    }
    for (const cJSON *e = data->child; e; e = e->next) items.push_back(e);
  }
  ~Fixture() { cJSON_Delete(data); }

  // Evaluates the query; the caller owns the result. Throws BadQuery.
  cJSON *run(const std::string &query) const {
    sim::Query q = sim::parse_query(split(query));
    return sim::evaluate(items, q, types.item, "ctx#Items");
  }
};

struct Row {
  const char *query;
  std::vector<int> ids;
  long count;  // expected @odata.count, -1: must be absent
};

// clang-format off
const std::vector<Row> kTable = {
  // strings: eq ne gt ge lt le (ordinal, byte-wise), '' escapes, non-ASCII
  {"$filter=Name eq 'Alice'", {1}, -1},
  {"$filter=Name eq 'alice'", {9}, -1},
  {"$filter=Name ne 'Alice'", {2, 3, 4, 5, 6, 7, 8, 9, 10}, -1},
  {"$filter=Name gt 'carol'", {7, 10}, -1},
  {"$filter=Name ge 'carol'", {5, 7, 10}, -1},
  {"$filter=Name lt 'Dave'", {1}, -1},
  {"$filter=Name le 'Dave'", {1, 6}, -1},
  {"$filter=Name eq 'O''Brien'", {3}, -1},
  {"$filter=Name eq 'Zo\xc3\xab \xc3\x9cnal'", {4}, -1},
  {"$filter=Note eq 'it''s here'", {3}, -1},
  {"$filter=Note eq ''", {6}, -1},
  // ints
  {"$filter=Age eq 30", {1, 6, 9}, -1},
  {"$filter=Age ne 30", {2, 3, 4, 5, 7, 8, 10}, -1},
  {"$filter=Age gt 30", {3, 4, 10}, -1},
  {"$filter=Age ge 30", {1, 3, 4, 6, 9, 10}, -1},
  {"$filter=Age lt 25", {7, 8}, -1},
  {"$filter=Age le 25", {2, 7, 8}, -1},
  {"$filter=Age eq -5", {8}, -1},
  {"$filter=Age gt 29.5", {1, 3, 4, 6, 9, 10}, -1},
  {"$filter=Age eq null", {5}, -1},
  {"$filter=Age ne null", {1, 2, 3, 4, 6, 7, 8, 9, 10}, -1},
  // bools
  {"$filter=Active eq true", {1, 3, 4, 7, 9}, -1},
  {"$filter=Active eq false", {2, 5, 8, 10}, -1},
  {"$filter=Active ne true", {2, 5, 6, 8, 10}, -1},
  {"$filter=Active eq null", {6}, -1},
  {"$filter=Active", {1, 3, 4, 7, 9}, -1},
  {"$filter=Active gt false", {1, 3, 4, 7, 9}, -1},
  // and / or / not, parentheses, precedence (and binds tighter than or),
  // null propagation (not null is null: no match)
  {"$filter=Age eq 30 and Active eq true", {1, 9}, -1},
  {"$filter=Age eq 30 or Name eq 'bob'", {1, 2, 6, 9}, -1},
  {"$filter=Name eq 'bob' or Age eq 30 and Active eq true", {1, 2, 9}, -1},
  {"$filter=(Name eq 'bob' or Age eq 30) and Active eq true", {1, 9}, -1},
  {"$filter=not (Age eq 30)", {2, 3, 4, 5, 7, 8, 10}, -1},
  {"$filter=not Active", {2, 5, 8, 10}, -1},
  {"$filter=not not Active", {1, 3, 4, 7, 9}, -1},
  {"$filter=not (Age gt 30 or Active eq false)", {1, 6, 7, 9}, -1},
  {"$filter=Age eq 30 and (Name eq 'Alice' or Name eq 'Dave')", {1, 6}, -1},
  {"$filter=((Age eq 30))", {1, 6, 9}, -1},
  {"$filter=Active or Age eq 30", {1, 3, 4, 6, 7, 9}, -1},
  // string functions
  {"$filter=contains(Name,'li')", {1, 9}, -1},
  {"$filter=startswith(Name,'O''')", {3}, -1},
  {"$filter=endswith(Name,'e')", {1, 6, 7, 9, 10}, -1},
  {"$filter=tolower(Name) eq 'alice'", {1, 9}, -1},
  {"$filter=toupper(Name) eq 'BOB'", {2}, -1},
  {"$filter=tolower(Name) eq 'zo\xc3\xab \xc3\xbcnal'", {4}, -1},
  {"$filter=toupper(Name) eq '\xc3\x89MILE'", {10}, -1},
  {"$filter=contains(Note,'fox')", {7, 10}, -1},
  {"$filter=not contains(Note,'fox')", {1, 3, 4, 5, 6, 8, 9}, -1},
  {"$filter=contains(tolower(Note),'quick')", {7, 8}, -1},
  {"$filter=length(Name) eq 3", {2, 7}, -1},
  {"$filter=length(Name) eq 5", {1, 5, 8, 9, 10}, -1},
  {"$filter=startswith(Client/Name,'Acme')", {1, 4, 9}, -1},
  {"$filter=contains( Name , 'o' )", {2, 4, 5}, -1},
  // in (...)
  {"$filter=Name in ('bob','eve','nobody')", {2, 7}, -1},
  {"$filter=Age in (30, 41)", {1, 3, 6, 9}, -1},
  {"$filter=Kind in ('Sso',Pbx.GrantType'Support')", {1, 3, 5, 8}, -1},
  {"$filter=not (Name in ('bob','eve'))", {1, 3, 4, 5, 6, 8, 9, 10}, -1},
  // nulls
  {"$filter=Note eq null", {2}, -1},
  {"$filter=Note ne null", {1, 3, 4, 5, 6, 7, 8, 9, 10}, -1},
  {"$filter=Client eq null", {3, 7, 10}, -1},
  {"$filter=Client ne null", {1, 2, 4, 5, 6, 8, 9}, -1},
  {"$filter=Client/Region eq null", {3, 7, 8, 10}, -1},
  {"$filter=Kind eq null and Guid eq null", {9}, -1},
  {"$filter=null eq Note", {2}, -1},
  // date-times: compared as instants (offsets and fractions)
  {"$filter=Created eq 2026-01-05T10:00:00Z", {1, 6, 10}, -1},
  {"$filter=Created gt 2026-01-05T10:00:00Z", {2, 4, 7, 9}, -1},
  {"$filter=Created lt 2026-01-05T10:00:00Z", {3, 8}, -1},
  {"$filter=Created ge 2026-01-05T11:00:00+01:00", {1, 2, 4, 6, 7, 9, 10}, -1},
  {"$filter=Created le 2026-06-15T12:00:00.5Z", {1, 2, 3, 4, 6, 7, 8, 10}, -1},
  {"$filter=Created gt 2026-06-15T12:00:00Z", {7, 9}, -1},
  {"$filter=Created eq 2026-01-05T10:00:00.000Z", {1, 6, 10}, -1},
  {"$filter=Created lt 2026-01-01T00:00:00-05:00", {3}, -1},
  {"$filter=Created eq null", {5}, -1},
  {"$filter=Created ne 2026-01-05", kAll, -1},
  {"$filter=Kind ne 12:30:00", kAll, -1},
  // GUIDs: bare literals, any leading character, case-insensitive
  {"$filter=Guid eq 0f8fad5b-d9cb-469f-a165-70867728950e", {1}, -1},
  {"$filter=Guid eq a8098c1a-f86e-11da-bd1a-00112444be1e", {3}, -1},
  {"$filter=Guid eq 00000000-0000-0000-0000-000000000000", {8}, -1},
  {"$filter=Guid eq 12345678-1234-1234-1234-123456789012", {6}, -1},
  {"$filter=Guid eq F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6", {7}, -1},
  {"$filter=Guid in (0f8fad5b-d9cb-469f-a165-70867728950e,e02fd0e4-00fd-090a-ca30-0d00a0038ba0)", {1, 4}, -1},
  {"$filter=Guid eq null", {9}, -1},
  // enums: qualified and plain literals, values that are not identifiers
  {"$filter=Kind eq Pbx.GrantType'Sso'", {1, 3, 8}, -1},
  {"$filter=Kind eq 'Sso'", {1, 3, 8}, -1},
  {"$filter=Kind eq Pbx.GrantType'3CX'", {7}, -1},
  {"$filter=Kind ne 'Sso'", {2, 4, 5, 6, 7, 9, 10}, -1},
  // navigation paths
  {"$filter=Client/Name eq 'Acme'", {1, 4}, -1},
  {"$filter=Client/Name eq 'Gamma''s'", {5}, -1},
  {"$filter=Client/Id gt 2", {5, 8, 9}, -1},
  {"$filter=Client/Region eq 'EU' and Age eq 30", {1, 9}, -1},
  // $orderby: several keys, asc/desc, nulls first ascending / last
  // descending, stable for ties, navigation paths
  {"$orderby=Age", {5, 8, 7, 2, 1, 6, 9, 4, 3, 10}, -1},
  {"$orderby=Age asc", {5, 8, 7, 2, 1, 6, 9, 4, 3, 10}, -1},
  {"$orderby=Age desc", {10, 3, 4, 1, 6, 9, 2, 7, 8, 5}, -1},
  {"$orderby=Age asc,Name desc", {5, 8, 7, 2, 9, 6, 1, 4, 3, 10}, -1},
  {"$orderby=Active desc, Id desc", {9, 7, 4, 3, 1, 10, 8, 5, 2, 6}, -1},
  {"$orderby=Created", {5, 3, 8, 1, 6, 10, 2, 4, 7, 9}, -1},
  {"$orderby=Name", {1, 6, 8, 3, 4, 9, 2, 5, 7, 10}, -1},
  {"$orderby=Client/Name,Id", {3, 7, 10, 1, 4, 9, 2, 6, 8, 5}, -1},
  {"$orderby=Name asc&$filter=Age eq 30", {1, 6, 9}, -1},
  {"$orderby=Note desc&$filter=Id le 3", {3, 1, 2}, -1},
  // $top / $skip
  {"$top=3", {1, 2, 3}, -1},
  {"$top=0", {}, -1},
  {"$skip=8", {9, 10}, -1},
  {"$skip=0", kAll, -1},
  {"$skip=10", {}, -1},
  {"$skip=100&$top=5", {}, -1},
  {"$top=100", kAll, -1},
  {"$orderby=Id desc&$skip=2&$top=3", {8, 7, 6}, -1},
  // $count: the total after $filter/$search, before $skip/$top
  {"$count=true&$top=2", {1, 2}, 10},
  {"$count=true&$filter=Age eq 30&$top=1&$skip=1", {6}, 3},
  {"$count=true&$filter=Name eq 'nobody'", {}, 0},
  {"$count=false", kAll, -1},
  {"$top=0&$count=true", {}, 10},
  {"$skip=20&$count=true", {}, 10},
  // $search: any string property, case-insensitive (also non-ASCII); a
  // quoted phrase; terms AND-ed; OR; NOT
  {"$search=fox", {7, 10}, -1},
  {"$search=ALICE", {1, 9}, -1},
  {"$search=\"quick brown\"", {7}, -1},
  {"$search=quick brown", {7, 8}, -1},
  {"$search=quick AND brown", {7, 8}, -1},
  {"$search=sso", {1, 3, 8}, -1},
  {"$search=fox OR alice", {1, 7, 9, 10}, -1},
  {"$search=brown NOT the", {8}, -1},
  {"$search=\xc3\xbcnal", {4}, -1},
  {"$search=\"O'Brien\"", {3}, -1},
  {"$search=fox&$count=true&$top=1", {7}, 2},
  {"$search=nothing-matches-this&$count=true", {}, 0},
  // every option together ($search=a also hits hex digits of GUIDs)
  {"$filter=Active eq true or Active eq false&$search=a&$orderby=Name desc&$skip=1&$top=3&$count=true",
   {7, 5, 2}, 9},
};

// Malformed options: BadQuery whose message contains `names`.
struct Bad {
  const char *query;
  const char *names;
};
const std::vector<Bad> kBad = {
  {"$filter=Bogus eq 1", "Bogus"},
  {"$filter=Client/Bogus eq 1", "Bogus"},
  {"$filter=Name eq", "end"},
  {"$filter=(Age eq 30", ")"},
  {"$filter=Age eq 30)", ")"},
  {"$filter=((Age eq 30)", ")"},
  {"$filter=Name eq 'abc", "unterminated"},
  {"$filter=Name eq 'it''s", "unterminated"},
  {"$top=-1", "$top"},
  {"$top=abc", "$top"},
  {"$top=", "$top"},
  {"$skip=1.5", "$skip"},
  {"$skip=-3", "$skip"},
  {"$foo=1", "$foo"},
  {"$filter=Age eq 1&$filter=Age eq 2", "$filter"},
  {"$top=1&$top=2", "$top"},
  {"$orderby=Name up", "up"},
  {"$orderby=Name desc desc", "desc desc"},
  {"$orderby=Bogus desc", "Bogus"},
  {"$filter=foo(Name) eq 1", "foo"},
  {"$filter=", "empty"},
  {"$count=yes", "yes"},
  {"$select=Bogus", "Bogus"},
  {"$select=Id,Bogus", "Bogus"},
  {"$expand=Bogus", "Bogus"},
  {"$expand=Client($select=Bogus)", "Bogus"},
  {"$expand=Client($bogus=1)", "$bogus"},
  {"$filter=Age eq 30 Name", "Name"},
  {"$filter=Name eq 'x' and", "end"},
  {"$filter=Age in (1,2", ")"},
  {"$filter=contains(Name)", ","},
  {"$filter=Name eq @x", "@"},
  {"$filter=Guid eq 12ab", "12ab"},
  {"$search=", "empty"},
  {"$search=(fox", ")"},
  {"$search=\"fox", "nterminated"},
  {"$filter=Name eq 'x' or or Age eq 1", "or"},
};
// clang-format on

std::vector<int> ids_of(const cJSON *coll, bool *ok) {
  std::vector<int> out;
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(coll, "value");
  *ok = cJSON_IsArray(v);
  if (!*ok) return out;
  for (const cJSON *e = v->child; e; e = e->next) {
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "Id");
    out.push_back(cJSON_IsNumber(id) ? id->valueint : -1);
  }
  return out;
}

void run_table(const Fixture &fx) {
  for (const Row &r : kTable) {
    std::string what = std::string("query ") + r.query;
    cJSON *res = nullptr;
    try {
      res = fx.run(r.query);
    } catch (const sim::BadQuery &e) {
      check(false, what + ": BadQuery: " + e.what());
      continue;
    } catch (const std::exception &e) {
      check(false, what + ": exception: " + e.what());
      continue;
    }
    bool ok;
    std::vector<int> got = ids_of(res, &ok);
    const cJSON *cnt = cJSON_GetObjectItemCaseSensitive(res, "@odata.count");
    const cJSON *ctx = cJSON_GetObjectItemCaseSensitive(res, "@odata.context");
    std::string err;
    if (!ok) err += " no value array;";
    if (got != r.ids) err += " ids " + ids_text(got) + " want " + ids_text(r.ids) + ";";
    if (r.count < 0 && cnt) err += " unexpected @odata.count;";
    if (r.count >= 0 && (!cJSON_IsNumber(cnt) || cnt->valuedouble != static_cast<double>(r.count)))
      err += " @odata.count " + std::string(cJSON_IsNumber(cnt) ? std::to_string(cnt->valueint) : "absent") +
             " want " + std::to_string(r.count) + ";";
    if (!cJSON_IsString(ctx) || std::strcmp(ctx->valuestring, "ctx#Items") != 0) err += " bad @odata.context;";
    check(err.empty(), what + ":" + err);
    cJSON_Delete(res);
  }
}

void run_bad(const Fixture &fx) {
  for (const Bad &b : kBad) {
    std::string what = std::string("malformed ") + b.query;
    try {
      cJSON *res = fx.run(b.query);
      cJSON_Delete(res);
      check(false, what + ": accepted");
    } catch (const sim::BadQuery &e) {
      bool named = std::strstr(e.what(), b.names) != nullptr;
      check(named, what + ": message '" + e.what() + "' does not name '" + b.names + "'");
    } catch (const std::exception &e) {
      check(false, what + ": not BadQuery: " + e.what());
    }
  }
}

// The keys of an object, in order.
std::vector<std::string> keys(const cJSON *o) {
  std::vector<std::string> k;
  for (const cJSON *f = o ? o->child : nullptr; f; f = f->next) k.emplace_back(f->string);
  return k;
}

std::string keys_text(const std::vector<std::string> &k) {
  std::string s;
  for (const auto &x : k) s += (s.empty() ? "" : ",") + x;
  return "{" + s + "}";
}

const cJSON *entity(const cJSON *coll, int idx) {
  return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(coll, "value"), idx);
}

std::string text(const cJSON *j) {
  char *t = cJSON_PrintUnformatted(j);
  std::string s = t ? t : "null";
  cJSON_free(t);
  return s;
}

void run_shape(const Fixture &fx) {
  auto eval = [&](const char *q) -> cJSON * {
    try {
      return fx.run(q);
    } catch (const std::exception &e) {
      check(false, std::string(q) + ": threw " + e.what());
      return nullptr;
    }
  };
  const std::vector<std::string> structural = {"Id", "Name", "Age", "Active", "Created", "Guid", "Kind", "Note"};

  // No $select/$expand: structural properties only, navigations left out.
  if (cJSON *r = eval("$top=1")) {
    check(keys(entity(r, 0)) == structural, "default shape is structural only: " + keys_text(keys(entity(r, 0))));
    cJSON_Delete(r);
  }
  // $select: only those keys, in the entity's order, on every entity.
  if (cJSON *r = eval("$select=Name,Id")) {
    bool all = true;
    for (int i = 0; i < 10; ++i) all = all && keys(entity(r, i)) == std::vector<std::string>{"Id", "Name"};
    check(all, "$select=Name,Id keeps exactly Id,Name: " + keys_text(keys(entity(r, 0))));
    cJSON_Delete(r);
  }
  if (cJSON *r = eval("$select=Note&$filter=Id eq 2")) {
    const cJSON *e = entity(r, 0);
    check(keys(e) == std::vector<std::string>{"Note"} && cJSON_IsNull(cJSON_GetObjectItem(e, "Note")),
          "$select=Note keeps a null value: " + keys_text(keys(e)));
    cJSON_Delete(r);
  }
  if (cJSON *r = eval("$select=*&$top=1")) {
    check(keys(entity(r, 0)) == structural, "$select=* is everything structural");
    cJSON_Delete(r);
  }
  // $expand with nested $select.
  if (cJSON *r = eval("$select=Id&$expand=Client($select=Name)&$filter=Id le 3")) {
    const cJSON *e1 = entity(r, 0), *e3 = entity(r, 2);
    check(text(e1) == "{\"Id\":1,\"Client\":{\"Name\":\"Acme\"}}", "nested $select=Name: " + text(e1));
    check(text(e3) == "{\"Id\":3,\"Client\":null}", "expanded null navigation stays null: " + text(e3));
    cJSON_Delete(r);
  }
  if (cJSON *r = eval("$select=Id&$expand=Client&$filter=Id eq 10 or Id eq 8")) {
    const cJSON *e8 = entity(r, 0), *e10 = entity(r, 1);
    check(text(e8) == "{\"Id\":8,\"Client\":{\"Id\":4,\"Name\":\"Delta\",\"Region\":null}}",
          "$expand without options: the whole related entity: " + text(e8));
    check(text(e10) == "{\"Id\":10,\"Client\":null}", "expanded absent navigation is null: " + text(e10));
    cJSON_Delete(r);
  }
  // Collection navigation with nested options.
  if (cJSON *r = eval("$select=Id&$expand=Lines($select=Text;$orderby=No desc)&$top=2")) {
    const cJSON *l1 = cJSON_GetObjectItem(entity(r, 0), "Lines");
    const cJSON *l2 = cJSON_GetObjectItem(entity(r, 1), "Lines");
    check(text(l1) == "[{\"Text\":\"b\"},{\"Text\":\"a\"}]", "$expand=Lines($select=Text;$orderby=No desc): " + text(l1));
    check(text(l2) == "[]", "expanded empty collection is []: " + text(l2));
    cJSON_Delete(r);
  }
  if (cJSON *r = eval("$select=Id&$expand=Lines($filter=No eq 2),Client($select=Region)&$top=1")) {
    const cJSON *e = entity(r, 0);
    check(text(e) == "{\"Id\":1,\"Lines\":[{\"No\":2,\"Text\":\"b\"}],\"Client\":{\"Region\":\"EU\"}}",
          "two expands with nested options: " + text(e));
    cJSON_Delete(r);
  }
  // shape(): one entity.
  try {
    sim::Query q = sim::parse_query(split("$select=Name&$expand=Client($select=Id)"));
    cJSON *s = sim::shape(fx.items[0], q, fx.types.item);
    check(text(s) == "{\"Name\":\"Alice\",\"Client\":{\"Id\":1}}", "shape() of one entity: " + text(s));
    cJSON_Delete(s);
  } catch (const std::exception &e) {
    check(false, std::string("shape(): ") + e.what());
  }
  // The input is not modified.
  cJSON *orig = cJSON_Parse(kData);
  check(text(fx.data) == text(orig), "evaluate leaves the items unchanged");
  cJSON_Delete(orig);
}

void run_parse_query(void) {
  // parse_query flags and values; parameters without '$' are not options.
  try {
    sim::Query q = sim::parse_query(split("$top=5&$skip=2&$count=true&foo=bar&$orderby=Name"));
    check(q.has_top && q.top == 5 && q.has_skip && q.skip == 2 && q.has_count && q.count && q.has_orderby &&
              q.orderby == "Name" && !q.has_filter && !q.has_select,
          "parse_query reads options and ignores non-$ parameters");
  } catch (const std::exception &e) {
    check(false, std::string("parse_query: ") + e.what());
  }
  // Filter used on its own.
  try {
    Types t;
    sim::Filter f("Name eq 'x' and Age gt 1", t.item);
    cJSON *e = cJSON_Parse("{\"Name\":\"x\",\"Age\":2}");
    cJSON *e2 = cJSON_Parse("{\"Name\":\"x\"}");
    check(f.matches(e) && !f.matches(e2), "sim::Filter::matches");
    cJSON_Delete(e);
    cJSON_Delete(e2);
  } catch (const std::exception &e) {
    check(false, std::string("sim::Filter: ") + e.what());
  }
}

}  // namespace

int main() {
  Fixture fx;
  run_table(fx);
  run_bad(fx);
  run_shape(fx);
  run_parse_query();
  std::printf("sim.odata_cases: %zu queries, %zu malformed cases\n", kTable.size(), kBad.size());
  std::printf("%d passed, %d failed\n", g_pass, g_fail);
  return g_fail ? 1 : 0;
}
