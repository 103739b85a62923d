// The simulator's OData query parser and evaluator (tools/sim/odata.cpp) on
// arbitrary $filter/$search/$orderby/$select/$expand/$top/$skip/$count
// values over a small data set: only sim::BadQuery (a 400) may come out.
#include <fuzzer/FuzzedDataProvider.h>

#include <cjson/cJSON.h>

#include <string>
#include <utility>
#include <vector>

#include "odata.hpp"

namespace {
const char *kData = R"([
 {"Id":1,"Name":"Alice","Age":30,"City":"Paris","Active":true,"Joined":"2026-01-05T10:00:00Z",
  "Guid":"11111111-1111-4111-8111-111111111111","Tags":["a"],"Boss":{"Id":10,"Name":"Zed"}},
 {"Id":2,"Name":"b'ob","Age":null,"City":"K\u00f6ln","Active":false,"Joined":"2026-02-10T08:30:00+01:00",
  "Guid":"22222222-2222-4222-8222-222222222222","Tags":[],"Boss":null},
 {"Id":3,"Name":"","Age":-1.5e3,"City":null,"Active":true,"Joined":null,
  "Guid":null,"Tags":["x","y"],"Boss":{"Id":11,"Name":null}}
])";

struct Fixture {
  sim::EntityType boss{"T.Boss", {"Id", "Name"}, {}, {}};
  sim::EntityType person{"T.Person", {"Id", "Name", "Age", "City", "Active", "Joined", "Guid", "Tags"},
                         {{"Boss", "T.Boss"}}, {{"Boss", &boss}}};
  cJSON *doc = cJSON_Parse(kData);
  std::vector<const cJSON *> items;
  Fixture() {
    person.edm = {{"Id", "Edm.Int32"}, {"Age", "Edm.Double"}, {"Joined", "Edm.DateTimeOffset"},
                  {"Guid", "Edm.Guid"}, {"Active", "Edm.Boolean"}};
    for (const cJSON *e = doc->child; e; e = e->next) items.push_back(e);
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static Fixture *f = new Fixture();
  FuzzedDataProvider in(data, size);
  static const char *kOptions[] = {"$filter", "$search", "$orderby", "$select", "$expand",
                                   "$top",    "$skip",   "$count",   "$format"};
  std::vector<std::pair<std::string, std::string>> params;
  int n = in.ConsumeIntegralInRange(1, 4);
  for (int i = 0; i < n; ++i) {
    std::string name = in.PickValueInArray(kOptions);
    params.emplace_back(name, in.ConsumeRandomLengthString(256));
  }
  try {
    sim::Query q = sim::parse_query(params);
    cJSON *out = sim::evaluate(f->items, q, f->person, "https://pbx/xapi/v1/$metadata#People");
    cJSON_Delete(out);
  } catch (const sim::BadQuery &) {
  }
  return 0;
}
