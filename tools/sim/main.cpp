// threecx-sim: a local 3CX XAPI server for tests, demos and users without
// a PBX. See --help.
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <chrono>
#include <thread>

#include "embedded.hpp"
#include "server.hpp"
#include "tls.hpp"

namespace {

const char *kUsage =
    "usage: threecx-sim [options]\n"
    "  --host ADDR              listen address (default 127.0.0.1)\n"
    "  --port N                 port, 0 = any free one (default 5001)\n"
    "  --http                   plain HTTP instead of HTTPS\n"
    "  --tls-cert F --tls-key F server certificate and key (PEM); default: a\n"
    "                           CA and certificate generated at start\n"
    "  --ca-out FILE            write the generated CA certificate for clients\n"
    "                           (default: ca.pem in a new private directory in\n"
    "                           $TMPDIR or /tmp, removed at exit; its path is printed)\n"
    "  --tls-dir DIR            keep the generated CA and server certificate in DIR\n"
    "                           (created on first use), so clients trust DIR/ca.pem once\n"
    "  --client ID:KEY[:ROLE]   an API client (repeatable; default test:secret)\n"
    "                           ROLE: SystemOwner (default), SystemAdmin, User...\n"
    "  --token-lifetime S       access token lifetime in seconds (default 3600)\n"
    "  --token-log FILE         append every issued access token (for tests)\n"
    "  --ready-file FILE        write the bound port here once listening\n"
    "  --spec FILE              serve another XAPI specification (OpenAPI JSON);\n"
    "                           default: $THREECX_XAPI_SPEC if set, else the\n"
    "                           XAPI 20.0.10 specification built into this binary\n"
    "  --state FILE             load the data from FILE if it exists, save it after\n"
    "                           every change and at exit (atomically)\n"
    "  --fault RULE             a fault rule, the JSON of POST /_sim/faults (repeatable)\n"
    "  --users N                seed a large organisation: N users (up to 1000000) in\n"
    "                           departments, queues, ring groups, call history, recordings\n"
    "  --log-requests           print one line per request: method, path, status, time\n"
    "  --quiet                  print nothing\n";

// When this thread's request started (set before routing, for --log-requests).
thread_local std::chrono::steady_clock::time_point t_request_start;

[[noreturn]] void usage_error(const std::string &msg) {
  std::fprintf(stderr, "threecx-sim: %s\n%s", msg.c_str(), kUsage);
  std::exit(2);
}

}  // namespace

