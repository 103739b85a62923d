// threecx-sim: --state FILE, the entity stores and singletons as JSON,
// loaded at start and written (atomically) after every change.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "server.hpp"

namespace sim {

std::string json_text(const cJSON *j);

void Simulator::save_state() {
  if (opt_.state_path.empty()) return;
  cJSON *root = cJSON_CreateObject();
  cJSON_AddNumberToObject(root, "etag_counter", static_cast<double>(etag_counter_));
  cJSON *ids = cJSON_AddObjectToObject(root, "next_ids");  // ids are never reused, across restarts too
  for (const auto &[name, set] : sets_) cJSON_AddNumberToObject(ids, name.c_str(), set.next_id);
  cJSON *sets = cJSON_AddObjectToObject(root, "sets");
  for (const auto &[name, set] : sets_) {
    cJSON *arr = cJSON_AddArrayToObject(sets, name.c_str());
    for (const cJSON *e : set.items) cJSON_AddItemToArray(arr, cJSON_Duplicate(e, 1));
  }
  cJSON *singles = cJSON_AddObjectToObject(root, "singletons");
  for (const auto &[name, e] : singletons_) cJSON_AddItemToObject(singles, name.c_str(), cJSON_Duplicate(e, 1));
  std::string text = json_text(root);
  cJSON_Delete(root);
  std::string tmp = opt_.state_path + ".tmp";
  FILE *f = std::fopen(tmp.c_str(), "w");
  bool ok = f && std::fwrite(text.data(), 1, text.size(), f) == text.size();
  if (f) ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), opt_.state_path.c_str()) != 0)
    std::fprintf(stderr, "threecx-sim: cannot write state %s\n", opt_.state_path.c_str());
}

void Simulator::load_state() {
  if (opt_.state_path.empty()) return;
  std::ifstream in(opt_.state_path, std::ios::binary);
  if (!in) return;  // first run: starts from the seed
  std::stringstream buf;
  buf << in.rdbuf();
  cJSON *root = cJSON_Parse(buf.str().c_str());
  if (!cJSON_IsObject(root)) {
    cJSON_Delete(root);
    throw std::runtime_error("state file " + opt_.state_path + " is not a JSON object");
  }
  const cJSON *ec = cJSON_GetObjectItem(root, "etag_counter");
  if (cJSON_IsNumber(ec) && ec->valuedouble > etag_counter_) etag_counter_ = static_cast<long>(ec->valuedouble);
  const cJSON *sets = cJSON_GetObjectItem(root, "sets");
  for (const cJSON *s = sets ? sets->child : nullptr; s; s = s->next) {
    auto it = sets_.find(s->string);
    if (it == sets_.end() || !cJSON_IsArray(s)) continue;  // unknown sets are ignored
    for (cJSON *e : it->second.items) cJSON_Delete(e);
    it->second.items.clear();
    for (const cJSON *e = s->child; e; e = e->next) {
      if (!cJSON_IsObject(e)) continue;
      cJSON *copy = cJSON_Duplicate(e, 1);
      if (!cJSON_IsString(cJSON_GetObjectItem(copy, "@odata.etag")))
        cJSON_AddStringToObject(copy, "@odata.etag", new_etag().c_str());
      it->second.items.push_back(copy);
    }
  }
  const cJSON *ids = cJSON_GetObjectItem(root, "next_ids");
  for (const cJSON *n = ids ? ids->child : nullptr; n; n = n->next) {
    auto it = sets_.find(n->string);
    if (it != sets_.end() && cJSON_IsNumber(n) && n->valuedouble >= 1 && n->valuedouble < 2147483647.0)
      it->second.next_id = std::max(it->second.next_id, std::floor(n->valuedouble));
  }
  const cJSON *singles = cJSON_GetObjectItem(root, "singletons");
  for (const cJSON *s = singles ? singles->child : nullptr; s; s = s->next) {
    cJSON *&slot = singletons_[s->string];
    cJSON_Delete(slot);
    slot = cJSON_Duplicate(s, 1);
  }
  cJSON_Delete(root);
}

}  // namespace sim
