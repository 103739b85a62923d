// threecx-sim: phase 2, every operation of the spec: entity-set stores
// seeded from the schemas, reads by key and alternate key, create, update,
// delete with If-Match, singletons, navigations, functions and actions.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>
#include <unordered_map>
#include <cstring>
#include <strings.h>

#include "server.hpp"

namespace sim {

std::string json_text(const cJSON *j);
void send_json(httplib::Response &res, int status, cJSON *body);

void set_prop(cJSON *o, const char *name, cJSON *v) {
  if (cJSON_GetObjectItemCaseSensitive(o, name)) cJSON_ReplaceItemInObjectCaseSensitive(o, name, v);
  else cJSON_AddItemToObject(o, name, v);
}

namespace {

constexpr int kSeedMin = 3;  // entities per seeded set: 3..5

bool same_key(const cJSON *prop, const Value &v) {
  if (!prop) return v.kind == Value::Null;
  switch (v.kind) {
    case Value::Null:
      return cJSON_IsNull(prop);
    case Value::Bool:
      return cJSON_IsBool(prop) && cJSON_IsTrue(prop) == v.b;
    case Value::Number:
      return cJSON_IsNumber(prop) && prop->valuedouble == v.n;
    case Value::String:
      return cJSON_IsString(prop) && strcasecmp(prop->valuestring, v.s.c_str()) == 0 &&
             (std::strcmp(prop->valuestring, v.s.c_str()) == 0 || v.s.size() == 36);  // GUIDs: any case
  }
  return false;
}

std::string describe(const Value &v) {
  switch (v.kind) {
    case Value::Null:
      return "null";
    case Value::Bool:
      return v.b ? "true" : "false";
    case Value::Number: {
      char b[32];
      std::snprintf(b, sizeof b, "%.15g", v.n);
      return b;
    }
    case Value::String:
      return "'" + v.s + "'";
  }
  return "";
}

// Deterministic bytes for file answers.
void send_file(httplib::Response &res, const Route &r, const std::string &seed_text) {
  const std::string &last = r.segs.back().name;
  std::string fname = last.rfind("Pbx.", 0) == 0 ? last.substr(4) : last;
  res.status = 200;
  if (fname.rfind("Export", 0) == 0) {
    std::string csv = "Id,Name,Value\r\n";
    Lcg g{fnv1a(seed_text)};
    for (int i = 1; i <= 5; ++i)
      csv += std::to_string(i) + ",\"Row " + std::to_string(i) + "\"," + std::to_string(g.next() % 1000) + "\r\n";
    res.set_header("Content-Disposition", "attachment; filename=\"" + fname + ".csv\"");
    res.set_content(csv, "text/csv");
    return;
  }
  // a few hundred deterministic bytes, NULs included
  std::string bytes("SIMFILE\0", 8);
  Lcg g{fnv1a(seed_text)};
  for (int i = 0; i < 504; ++i) bytes.push_back(i % 16 == 0 ? '\0' : static_cast<char>(g.next() & 0xff));
  res.set_header("Content-Disposition", "attachment; filename=\"" + fname + ".bin\"");
  res.set_content(bytes, "application/octet-stream");
}

// A copy of a set's entity for another entity's navigation: its structural
// properties only (no navigations of its own, no ETag).
cJSON *related_copy(const cJSON *e, const EntityType &t) {
  cJSON *c = cJSON_Duplicate(e, 1);
  cJSON_DeleteItemFromObjectCaseSensitive(c, "@odata.etag");
  for (const auto &[nav, target] : t.navs) cJSON_DeleteItemFromObjectCaseSensitive(c, nav.c_str());
  return c;
}

const char *str_prop(const cJSON *e, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, name);
  return cJSON_IsString(v) ? v->valuestring : nullptr;
}

// How a DN is called in membership lists: "First Last", else Name, else Number.
std::string display_name(const cJSON *e) {
  const char *first = str_prop(e, "FirstName"), *last = str_prop(e, "LastName");
  if (first && last) return std::string(first) + " " + last;
  if (const char *n = str_prop(e, "Name")) return n;
  if (const char *n = str_prop(e, "Number")) return n;
  return "";
}

// Lists of DNs by number: queue agents and managers, ring group members.
const std::pair<const char *, const char *> kMemberLists[] = {
    {"Queues", "Agents"}, {"Queues", "Managers"}, {"RingGroups", "Members"}};

// A DN's membership of a group (an item of the DN's Groups), filled into m.
cJSON *membership(cJSON *m, const cJSON *group, const cJSON *dn, int id) {
  set_prop(m, "Id", cJSON_CreateNumber(id));
  set_prop(m, "GroupId", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(group, "Id"), 1));
  set_prop(m, "Name", cJSON_CreateString(display_name(group).c_str()));
  const char *number = str_prop(group, "Number");
  set_prop(m, "Number", number ? cJSON_CreateString(number) : cJSON_CreateNull());
  set_prop(m, "MemberName", cJSON_CreateString(display_name(dn).c_str()));
  return m;
}

}  // namespace

bool Simulator::is_dn_set(const std::string &name) const {
  auto it = sets_.find(name);
  return it != sets_.end() && it->second.type && dn_types_.count(it->second.type->name) &&
         it->second.key != "Number";
}

// The DN (of any set) that has this extension number, other than `except`.
const cJSON *Simulator::number_owner(const std::string &number, const cJSON *except) const {
  for (const auto &[name, set] : sets_) {
    if (!is_dn_set(name)) continue;
    for (const cJSON *e : set.items) {
      const char *n = str_prop(e, "Number");
      if (e != except && n && number == n) return e;
    }
  }
  return nullptr;
}

// The lowest free number at or above the set's base (3CX's "first
// available number"); numbers are shared by every kind of DN.
std::string Simulator::next_free_number(const std::string &set_name) const {
  std::set<long> taken;
  for (const auto &[name, set] : sets_) {
    if (!is_dn_set(name)) continue;
    for (const cJSON *e : set.items) {
      const char *n = str_prop(e, "Number");
      char *end = nullptr;
      long v = n && *n ? std::strtol(n, &end, 10) : -1;
      if (end && !*end && v >= 0) taken.insert(v);
    }
  }
  auto it = sets_.find(set_name);
  long candidate = it != sets_.end() && it->second.number_base > 0 ? it->second.number_base : 1000;
  while (taken.count(candidate)) ++candidate;
  return std::to_string(candidate);
}

std::string Simulator::origin(const httplib::Request &req) const {
  std::string host = req.get_header_value("Host");
  bool ok = !host.empty() && host.size() < 256;
  for (char c : host)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || std::strchr(".-_:[]", c));
  if (!ok) host = req.local_addr.find(':') != std::string::npos ? "[" + req.local_addr + "]:" + std::to_string(req.local_port)
                                                               : req.local_addr + ":" + std::to_string(req.local_port);
  return std::string(opt_.https ? "https" : "http") + "://" + host;
}

