// threecx-sim: the control API under /_sim/ (no authentication).
#include <cstdlib>

#include "server.hpp"

namespace sim {

std::string json_text(const cJSON *j);
void send_json(httplib::Response &res, int status, cJSON *body);

void Simulator::control(const std::string &path, const httplib::Request &req, httplib::Response &res) {
  cJSON *body = req.body.empty() ? cJSON_CreateObject() : cJSON_Parse(req.body.c_str());
  struct Del {
    cJSON *j;
    ~Del() { cJSON_Delete(j); }
  } del{body};
  if (!body) return odata_error(res, 400, "BadRequest", "control body is not JSON");
  std::lock_guard<std::mutex> lk(mu_);
  if (path == "/_sim/faults" && req.method == "POST") {
    Fault f;
    std::string err;
    if (!make_fault(body, &f, &err)) return odata_error(res, 400, "BadRequest", err);
    std::lock_guard<std::mutex> fl(faults_mu_);
    f.id = next_fault_++;
    faults_.push_back(std::make_shared<Fault>(f));
    cJSON *r = cJSON_CreateObject();
    cJSON_AddNumberToObject(r, "id", static_cast<double>(f.id));
    return send_json(res, 201, r);
  }
  if (path == "/_sim/faults" && req.method == "DELETE") {
    std::lock_guard<std::mutex> fl(faults_mu_);
    faults_.clear();
    return send_json(res, 200, cJSON_CreateObject());
  }
  if (path == "/_sim/expire-tokens" && req.method == "POST") {
    auto past = std::chrono::steady_clock::now() - std::chrono::seconds(1);
    for (auto &[t, tok] : tokens_) tok.expires = past;
    return send_json(res, 200, cJSON_CreateObject());
  }
  if (path == "/_sim/config" && req.method == "POST") {
    const cJSON *v = cJSON_GetObjectItem(body, "token_lifetime");
    long lifetime = opt_.token_lifetime;
    if (v && !json_long(v, 1, kMaxTokenLifetime, &lifetime))
      return odata_error(res, 400, "BadRequest",
                         "token_lifetime must be a whole number of seconds from 1 to " + std::to_string(kMaxTokenLifetime) + ".",
                         "token_lifetime");
    opt_.token_lifetime = lifetime;
    return send_json(res, 200, cJSON_CreateObject());
  }
  if (path == "/_sim/stats" && req.method == "GET") {
    cJSON *r = cJSON_CreateObject();
    stats_["faults_applied"] = faults_applied_;
    for (const char *k : {"token_requests", "tokens_issued", "xapi_requests", "unauthorized", "faults_applied"})
      cJSON_AddNumberToObject(r, k, static_cast<double>(stats_[k]));
    // distinct client connections (address:port) that sent a token or XAPI
    // request since the start or the last reset
    cJSON_AddNumberToObject(r, "connections", static_cast<double>(connections_.size()));
    return send_json(res, 200, r);
  }
  if (path == "/_sim/reset" && req.method == "POST") {
    stats_.clear();
    connections_.clear();
    faults_applied_ = 0;
    {
      std::lock_guard<std::mutex> fl(faults_mu_);
      faults_.clear();
    }
    opt_.token_lifetime = default_lifetime_;
    seed();
    save_state();
    return send_json(res, 200, cJSON_CreateObject());
  }
  if (path == "/_sim/requests" && req.method == "GET") {
    long since = 0;
    auto q = split_query(req.target.find('?') == std::string::npos ? "" : req.target.substr(req.target.find('?') + 1));
    for (auto &[k, v] : q)
      if (k == "since" && !parse_long(v, 0, 1L << 52, &since))
        return odata_error(res, 400, "BadRequest", "since must be a whole number from 0.", "since");
    cJSON *r = cJSON_CreateObject();
    cJSON_AddNumberToObject(r, "next", static_cast<double>(next_seq_));
    cJSON *arr = cJSON_AddArrayToObject(r, "requests");
    for (cJSON *e : recorded_)
      if (cJSON_GetObjectItem(e, "seq")->valuedouble >= since) cJSON_AddItemToArray(arr, cJSON_Duplicate(e, 1));
    return send_json(res, 200, r);
  }
  odata_error(res, 404, "NotFound", "no control endpoint " + req.method + " " + path);
}

}  // namespace sim
