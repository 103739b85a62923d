#include "server.hpp"

#include "embedded.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

namespace sim {
namespace {



}  // namespace

std::string json_text(const cJSON *j) {
  char *s = cJSON_PrintUnformatted(j);
  std::string out = s ? s : "null";
  cJSON_free(s);
  return out;
}

void send_json(httplib::Response &res, int status, cJSON *body) {
  res.status = status;
  res.set_content(json_text(body), "application/json; odata.metadata=minimal");
  cJSON_Delete(body);
}

namespace {

std::string random_token() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string t;
  for (int i = 0; i < 48; ++i) t.push_back(a[rng() % 64]);
  return t;
}

std::string iso(int day_offset, int hour) {
  // days after 2026-01-01
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int m = 0, d = day_offset;
  while (d >= mdays[m % 12]) d -= mdays[m++ % 12];
  char b[64];
  std::snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:00Z", 2026 + m / 12, m % 12 + 1, d + 1, hour % 24, (hour * 7) % 60);
  return b;
}

}  // namespace

bool parse_long(const std::string &text, long lo, long hi, long *out) {
  size_t i = text[0] == '-' ? 1 : 0;
  if (text.size() <= i || text.size() > 19) return false;
  for (size_t k = i; k < text.size(); ++k)
    if (!std::isdigit(static_cast<unsigned char>(text[k]))) return false;
  errno = 0;
  long long v = std::strtoll(text.c_str(), nullptr, 10);
  if (errno || v < lo || v > hi) return false;
  *out = static_cast<long>(v);
  return true;
}

bool json_long(const cJSON *v, long lo, long hi, long *out) {
  if (cJSON_IsString(v)) return parse_long(v->valuestring, lo, hi, out);
  if (!cJSON_IsNumber(v)) return false;
  double d = v->valuedouble;
  if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) || d != std::floor(d)) return false;
  *out = static_cast<long>(d);
  return true;
}

std::string pct_decode(const std::string &s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> split_query(const std::string &raw) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  while (i <= raw.size() && !raw.empty()) {
    size_t amp = raw.find('&', i);
    std::string part = raw.substr(i, amp == std::string::npos ? std::string::npos : amp - i);
    if (!part.empty()) {
      size_t eq = part.find('=');
      out.emplace_back(pct_decode(part.substr(0, eq)), eq == std::string::npos ? "" : pct_decode(part.substr(eq + 1)));
    }
    if (amp == std::string::npos) break;
    i = amp + 1;
  }
  return out;
}

void odata_error(httplib::Response &res, int status, const std::string &code, const std::string &message,
                 const std::string &target) {
  cJSON *root = cJSON_CreateObject();
  cJSON *e = cJSON_AddObjectToObject(root, "error");
  cJSON_AddStringToObject(e, "code", code.c_str());
  cJSON_AddStringToObject(e, "message", message.c_str());
  if (!target.empty()) cJSON_AddStringToObject(e, "target", target.c_str());
  cJSON *details = cJSON_AddArrayToObject(e, "details");
  cJSON *d = cJSON_CreateObject();
  cJSON_AddStringToObject(d, "code", code.c_str());
  cJSON_AddStringToObject(d, "message", message.c_str());
  cJSON_AddStringToObject(d, "target", target.c_str());
  cJSON_AddItemToArray(details, d);
  send_json(res, status, root);
}