// Why the entity a function's parameter names does not exist ("" when it
// does, or when the parameter names nothing the simulator stores): dnNumber
// is any DN's Number, groupNumber a group's; <x>Id and <x>Key name the
// set whose type is <x> (userId: Users), else the bound set when its type
// or name starts with <x> (recId: Recordings, playlistKey: Playlists), and
// a bare id the bound set.
std::string Simulator::missing_entity(const Route &r, const std::string &slot, const Value &v) const {
  std::string low = slot;
  for (char &c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (low == "dnnumber" || low == "groupnumber") {
    if (v.kind != Value::String) return "";
    for (const auto &[name, set] : sets_) {
      if (!is_dn_set(name) || (low == "groupnumber" && name != "Groups")) continue;
      for (const cJSON *e : set.items)
        if (const char *n = str_prop(e, "Number"); n && v.s == n) return "";
    }
    return std::string("No ") + (low == "groupnumber" ? "group" : "DN") + " with number " + describe(v) + ".";
  }
  std::string prefix;
  if (low.size() >= 2 && low.compare(low.size() - 2, 2, "id") == 0) prefix = low.substr(0, low.size() - 2);
  else if (low.size() >= 3 && low.compare(low.size() - 3, 3, "key") == 0) prefix = low.substr(0, low.size() - 3);
  else return "";
  while (!prefix.empty() && prefix.back() == '_') prefix.pop_back();
  auto short_name = [](const std::string &type) {
    std::string t = type.rfind("Pbx.", 0) == 0 ? type.substr(4) : type;
    for (char &c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return t;
  };
  const Set *target = nullptr;
  std::string target_name;
  auto bound = r.segs.size() == 2 && !r.segs[0].parens ? sets_.find(r.segs[0].name) : sets_.end();
  if (!prefix.empty())
    for (const auto &[name, set] : sets_)
      if (set.listed && set.type && short_name(set.type->name) == prefix) target = &set, target_name = name;
  if (!target && bound != sets_.end() && bound->second.listed && bound->second.type) {
    std::string bt = short_name(bound->second.type->name), bn = bound->first;
    for (char &c : bn) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (bt.rfind(prefix, 0) == 0 || bn.rfind(prefix, 0) == 0) target = &bound->second, target_name = bound->first;
  }
  if (!target || target->key.empty()) return "";
  for (const cJSON *e : target->items)
    if (same_key(cJSON_GetObjectItemCaseSensitive(e, target->key.c_str()), v)) return "";
  return "No " + target->type->name + " with " + target->key + " " + describe(v) + " in " + target_name + ".";
}

// Fills the navigation properties of a seeded entity: collections with two
// entities of the target type, single navigations with one.
void Simulator::add_navs(cJSON *e, const std::string &type_name, Lcg &g) {
  std::vector<const cJSON *> props;
  spec_.properties(spec_.schema(type_name), &props);
  for (const cJSON *p : props) {
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "x-ms-navigationProperty"))) continue;
    const cJSON *rs = spec_.resolve(p);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(rs, "type");
    bool many = cJSON_IsString(type) && std::strcmp(type->valuestring, "array") == 0;
    const cJSON *target = many ? cJSON_GetObjectItemCaseSensitive(rs, "items") : p;
    cJSON *v;
    if (many) {
      v = cJSON_CreateArray();
      for (int i = 1; i <= 2; ++i) {
        cJSON *x = spec_.generate(target, g, 2);
        if (cJSON_IsObject(x) && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(x, "Id")))
          set_prop(x, "Id", cJSON_CreateNumber(i));
        cJSON_AddItemToArray(v, x);
      }
    } else {
      v = spec_.generate(target, g, 2);
    }
    set_prop(e, p->string, v);
  }
}

