// threecx-sim: injected faults (status, latency, dropped, truncated and
// malformed answers, a forced token expiry), set by POST /_sim/faults or
// --fault.
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <thread>

#include "server.hpp"

namespace sim {
namespace {

// Closes the TCP connection a request arrived on without answering: finds
// the socket by its peer port and shuts it down.
void drop_connection(const httplib::Request &req) {
  DIR *d = opendir("/proc/self/fd");
  if (!d) return;
  while (dirent *e = readdir(d)) {
    int fd = std::atoi(e->d_name);
    if (fd <= 2) continue;
    sockaddr_storage peer{}, self{};
    socklen_t pl = sizeof peer, sl = sizeof self;
    if (getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &pl) != 0) continue;
    if (getsockname(fd, reinterpret_cast<sockaddr *>(&self), &sl) != 0) continue;
    int pport = -1, sport = -1;
    if (peer.ss_family == AF_INET) {
      pport = ntohs(reinterpret_cast<sockaddr_in *>(&peer)->sin_port);
      sport = ntohs(reinterpret_cast<sockaddr_in *>(&self)->sin_port);
    } else if (peer.ss_family == AF_INET6) {
      pport = ntohs(reinterpret_cast<sockaddr_in6 *>(&peer)->sin6_port);
      sport = ntohs(reinterpret_cast<sockaddr_in6 *>(&self)->sin6_port);
    }
    if (pport == req.remote_port && sport == req.local_port) {
      shutdown(fd, SHUT_RDWR);
      break;
    }
  }
  closedir(d);
}

}  // namespace

bool make_fault(const cJSON *body, Fault *f, std::string *err) {
  if (!cJSON_IsObject(body)) {
    *err = "a fault rule is a JSON object";
    return false;
  }
  auto str = [body](const char *k) {
    const cJSON *v = cJSON_GetObjectItem(body, k);
    return cJSON_IsString(v) ? std::string(v->valuestring) : std::string();
  };
  // numbers: absent -> the default; present -> range-checked, else an error naming the field
  std::string bad_field;
  auto num = [body, &bad_field](const char *k, long def, long lo, long hi) {
    const cJSON *v = cJSON_GetObjectItem(body, k);
    long out = def;
    if (v && !json_long(v, lo, hi, &out) && bad_field.empty())
      bad_field = std::string(k) + " must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
    return out;
  };
  f->path_text = str("path");
  std::string why;
  if (!f->path.compile(f->path_text, &why)) {
    *err = "bad path regex '" + f->path_text.substr(0, 80) + "': " + why;
    return false;
  }
  f->method = str("method");
  for (char &c : f->method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  f->status = static_cast<int>(num("status", 0, 0, 599));
  if (!bad_field.empty()) {
    *err = bad_field;
    return false;
  }
  if (f->status != 0 && (f->status < 100 || f->status > 599)) {
    *err = "bad status";
    return false;
  }
  f->code = str("code");
  f->message = str("message");
  f->retry_after = str("retry_after");
  if (f->retry_after.empty() && cJSON_IsNumber(cJSON_GetObjectItem(body, "retry_after")))
    f->retry_after = std::to_string(num("retry_after", 0, 0, 86400L * 365));
  f->latency_ms = num("latency_ms", 0, 0, 600000);
  f->drop = cJSON_IsTrue(cJSON_GetObjectItem(body, "drop"));
  f->truncate = cJSON_IsTrue(cJSON_GetObjectItem(body, "truncate"));
  f->malformed = cJSON_IsTrue(cJSON_GetObjectItem(body, "malformed"));
  f->expire_token = cJSON_IsTrue(cJSON_GetObjectItem(body, "expire_token"));
  f->times = num("times", -1, -1, 1000000000L);
  if (!bad_field.empty()) {
    *err = bad_field;
    return false;
  }
  if (f->times == 0) {
    *err = "times must be positive";
    return false;
  }
  return true;
}

bool Simulator::apply_fault(const std::string &path, const httplib::Request &req, httplib::Response &res) {
  // matched on a copy of the rule list, with no lock held (linear time anyway)
  std::vector<std::shared_ptr<Fault>> rules;
  {
    std::lock_guard<std::mutex> lk(faults_mu_);
    if (faults_.empty()) return false;
    rules = faults_;
  }
  std::shared_ptr<Fault> hit;
  for (const auto &r : rules)
    if ((r->method.empty() || r->method == req.method) && r->path.search(path)) {
      hit = r;
      break;
    }
  if (!hit) return false;
  Fault f;
  {
    std::lock_guard<std::mutex> lk(faults_mu_);
    auto it = std::find(faults_.begin(), faults_.end(), hit);
    if (it == faults_.end()) return false;  // used up or removed meanwhile
    f = **it;
    if ((*it)->times > 0 && --(*it)->times == 0) faults_.erase(it);
  }
  ++faults_applied_;
  if (f.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(f.latency_ms));
  if (f.expire_token) {  // forced expiry of the token this request presents
    std::string auth = req.get_header_value("Authorization");
    if (auth.rfind("Bearer ", 0) == 0) {
      std::lock_guard<std::mutex> lk(mu_);
      tokens_.erase(auth.substr(7));
    }
  }
  if (f.drop) {
    drop_connection(req);
    res.status = 500;
    return true;
  }
  if (f.truncate) {
    auto body = std::make_shared<std::string>("{\"value\":[{\"Id\":1,\"Name\":\"truncated");
    res.set_content_provider(body->size() + 64, "application/json",
                             [body](size_t, size_t, httplib::DataSink &sink) {
                               sink.write(body->data(), body->size());
                               return false;  // closes the connection short of Content-Length
                             });
    return true;
  }
  if (f.malformed) {
    res.status = 200;
    res.set_content("{\"@odata.count\":3,\"value\":[{\"Id\":1,}", "application/json");
    return true;
  }
  if (f.status > 0) {
    if (!f.retry_after.empty()) res.set_header("Retry-After", f.retry_after);
    if (f.status == 401) res.set_header("WWW-Authenticate", "Bearer");
    odata_error(res, f.status, f.code.empty() ? "Fault" : f.code, f.message.empty() ? "injected fault" : f.message);
    return true;
  }
  return false;  // latency only: answer normally
}

}  // namespace sim
