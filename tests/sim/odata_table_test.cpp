// sim_odata_test: the simulator's OData evaluator (tools/sim/odata.cpp)
// against a table of queries whose answers were worked out by hand from the
// eight entities below, plus malformed options that must be refused.
#include <cjson/cJSON.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "odata.hpp"

namespace {

// Ages: 30 25 41 null 30 19 52 33. Cities: Paris Berlin Dublin Paris Rome
// Berlin paris Oslo. Active: t f t t f t f t.
const char *kData = R"([
 {"Id":1,"Name":"Alice","Age":30,"City":"Paris","Active":true,"Joined":"2026-01-05T10:00:00Z",
  "Guid":"11111111-1111-4111-8111-111111111111","Tags":["a"],"Boss":{"Id":10,"Name":"Zed"}},
 {"Id":2,"Name":"bob","Age":25,"City":"Berlin","Active":false,"Joined":"2026-02-10T08:30:00Z",
  "Guid":"22222222-2222-4222-8222-222222222222","Tags":[],"Boss":null},
 {"Id":3,"Name":"O'Brien","Age":41,"City":"Dublin","Active":true,"Joined":"2025-12-31T23:59:59Z",
  "Guid":"33333333-3333-4333-8333-333333333333","Tags":[],"Boss":{"Id":11,"Name":"Yan"}},
 {"Id":4,"Name":"Carol Chen","Age":null,"City":"Paris","Active":true,"Joined":"2026-03-01T00:00:00Z",
  "Guid":"44444444-4444-4444-8444-444444444444","Tags":[],"Boss":null},
 {"Id":5,"Name":"dave","Age":30,"City":"Rome","Active":false,"Joined":"2026-01-20T12:00:00Z",
  "Guid":"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee","Tags":[],"Boss":{"Id":10,"Name":"Zed"}},
 {"Id":6,"Name":"Eve+Mallory","Age":19,"City":"Berlin","Active":true,"Joined":"2026-02-28T18:00:00Z",
  "Guid":"66666666-6666-4666-8666-666666666666","Tags":[],"Boss":null},
 {"Id":7,"Name":"Frank","Age":52,"City":"paris","Active":false,"Joined":"2025-06-15T09:00:00Z",
  "Guid":"77777777-7777-4777-8777-777777777777","Tags":[],"Boss":{"Id":12,"Name":"Xi"}},
 {"Id":8,"Name":"Grace","Age":33,"City":"Oslo","Active":true,"Joined":"2026-04-01T07:00:00Z",
  "Guid":"88888888-8888-4888-8888-888888888888","Tags":[],"Boss":null}
])";

using Params = std::vector<std::pair<std::string, std::string>>;

struct Case {
  Params params;
  std::vector<int> ids;
  long count;  // -1: no @odata.count expected
};

struct BadCase {
  Params params;
  const char *needle;  // expected in the message ("" = anything)
};

int passed = 0, failed = 0;

void check(bool ok, const std::string &what) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    std::printf("FAIL: %s\n", what.c_str());
  }
}

std::string show(const Params &p) {
  std::string s;
  for (const auto &[k, v] : p) s += (s.empty() ? "" : "&") + k + "=" + v;
  return s;
}

std::string ids_text(const std::vector<int> &ids) {
  std::string s = "[";
  for (size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + std::to_string(ids[i]);
  return s + "]";
}

cJSON *run(const std::vector<const cJSON *> &items, const sim::EntityType &type, const Params &p) {
  sim::Query q = sim::parse_query(p);
  return sim::evaluate(items, q, type, "https://pbx/xapi/v1/$metadata#People");
}

}  // namespace