void Simulator::seed_spec() {
  if (!spec_.loaded()) return;
  // the types derived from Pbx.DN (through allOf) share one numbering plan
  dn_types_.clear();
  for (const auto &[tname, t] : spec_.types()) {
    const cJSON *sch = spec_.schema(tname);
    for (int depth = 0; sch && depth < 8; ++depth) {
      const cJSON *next = nullptr;
      for (const cJSON *a = cJSON_GetObjectItemCaseSensitive(sch, "allOf") ? cJSON_GetObjectItemCaseSensitive(sch, "allOf")->child : nullptr; a; a = a->next) {
        const cJSON *ref = cJSON_GetObjectItemCaseSensitive(a, "$ref");
        if (!cJSON_IsString(ref)) continue;
        std::string base = ref->valuestring;
        base = base.substr(base.rfind('/') + 1);
        if (base == "Pbx.DN") dn_types_.insert(tname);
        next = spec_.schema(base);
      }
      sch = next;
    }
  }
  int numbered_sets = 0;
  for (const auto &[name, info] : spec_.sets()) {
    if (sets_.count(name)) continue;  // phase-1 sets keep their seed
    const EntityType *type = spec_.type(info.type);
    if (!type) continue;
    Set set{type, info.key, {}, info.key_type.empty() ? "string" : info.key_type, info.key_format, info.listed};
    uint64_t h = fnv1a(name);
    Lcg g{h};
    int count = kSeedMin + static_cast<int>(h % 3);
    for (int i = 1; i <= count; ++i) {
      cJSON *e = spec_.generate(spec_.schema(info.type), g, 0);
      if (!cJSON_IsObject(e)) {
        cJSON_Delete(e);
        e = cJSON_CreateObject();
      }
      if (!info.key.empty()) {
        cJSON *k;
        if (set.key_type == "integer") {
          k = cJSON_CreateNumber(i);
        } else if (set.key_format == "uuid") {
          char b[40];
          std::snprintf(b, sizeof b, "%08llx-0000-4000-8000-%012d", static_cast<unsigned long long>(h & 0xffffffffu), i);
          k = cJSON_CreateString(b);
        } else {
          std::string v = name + "-" + std::to_string(i);
          for (char &c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          k = cJSON_CreateString(v.c_str());
        }
        set_prop(e, info.key.c_str(), k);
      }
      // extension numbers, unique across sets: Users 100, 101, ...; the
      // n-th other set with numbers 800 + 10*n + i
      const cJSON *num = cJSON_GetObjectItemCaseSensitive(e, "Number");
      if (cJSON_IsString(num) && info.key != "Number") {
        if (i == 1 && name != "Users") ++numbered_sets;
        int base = name == "Users" ? 99 : 790 + numbered_sets * 10;
        if (i == 1) set.number_base = base + 1;
        cJSON_ReplaceItemInObjectCaseSensitive(e, "Number", cJSON_CreateString(std::to_string(base + i).c_str()));
      }
      if (name == "Groups" && cJSON_GetObjectItemCaseSensitive(e, "Name")) {  // departments
        static const char *const depts[] = {"DEFAULT", "Sales", "Support", "Accounts", "Reception"};
        set_prop(e, "Name", cJSON_CreateString(depts[(i - 1) % 5]));
      }
      add_navs(e, info.type, g);
      cJSON_AddStringToObject(e, "@odata.etag", new_etag().c_str());
      set.items.push_back(e);
    }
    set.next_id = count + 1;
    sets_[name] = std::move(set);
  }
  for (const Route &r : spec_.routes()) {
    if (r.kind != Route::Singleton || singletons_.count(r.set) || !r.schema) continue;
    Lcg g{fnv1a(r.set)};
    singletons_[r.set] = spec_.generate(r.schema, g, 0);
  }
  link_seeded();
}

// Seeded navigations agree with the sets they point into: a navigation whose
// target type has an entity set of its own holds copies of that set's
// entities, and group membership is recorded once (each DN's Groups) and
// mirrored into Groups(..)/Members by sync_groups().
void Simulator::link_seeded() {
  std::map<std::string, std::string> set_of_type;  // entity type -> listed set
  for (const auto &[name, set] : sets_)
    if (set.listed && !set.items.empty()) set_of_type.emplace(set.type->name, name);
  const Set *groups = sets_.count("Groups") ? &sets_.at("Groups") : nullptr;
  bool tokens_linked = link_tokens();
  tokens_linked_ = tokens_linked;
  links_.clear();
  trunks_linked_ = sets_.count("Trunks") && sets_.count("InboundRules") && !sets_.at("Trunks").items.empty();
  for (auto &[name, set] : sets_) {
    size_t i = 0;
    for (cJSON *e : set.items) {
      for (const auto &[nav, target] : set.type->nav_types) {
        if (!target) continue;
        if (tokens_linked && ((name == "SecurityTokens" && nav == "Client") ||
                              (name == "OAuthClients" && nav == "RefreshTokens")))
          continue;
        cJSON *cur = cJSON_GetObjectItemCaseSensitive(e, nav.c_str());
        if (nav == "Groups" && target->name == "Pbx.UserGroup" && groups && !groups->items.empty()) {
          // a DN is in one group, chosen by its position
          cJSON *list = cJSON_CreateArray();
          if (name != "Groups") {
            const cJSON *g = groups->items[i % groups->items.size()];
            cJSON *m = cJSON_IsArray(cur) && cur->child ? cJSON_Duplicate(cur->child, 1) : cJSON_CreateObject();
            cJSON_AddItemToArray(list, membership(m, g, e, 1));
          }
          set_prop(e, nav.c_str(), list);
          continue;
        }
        auto so = set_of_type.find(target->name);
        if (so == set_of_type.end() || so->second == name) continue;
        // trunks and their inbound rules are linked by number (below)
        if (trunks_linked_ && ((name == "InboundRules" && nav == "TrunkDN") || (name == "Trunks" && nav == "RoutingRules")))
          continue;
        if (i == 0) links_.push_back({name, nav, so->second});
        const std::vector<cJSON *> &pool = sets_.at(so->second).items;
        if (cJSON_IsArray(cur)) {
          cJSON *list = cJSON_CreateArray();
          for (size_t k = 0; k < std::min<size_t>(2, pool.size()); ++k)
            cJSON_AddItemToArray(list, related_copy(pool[(i + k) % pool.size()], *target));
          set_prop(e, nav.c_str(), list);
        } else {
          set_prop(e, nav.c_str(), related_copy(pool[i % pool.size()], *target));
        }
      }
      ++i;
    }
  }
  // inbound rules name a trunk (as a Peer); queue agents and managers and
  // ring group members are users
  auto peer_of = [](const cJSON *dn, const char *type) {
    cJSON *p = cJSON_CreateObject();
    cJSON_AddItemToObject(p, "Id", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(dn, "Id"), 1));
    cJSON_AddStringToObject(p, "Name", display_name(dn).c_str());
    const char *n = str_prop(dn, "Number");
    cJSON_AddItemToObject(p, "Number", n ? cJSON_CreateString(n) : cJSON_CreateNull());
    cJSON_AddStringToObject(p, "Type", type);
    cJSON_AddBoolToObject(p, "Hidden", false);
    return p;
  };
  if (trunks_linked_) {
    const std::vector<cJSON *> &trunks = sets_.at("Trunks").items;
    size_t k = 0;
    for (cJSON *rule : sets_.at("InboundRules").items) set_prop(rule, "TrunkDN", peer_of(trunks[k++ % trunks.size()], "ExternalLine"));
    auto dids = sets_.find("DidNumbers");  // a DID belongs to a trunk
    if (dids != sets_.end())
      for (cJSON *d : dids->second.items)
        if (cJSON_GetObjectItemCaseSensitive(d, "TrunkId"))
          set_prop(d, "TrunkId", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(trunks[k++ % trunks.size()], "Id"), 1));
  }
  auto users = sets_.find("Users");
  if (users != sets_.end() && !users->second.items.empty()) {
    const std::vector<cJSON *> &pool = users->second.items;
    size_t k = 0;
    for (const auto &[set_name, nav] : kMemberLists) {
      auto s = sets_.find(set_name);
      if (s == sets_.end()) continue;
      for (cJSON *e : s->second.items) {
        cJSON *list = cJSON_GetObjectItemCaseSensitive(e, nav);
        for (cJSON *m = cJSON_IsArray(list) ? list->child : nullptr; m; m = m->next) {
          const cJSON *u = pool[k++ % pool.size()];
          set_prop(m, "Number", cJSON_CreateString(str_prop(u, "Number") ? str_prop(u, "Number") : ""));
          set_prop(m, "Name", cJSON_CreateString(display_name(u).c_str()));
        }
      }
    }
  }
  // the calling user (MyUser) is the first of Users
  auto me = singletons_.find("MyUser");
  if (me != singletons_.end() && users != sets_.end() && !users->second.items.empty()) {
    cJSON_Delete(me->second);
    me->second = cJSON_Duplicate(users->second.items.front(), 1);
    cJSON_DeleteItemFromObjectCaseSensitive(me->second, "@odata.etag");
  }
  sync_relations();
}

// PATCH Groups(..) with Members: the group's members become exactly the DNs
// (of any set) whose Number is listed; sync_groups() then rebuilds Members.
void Simulator::set_members(const cJSON *group, const cJSON *list) {
  const cJSON *gid = cJSON_GetObjectItemCaseSensitive(group, "Id");
  if (!cJSON_IsArray(list) || !cJSON_IsNumber(gid)) return;
  std::set<std::string> wanted;
  for (const cJSON *m = list->child; m; m = m->next)
    if (const char *n = str_prop(m, "Number")) wanted.insert(n);
  for (auto &[name, set] : sets_) {
    if (name == "Groups" || !set.type->navs.count("Groups")) continue;
    for (cJSON *e : set.items) {
      cJSON *mine = cJSON_GetObjectItemCaseSensitive(e, "Groups");
      if (!cJSON_IsArray(mine)) {
        mine = cJSON_CreateArray();
        set_prop(e, "Groups", mine);
      }
      cJSON *found = nullptr;
      for (cJSON *m = mine->child; m; m = m->next) {
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(m, "GroupId");
        if (cJSON_IsNumber(g) && g->valuedouble == gid->valuedouble) found = m;
      }
      const char *number = str_prop(e, "Number");
      bool in = number && wanted.count(number);
      if (found && !in) cJSON_Delete(cJSON_DetachItemViaPointer(mine, found));
      if (!found && in) cJSON_AddItemToArray(mine, membership(cJSON_CreateObject(), group, e, cJSON_GetArraySize(mine) + 1));
    }
  }
}

