// threecx-sim: the simulated PBX: OAuth, XAPI routes, faults, recorder.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "odata.hpp"
#include "pathmatch.hpp"
#include "spec.hpp"

namespace sim {

// The version the simulator reports in X-3CX-Version.
constexpr const char *kSimVersion = "20.0.10.780";
// The longest access token lifetime accepted (ten years, in seconds).
constexpr long kMaxTokenLifetime = 10L * 366 * 24 * 3600;

struct ClientCred {
  std::string key, role;
};

struct Options {
  std::map<std::string, ClientCred> clients;
  long token_lifetime = 3600;
  std::string token_log;  // append issued tokens here (tests)
  bool quiet = false;
  bool https = true;                    // the scheme @odata.context names
  int users = 0;                        // --users N: a large organisation
  bool log_requests = false;            // --log-requests
  std::string spec_path;                // empty: the built-in specification
  std::string state_path;               // --state: load at start, save on change
  std::vector<std::string> fault_rules; // --fault: JSON rules
};

struct Fault {
  long id = 0;
  PathPattern path;
  std::string path_text, method;
  int status = 0;
  std::string code, message, retry_after;
  long latency_ms = 0;
  bool drop = false, truncate = false, malformed = false;
  bool expire_token = false;  // the request's bearer token expires now (then 401)
  long times = -1;  // -1: forever
};

class Simulator {
 public:
  // Throws std::runtime_error (bad spec, state file or fault rule).
  explicit Simulator(Options opt);
  ~Simulator();
  // The one handler for every request (installed as pre-routing handler).
  void handle(const httplib::Request &req, httplib::Response &res);

 private:
  struct Token {
    std::string client;
    std::chrono::steady_clock::time_point expires;
  };
  struct Set {  // an entity set
    const EntityType *type;
    std::string key;  // key property
    std::vector<cJSON *> items;
    std::string key_type = "string";  // string, integer; key_format uuid for GUIDs
    std::string key_format;
    bool listed = true;  // false: no list operation, entities appear on first access by key
    double next_id = 1;  // integer keys: the next one to assign (never reused)
    long number_base = 0;  // DNs: where the next free extension number is looked for
  };

  void seed();
  void clear_data();
  void control(const std::string &path, const httplib::Request &req, httplib::Response &res);
  void token(const httplib::Request &req, httplib::Response &res);
  void xapi(const std::string &path, const std::string &raw_query, const httplib::Request &req,
            httplib::Response &res);
  void xapi_locked(const std::string &path, const std::string &raw_query, const httplib::Request &req,
                   httplib::Response &res);
  // Phase 2: every other operation of the spec (mu_ held).
  void spec_xapi(const std::string &path, const Query &q, const httplib::Request &req, httplib::Response &res);
  void seed_spec();
  void seed_large();  // --users N
  void add_navs(cJSON *e, const std::string &type_name, Lcg &g);
  void link_seeded();
  bool link_tokens();
  bool set_action(const Route &r, const cJSON *body, Set &set, httplib::Response &res);
  void sync_groups();
  // Every seeded relation made to follow creates, updates and deletes (both
  // directions where both exist): generic copies (links_), trunks and the
  // inbound rules naming them, tokens and their OAuth clients, queue agents
  // and managers and ring group members (by DN number), group membership.
  void sync_relations();
  void sync_tokens();
  // Why a create/update body names a DN or trunk that does not exist ("" if
  // it does not); *target the property.
  std::string bad_reference(const std::string &set, const cJSON *body, std::string *target) const;
  // DN numbers: every set whose type derives from Pbx.DN shares one
  // numbering plan
  bool is_dn_set(const std::string &name) const;
  const cJSON *number_owner(const std::string &number, const cJSON *except) const;
  std::string next_free_number(const std::string &set_name) const;
  std::string missing_entity(const Route &r, const std::string &slot, const Value &v) const;
  // "scheme://host:port" of the request (its Host header), for @odata.context
  std::string origin(const httplib::Request &req) const;
  void set_members(const cJSON *group, const cJSON *list);
  std::string metadata() const;  // CSDL XML of the sets, types and operations
  void save_state();
  void load_state();
  std::string new_etag() { return "W/\"" + std::to_string(++etag_counter_) + "\""; }
  bool apply_fault(const std::string &path, const httplib::Request &req, httplib::Response &res);
  void record(const httplib::Request &req, const std::string &path, const std::string &query);

  Options opt_;
  long default_lifetime_;
  std::mutex mu_;
  std::map<std::string, Token> tokens_;            // token -> owner
  std::map<std::string, std::string> live_token_;  // client id -> its one live token
  // fault rules: their own lock, so matching never holds mu_
  std::mutex faults_mu_;
  std::vector<std::shared_ptr<Fault>> faults_;
  long next_fault_ = 1;
  std::atomic<long> faults_applied_{0};
  std::deque<cJSON *> recorded_;
  long next_seq_ = 0;
  std::map<std::string, long> stats_;
  // "addr:port" of every client connection that sent a token or XAPI
  // request since the last reset (stats: connections)
  std::set<std::string> connections_;
  std::map<std::string, EntityType> types_;
  std::map<std::string, Set> sets_;
  long etag_counter_ = 0;
  Spec spec_;
  std::map<std::string, cJSON *> singletons_;  // singleton path -> object
  struct Link {
    std::string set, nav, target;  // set's nav holds copies of target's entities
  };
  std::vector<Link> links_;
  bool tokens_linked_ = false, trunks_linked_ = false;
  std::set<std::string> dn_types_;             // entity types derived from Pbx.DN
  std::string origin_ = "https://pbx";         // of the request being answered (mu_ held)
};

// Reads a fault rule (the JSON of POST /_sim/faults). False with *err set.
bool make_fault(const cJSON *body, Fault *f, std::string *err);

// Whole numbers from the control API and the command line, range-checked
// before any conversion: a JSON number (finite, integral) or a string of
// digits, within [lo, hi]. False when absent (*present = false) or bad.
bool parse_long(const std::string &text, long lo, long hi, long *out);
bool json_long(const cJSON *v, long lo, long hi, long *out);

// Sets o[name] = v (replacing or adding; v is owned by o afterwards).
void set_prop(cJSON *o, const char *name, cJSON *v);

// Percent-decodes (no '+' to space: OData clients encode spaces as %20).
std::string pct_decode(const std::string &s);
// Splits a raw query string into decoded name/value pairs.
std::vector<std::pair<std::string, std::string>> split_query(const std::string &raw);
// Fills res with an OData error body.
void odata_error(httplib::Response &res, int status, const std::string &code,
                 const std::string &message, const std::string &target = "");

}  // namespace sim
