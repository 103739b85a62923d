// A loopback HTTP/1.1 server inside the fuzz process: each connection gets
// one answer, then the server closes it (so no framing the fuzzer writes can
// make the client wait). Token requests (POST /connect/token) get a valid
// token unless the target fuzzes them; every other request takes the next
// queued answer (a 500 once the queue is empty).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "threecx/threecx.h"

namespace fuzz {

class Server {
 public:
  static Server &get() {
    static Server *s = new Server();  // lives for the process (never joined)
    return *s;
  }
  int port() const { return port_; }
  // Raw answer: "HTTP/1.1 <status> X\r\n" + header lines + body.
  static std::string answer(int status, const std::string &headers, const std::string &body) {
    std::string h;
    // One header per line, CR LF, no NUL. No obs-fold continuation lines
    // (a line starting with a blank): libcurl 7.88.1 reads freed memory on
    // them (strlen after free under curl_easy_perform, in its header store);
    // that is libcurl's bug, outside what this library can prevent, so the
    // harness does not send them (fuzz/README.md).
    bool line_start = true;
    for (char c : headers) {
      if (c == '\0' || c == '\r') continue;
      if (line_start && (c == ' ' || c == '\t')) continue;
      line_start = c == '\n';
      if (c == '\n') h += "\r\n";
      else h.push_back(c);
    }
    if (!h.empty() && h.back() != '\n') h += "\r\n";
    return "HTTP/1.1 " + std::to_string(status) + " X\r\n" + h + "Connection: close\r\n\r\n" + body;
  }
  void push(std::string raw) {
    std::lock_guard<std::mutex> lk(mu_);
    queue_.push_back(std::move(raw));
  }
  void clear() {
    std::lock_guard<std::mutex> lk(mu_);
    queue_.clear();
  }
  void fuzz_tokens(bool on) {
    std::lock_guard<std::mutex> lk(mu_);
    fuzz_tokens_ = on;
  }

 private:
  Server() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) != 0) {
      std::perror("fuzz server");
      std::abort();
    }
    port_ = ntohs(a.sin_port);
    std::thread([this, fd] { loop(fd); }).detach();
  }
  void loop(int lfd) {
    for (;;) {
      int c = accept(lfd, nullptr, nullptr);
      if (c < 0) continue;
      serve(c);
      shutdown(c, SHUT_RDWR);
      close(c);
    }
  }
  void serve(int c) {
    std::string req;
    char buf[4096];
    size_t head_end;
    while ((head_end = req.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = recv(c, buf, sizeof buf, 0);
      if (n <= 0) return;
      req.append(buf, static_cast<size_t>(n));
    }
    size_t want = 0;
    const char *cl = strcasestr(req.c_str(), "\r\nContent-Length:");
    if (cl && static_cast<size_t>(cl - req.c_str()) < head_end) want = std::strtoul(cl + 17, nullptr, 10);
    while (req.size() < head_end + 4 + want) {
      ssize_t n = recv(c, buf, sizeof buf, 0);
      if (n <= 0) return;
      req.append(buf, static_cast<size_t>(n));
    }
    std::string out;
    {
      std::lock_guard<std::mutex> lk(mu_);
      bool token = req.compare(0, 20, "POST /connect/token ") == 0;
      if (token && !fuzz_tokens_) {
        out = answer(200, "Content-Type: application/json",
                     "{\"access_token\":\"fuzz-token\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
      } else if (!queue_.empty()) {
        out = std::move(queue_.front());
        queue_.pop_front();
      } else {
        out = answer(500, "", "");
      }
    }
    size_t off = 0;
    while (off < out.size()) {
      ssize_t n = send(c, out.data() + off, out.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }

  int port_ = 0;
  std::mutex mu_;
  std::deque<std::string> queue_;
  bool fuzz_tokens_ = false;
};

// One client for the process, talking to the server above (plain HTTP);
// `retry`: one retry without waiting, else none.
inline threecx_client *client(bool retry) {
  static threecx_client *c = [retry] {
    threecx_client *p = nullptr;
    std::string domain = "http://127.0.0.1:" + std::to_string(Server::get().port());
    if (threecx_client_new(domain.c_str(), "fuzz-id", "fuzz-key", &p) != THREECX_OK) std::abort();
    threecx_client_allow_http(p, 1);
    threecx_client_set_timeout_ms(p, 10000);
    // retries off (or one without waiting): no sleeping between inputs
    threecx_client_set_retry(p, retry ? 1 : 0, 0, 0, 60000);
    return p;
  }();
  return c;
}

}  // namespace fuzz