Simulator::Simulator(Options opt) : opt_(std::move(opt)), default_lifetime_(opt_.token_lifetime) {
  // entity types the phase-1 routes use
  EntityType client{"Pbx.OAuthClient",
                    {"ClientId", "CreatedAt", "CreatedBy", "Id", "OverrideConsoleRestrictions", "Persistent", "Scopes", "UsedAt"},
                    {},
                    {},
                    {},
                    {}};
  types_["Pbx.OAuthClient"] = client;
  EntityType rt{"Pbx.RefreshToken",
                {"ClientId", "Created", "CreatedByIp", "CreatedByUserAgent", "DisplayName", "Expires", "Id", "LoginType",
                 "OverrideConsoleRestrictions", "ReasonRevoked", "Revoked", "RevokedByIp", "RotateOnRefresh", "Scopes",
                 "SlidingExpiration", "Token", "Used", "UsedByIp", "UsedByUserAgent", "Username"},
                {{"Client", "Pbx.OAuthClient"}},
                {},
                {},
                {}};
  types_["Pbx.RefreshToken"] = rt;
  types_["Pbx.RefreshToken"].nav_types["Client"] = &types_["Pbx.OAuthClient"];
  types_["Pbx.Weblink"] = EntityType{"Pbx.Weblink",
                                     {"Advanced", "CallsEnabled", "ChatBox", "ChatEnabled", "DefaultRecord", "DN",
                                      "EnableReCaptcha", "General", "Group", "Hidden", "Id", "Link", "MeetingEnabled",
                                      "Name", "Styling", "Translations", "Website"},
                                     {},
                                     {},
                                     {},
                                     {}};
  types_["Pbx.Defs"] = EntityType{"Pbx.Defs", {"Id", "Codecs", "GatewayParameters", "TimeZones"}, {}, {}, {}, {}};
  if (opt_.spec_path.empty())
    spec_.load_text(embedded_spec(), kEmbeddedSpecName);
  else
    spec_.load(opt_.spec_path);
  for (auto &[name, t] : types_)  // the phase-1 types are type-checked like the rest
    if (const EntityType *st = spec_.type(name)) {
      t.edm = st->edm;
      t.enum_members = st->enum_members;
    }
  seed();
  load_state();
  sync_relations();  // a state file from an older run: relations follow the data
  for (const auto &rule : opt_.fault_rules) {
    cJSON *j = cJSON_Parse(rule.c_str());
    Fault f;
    std::string err;
    bool ok = make_fault(j, &f, &err);
    cJSON_Delete(j);
    if (!ok) throw std::runtime_error("--fault " + rule + ": " + (j ? err : std::string("not JSON")));
    f.id = next_fault_++;
    faults_.push_back(std::make_shared<Fault>(std::move(f)));
  }
}

Simulator::~Simulator() {
  std::lock_guard<std::mutex> lk(mu_);
  save_state();  // --state: the data survives a restart
  clear_data();
  for (cJSON *r : recorded_) cJSON_Delete(r);
}

void Simulator::clear_data() {
  for (auto &[name, set] : sets_)
    for (cJSON *e : set.items) cJSON_Delete(e);
  sets_.clear();
  for (auto &[path, e] : singletons_) cJSON_Delete(e);
  singletons_.clear();
}