int main() {
  sim::EntityType boss{"T.Boss", {"Id", "Name"}, {}, {}};
  sim::EntityType person{"T.Person", {"Id", "Name", "Age", "City", "Active", "Joined", "Guid", "Tags"},
                         {{"Boss", "T.Boss"}}, {{"Boss", &boss}}};
  cJSON *data = cJSON_Parse(kData);
  if (!data) {
    std::printf("bad test data\n");
    return 1;
  }
  std::vector<const cJSON *> items;
  for (const cJSON *e = data->child; e; e = e->next) items.push_back(e);

  const std::vector<Case> cases = {
      // comparison operators
      {{{"$filter", "Id eq 3"}}, {3}, -1},
      {{{"$filter", "Id ne 3"}}, {1, 2, 4, 5, 6, 7, 8}, -1},
      {{{"$filter", "Age gt 30"}}, {3, 7, 8}, -1},
      {{{"$filter", "Age ge 30"}}, {1, 3, 5, 7, 8}, -1},
      {{{"$filter", "Age lt 25"}}, {6}, -1},
      {{{"$filter", "Age le 25"}}, {2, 6}, -1},
      {{{"$filter", "Age eq null"}}, {4}, -1},
      {{{"$filter", "Age ne null"}}, {1, 2, 3, 5, 6, 7, 8}, -1},
      {{{"$filter", "City eq 'Paris'"}}, {1, 4}, -1},
      {{{"$filter", "Name eq 'O''Brien'"}}, {3}, -1},
      {{{"$filter", "Name eq 'Eve+Mallory'"}}, {6}, -1},
      {{{"$filter", "Active eq true"}}, {1, 3, 4, 6, 8}, -1},
      {{{"$filter", "Active eq false"}}, {2, 5, 7}, -1},
      {{{"$filter", "Age eq 30.0"}}, {1, 5}, -1},
      {{{"$filter", "Id gt -1 and Id lt 3"}}, {1, 2}, -1},
      // functions
      {{{"$filter", "tolower(City) eq 'paris'"}}, {1, 4, 7}, -1},
      {{{"$filter", "toupper(Name) eq 'BOB'"}}, {2}, -1},
      {{{"$filter", "contains(Name,'a')"}}, {4, 5, 6, 7, 8}, -1},
      {{{"$filter", "contains(tolower(Name), 'a')"}}, {1, 4, 5, 6, 7, 8}, -1},
      {{{"$filter", "startswith(Name,'O''B')"}}, {3}, -1},
      {{{"$filter", "endswith(Name,'e')"}}, {1, 5, 8}, -1},
      {{{"$filter", "length(Name) gt 5"}}, {3, 4, 6}, -1},
      {{{"$filter", "contains(Name,' ')"}}, {4}, -1},
      // logic and precedence
      {{{"$filter", "Active eq false and City eq 'Berlin'"}}, {2}, -1},
      {{{"$filter", "Active eq false or Age gt 40"}}, {2, 3, 5, 7}, -1},
      {{{"$filter", "not (Active eq true)"}}, {2, 5, 7}, -1},
      {{{"$filter", "not contains(Name,'a')"}}, {1, 2, 3}, -1},
      {{{"$filter", "(City eq 'Paris' or City eq 'Rome') and Active eq true"}}, {1, 4}, -1},
      {{{"$filter", "Active eq false or City eq 'Oslo' and Age gt 40"}}, {2, 5, 7}, -1},
      {{{"$filter", "((Id eq 1))"}}, {1}, -1},
      // in, date-times, GUIDs, navigation paths
      {{{"$filter", "City in ('Paris','Oslo')"}}, {1, 4, 8}, -1},
      {{{"$filter", "Id in (2, 4, 99)"}}, {2, 4}, -1},
      {{{"$filter", "Joined gt 2026-02-01T00:00:00Z"}}, {2, 4, 6, 8}, -1},
      {{{"$filter", "Joined lt 2026-01-01T00:00:00Z"}}, {3, 7}, -1},
      {{{"$filter", "Joined ge 2026-01-05T10:00:00Z and Joined le 2026-01-20T12:00:00Z"}}, {1, 5}, -1},
      {{{"$filter", "Guid eq 22222222-2222-4222-8222-222222222222"}}, {2}, -1},
      {{{"$filter", "Guid eq aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"}}, {5}, -1},
      {{{"$filter", "Boss/Name eq 'Zed'"}}, {1, 5}, -1},
      {{{"$filter", "Boss eq null"}}, {2, 4, 6, 8}, -1},
      // orderby
      {{{"$orderby", "Age"}}, {4, 6, 2, 1, 5, 8, 3, 7}, -1},
      {{{"$orderby", "Age desc"}}, {7, 3, 8, 1, 5, 2, 6, 4}, -1},
      {{{"$orderby", "City,Name desc"}}, {2, 6, 3, 8, 4, 1, 5, 7}, -1},
      {{{"$orderby", "Active desc,Id desc"}}, {8, 6, 4, 3, 1, 7, 5, 2}, -1},
      {{{"$orderby", "Joined"}}, {7, 3, 1, 5, 2, 6, 4, 8}, -1},
      {{{"$orderby", "Name asc"}}, {1, 4, 6, 7, 8, 3, 2, 5}, -1},
      // top, skip, count
      {{{"$top", "3"}}, {1, 2, 3}, -1},
      {{{"$skip", "6"}}, {7, 8}, -1},
      {{{"$skip", "2"}, {"$top", "2"}}, {3, 4}, -1},
      {{{"$top", "0"}}, {}, -1},
      {{{"$skip", "100"}}, {}, -1},
      {{{"$count", "true"}, {"$filter", "Active eq true"}, {"$top", "2"}}, {1, 3}, 5},
      {{{"$count", "true"}, {"$skip", "7"}}, {8}, 8},
      {{{"$count", "false"}}, {1, 2, 3, 4, 5, 6, 7, 8}, -1},
      {{{"$orderby", "Age desc"}, {"$skip", "1"}, {"$top", "3"}}, {3, 8, 1}, -1},
      {{{"$filter", "City eq 'Paris'"}, {"$orderby", "Id desc"}, {"$count", "true"}}, {4, 1}, 2},
      {{{"$top", "2"}, {"$skip", "1"}, {"$count", "true"}, {"$orderby", "Name"}}, {4, 6}, 8},
      // search (after filter, before count)
      {{{"$search", "paris"}}, {1, 4, 7}, -1},
      {{{"$search", "\"carol chen\""}}, {4}, -1},
      {{{"$search", "BRIEN"}}, {3}, -1},
      {{{"$search", "2026-02"}}, {2, 6}, -1},
      {{{"$filter", "Active eq true"}, {"$search", "o"}, {"$count", "true"}}, {3, 4, 6, 8}, 4},
      {{{"$search", "nothing-like-this"}, {"$count", "true"}}, {}, 0},
      // non-$ parameters are not OData options
      {{{"foo", "bar"}, {"$top", "1"}}, {1}, -1},
  };

  for (const Case &c : cases) {
    std::string what = show(c.params);
    try {
      cJSON *out = run(items, person, c.params);
      std::vector<int> got;
      const cJSON *value = cJSON_GetObjectItem(out, "value");
      for (const cJSON *e = value ? value->child : nullptr; e; e = e->next)
        got.push_back(cJSON_GetObjectItem(e, "Id")->valueint);
      const cJSON *count = cJSON_GetObjectItem(out, "@odata.count");
      bool count_ok = c.count < 0 ? count == nullptr : (cJSON_IsNumber(count) && count->valueint == c.count);
      check(got == c.ids && count_ok, what + " -> " + ids_text(got) + " expected " + ids_text(c.ids) +
                                          (count_ok ? "" : " (wrong @odata.count)"));
      check(cJSON_IsString(cJSON_GetObjectItem(out, "@odata.context")), what + ": @odata.context");
      cJSON_Delete(out);
    } catch (const sim::BadQuery &e) {
      check(false, what + " threw: " + e.what());
    }
  }

  // $select and $expand shapes
  auto shaped = [&](const Params &p) -> std::string {
    try {
      cJSON *out = run(items, person, p);
      char *s = cJSON_PrintUnformatted(cJSON_GetObjectItem(out, "value"));
      std::string r = s;
      cJSON_free(s);
      cJSON_Delete(out);
      return r;
    } catch (const sim::BadQuery &e) {
      return std::string("threw: ") + e.what();
    }
  };
  struct Shape {
    Params p;
    const char *expect;
  };
  const std::vector<Shape> shapes = {
      {{{"$select", "Id,Name"}, {"$top", "1"}}, R"([{"Id":1,"Name":"Alice"}])"},
      {{{"$select", "Name, Id"}, {"$filter", "Id eq 3"}}, R"([{"Id":3,"Name":"O'Brien"}])"},
      {{{"$select", "Id"}, {"$expand", "Boss($select=Name)"}, {"$filter", "Id eq 1"}},
       R"([{"Id":1,"Boss":{"Name":"Zed"}}])"},
      {{{"$select", "Id"}, {"$expand", "Boss"}, {"$filter", "Id eq 2"}}, R"([{"Id":2,"Boss":null}])"},
      {{{"$select", "Id"}, {"$expand", "Boss"}, {"$filter", "Id eq 7"}}, R"([{"Id":7,"Boss":{"Id":12,"Name":"Xi"}}])"},
      {{{"$select", "Tags"}, {"$top", "1"}}, R"([{"Tags":["a"]}])"},
      {{{"$select", "Id"}, {"$orderby", "Id desc"}, {"$top", "2"}}, R"([{"Id":8},{"Id":7}])"},
  };
  for (const Shape &s : shapes) {
    std::string got = shaped(s.p);
    check(got == s.expect, show(s.p) + " -> " + got + " expected " + s.expect);
  }
  // without $expand the navigation property is left out
  {
    std::string got = shaped({{"$filter", "Id eq 1"}});
    check(got.find("Boss") == std::string::npos && got.find("\"Tags\"") != std::string::npos,
          "no $expand: Boss omitted -> " + got);
  }
  // shape() for one entity (reads by key)
  {
    sim::Query q = sim::parse_query({{"$select", "Name"}, {"$expand", "Boss($select=Id)"}});
    cJSON *one = sim::shape(items[0], q, person);
    char *s = cJSON_PrintUnformatted(one);
    check(std::string(s) == R"({"Name":"Alice","Boss":{"Id":10}})", std::string("shape(): ") + s);
    cJSON_free(s);
    cJSON_Delete(one);
  }

  // malformed options: a BadQuery naming the problem
  const std::vector<BadCase> bad = {
      {{{"$filter", "Foo eq 1"}}, "Could not find a property named 'Foo'"},
      {{{"$filter", "Boss/Nope eq 1"}}, "Nope"},
      {{{"$filter", "Name eq"}}, "syntax error"},
      {{{"$filter", "(Id eq 1"}}, "')'"},
      {{{"$filter", "Name eq 'abc"}}, "unterminated"},
      {{{"$filter", "bogus(Name)"}}, "bogus"},
      {{{"$filter", "Id eq 1 and"}}, ""},
      {{{"$filter", "Id eq 1 Name"}}, ""},
      {{{"$filter", "Age add 1 gt 3"}}, ""},
      {{{"$filter", "Id eq 1 $"}}, ""},
      {{{"$filter", ""}}, "mpty"},
      {{{"$filter", "City in ('a','b'"}}, ""},
      {{{"$top", "-1"}}, "$top"},
      {{{"$top", "abc"}}, "$top"},
      {{{"$top", ""}}, "$top"},
      {{{"$skip", "-5"}}, "$skip"},
      {{{"$top", "1"}, {"$top", "2"}}, "more than once"},
      {{{"$count", "maybe"}}, "maybe"},
      {{{"$orderby", "Foo"}}, "Foo"},
      {{{"$orderby", "Name sideways"}}, "sideways"},
      {{{"$select", "Nope"}}, "Nope"},
      {{{"$select", "Id,,Name"}}, ""},
      {{{"$expand", "Nope"}}, "Nope"},
      {{{"$expand", "Boss($select=Nope)"}}, "Nope"},
      {{{"$expand", "Boss($bogus=1)"}}, "$bogus"},
      {{{"$foo", "1"}}, "$foo"},
      {{{"$search", "\"\""}}, "mpty"},
  };
  for (const BadCase &b : bad) {
    std::string what = show(b.params);
    try {
      cJSON *out = run(items, person, b.params);
      cJSON_Delete(out);
      check(false, what + ": accepted, expected BadQuery");
    } catch (const sim::BadQuery &e) {
      check(std::string(e.what()).find(b.needle) != std::string::npos,
            what + ": message '" + e.what() + "' lacks '" + b.needle + "'");
    }
  }

  cJSON_Delete(data);
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
