// threecx-sim: GET /xapi/v1/$metadata, the service document a client can
// discover the API from (OData CSDL XML): the entity types of the entity
// sets (keys, typed properties, navigations), every bound and unbound
// function and action of the specification with its parameters, and the
// entity container (entity sets, singletons, imports).
#include <set>
#include <sstream>

#include "server.hpp"

namespace sim {
namespace {

std::string xml(const std::string &s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string edm_of(const Param &p) {
  if (p.type == "integer") return p.format == "int64" ? "Edm.Int64" : "Edm.Int32";
  if (p.type == "number") return "Edm.Double";
  if (p.type == "boolean") return "Edm.Boolean";
  if (p.format == "date-time") return "Edm.DateTimeOffset";
  if (p.format == "uuid") return "Edm.Guid";
  return "Edm.String";
}

std::string local(const std::string &name) { return name.rfind("Pbx.", 0) == 0 ? name.substr(4) : name; }

}  // namespace

std::string Simulator::metadata() const {
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
       "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n"
       "<edmx:DataServices>\n"
       "<Schema Namespace=\"Pbx\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n";
  std::set<std::string> done;
  for (const auto &[name, set] : sets_) {
    const EntityType *t = set.type;
    if (!t || !done.insert(t->name).second) continue;
    o << "<EntityType Name=\"" << xml(local(t->name)) << "\">";
    if (!set.key.empty()) o << "<Key><PropertyRef Name=\"" << xml(set.key) << "\"/></Key>";
    for (const std::string &p : t->properties) {
      auto e = t->edm.find(p);
      std::string type = e == t->edm.end() || e->second.empty() ? "Edm.Untyped" : e->second;
      o << "<Property Name=\"" << xml(p) << "\" Type=\"" << xml(type) << "\"/>";
    }
    for (const auto &[nav, target] : t->navs)
      o << "<NavigationProperty Name=\"" << xml(nav) << "\" Type=\"" << xml(target) << "\"/>";
    o << "</EntityType>\n";
  }
  std::set<std::string> ops, imports;
  for (const Route &r : spec_.routes()) {
    if (r.kind != Route::Function && r.kind != Route::Action) continue;
    const Segment &last = r.segs.back();
    if (last.name.rfind("Pbx.", 0) != 0) continue;
    bool bound = r.segs.size() == 2;
    std::string binding;
    if (bound) {
      auto s = sets_.find(r.segs[0].name);
      std::string type = s != sets_.end() && s->second.type ? s->second.type->name : "";
      if (type.empty()) {
        for (const Route &g : spec_.routes())
          if (g.kind == Route::Singleton && g.set == r.segs[0].name) type = g.type;
      }
      if (type.empty()) continue;
      binding = r.segs[0].parens || s == sets_.end() ? type : "Collection(" + type + ")";
    } else if (r.segs.size() != 1) {
      continue;
    }
    const char *kind = r.kind == Route::Function ? "Function" : "Action";
    std::string name = local(last.name);
    if (!ops.insert(std::string(kind) + name + "|" + binding).second) continue;
    o << "<" << kind << " Name=\"" << xml(name) << "\" IsBound=\"" << (bound ? "true" : "false") << "\">";
    if (bound) o << "<Parameter Name=\"bindingParameter\" Type=\"" << xml(binding) << "\"/>";
    for (const std::string &slot : last.params) {
      auto p = r.params.find(slot);
      o << "<Parameter Name=\"" << xml(slot) << "\" Type=\"" << xml(p == r.params.end() ? "Edm.String" : edm_of(p->second))
        << "\"" << (p != r.params.end() && p->second.nullable ? "" : " Nullable=\"false\"") << "/>";
    }
    std::string ret = r.collection && !r.item_type.empty() ? "Collection(" + r.item_type + ")" : r.type;
    if (r.file) ret = "Edm.Stream";
    if (!ret.empty()) o << "<ReturnType Type=\"" << xml(ret) << "\"/>";
    o << "</" << kind << ">\n";
    if (!bound) imports.insert(std::string(kind) + "|" + name);
  }
  o << "<EntityContainer Name=\"Default\">\n";
  for (const auto &[name, set] : sets_)
    if (set.type) o << "<EntitySet Name=\"" << xml(name) << "\" EntityType=\"" << xml(set.type->name) << "\"/>\n";
  std::set<std::string> singles;
  for (const Route &r : spec_.routes())
    if (r.kind == Route::Singleton && !r.type.empty() && singles.insert(r.set).second)
      o << "<Singleton Name=\"" << xml(r.set) << "\" Type=\"" << xml(r.type) << "\"/>\n";
  for (const std::string &imp : imports) {
    std::string kind = imp.substr(0, imp.find('|')), name = imp.substr(imp.find('|') + 1);
    o << "<" << kind << "Import Name=\"" << xml(name) << "\" " << kind << "=\"Pbx." << xml(name) << "\"/>\n";
  }
  o << "</EntityContainer>\n</Schema>\n</edmx:DataServices>\n</edmx:Edmx>\n";
  return o.str();
}

}  // namespace sim