void Simulator::seed() {
  clear_data();
  Lcg g{20260101};
  static const char *const users[] = {"alice", "bob", "carol", "O'Brien", "dave", "erin", "frank", "grace"};
  static const char *const names[] = {"Alice Anders", "Bob Brown", "Carol Chen", "Sean O'Brien",
                                      "Dave Diaz", "Erin Evans", "Frank Fox", "Grace Green"};
  static const char *const grants[] = {"Password", "Support", "Sso", "OAuthClient", "ClientCredentials", "Provisioning"};
  static const char *const agents[] = {"3CX Web Client", "3CXPhone for Android", "curl/8.0", "3CX Desktop App"};
  static const char *const reasons[] = {"TooMany", "SetPassword", "InvalidatePassword", "Logout", "Manual"};
  Set tokens{&types_["Pbx.RefreshToken"], "Id", {}, "integer", "int32"};
  for (int id = 1; id <= 23; ++id) {
    int u = static_cast<int>(g.next() % 8);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddNumberToObject(e, "Id", id);
    char guid[40];
    std::snprintf(guid, sizeof guid, "%08x-%04x-4%03x-a%03x-%012llx", g.next(), g.next() & 0xffff, g.next() & 0xfff,
                  g.next() & 0xfff, static_cast<unsigned long long>(g.next()) * 7919ULL & 0xffffffffffffULL);
    bool has_client = id % 3 != 0;
    if (has_client) cJSON_AddStringToObject(e, "ClientId", guid); else cJSON_AddNullToObject(e, "ClientId");
    int day = static_cast<int>(g.next() % 300);
    cJSON_AddStringToObject(e, "Created", iso(day, id).c_str());
    cJSON_AddStringToObject(e, "Expires", iso(day + 30, id).c_str());
    cJSON_AddStringToObject(e, "Used", iso(day + static_cast<int>(g.next() % 30), id + 3).c_str());
    char ip[32];
    std::snprintf(ip, sizeof ip, "10.0.%u.%u", g.next() % 4, g.next() % 250 + 1);
    cJSON_AddStringToObject(e, "CreatedByIp", ip);
    cJSON_AddStringToObject(e, "UsedByIp", ip);
    cJSON_AddStringToObject(e, "CreatedByUserAgent", g.pick(agents));
    cJSON_AddStringToObject(e, "UsedByUserAgent", g.pick(agents));
    cJSON_AddStringToObject(e, "DisplayName", names[u]);
    cJSON_AddStringToObject(e, "Username", users[u]);
    std::string tok = "rt-" + std::to_string(id) + "-" + std::to_string(g.next());
    cJSON_AddStringToObject(e, "Token", tok.c_str());
    cJSON_AddStringToObject(e, "LoginType", g.pick(grants));
    cJSON_AddBoolToObject(e, "OverrideConsoleRestrictions", id % 5 == 0);
    bool revoked = id % 7 == 0;
    if (revoked) {
      cJSON_AddStringToObject(e, "ReasonRevoked", g.pick(reasons));
      cJSON_AddStringToObject(e, "Revoked", iso(day + 10, id).c_str());
      cJSON_AddStringToObject(e, "RevokedByIp", ip);
    } else {
      cJSON_AddNullToObject(e, "ReasonRevoked");
      cJSON_AddNullToObject(e, "Revoked");
      cJSON_AddNullToObject(e, "RevokedByIp");
    }
    cJSON_AddBoolToObject(e, "RotateOnRefresh", id % 2 == 0);
    cJSON *scopes = cJSON_AddArrayToObject(e, "Scopes");
    cJSON_AddItemToArray(scopes, cJSON_CreateString("xapi"));
    if (id % 4 == 0) cJSON_AddItemToArray(scopes, cJSON_CreateString("offline_access"));
    cJSON_AddBoolToObject(e, "SlidingExpiration", id % 3 == 1);
    if (has_client) {
      cJSON *c = cJSON_AddObjectToObject(e, "Client");
      cJSON_AddStringToObject(c, "Id", guid);
      std::string cid = std::string("app-") + users[u];
      cJSON_AddStringToObject(c, "ClientId", cid.c_str());
      cJSON_AddStringToObject(c, "CreatedAt", iso(day, 1).c_str());
      cJSON_AddStringToObject(c, "CreatedBy", "admin");
      cJSON_AddBoolToObject(c, "OverrideConsoleRestrictions", false);
      cJSON_AddBoolToObject(c, "Persistent", id % 2 == 1);
      cJSON_AddItemToObject(c, "Scopes", cJSON_CreateStringArray(nullptr, 0));
      cJSON_AddStringToObject(c, "UsedAt", iso(day + 1, 2).c_str());
    } else {
      cJSON_AddNullToObject(e, "Client");
    }
    tokens.items.push_back(e);
  }
  sets_["SecurityTokens"] = std::move(tokens);

  Set links{&types_["Pbx.Weblink"], "Link", {}, "string", ""};
  static const char *const seeds[][3] = {{"https://example.com/chat/sales", "Sales", "Sales team"},
                                         {"https://example.com/chat/support", "Support", "Support desk"},
                                         {"team page", "Team", "Team page"}};
  int id = 1;
  for (const auto &s : seeds) {
    cJSON *e = cJSON_CreateObject();
    cJSON_AddNumberToObject(e, "Id", id++);
    cJSON_AddStringToObject(e, "Link", s[0]);
    cJSON_AddStringToObject(e, "Name", s[1]);
    cJSON_AddStringToObject(e, "Group", s[2]);
    cJSON_AddBoolToObject(e, "Hidden", false);
    cJSON_AddBoolToObject(e, "CallsEnabled", true);
    cJSON_AddBoolToObject(e, "ChatEnabled", true);
    cJSON_AddBoolToObject(e, "MeetingEnabled", id % 2 == 0);
    std::string tag = "W/\"" + std::to_string(++etag_counter_) + "\"";
    cJSON_AddStringToObject(e, "@odata.etag", tag.c_str());
    links.items.push_back(e);
  }
  sets_["WebsiteLinks"] = std::move(links);
  seed_spec();
  if (opt_.users > 0) {
    seed_large();
    sync_relations();
  }
}

