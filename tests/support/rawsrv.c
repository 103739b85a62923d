#define _POSIX_C_SOURCE 200809L
#include "rawsrv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct rawsrv {
  int listen_fd;
  int port;
  char base[64];
  rawsrv_fn fn;
  void *user_data;
  pthread_t thread;
  pthread_mutex_t mu;
  int stopping;
  int count;
};

int rawsrv_stopping(rawsrv *s) {
  pthread_mutex_lock(&s->mu);
  int v = s->stopping;
  pthread_mutex_unlock(&s->mu);
  return v;
}

/* Reads a request head and its Content-Length body; NULL on EOF/error. */
static char *read_request(rawsrv *s, int fd) {
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  if (!buf) return NULL;
  size_t head_end = 0, want = 0;
  for (;;) {
    if (head_end && len >= head_end + want) break;
    struct pollfd p = {fd, POLLIN, 0};
    int r = poll(&p, 1, 50);
    if (r == 0) {
      if (rawsrv_stopping(s)) break;
      continue;
    }
    if (len + 1024 + 1 > cap) {
      char *n = realloc(buf, cap *= 2);
      if (!n) break;
      buf = n;
    }
    ssize_t got = read(fd, buf + len, cap - len - 1);
    if (got <= 0) break;
    len += (size_t)got;
    buf[len] = 0;
    if (!head_end) {
      char *e = strstr(buf, "\r\n\r\n");
      if (e) {
        head_end = (size_t)(e - buf) + 4;
        for (char *h = buf; h && h < e; h = strstr(h, "\r\n") ? strstr(h, "\r\n") + 2 : NULL)
          if (strncasecmp(h, "Content-Length:", 15) == 0) want = (size_t)strtoul(h + 15, NULL, 10);
      }
    }
  }
  if (!head_end) {
    free(buf);
    return NULL;
  }
  return buf;
}

static void *serve(void *arg) {
  rawsrv *s = arg;
  while (!rawsrv_stopping(s)) {
    struct pollfd p = {s->listen_fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept(s->listen_fd, NULL, NULL);
    if (fd < 0) continue;
    char *req = read_request(s, fd);
    if (req) {
      char path[1024] = "";
      const char *sp = strchr(req, ' ');
      if (sp) {
        size_t n = strcspn(sp + 1, " ?");
        if (n >= sizeof path) n = sizeof path - 1;
        memcpy(path, sp + 1, n);
        path[n] = 0;
      }
      pthread_mutex_lock(&s->mu);
      ++s->count;
      pthread_mutex_unlock(&s->mu);
      s->fn(s, s->user_data, path, req, fd);
      free(req);
    }
    shutdown(fd, SHUT_RDWR);
    close(fd);
  }
  return NULL;
}

rawsrv *rawsrv_start(rawsrv_fn fn, void *user_data) {
  rawsrv *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->fn = fn;
  s->user_data = user_data;
  pthread_mutex_init(&s->mu, NULL);
  s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
      listen(s->listen_fd, 16) != 0 || getsockname(s->listen_fd, (struct sockaddr *)&a, &al) != 0) {
    if (s->listen_fd >= 0) close(s->listen_fd);
    free(s);
    return NULL;
  }
  s->port = ntohs(a.sin_port);
  snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
  if (pthread_create(&s->thread, NULL, serve, s) != 0) {
    close(s->listen_fd);
    free(s);
    return NULL;
  }
  return s;
}

int rawsrv_port(const rawsrv *s) { return s->port; }
const char *rawsrv_base(const rawsrv *s) { return s->base; }

int rawsrv_count(rawsrv *s) {
  pthread_mutex_lock(&s->mu);
  int n = s->count;
  pthread_mutex_unlock(&s->mu);
  return n;
}

void rawsrv_stop(rawsrv *s) {
  if (!s) return;
  pthread_mutex_lock(&s->mu);
  s->stopping = 1;
  pthread_mutex_unlock(&s->mu);
  pthread_join(s->thread, NULL);
  close(s->listen_fd);
  pthread_mutex_destroy(&s->mu);
  free(s);
}

static void write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL); /* a client gone is no SIGPIPE */
    if (w <= 0) {
      if (w < 0 && errno == EINTR) continue;
      return;
    }
    p += w;
    n -= (size_t)w;
  }
}

void rawsrv_reply(int fd, int status, const char *content_type, const char *headers,
                  const char *body) {
  char head[1024];
  size_t blen = body ? strlen(body) : 0;
  int n = snprintf(head, sizeof head,
                   "HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n",
                   status, content_type ? content_type : "application/json", blen);
  write_all(fd, head, (size_t)n);
  if (headers) write_all(fd, headers, strlen(headers));
  write_all(fd, "\r\n", 2);
  if (blen) write_all(fd, body, blen);
}

void rawsrv_hold(rawsrv *s, int fd) {
  char b[256];
  while (!rawsrv_stopping(s)) {
    struct pollfd p = {fd, POLLIN, 0};
    int r = poll(&p, 1, 50);
    if (r > 0 && read(fd, b, sizeof b) <= 0) return; /* the client gave up */
  }
}