// The seed's own relation: a refresh token's Client is the OAuth client its
// ClientId names (tokens without a ClientId have none), and each client's
// RefreshTokens are the tokens naming it. False when either set is missing.
bool Simulator::link_tokens() {
  auto ts = sets_.find("SecurityTokens"), cs = sets_.find("OAuthClients");
  const EntityType *tt = spec_.type("Pbx.RefreshToken"), *ct = spec_.type("Pbx.OAuthClient");
  if (ts == sets_.end() || cs == sets_.end() || cs->second.items.empty() || !tt || !ct) return false;
  const std::vector<cJSON *> &clients = cs->second.items;
  for (cJSON *c : clients) set_prop(c, "RefreshTokens", cJSON_CreateArray());
  size_t i = 0;
  for (cJSON *t : ts->second.items) {
    if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(t, "ClientId"))) continue;
    cJSON *c = clients[i++ % clients.size()];
    set_prop(t, "ClientId", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(c, "Id"), 1));
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(c, "RefreshTokens"), related_copy(t, *tt));
  }
  for (cJSON *t : ts->second.items) {
    const cJSON *fk = cJSON_GetObjectItemCaseSensitive(t, "ClientId");
    cJSON *client = nullptr;
    for (cJSON *c : clients)
      if (cJSON_IsString(fk) && cJSON_Compare(cJSON_GetObjectItemCaseSensitive(c, "Id"), fk, 1))
        client = related_copy(c, *ct);
    set_prop(t, "Client", client ? client : cJSON_CreateNull());
  }
  return true;
}

// Actions bound to an entity set that change it, recognised by name and body:
//   Pbx.*Delete* {"ids":[...]}    removes the entities with those keys
//                                 (BulkLinksDelete, Users' BatchDelete, ...)
//   Pbx.Delete*By<Prop> {"<prop>":v}  removes the entity whose Prop is v
//                                 (Groups' DeleteCompanyById/ByNumber); 404 if none
//   Pbx.BulkUpdate {"ids":[...], "<entity>":{...}}  patches those entities
// True when answered; false leaves the generated answer to the caller.
bool Simulator::set_action(const Route &r, const cJSON *body, Set &set, httplib::Response &res) {
  const std::string action = r.segs[1].name.rfind("Pbx.", 0) == 0 ? r.segs[1].name.substr(4) : r.segs[1].name;
  const cJSON *ids = cJSON_GetObjectItemCaseSensitive(body, "ids");
  auto key_of = [&](const cJSON *e) { return cJSON_GetObjectItemCaseSensitive(e, set.key.c_str()); };
  auto listed = [&](const cJSON *e) {
    for (const cJSON *id = ids ? ids->child : nullptr; id; id = id->next)
      if (key_of(e) && cJSON_Compare(key_of(e), id, 1)) return true;
    return false;
  };
  auto finish = [&](cJSON *answer) {
    if (r.status == 204 || !answer) {
      cJSON_Delete(answer);
      res.status = 204;
    } else {
      send_json(res, r.status, answer);
    }
    return true;
  };
  if (action.find("Delete") != std::string::npos && cJSON_IsArray(ids) && !set.key.empty()) {
    std::vector<const cJSON *> missing;
    for (const cJSON *id = ids->child; id; id = id->next) {
      bool found = false;
      for (const cJSON *e : set.items) found = found || (key_of(e) && cJSON_Compare(key_of(e), id, 1));
      if (!found) missing.push_back(id);
    }
    for (auto it = set.items.begin(); it != set.items.end();) {
      if (listed(*it)) {
        cJSON_Delete(*it);
        it = set.items.erase(it);
      } else {
        ++it;
      }
    }
    if (r.status == 204 || !r.collection) return finish(nullptr);
    // a collection answer lists what could not be deleted (UserDeleteError)
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "@odata.context",
                            (origin_ + "/xapi/v1/$metadata#Collection(" + r.item_type + ")").c_str());
    cJSON *value = cJSON_AddArrayToObject(out, "value");
    for (const cJSON *id : missing) {
      cJSON *err = cJSON_CreateObject();
      std::string text = "No " + set.type->name + " with " + set.key + " " + json_text(id) + ".";
      cJSON_AddStringToObject(err, "Error", text.c_str());
      cJSON_AddNullToObject(err, "ExtensionNumber");
      cJSON_AddItemToArray(value, err);
    }
    return finish(out);
  }
  size_t by = action.rfind("By");
  if (action.rfind("Delete", 0) == 0 && by != std::string::npos && cJSON_GetArraySize(body) == 1) {
    std::string prop = action.substr(by + 2);
    if (strcasecmp(prop.c_str(), body->child->string) != 0 || !set.type->properties.count(prop)) return false;
    for (auto it = set.items.begin(); it != set.items.end(); ++it)
      if (cJSON_Compare(cJSON_GetObjectItemCaseSensitive(*it, prop.c_str()), body->child, 1)) {
        cJSON_Delete(*it);
        set.items.erase(it);
        return finish(nullptr);
      }
    odata_error(res, 404, "NotFound",
                "No " + set.type->name + " with " + prop + " " + json_text(body->child) + " in " + r.set + ".");
    return true;
  }
  if (action == "BulkUpdate" && cJSON_IsArray(ids)) {
    const cJSON *patch = nullptr;
    for (const cJSON *f = body->child; f; f = f->next)
      if (cJSON_IsObject(f)) patch = f;
    if (!patch) return false;
    const cJSON *num = cJSON_GetObjectItemCaseSensitive(patch, "Number");
    if (num && is_dn_set(r.set))
      for (const cJSON *e : set.items)
        if (listed(e) && !cJSON_Compare(num, cJSON_GetObjectItemCaseSensitive(e, "Number"), 1)) {
          odata_error(res, 400, "WARNINGS.XAPI.NOT_SUPPORTED",
                      "Number:\nThe number of an existing " + set.type->name + " cannot be changed.", "Number");
          return true;
        }
    for (cJSON *e : set.items) {
      if (!listed(e)) continue;
      for (const cJSON *f = patch->child; f; f = f->next)
        if (f->string != set.key && std::strncmp(f->string, "@odata.", 7) != 0) set_prop(e, f->string, cJSON_Duplicate(f, 1));
      cJSON_ReplaceItemInObject(e, "@odata.etag", cJSON_CreateString(new_etag().c_str()));
    }
    return finish(nullptr);
  }
  return false;
}