void Simulator::record(const httplib::Request &req, const std::string &path, const std::string &query) {
  cJSON *r = cJSON_CreateObject();
  cJSON_AddNumberToObject(r, "seq", static_cast<double>(next_seq_++));
  cJSON_AddStringToObject(r, "method", req.method.c_str());
  cJSON_AddStringToObject(r, "target", req.target.c_str());
  cJSON_AddStringToObject(r, "path", path.c_str());
  cJSON_AddStringToObject(r, "query", query.c_str());
  cJSON *h = cJSON_AddObjectToObject(r, "headers");
  for (const auto &[k, v] : req.headers) {
    if (strcasecmp(k.c_str(), "Authorization") == 0 || k == "REMOTE_ADDR" || k == "REMOTE_PORT" ||
        k == "LOCAL_ADDR" || k == "LOCAL_PORT")
      continue;
    if (!cJSON_GetObjectItem(h, k.c_str())) cJSON_AddStringToObject(h, k.c_str(), v.c_str());
  }
  cJSON_AddStringToObject(r, "body", req.body.c_str());
  recorded_.push_back(r);
  while (recorded_.size() > 2000) {
    cJSON_Delete(recorded_.front());
    recorded_.pop_front();
  }
}

void Simulator::handle(const httplib::Request &req, httplib::Response &res) {
  std::string target = req.target;
  size_t qm = target.find('?');
  std::string raw_path = target.substr(0, qm);
  std::string raw_query = qm == std::string::npos ? "" : target.substr(qm + 1);
  if (raw_path.rfind("/_sim/", 0) == 0) {
    control(raw_path, req, res);
    return;
  }
  bool is_xapi = raw_path.rfind("/xapi/v1", 0) == 0;
  std::string fault_path = is_xapi ? pct_decode(raw_path.substr(8)) : raw_path;
  {
    std::lock_guard<std::mutex> lk(mu_);
    connections_.insert(req.remote_addr + ":" + std::to_string(req.remote_port));
    if (is_xapi) {
      ++stats_["xapi_requests"];
      record(req, raw_path, raw_query);
    }
  }
  if (apply_fault(fault_path, req, res)) return;
  if (raw_path == "/" && req.method == "GET") {
    res.status = 200;
    res.set_content(
        "threecx-sim " + std::string(kSimVersion) +
            ": a local simulator of the 3CX V20 Configuration API (XAPI), for tests and demos.\n\n"
            "Connect as to a PBX: the domain is the host and port of this page, the client id and API key are the\n"
            "--client values printed at start (default test / secret), and with HTTPS the CA certificate printed\n"
            "at start must be trusted.\n\n"
            "  POST /connect/token       client_id, client_secret, grant_type=client_credentials\n"
            "                            (application/x-www-form-urlencoded or multipart/form-data)\n"
            "  GET  /xapi/v1/Users       with Authorization: Bearer <access_token>\n"
            "  GET  /xapi/v1/$metadata   the entity sets, types and operations (OData CSDL XML)\n"
            "  /_sim/...                 the simulator's control API (faults, reset, stats, recorder)\n",
        "text/plain; charset=utf-8");
    return;
  }
  if (raw_path == "/connect/token") {
    token(req, res);
  } else if (is_xapi) {
    xapi(raw_path.substr(8), raw_query, req, res);
  } else {
    res.status = 404;
    res.set_content("not found", "text/plain");
  }
}