int main(int argc, char **argv) {
  std::string host = "127.0.0.1", cert, key, ca_out, ready, tls_dir;
  int port = 5001;
  bool http = false;
  sim::Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(a + " needs a value");
      return argv[++i];
    };
    if (a == "--host") host = val();
    else if (a == "--port") {
      long v = 0;
      if (!sim::parse_long(val(), 0, 65535, &v)) usage_error("--port takes a number from 0 to 65535");
      port = static_cast<int>(v);
    }
    else if (a == "--http") http = true;
    else if (a == "--tls-cert") cert = val();
    else if (a == "--tls-key") key = val();
    else if (a == "--ca-out") ca_out = val();
    else if (a == "--token-lifetime") {
      if (!sim::parse_long(val(), 1, sim::kMaxTokenLifetime, &opt.token_lifetime))
        usage_error("--token-lifetime takes seconds from 1 to " + std::to_string(sim::kMaxTokenLifetime));
    } else if (a == "--users") {
      long v = 0;
      if (!sim::parse_long(val(), 0, 1000000, &v)) usage_error("--users takes a number from 0 to 1000000");
      opt.users = static_cast<int>(v);
    } else if (a == "--tls-dir") tls_dir = val();
    else if (a == "--log-requests") opt.log_requests = true;
    else if (a == "--token-log") opt.token_log = val();
    else if (a == "--ready-file") ready = val();
    else if (a == "--quiet") opt.quiet = true;
    else if (a == "--spec") opt.spec_path = val();
    else if (a == "--state") opt.state_path = val();
    else if (a == "--fault") opt.fault_rules.push_back(val());
    else if (a == "--client") {
      std::string c = val();
      size_t p1 = c.find(':');
      if (p1 == std::string::npos || p1 == 0 || p1 + 1 == c.size()) usage_error("--client takes ID:KEY[:ROLE]");
      size_t p2 = c.find(':', p1 + 1);
      std::string id = c.substr(0, p1);
      std::string k = c.substr(p1 + 1, p2 == std::string::npos ? std::string::npos : p2 - p1 - 1);
      std::string role = p2 == std::string::npos ? "SystemOwner" : c.substr(p2 + 1);
      opt.clients[id] = sim::ClientCred{k, role};
    } else if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      usage_error("unknown option " + a);
    }
  }
  opt.https = !http;
  if (opt.clients.empty()) opt.clients["test"] = sim::ClientCred{"secret", "SystemOwner"};
  if (port < 0 || port > 65535) usage_error("bad port");
  if (cert.empty() != key.empty()) usage_error("--tls-cert and --tls-key go together");
  if (!tls_dir.empty() && (!cert.empty() || http)) usage_error("--tls-dir goes with neither --tls-cert nor --http");
  if (opt.spec_path.empty()) {
    // THREECX_XAPI_SPEC, when set, names the document as --spec does; unset,
    // the specification built into this binary is served
    const char *env = std::getenv("THREECX_XAPI_SPEC");
    if (env && *env) opt.spec_path = env;
  }
  if (!opt.spec_path.empty()) {
    struct stat st;
    int err = stat(opt.spec_path.c_str(), &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
    if (!err && access(opt.spec_path.c_str(), R_OK) != 0) err = errno;
    if (err) {
      std::fprintf(stderr, "threecx-sim: cannot read the specification %s: %s\n", opt.spec_path.c_str(),
                   std::strerror(err));
      return 2;
    }
  }

  // SIGINT/SIGTERM are taken by a waiting thread, which stops the server.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  signal(SIGPIPE, SIG_IGN);

  sim::Credentials creds;
  std::unique_ptr<httplib::Server> svr;
  try {
    if (http) {
      svr = std::make_unique<httplib::Server>();
    } else {
      if (!tls_dir.empty()) {
        sim::load_or_create(creds, tls_dir);
      } else if (cert.empty()) {
        sim::generate(creds);
      } else {
        sim::load(creds, cert, key);
      }
      svr = std::make_unique<httplib::SSLServer>(creds.cert, creds.key);
    }
  } catch (const std::exception &e) {
    std::fprintf(stderr, "threecx-sim: %s\n", e.what());
    return 1;
  }
  if (!svr->is_valid()) {
    std::fprintf(stderr, "threecx-sim: server setup failed\n");
    return 1;
  }
  std::unique_ptr<sim::Simulator> simulator;
  try {
    simulator = std::make_unique<sim::Simulator>(opt);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "threecx-sim: %s\n", e.what());
    return 1;
  }
  // Slow or idle clients hold a worker only for a few seconds (TLS
  // handshake, request read, keep-alive wait all time out after 5 s), and
  // there are workers to spare: 40 half-open connections leave a normal
  // request answered at once.
  svr->new_task_queue = [] { return new httplib::ThreadPool(96); };
  svr->set_tcp_nodelay(true);  // no Nagle stalls between headers and body
  svr->set_keep_alive_max_count(100000);
  svr->set_keep_alive_timeout(5);
  svr->set_read_timeout(5, 0);
  svr->set_write_timeout(5, 0);
  if (opt.log_requests) {  // never a secret: no query, headers or bodies
    svr->set_pre_routing_handler([](const httplib::Request &, httplib::Response &) {
      t_request_start = std::chrono::steady_clock::now();
      return httplib::Server::HandlerResponse::Unhandled;
    });
    svr->set_logger([](const httplib::Request &req, const httplib::Response &res) {
      auto now = std::chrono::steady_clock::now();
      if (t_request_start.time_since_epoch().count() == 0) t_request_start = now;  // refused before routing
      double ms = std::chrono::duration_cast<std::chrono::microseconds>(now - t_request_start).count() / 1000.0;
      t_request_start = {};
      std::string path = req.target.substr(0, req.target.find('?'));
      for (char &c : path)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
      std::fprintf(stdout, "%s %s %d %.1f ms\n", req.method.c_str(), path.c_str(), res.status, ms);
      std::fflush(stdout);
    });
  }
  svr->set_payload_max_length(64 * 1024 * 1024);
  // requests cpp-httplib refuses before any handler (a POST without a body
  // or Content-Length): the token endpoint still answers as 3CX does
  svr->set_error_handler([](const httplib::Request &req, httplib::Response &res) {
    if (req.path == "/connect/token" && res.status == 400 && res.body.empty())
      res.set_content("{\"error\":\"invalid_request\",\"error_description\":\"The request has no form body.\"}",
                      "application/json");
  });
  // One handler for everything (bodies are read before route handlers run,
  // not before the pre-routing handler).
  auto all = [&](const httplib::Request &req, httplib::Response &res) { simulator->handle(req, res); };
  svr->Get(".*", all);
  svr->Post(".*", all);
  svr->Patch(".*", all);
  svr->Put(".*", all);
  svr->Delete(".*", all);
  // SO_REUSEADDR only: a restart on a port just freed binds at once, and a
  // second simulator on a busy port fails (cpp-httplib's default also sets
  // SO_REUSEPORT, which lets two processes split one port's connections)
  svr->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  errno = 0;
  int bound = port == 0 ? svr->bind_to_any_port(host) : (svr->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    int err = errno;
    if (err == EADDRINUSE)
      std::fprintf(stderr, "threecx-sim: cannot listen on %s:%d: port in use (another server is listening there)\n",
                   host.c_str(), port);
    else
      std::fprintf(stderr, "threecx-sim: cannot listen on %s:%d: %s\n", host.c_str(), port,
                   err ? std::strerror(err) : "address not usable");
    return 1;
  }
  // the generated CA, for clients to trust: --ca-out, --tls-dir's ca.pem,
  // else ca.pem in a new private directory (removed at exit)
  std::string ca_dir;
  if (!http && cert.empty()) {
    try {
      if (ca_out.empty() && !tls_dir.empty()) {
        ca_out = tls_dir + "/ca.pem";
      } else {
        if (ca_out.empty()) {
          ca_dir = sim::private_dir();
          ca_out = ca_dir + "/ca.pem";
        }
        sim::write_pem(creds.ca_cert, ca_out);
      }
    } catch (const std::exception &e) {
      std::fprintf(stderr, "threecx-sim: %s\n", e.what());
      return 1;
    }
  }
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&sigs, &sig);
    svr->stop();
  });
  if (!opt.quiet) {
    std::printf("threecx-sim listening on %s://%s:%d\n", http ? "http" : "https", host.c_str(), bound);
    std::printf("specification: %s\n", opt.spec_path.empty() ? sim::kEmbeddedSpecName : opt.spec_path.c_str());
    for (const auto &[id, c] : opt.clients)
      std::printf("client_id=%s api_key=%s role=%s\n", id.c_str(), c.key.c_str(), c.role.c_str());
    if (!ca_out.empty()) std::printf("CA certificate: %s\n", ca_out.c_str());
    if (!cert.empty()) ca_out = "";  // a certificate of the user's: its CA is theirs to name
    if (opt.users > 0) std::printf("seeded %d users\n", opt.users);
    // ready to paste into a shell (the first client's credentials)
    const auto &first = *opt.clients.begin();
    auto q = [](const std::string &v) {  // single-quoted for sh
      std::string out = "'";
      for (char c : v) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
      return out + "'";
    };
    std::printf("export %sTHREECX_DOMAIN=%s THREECX_CLIENT_ID=%s THREECX_API_KEY=%s%s%s\n",
                http ? "THREECX_ALLOW_HTTP=1 " : "",
                q((http ? "http://" : "") + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                  std::to_string(bound)).c_str(),
                q(first.first).c_str(), q(first.second.key).c_str(), ca_out.empty() ? "" : " THREECX_CA_FILE=",
                ca_out.empty() ? "" : q(ca_out).c_str());
    std::fflush(stdout);
  }
  if (!ready.empty()) {
    std::string tmp = ready + ".tmp";
    FILE *f = std::fopen(tmp.c_str(), "w");
    if (!f || std::fprintf(f, "%d\n", bound) < 0 || std::fclose(f) != 0 ||
        std::rename(tmp.c_str(), ready.c_str()) != 0) {
      std::fprintf(stderr, "threecx-sim: cannot write %s\n", ready.c_str());
      return 1;
    }
  }
  svr->listen_after_bind();
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  if (!ca_dir.empty()) {
    std::remove(ca_out.c_str());
    rmdir(ca_dir.c_str());
  }
  return 0;
}