// Groups(..)/Members mirrors the DNs' own Groups: a member for every DN of
// any set whose Groups names the group; memberships of deleted groups go.
void Simulator::sync_groups() {
  auto gs = sets_.find("Groups");
  if (gs == sets_.end()) return;
  std::map<double, std::pair<cJSON *, int>> members;  // group id -> its Members array, its size
  for (cJSON *g : gs->second.items) {
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(g, "Id");
    if (!cJSON_IsNumber(id)) continue;
    cJSON *list = cJSON_CreateArray();
    set_prop(g, "Members", list);
    members[id->valuedouble] = {list, 0};
  }
  for (auto &[name, set] : sets_) {
    if (name == "Groups" || !set.type->navs.count("Groups")) continue;
    for (cJSON *e : set.items) {
      cJSON *mine = cJSON_GetObjectItemCaseSensitive(e, "Groups");
      if (!cJSON_IsArray(mine)) continue;
      for (cJSON *m = mine->child; m;) {
        cJSON *next = m->next;
        const cJSON *gid = cJSON_GetObjectItemCaseSensitive(m, "GroupId");
        auto it = cJSON_IsNumber(gid) ? members.find(gid->valuedouble) : members.end();
        if (it == members.end()) {
          cJSON_Delete(cJSON_DetachItemViaPointer(mine, m));  // the group is gone
        } else {
          cJSON *x = cJSON_CreateObject();
          cJSON_AddNumberToObject(x, "Id", ++it->second.second);
          cJSON_AddNumberToObject(x, "GroupId", gid->valuedouble);
          std::string who = display_name(e);
          cJSON_AddStringToObject(x, "Name", who.c_str());
          cJSON_AddStringToObject(x, "MemberName", who.c_str());
          const char *number = str_prop(e, "Number");
          cJSON_AddItemToObject(x, "Number", number ? cJSON_CreateString(number) : cJSON_CreateNull());
          cJSON_AddItemToArray(it->second.first, x);
        }
        m = next;
      }
    }
  }
  for (cJSON *g : gs->second.items) {
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(g, "Members");
    if (gs->second.type->properties.count("HasMembers"))
      set_prop(g, "HasMembers", cJSON_CreateBool(list && list->child));
  }
}