void Simulator::token(const httplib::Request &req, httplib::Response &res) {
  auto fail = [&res](int status, const char *error, const char *desc) {
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "error", error);
    cJSON_AddStringToObject(b, "error_description", desc);
    send_json(res, status, b);
  };
  std::lock_guard<std::mutex> lk(mu_);
  ++stats_["token_requests"];
  if (req.method != "POST") return fail(405, "invalid_request", "The token endpoint accepts POST only.");
  // 3CX takes the form either URL-encoded or as multipart/form-data (its
  // own sample client sends a FormData body); any other body is refused
  std::string ctype = req.get_header_value("Content-Type");
  ctype = ctype.substr(0, ctype.find(';'));
  while (!ctype.empty() && ctype.back() == ' ') ctype.pop_back();
  for (char &c : ctype) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::map<std::string, std::string> form;
  std::string repeated;  // RFC 6749 3.2: a parameter must not be repeated
  auto put = [&](const std::string &k, const std::string &v) {
    if (!form.emplace(k, v).second && repeated.empty()) repeated = k;
  };
  if (ctype == "multipart/form-data") {
    for (const auto &[name, part] : req.files) put(name, part.content);
  } else if (ctype == "application/x-www-form-urlencoded") {
    std::string body = req.body;
    for (char &c : body)
      if (c == '+') c = ' ';  // form encoding: '+' is a space, before %XX decoding
    for (auto &[k, v] : split_query(body)) put(k, v);
  } else {
    return fail(400, "invalid_request",
                "The token request must be sent as application/x-www-form-urlencoded or multipart/form-data.");
  }
  if (!repeated.empty() && repeated.size() < 64)
    return fail(400, "invalid_request", ("The parameter " + repeated + " is repeated.").c_str());
  if (!repeated.empty()) return fail(400, "invalid_request", "A parameter is repeated.");
  if (form["client_id"].empty() || form["client_secret"].empty())
    return fail(400, "invalid_request", "client_id and client_secret are required.");
  if (form["grant_type"].empty()) return fail(400, "invalid_request", "grant_type is required.");
  if (form["grant_type"] != "client_credentials")
    return fail(400, "unsupported_grant_type", "The grant type is not supported.");
  auto c = opt_.clients.find(form["client_id"]);
  if (c == opt_.clients.end() || c->second.key != form["client_secret"])
    return fail(400, "invalid_client", "The client credentials are invalid.");
  // one live token per client id
  auto old = live_token_.find(c->first);
  if (old != live_token_.end()) tokens_.erase(old->second);
  std::string t = random_token();
  tokens_[t] = Token{c->first, std::chrono::steady_clock::now() + std::chrono::seconds(opt_.token_lifetime)};
  live_token_[c->first] = t;
  ++stats_["tokens_issued"];
  if (!opt_.token_log.empty()) {
    std::ofstream log(opt_.token_log, std::ios::app);
    log << t << "\n";
  }
  cJSON *b = cJSON_CreateObject();
  cJSON_AddStringToObject(b, "token_type", "Bearer");
  cJSON_AddNumberToObject(b, "expires_in", static_cast<double>(opt_.token_lifetime));
  cJSON_AddStringToObject(b, "access_token", t.c_str());
  cJSON_AddNullToObject(b, "refresh_token");
  send_json(res, 200, b);
}

}  // namespace sim
