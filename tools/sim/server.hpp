// threecx-sim: the simulated PBX: OAuth, XAPI routes, faults, recorder.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "odata.hpp"

namespace sim {

// The version the simulator reports in X-3CX-Version.
constexpr const char *kSimVersion = "20.0.10.780";

struct ClientCred {
  std::string key, role;
};

struct Options {
  std::map<std::string, ClientCred> clients;
  long token_lifetime = 3600;
  std::string token_log;  // append issued tokens here (tests)
  bool quiet = false;
};

struct Fault {
  long id = 0;
  std::regex path;
  std::string path_text, method;
  int status = 0;
  std::string code, message, retry_after;
  long latency_ms = 0;
  bool drop = false, truncate = false, malformed = false;
  long times = -1;  // -1: forever
};

class Simulator {
 public:
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
  };

  void seed();
  void clear_data();
  void control(const std::string &path, const httplib::Request &req, httplib::Response &res);
  void token(const httplib::Request &req, httplib::Response &res);
  void xapi(const std::string &path, const std::string &raw_query, const httplib::Request &req,
            httplib::Response &res);
  bool apply_fault(const std::string &path, const httplib::Request &req, httplib::Response &res);
  void record(const httplib::Request &req, const std::string &path, const std::string &query);

  Options opt_;
  long default_lifetime_;
  std::mutex mu_;
  std::map<std::string, Token> tokens_;            // token -> owner
  std::map<std::string, std::string> live_token_;  // client id -> its one live token
  std::vector<Fault> faults_;
  long next_fault_ = 1;
  std::deque<cJSON *> recorded_;
  long next_seq_ = 0;
  std::map<std::string, long> stats_;
  std::map<std::string, EntityType> types_;
  std::map<std::string, Set> sets_;
  long etag_counter_ = 0;
};

// Percent-decodes (no '+' to space: OData clients encode spaces as %20).
std::string pct_decode(const std::string &s);
// Splits a raw query string into decoded name/value pairs.
std::vector<std::pair<std::string, std::string>> split_query(const std::string &raw);
// Fills res with an OData error body.
void odata_error(httplib::Response &res, int status, const std::string &code,
                 const std::string &message);

}  // namespace sim
