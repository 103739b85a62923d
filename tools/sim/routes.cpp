// threecx-sim: the XAPI routes (after authentication).
#include <cstring>

#include "server.hpp"

namespace sim {
namespace {

bool parse_string_key(const std::string &raw, std::string *out) { return parse_string_literal(pct_decode(raw), out); }

void send(httplib::Response &res, int status, cJSON *body) {
  char *s = cJSON_PrintUnformatted(body);
  res.status = status;
  res.set_content(s ? s : "null", "application/json; odata.metadata=minimal");
  cJSON_free(s);
  cJSON_Delete(body);
}

}  // namespace

void Simulator::xapi(const std::string &raw_path, const std::string &raw_query, const httplib::Request &req,
                     httplib::Response &res) {
  std::lock_guard<std::mutex> lk(mu_);
  origin_ = origin(req);
  xapi_locked(raw_path, raw_query, req, res);
  if (req.method != "GET" && res.status >= 200 && res.status < 300) {
    sync_relations();  // relations follow the change (not on reads)
    save_state();
  }
}

void Simulator::xapi_locked(const std::string &raw_path, const std::string &raw_query, const httplib::Request &req,
                            httplib::Response &res) {
  res.set_header("X-3CX-Version", kSimVersion);
  // authentication
  std::string auth = req.get_header_value("Authorization");
  std::string client;
  if (auth.rfind("Bearer ", 0) == 0) {
    auto t = tokens_.find(auth.substr(7));
    if (t != tokens_.end() && std::chrono::steady_clock::now() < t->second.expires) client = t->second.client;
  }
  if (client.empty()) {
    ++stats_["unauthorized"];
    res.status = 401;
    res.set_header("WWW-Authenticate", "Bearer");
    return;
  }
  const ClientCred &cred = opt_.clients[client];
  for (const char *p : {"/ReportCallLogData", "/Recordings", "/ChatHistoryView"}) {
    if (raw_path.rfind(p, 0) == 0 && cred.role != "SystemOwner")
      return odata_error(res, 403, "Forbidden", "The role of this client does not allow " + std::string(p + 1) + ".");
  }

  if (raw_path == "/$metadata" || raw_path == "/%24metadata") {
    if (req.method != "GET") return odata_error(res, 405, "MethodNotAllowed", "$metadata is read-only.");
    res.status = 200;
    res.set_header("OData-Version", "4.0");
    res.set_content(metadata(), "application/xml");
    return;
  }
  Query q;
  try {
    q = parse_query(split_query(raw_query));
  } catch (const BadQuery &e) {
    return odata_error(res, 400, "BadRequest", e.what());
  }

  try {
    if (raw_path == "/Defs") {
      if (req.method != "GET") return odata_error(res, 405, "MethodNotAllowed", "Defs is read-only.");
      cJSON *defs = cJSON_CreateObject();
      cJSON_AddNumberToObject(defs, "Id", 1);
      cJSON_AddItemToObject(defs, "Codecs", cJSON_CreateArray());
      cJSON *shaped = shape(defs, q, types_["Pbx.Defs"]);
      cJSON_Delete(defs);
      return send(res, 200, shaped);
    }
    // entity set, or entity by key: /Name or /Name(<key literal>)
    std::string name = raw_path.substr(1), key_raw;
    bool by_key = false;
    size_t paren = name.find('(');
    if (paren != std::string::npos && name.back() == ')') {
      key_raw = name.substr(paren + 1, name.size() - paren - 2);
      name = name.substr(0, paren);
      by_key = true;
    }
    // phase 1: the string-key CRUD set and the seeded token list; every
    // other path is routed by the spec
    auto set_it = sets_.find(name);
    if ((name != "WebsiteLinks" && name != "SecurityTokens") || set_it == sets_.end() ||
        name.find('/') != std::string::npos || (name == "SecurityTokens" && by_key))
      return spec_xapi(raw_path, q, req, res);
    Set &set = set_it->second;
    const EntityType &type = *set.type;
    std::string context = origin_ + "/xapi/v1/$metadata#" + name;

    if (!by_key) {
      if (req.method == "GET") {
        std::vector<const cJSON *> items(set.items.begin(), set.items.end());
        return send(res, 200, evaluate(items, q, type, context));
      }
      if (req.method == "POST") {
        cJSON *body = cJSON_Parse(req.body.c_str());
        if (!cJSON_IsObject(body)) {
          cJSON_Delete(body);
          return odata_error(res, 400, "BadRequest", "The request body must be a JSON object.");
        }
        const cJSON *key = cJSON_GetObjectItemCaseSensitive(body, set.key.c_str());
        if (!cJSON_IsString(key) || !*key->valuestring) {
          cJSON_Delete(body);
          return odata_error(res, 400, "BadRequest", "The key property '" + set.key + "' is required.");
        }
        for (const cJSON *e : set.items) {
          if (std::strcmp(cJSON_GetObjectItem(e, set.key.c_str())->valuestring, key->valuestring) == 0) {
            cJSON_Delete(body);
            return odata_error(res, 400, "BadRequest", "An entity with this key already exists.");
          }
        }
        for (const cJSON *f = body->child; f; f = f->next) {
          if (!type.properties.count(f->string)) {
            std::string n = f->string;
            cJSON_Delete(body);
            return odata_error(res, 400, "BadRequest",
                               "The property '" + n + "' does not exist on type '" + type.name + "'.");
          }
        }
        std::string tag = "W/\"" + std::to_string(++etag_counter_) + "\"";
        cJSON_AddStringToObject(body, "@odata.etag", tag.c_str());
        set.items.push_back(body);
        res.set_header("ETag", tag);
        return send(res, 201, cJSON_Duplicate(body, 1));
      }
      return odata_error(res, 405, "MethodNotAllowed", req.method + " is not allowed on " + name + ".");
    }

    std::string key;
    if (!parse_string_key(key_raw, &key))
      return odata_error(res, 400, "BadRequest", "The key in '" + raw_path + "' is not a valid string literal.");
    auto it = set.items.begin();
    for (; it != set.items.end(); ++it)
      if (key == cJSON_GetObjectItem(*it, set.key.c_str())->valuestring) break;
    if (it == set.items.end())
      return odata_error(res, 404, "NotFound", "No " + type.name + " with key '" + key + "'.");
    cJSON *e = *it;
    std::string etag = cJSON_GetObjectItem(e, "@odata.etag")->valuestring;
    if (req.method == "GET") {
      res.set_header("ETag", etag);
      return send(res, 200, shape(e, q, type));
    }
    if (req.method == "PATCH") {
      cJSON *body = cJSON_Parse(req.body.c_str());
      if (!cJSON_IsObject(body)) {
        cJSON_Delete(body);
        return odata_error(res, 400, "BadRequest", "The request body must be a JSON object.");
      }
      for (cJSON *f = body->child; f; f = f->next) {
        if (!type.properties.count(f->string) || set.key == f->string) {
          std::string n = f->string;
          cJSON_Delete(body);
          return odata_error(res, 400, "BadRequest", "The property '" + n + "' cannot be changed.");
        }
      }
      for (cJSON *f = body->child; f; f = f->next)
        set_prop(e, f->string, cJSON_Duplicate(f, 1));
      cJSON_Delete(body);
      std::string tag = "W/\"" + std::to_string(++etag_counter_) + "\"";
      cJSON_ReplaceItemInObject(e, "@odata.etag", cJSON_CreateString(tag.c_str()));
      res.status = 204;
      return;
    }
    if (req.method == "DELETE") {
      std::string match = req.get_header_value("If-Match");
      if (!match.empty() && match != "*" && match != etag)
        return odata_error(res, 412, "PreconditionFailed", "The ETag in If-Match does not match the entity.");
      cJSON_Delete(e);
      set.items.erase(it);
      res.status = 204;
      return;
    }
    return odata_error(res, 405, "MethodNotAllowed", req.method + " is not allowed here.");
  } catch (const BadQuery &e) {
    return odata_error(res, 400, "BadRequest", e.what());
  }
}

}  // namespace sim