void Simulator::spec_xapi(const std::string &raw_path, const Query &q, const httplib::Request &req,
                          httplib::Response &res) {
  if (!spec_.loaded()) return odata_error(res, 404, "NotFound", "No route for " + req.method + " " + raw_path);
  RouteMatch m = spec_.match(req.method, raw_path);
  if (!m.route) {
    for (const char *other : {"GET", "POST", "PATCH", "DELETE"}) {
      if (req.method == other) continue;
      RouteMatch o = spec_.match(other, raw_path);
      if (o.route) {
        std::string allow;
        for (const char *a : {"GET", "POST", "PATCH", "DELETE"})
          if (spec_.match(a, raw_path).route) allow += (allow.empty() ? "" : ", ") + std::string(a);
        res.set_header("Allow", allow);
        return odata_error(res, 405, "MethodNotAllowed",
                           "The method " + req.method + " is not allowed on " + raw_path + " (allowed: " + allow + ").");
      }
    }
    return odata_error(res, 404, "NotFound", "No route for " + req.method + " " + raw_path);
  }
  if (!m.error.empty()) return odata_error(res, 400, "BadRequest", m.error);
  const Route &r = *m.route;

  cJSON *body = nullptr;
  struct Del {
    cJSON *&j;
    ~Del() { cJSON_Delete(j); }
  } del{body};
  if (r.has_body && !req.body.empty()) {
    body = cJSON_Parse(req.body.c_str());
    if (!body) return odata_error(res, 400, "BadRequest", "The request body is not valid JSON.");
    if (!cJSON_IsObject(body) && !cJSON_IsArray(body))
      return odata_error(res, 400, "BadRequest", "The request body must be a JSON object or array.");
  }
  if (body && r.body_schema) {
    std::string why = spec_.check_value(r.body_schema, body, "");
    if (!why.empty()) return odata_error(res, 400, "BadRequest", "The request body is invalid: " + why + ".");
  }
  if (r.body_required && !body)
    return odata_error(res, 400, "BadRequest", "A JSON request body is required by " + r.op_id + ".");
  if ((r.kind == Route::Create || r.kind == Route::Update) && r.has_body && !cJSON_IsObject(body))
    return odata_error(res, 400, "BadRequest", "The request body must be a JSON object.");

  auto set_it = r.set.empty() ? sets_.end() : sets_.find(r.set);
  Set *set = set_it == sets_.end() ? nullptr : &set_it->second;
  std::string context = origin_ + "/xapi/v1/$metadata#" + r.set;

  // the entity addressed by the first segment's key, if any
  std::vector<cJSON *>::iterator ent;
  bool keyed = set && r.segs.front().parens && !r.segs.front().params.empty() &&
               r.segs.front().name.rfind("Pbx.", 0) != 0;
  if (keyed) {
    const std::string &slot = r.segs.front().params.front();
    const std::string prop = r.segs.front().single_key ? set->key : slot;
    const Value &v = m.args[slot];
    ent = std::find_if(set->items.begin(), set->items.end(),
                       [&](const cJSON *e) { return same_key(cJSON_GetObjectItemCaseSensitive(e, prop.c_str()), v); });
    if (ent == set->items.end() && !set->listed && v.kind != Value::Null) {
      // a set without a list: its keys cannot be discovered, so an entity
      // appears on first access by key (deterministically shaped)
      Lcg g{fnv1a(r.set + "|" + describe(v))};
      cJSON *e = spec_.generate(spec_.schema(set->type->name), g, 0);
      if (!cJSON_IsObject(e)) {
        cJSON_Delete(e);
        e = cJSON_CreateObject();
      }
      cJSON *k = v.kind == Value::Number ? cJSON_CreateNumber(v.n)
                 : v.kind == Value::Bool ? cJSON_CreateBool(v.b)
                                         : cJSON_CreateString(v.s.c_str());
      set_prop(e, prop.c_str(), k);
      cJSON_AddStringToObject(e, "@odata.etag", new_etag().c_str());
      set->items.push_back(e);
      ent = set->items.end() - 1;
    }
    if (ent == set->items.end())
      return odata_error(res, 404, "NotFound",
                         "No " + set->type->name + " with " + prop + " " + describe(v) + " in " + r.set + ".");
  }
  // a function or action naming an entity by a parameter (recId, userId,
  // playlistKey, dnNumber, groupNumber): 404 when there is no such entity
  if ((r.kind == Route::Function || r.kind == Route::Action) && r.segs.back().name.rfind("Pbx.", 0) == 0) {
    for (const std::string &slot : r.segs.back().params) {
      const Value &v = m.args[slot];
      std::string missing = v.kind == Value::Null ? "" : missing_entity(r, slot, v);
      if (!missing.empty()) return odata_error(res, 404, "NotFound", missing, slot);
    }
  }
  auto check_props = [&](const cJSON *b, const EntityType &t, bool allow_key) -> bool {
    for (const cJSON *f = b->child; f; f = f->next) {
      std::string n = f->string;
      if (n.rfind("@odata.", 0) == 0) continue;
      if (!t.properties.count(n) && !t.navs.count(n)) {
        odata_error(res, 400, "BadRequest", "The property '" + n + "' does not exist on type '" + t.name + "'.");
        return false;
      }
      if (!allow_key && set && n == set->key && keyed) {
        const cJSON *cur = cJSON_GetObjectItemCaseSensitive(*ent, n.c_str());
        if (!cur || !cJSON_Compare(cur, f, 1)) {
          odata_error(res, 400, "BadRequest", "The key property '" + n + "' cannot be changed.");
          return false;
        }
      }
    }
    return true;
  };

  switch (r.kind) {
    case Route::List:
      if (set) {
        std::vector<const cJSON *> items(set->items.begin(), set->items.end());
        return send_json(res, 200, evaluate(items, q, *set->type, context));
      }
      break;
    case Route::Read:
      if (keyed) {
        res.set_header("ETag", cJSON_GetObjectItem(*ent, "@odata.etag")->valuestring);
        return send_json(res, 200, shape(*ent, q, *set->type));
      }
      break;
    case Route::Create:
      if (set && cJSON_IsObject(body)) {
        if (!check_props(body, *set->type, true)) return;
        std::string ref_target, ref = bad_reference(r.set, body, &ref_target);
        if (!ref.empty()) return odata_error(res, 400, "WARNINGS.XAPI.NOT_FOUND", ref, ref_target);
        Lcg g{fnv1a(r.set) + set->items.size() + static_cast<uint64_t>(etag_counter_)};
        cJSON *e = spec_.generate(spec_.schema(set->type->name), g, 0);
        if (!cJSON_IsObject(e)) {
          cJSON_Delete(e);
          e = cJSON_CreateObject();
        }
        for (const cJSON *f = body->child; f; f = f->next)
          set_prop(e, f->string, cJSON_Duplicate(f, 1));
        const cJSON *given = cJSON_GetObjectItemCaseSensitive(body, set->key.c_str());
        if (is_dn_set(r.set)) {  // extension numbers: unique across every kind of DN
          const cJSON *num = cJSON_GetObjectItemCaseSensitive(body, "Number");
          if (cJSON_IsString(num) && *num->valuestring) {
            if (const cJSON *owner = number_owner(num->valuestring, nullptr)) {
              (void)owner;
              cJSON_Delete(e);
              return odata_error(res, 400, "WARNINGS.XAPI.ALREADY_IN_USE",
                                 std::string("Number:\nThe number ") + num->valuestring + " is already in use.", "Number");
            }
          } else {
            set_prop(e, "Number", cJSON_CreateString(next_free_number(r.set).c_str()));
          }
        }
        if (!set->key.empty() && set->key_type == "integer") {
          // the server assigns integer keys, never one it gave before
          double next = set->next_id;
          for (const cJSON *x : set->items) {
            const cJSON *k = cJSON_GetObjectItemCaseSensitive(x, set->key.c_str());
            if (cJSON_IsNumber(k) && k->valuedouble >= next) next = k->valuedouble + 1;
          }
          set_prop(e, set->key.c_str(), cJSON_CreateNumber(next));
          set->next_id = next + 1;
        } else if (!set->key.empty() && set->key_type != "integer" && !cJSON_IsString(given)) {
          cJSON_Delete(e);
          return odata_error(res, 400, "BadRequest", "The key property '" + set->key + "' is required.");
        }
        const cJSON *key = cJSON_GetObjectItemCaseSensitive(e, set->key.c_str());
        for (const cJSON *x : set->items)
          if (key && cJSON_Compare(cJSON_GetObjectItemCaseSensitive(x, set->key.c_str()), key, 1)) {
            cJSON_Delete(e);
            return odata_error(res, 400, "BadRequest", "An entity with this key already exists.");
          }
        cJSON_DeleteItemFromObjectCaseSensitive(e, "@odata.etag");
        std::string tag = new_etag();
        cJSON_AddStringToObject(e, "@odata.etag", tag.c_str());
        set->items.push_back(e);
        res.set_header("ETag", tag);
        return send_json(res, 201, cJSON_Duplicate(e, 1));
      }
      break;
    case Route::Update:
      if (keyed && cJSON_IsObject(body)) {
        if (!check_props(body, *set->type, false)) return;
        std::string match = req.get_header_value("If-Match");
        std::string etag = cJSON_GetObjectItem(*ent, "@odata.etag")->valuestring;
        if (!match.empty() && match != "*" && match != etag)
          return odata_error(res, 412, "PreconditionFailed", "The ETag in If-Match does not match the entity.");
        std::string ref_target, ref = bad_reference(r.set, body, &ref_target);
        if (!ref.empty()) return odata_error(res, 400, "WARNINGS.XAPI.NOT_FOUND", ref, ref_target);
        if (is_dn_set(r.set)) {  // a DN's number is fixed once created
          const cJSON *num = cJSON_GetObjectItemCaseSensitive(body, "Number");
          const cJSON *cur = cJSON_GetObjectItemCaseSensitive(*ent, "Number");
          if (num && !(cJSON_IsString(cur) && cJSON_Compare(num, cur, 1)))
            return odata_error(res, 400, "WARNINGS.XAPI.NOT_SUPPORTED",
                               "Number:\nThe number of an existing " + set->type->name + " cannot be changed.", "Number");
        }
        for (const cJSON *f = body->child; f; f = f->next) {
          if (std::strncmp(f->string, "@odata.", 7) == 0) continue;
          set_prop(*ent, f->string, cJSON_Duplicate(f, 1));
        }
        if (r.set == "Groups") set_members(*ent, cJSON_GetObjectItemCaseSensitive(body, "Members"));
        cJSON_ReplaceItemInObject(*ent, "@odata.etag", cJSON_CreateString(new_etag().c_str()));
        res.status = 204;
        return;
      }
      if (r.segs.size() == 1 && !r.segs.front().parens && cJSON_IsObject(body)) {  // singleton
        cJSON *&s = singletons_[r.set];
        if (!s) s = cJSON_CreateObject();
        const EntityType *t = spec_.type(r.type.empty() ? "" : r.type);
        if (!t) {
          // the PATCH body schema names the type
          for (const Route &g : spec_.routes())
            if (g.kind == Route::Singleton && g.set == r.set) t = spec_.type(g.type);
        }
        if (t && !check_props(body, *t, true)) return;
        // MyUser is a user: the change is the user's (Users(Id) shows it)
        cJSON *user = nullptr;
        if (r.set == "MyUser" && sets_.count("Users"))
          for (cJSON *u : sets_.at("Users").items)
            if (cJSON_Compare(cJSON_GetObjectItemCaseSensitive(u, "Id"), cJSON_GetObjectItemCaseSensitive(s, "Id"), 1)) user = u;
        if (user) {
          const cJSON *num = cJSON_GetObjectItemCaseSensitive(body, "Number");
          if (num && !cJSON_Compare(num, cJSON_GetObjectItemCaseSensitive(user, "Number"), 1))
            return odata_error(res, 400, "WARNINGS.XAPI.NOT_SUPPORTED",
                               "Number:\nThe number of an existing Pbx.User cannot be changed.", "Number");
        }
        for (const cJSON *f = body->child; f; f = f->next) {
          set_prop(s, f->string, cJSON_Duplicate(f, 1));
          if (user && std::strcmp(f->string, "Id") != 0 && std::strncmp(f->string, "@odata.", 7) != 0)
            set_prop(user, f->string, cJSON_Duplicate(f, 1));
        }
        if (user) cJSON_ReplaceItemInObject(user, "@odata.etag", cJSON_CreateString(new_etag().c_str()));
        res.status = 204;
        return;
      }
      break;
    case Route::Delete:
      if (keyed) {
        std::string match = req.get_header_value("If-Match");
        std::string etag = cJSON_GetObjectItem(*ent, "@odata.etag")->valuestring;
        if (!match.empty() && match != "*" && match != etag)
          return odata_error(res, 412, "PreconditionFailed", "The ETag in If-Match does not match the entity.");
        cJSON_Delete(*ent);
        set->items.erase(ent);
        res.status = 204;
        return;
      }
      break;
    case Route::Nav:
      // /Set(key)/Navigation: the entity's related entities
      if (keyed && req.method == "GET" && r.segs.size() == 2 && !r.segs[1].parens &&
          set->type->navs.count(r.segs[1].name)) {
        const std::string &nav = r.segs[1].name;
        const cJSON *rel = cJSON_GetObjectItemCaseSensitive(*ent, nav.c_str());
        auto nt = set->type->nav_types.find(nav);
        const EntityType *t = nt == set->type->nav_types.end() ? nullptr : nt->second;
        if (t && cJSON_IsArray(rel)) {
          std::vector<const cJSON *> items;
          for (const cJSON *x = rel->child; x; x = x->next) items.push_back(x);
          return send_json(res, 200, evaluate(items, q, *t, context + "(" + describe(m.args[r.segs[0].params[0]]) + ")/" + nav));
        }
        if (t && cJSON_IsObject(rel)) return send_json(res, 200, shape(rel, q, *t));
      }
      break;
    case Route::Singleton: {
      auto s = singletons_.find(r.set);
      if (s != singletons_.end()) {
        const EntityType *t = spec_.type(r.type);
        if (t) return send_json(res, 200, shape(s->second, q, *t));
        return send_json(res, 200, cJSON_Duplicate(s->second, 1));
      }
      break;
    }
    default:
      break;
  }

  if (r.kind == Route::Action && set && r.segs.size() == 2 && cJSON_IsObject(body) && set_action(r, body, *set, res))
    return;

  // Pbx.GetFirstAvailable*Number(): the number a create without one gets
  if (r.kind == Route::Function && set && r.segs.size() == 2 && is_dn_set(r.set) &&
      r.segs[1].name.rfind("Pbx.GetFirstAvailable", 0) == 0) {
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "@odata.context", (origin_ + "/xapi/v1/$metadata#Pbx.FirstAvailableNumber").c_str());
    cJSON_AddStringToObject(out, "Number", next_free_number(r.set).c_str());
    return send_json(res, 200, out);
  }

  // generated answers: navigations, functions, actions, and anything above
  // without a store
  if (r.status == 204) {
    res.status = 204;
    return;
  }
  std::string seed_text = r.tmpl + "|" + raw_path;
  if (r.file) return send_file(res, r, seed_text);
  if (!r.schema) {
    res.status = r.status;
    return;
  }
  Lcg g{fnv1a(seed_text)};
  if ((!set || r.kind == Route::Function || r.kind == Route::Action) && !r.item_type.empty())
    context = origin_ + "/xapi/v1/$metadata#Collection(" + r.item_type + ")";
  if (r.collection) {
    const EntityType *t = spec_.type(r.item_type);
    // a few items of the collection's item schema
    const cJSON *items_schema = nullptr;
    std::vector<const cJSON *> props;
    spec_.properties(r.schema, &props);
    for (const cJSON *p : props)
      if (std::strcmp(p->string, "value") == 0) items_schema = cJSON_GetObjectItem(spec_.resolve(p), "items");
    cJSON *gen = cJSON_CreateObject();
    cJSON *value = cJSON_AddArrayToObject(gen, "value");
    for (int i = 0; i < 3 && items_schema; ++i) cJSON_AddItemToArray(value, spec_.generate(items_schema, g, 1));
    if (t) {
      int i = 0;
      for (cJSON *x = value->child; x; x = x->next)
        if (cJSON_IsObject(x) && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(x, "Id")))
          cJSON_ReplaceItemInObjectCaseSensitive(x, "Id", cJSON_CreateNumber(++i));
      std::vector<const cJSON *> items;
      for (cJSON *x = value->child; x; x = x->next) items.push_back(x);
      cJSON *out = evaluate(items, q, *t, context);
      cJSON_Delete(gen);
      return send_json(res, r.status, out);
    }
    // primitive items: $count, $skip and $top (no properties to filter on)
    int total = cJSON_GetArraySize(value);
    for (long long i = 0; q.has_skip && i < q.skip && value->child; ++i) cJSON_DeleteItemFromArray(value, 0);
    while (q.has_top && cJSON_GetArraySize(value) > q.top) cJSON_DeleteItemFromArray(value, cJSON_GetArraySize(value) - 1);
    if (q.has_count && q.count) cJSON_AddNumberToObject(gen, "@odata.count", total);
    return send_json(res, r.status, gen);
  }
  cJSON *gen = spec_.generate(r.schema, g, 0);
  const EntityType *t = spec_.type(r.type);
  if (t && cJSON_IsObject(gen) && (q.has_select || q.has_expand)) {
    cJSON *shaped = shape(gen, q, *t);
    cJSON_Delete(gen);
    gen = shaped;
  }
  send_json(res, r.status, gen);
}

}  // namespace sim

