// threecx-sim --users N: a large, deterministic organisation on top of the
// seed: N users with plausible names in departments (groups), queues and
// ring groups with members, call history and recordings metadata. Entities
// are compact (the properties a directory, a pager or a report reads) and
// use constant property names, so 100,000 users fit in a modest budget.
#include <cstdio>
#include <string>

#include "server.hpp"

namespace sim {

std::string json_text(const cJSON *j);

namespace {

const char *const kFirst[] = {"Anna",   "Ben",    "Chloe",  "David", "Elena",  "Farid",  "Grace",  "Hugo",
                              "Ingrid", "Jonas",  "Keiko",  "Liam",  "Maria",  "Noah",   "Olivia", "Pavel",
                              "Quinn",  "Rosa",   "Sven",   "Tara",  "Umar",   "Vera",   "Wei",    "Ximena",
                              "Yusuf",  "Zoe",    "Aisha",  "Bruno", "Carmen", "Diego",  "Emma",   "Felix",
                              "Hanna",  "Ivan",   "Julia",  "Karim", "Lena",   "Mateo",  "Nina",   "Oscar",
                              "Priya",  "Rafael", "Sofia",  "Tomas", "Ursula", "Viktor", "Wanda",  "Yara"};
const char *const kLast[] = {"Smith",  "Garcia",   "Müller", "Rossi",   "Novak",   "Dubois",  "Tanaka",  "O'Brien",
                             "Kowalski", "Jensen", "Silva",  "Nguyen",  "Papadopoulos", "Ivanova", "Schmidt", "Martin",
                             "Bianchi", "Horvat",  "Larsen", "Costa",   "Kim",     "Yilmaz",  "Fischer", "Moreau",
                             "Ricci",  "Svoboda",  "Nielsen", "Pereira", "Chen",   "Petrov",  "Weber",   "Lambert"};
const char *const kDepts[] = {"Sales",   "Support",  "Accounts", "Reception", "Engineering", "Marketing",
                              "Logistics", "Legal",  "HR",       "Purchasing", "IT",         "Facilities"};
const char *const kSites[] = {"London", "Berlin", "Madrid", "Athens", "Boston", "Sydney", "Nicosia", "Toronto"};
const char *const kLangs[] = {"EN", "DE", "ES", "EL", "FR", "IT"};

// const-keyed properties (the names are literals: no copy per entity)
void add(cJSON *o, const char *k, cJSON *v) { cJSON_AddItemToObjectCS(o, k, v); }
void add_s(cJSON *o, const char *k, const std::string &v) { add(o, k, cJSON_CreateString(v.c_str())); }
void add_n(cJSON *o, const char *k, double v) { add(o, k, cJSON_CreateNumber(v)); }
void add_b(cJSON *o, const char *k, bool v) { add(o, k, cJSON_CreateBool(v)); }

std::string two(int v) {
  char b[16];
  std::snprintf(b, sizeof b, "%02d", v % 100);
  return b;
}
// a timestamp in 2026, `minutes` after New Year
std::string when(long minutes) {
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  long day = (minutes / 1440) % 365;
  int m = 0;
  while (day >= mdays[m]) day -= mdays[m++];
  return "2026-" + two(m + 1) + "-" + two(static_cast<int>(day) + 1) + "T" + two(static_cast<int>(minutes / 60 % 24)) +
         ":" + two(static_cast<int>(minutes % 60)) + ":00Z";
}

double max_key(const std::vector<cJSON *> &items, const std::string &key) {
  double m = 0;
  for (const cJSON *e : items) {
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(e, key.c_str());
    if (cJSON_IsNumber(k) && k->valuedouble > m) m = k->valuedouble;
  }
  return m;
}

}  // namespace

void Simulator::seed_large() {
  const int n = opt_.users;
  auto users_it = sets_.find("Users"), groups_it = sets_.find("Groups");
  if (n <= 0 || users_it == sets_.end() || groups_it == sets_.end()) return;
  Set &users = users_it->second;
  Set &groups = groups_it->second;
  Lcg g{0x3cc5eedULL};

  // departments: one group per department and site
  struct Dept {
    double id;
    std::string name, number;
  };
  std::vector<Dept> depts;
  int ndepts = std::max(5, std::min(400, n / 250));
  double gid = max_key(groups.items, "Id");
  for (int d = 0; d < ndepts; ++d) {
    Lcg gg{fnv1a("dept" + std::to_string(d))};
    cJSON *e = spec_.generate(spec_.schema(groups.type->name), gg, 1);
    if (!cJSON_IsObject(e)) {
      cJSON_Delete(e);
      e = cJSON_CreateObject();
    }
    Dept dept{++gid, std::string(kDepts[d % 12]) + " " + kSites[(d / 12) % 8] + (d >= 96 ? " " + std::to_string(d / 96 + 1) : ""),
              std::to_string(700000 + d)};
    set_prop(e, "Id", cJSON_CreateNumber(dept.id));
    set_prop(e, "Name", cJSON_CreateString(dept.name.c_str()));
    set_prop(e, "Number", cJSON_CreateString(dept.number.c_str()));
    set_prop(e, "@odata.etag", cJSON_CreateString(new_etag().c_str()));
    groups.items.push_back(e);
    depts.push_back(dept);
  }
  groups.next_id = gid + 1;

  // users: the seeded ones stay; the rest are compact
  double uid = max_key(users.items, "Id");
  struct Who {
    std::string name, number;
  };
  std::vector<Who> people;
  people.reserve(static_cast<size_t>(n));
  users.items.reserve(static_cast<size_t>(n));
  for (long i = static_cast<long>(users.items.size()); i < n; ++i) {
    cJSON *e = cJSON_CreateObject();
    ++uid;
    const char *first = g.pick(kFirst), *last = g.pick(kLast);
    std::string number = std::to_string(10000 + static_cast<long>(uid));
    std::string mail = std::string(first) + "." + last + "." + std::to_string(static_cast<long>(uid)) + "@example.com";
    for (char &c : mail)
      if (c == '\'' || c == ' ') c = '-';
    const Dept &d = depts[static_cast<size_t>(i) % depts.size()];
    add_n(e, "Id", uid);
    add_s(e, "Number", number);
    add_s(e, "FirstName", first);
    add_s(e, "LastName", last);
    add_s(e, "DisplayName", std::string(first) + " " + last);
    add_s(e, "EmailAddress", mail);
    add_s(e, "Mobile", "+4477" + std::to_string(10000000 + g.next() % 89999999));
    add_s(e, "OutboundCallerID", "+44207946" + std::to_string(1000 + g.next() % 9000));
    add_s(e, "Language", g.pick(kLangs));
    add_b(e, "Enabled", g.next() % 20 != 0);
    add_b(e, "IsRegistered", g.next() % 3 != 0);
    add_b(e, "Require2FA", g.next() % 4 == 0);
    add_b(e, "Internal", false);
    add_s(e, "CurrentProfileName", g.next() % 5 == 0 ? "Away" : "Available");
    add_n(e, "PrimaryGroupId", d.id);
    cJSON *mine = cJSON_CreateArray();
    cJSON *m = cJSON_CreateObject();
    add_n(m, "Id", 1);
    add_n(m, "GroupId", d.id);
    add_s(m, "Name", d.name);
    add_s(m, "Number", d.number);
    add_s(m, "MemberName", std::string(first) + " " + last);
    cJSON_AddItemToArray(mine, m);
    add(e, "Groups", mine);
    add(e, "@odata.etag", cJSON_CreateString(new_etag().c_str()));
    users.items.push_back(e);
    people.push_back({std::string(first) + " " + last, number});
  }
  users.next_id = uid + 1;
  if (people.empty()) return;

  // queues and ring groups with members drawn from the users
  auto members_of = [&](const char *set_name, const char *list, const char *what, int count, int per, long base) {
    auto it = sets_.find(set_name);
    if (it == sets_.end()) return;
    Set &set = it->second;
    double id = max_key(set.items, set.key);
    for (int q = 0; q < count; ++q) {
      Lcg gq{fnv1a(std::string(set_name) + std::to_string(q))};
      cJSON *e = spec_.generate(spec_.schema(set.type->name), gq, 1);
      if (!cJSON_IsObject(e)) {
        cJSON_Delete(e);
        e = cJSON_CreateObject();
      }
      set_prop(e, "Id", cJSON_CreateNumber(++id));
      set_prop(e, "Number", cJSON_CreateString(std::to_string(base + q).c_str()));
      std::string name = std::string(kDepts[q % 12]) + " " + what + " " + std::to_string(q / 12 + 1);
      set_prop(e, "Name", cJSON_CreateString(name.c_str()));
      cJSON *arr = cJSON_CreateArray();
      for (int k = 0; k < per; ++k) {
        const Who &w = people[(static_cast<size_t>(q) * 7919 + static_cast<size_t>(k) * 104729) % people.size()];
        cJSON *a = cJSON_CreateObject();
        add_n(a, "Id", k + 1);
        add_s(a, "Name", w.name);
        add_s(a, "Number", w.number);
        cJSON_AddItemToArray(arr, a);
      }
      set_prop(e, list, arr);
      set_prop(e, "@odata.etag", cJSON_CreateString(new_etag().c_str()));
      set.items.push_back(e);
    }
    set.next_id = id + 1;
  };
  int teams = std::max(2, std::min(300, n / 500));
  members_of("Queues", "Agents", "queue", teams, 8, 600000);
  members_of("RingGroups", "Members", "ring group", teams, 6, 650000);

  // call history (one call for every second user) and recordings metadata
  auto history = sets_.find("CallHistoryView");
  if (history != sets_.end()) {
    Set &h = history->second;
    double id = max_key(h.items, h.key.empty() ? "SegmentId" : h.key);
    for (int c = 0; c < n / 2; ++c) {
      const Who &a = people[g.next() % people.size()], &b = people[g.next() % people.size()];
      long start = static_cast<long>(g.next() % (330L * 1440));
      cJSON *e = cJSON_CreateObject();
      add_n(e, "SegmentId", ++id);
      add_s(e, "SegmentStartTime", when(start));
      add_s(e, "SegmentEndTime", when(start + 1 + static_cast<long>(g.next() % 20)));
      add_s(e, "CallTime", "PT" + std::to_string(1 + g.next() % 40) + "M" + std::to_string(g.next() % 60) + "S");
      add_b(e, "CallAnswered", g.next() % 5 != 0);
      add_s(e, "SrcDn", a.number);
      add_s(e, "SrcDisplayName", a.name);
      add_s(e, "SrcCallerNumber", a.number);
      add_b(e, "SrcInternal", true);
      add_s(e, "DstDn", b.number);
      add_s(e, "DstDisplayName", b.name);
      add_s(e, "DstCallerNumber", b.number);
      add_b(e, "DstInternal", true);
      h.items.push_back(e);
    }
    h.next_id = id + 1;
  }
  auto recs = sets_.find("Recordings");
  if (recs != sets_.end()) {
    Set &r = recs->second;
    double id = max_key(r.items, "Id");
    for (int c = 0; c < n / 10; ++c) {
      const Who &a = people[g.next() % people.size()], &b = people[g.next() % people.size()];
      long start = static_cast<long>(g.next() % (330L * 1440));
      cJSON *e = cJSON_CreateObject();
      add_n(e, "Id", ++id);
      add_s(e, "StartTime", when(start));
      add_s(e, "EndTime", when(start + 1 + static_cast<long>(g.next() % 30)));
      add_s(e, "FromDn", a.number);
      add_s(e, "FromDisplayName", a.name);
      add_s(e, "ToDn", b.number);
      add_s(e, "ToDisplayName", b.name);
      add_s(e, "CallType", "Local");
      add_b(e, "IsArchived", false);
      add_b(e, "IsTranscribed", false);
      add_s(e, "RecordingUrl", "/recordings/" + std::to_string(static_cast<long>(id)) + ".wav");
      add(e, "@odata.etag", cJSON_CreateString(new_etag().c_str()));
      r.items.push_back(e);
    }
    r.next_id = id + 1;
  }
}

}  // namespace sim