namespace sim {

void Simulator::sync_tokens() {
  auto ts = sets_.find("SecurityTokens"), cs = sets_.find("OAuthClients");
  const EntityType *tt = spec_.type("Pbx.RefreshToken"), *ct = spec_.type("Pbx.OAuthClient");
  if (ts == sets_.end() || cs == sets_.end() || !tt || !ct) return;
  std::map<std::string, cJSON *> lists;  // client id -> its RefreshTokens
  for (cJSON *c : cs->second.items) {
    cJSON *list = cJSON_CreateArray();
    set_prop(c, "RefreshTokens", list);
    if (const char *id = str_prop(c, "Id")) lists[id] = list;
  }
  for (cJSON *t : ts->second.items) {
    const char *fk = str_prop(t, "ClientId");
    cJSON *client = nullptr;
    if (fk)
      for (cJSON *c : cs->second.items)
        if (const char *id = str_prop(c, "Id"); id && std::strcmp(id, fk) == 0) client = related_copy(c, *ct);
    set_prop(t, "Client", client ? client : cJSON_CreateNull());
    auto l = fk ? lists.find(fk) : lists.end();
    if (l != lists.end()) cJSON_AddItemToArray(l->second, related_copy(t, *tt));
  }
}

void Simulator::sync_relations() {
  // trunks and the inbound rules naming them: a rule's TrunkDN follows the
  // trunk; a deleted trunk takes its rules with it; a trunk's RoutingRules
  // are the rules naming it
  if (trunks_linked_) {
    auto &trunks = sets_.at("Trunks").items;
    auto &rules = sets_.at("InboundRules").items;
    std::map<std::string, cJSON *> by_number;
    for (cJSON *t : trunks)
      if (const char *n = str_prop(t, "Number")) by_number[n] = t;
    std::map<const cJSON *, cJSON *> routing;
    for (cJSON *t : trunks) {
      cJSON *list = cJSON_CreateArray();
      set_prop(t, "RoutingRules", list);
      routing[t] = list;
    }
    const EntityType *rt = sets_.at("InboundRules").type;
    for (auto it = rules.begin(); it != rules.end();) {
      cJSON *dn = cJSON_GetObjectItemCaseSensitive(*it, "TrunkDN");
      const char *n = str_prop(dn, "Number");
      if (!cJSON_IsObject(dn) || !n) {
        ++it;
        continue;
      }
      auto t = by_number.find(n);
      if (t == by_number.end()) {  // its trunk is gone
        cJSON_Delete(*it);
        it = rules.erase(it);
        continue;
      }
      set_prop(dn, "Id", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(t->second, "Id"), 1));
      set_prop(dn, "Name", cJSON_CreateString(display_name(t->second).c_str()));
      cJSON_AddItemToArray(routing[t->second], related_copy(*it, *rt));
      ++it;
    }
    // a DID of a deleted trunk goes with it
    auto dids = sets_.find("DidNumbers");
    if (dids != sets_.end()) {
      std::set<double> ids;
      for (const cJSON *t : trunks)
        if (const cJSON *id = cJSON_GetObjectItemCaseSensitive(t, "Id"); cJSON_IsNumber(id)) ids.insert(id->valuedouble);
      auto &items = dids->second.items;
      for (auto it = items.begin(); it != items.end();) {
        const cJSON *tid = cJSON_GetObjectItemCaseSensitive(*it, "TrunkId");
        if (cJSON_IsNumber(tid) && !ids.count(tid->valuedouble)) {
          cJSON_Delete(*it);
          it = items.erase(it);
        } else {
          ++it;
        }
      }
    }
  }
  // generic copies: each follows its original; a deleted original goes
  for (const Link &l : links_) {
    auto s = sets_.find(l.set), t = sets_.find(l.target);
    if (s == sets_.end() || t == sets_.end() || t->second.key.empty()) continue;
    const EntityType *tt = t->second.type;
    std::map<std::string, const cJSON *> by_key;
    for (const cJSON *x : t->second.items)
      if (const cJSON *k = cJSON_GetObjectItemCaseSensitive(x, t->second.key.c_str())) by_key[json_text(k)] = x;
    auto fresh = [&](const cJSON *copy) -> cJSON * {
      const cJSON *k = cJSON_GetObjectItemCaseSensitive(copy, t->second.key.c_str());
      auto f = k ? by_key.find(json_text(k)) : by_key.end();
      return f == by_key.end() ? nullptr : related_copy(f->second, *tt);
    };
    for (cJSON *e : s->second.items) {
      cJSON *cur = cJSON_GetObjectItemCaseSensitive(e, l.nav.c_str());
      if (cJSON_IsArray(cur)) {
        cJSON *list = cJSON_CreateArray();
        for (const cJSON *x = cur->child; x; x = x->next)
          if (cJSON *c = fresh(x)) cJSON_AddItemToArray(list, c);
        set_prop(e, l.nav.c_str(), list);
      } else if (cJSON_IsObject(cur)) {
        cJSON *c = fresh(cur);
        set_prop(e, l.nav.c_str(), c ? c : cJSON_CreateNull());
      }
    }
  }
  if (tokens_linked_) sync_tokens();
  // MyUser (the calling user) is a copy of its user in Users
  auto me = singletons_.find("MyUser");
  auto users = sets_.find("Users");
  if (me != singletons_.end() && me->second && users != sets_.end())
    for (const cJSON *u : users->second.items)
      if (cJSON_Compare(cJSON_GetObjectItemCaseSensitive(u, "Id"), cJSON_GetObjectItemCaseSensitive(me->second, "Id"), 1)) {
        cJSON_Delete(me->second);
        me->second = cJSON_Duplicate(u, 1);
        cJSON_DeleteItemFromObjectCaseSensitive(me->second, "@odata.etag");
        break;
      }
  // DN lists by number: names follow the DN, a deleted DN leaves the list
  std::unordered_map<std::string, const cJSON *> dns;
  for (const auto &[name, set] : sets_)
    if (is_dn_set(name))
      for (const cJSON *e : set.items)
        if (const char *n = str_prop(e, "Number")) dns.emplace(n, e);
  for (const auto &[set_name, nav] : kMemberLists) {
    auto s = sets_.find(set_name);
    if (s == sets_.end()) continue;
    for (cJSON *e : s->second.items) {
      cJSON *list = cJSON_GetObjectItemCaseSensitive(e, nav);
      for (cJSON *m = cJSON_IsArray(list) ? list->child : nullptr; m;) {
        cJSON *next = m->next;
        const char *n = str_prop(m, "Number");
        auto d = n ? dns.find(n) : dns.end();
        if (d == dns.end()) cJSON_Delete(cJSON_DetachItemViaPointer(list, m));
        else set_prop(m, "Name", cJSON_CreateString(display_name(d->second).c_str()));
        m = next;
      }
    }
  }
  sync_groups();
}

std::string Simulator::bad_reference(const std::string &set, const cJSON *body, std::string *target) const {
  if (set == "InboundRules" && trunks_linked_) {
    const cJSON *dn = cJSON_GetObjectItemCaseSensitive(body, "TrunkDN");
    if (cJSON_IsObject(dn)) {
      const char *n = str_prop(dn, "Number");
      bool found = false;
      for (const cJSON *t : sets_.at("Trunks").items)
        if (const char *tn = str_prop(t, "Number"); n && tn && std::strcmp(n, tn) == 0) found = true;
      if (!found) {
        *target = "TrunkDN";
        return std::string("TrunkDN:\nNo trunk has the number ") + (n ? n : "(none)") + ".";
      }
    }
  }
  for (const auto &[set_name, nav] : kMemberLists) {
    if (set != set_name) continue;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(body, nav);
    for (const cJSON *m = cJSON_IsArray(list) ? list->child : nullptr; m; m = m->next) {
      const char *n = str_prop(m, "Number");
      if (!n || !number_owner(n, nullptr)) {
        *target = nav;
        return std::string(nav) + ":\nNo DN has the number " + (n ? n : "(none)") + ".";
      }
    }
  }
  return "";
}

}  // namespace sim
