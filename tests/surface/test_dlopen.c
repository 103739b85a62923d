/* libthreecx loaded the way other languages' FFIs load it: dlopen() of the
 * SONAME file, every function found with dlsym(), nothing linked at build
 * time. Starts a plain-HTTP threecx-sim, makes a request through the
 * dlsym'ed functions, checks a refused argument and its message, then
 * dlclose()s and does it all again (a host that reloads the library must
 * not crash on leftover state).
 *   test_dlopen LIBTHREECX_SO THREECX_SIM [SPEC]
 * Prints "N passed, M failed"; exit 1 on failure. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* declarations only, for the function pointer types: nothing is linked */
#include <threecx/catalog.h>
#include <threecx/threecx.h>

#include "check.h"

#define KEY "k3y-dlopen-5a1c"

/* The functions the test uses, typed from the header's declarations. */
#define FUNCS(X)                                                                           \
  X(threecx_version) X(threecx_abi_version) X(threecx_strerror) X(threecx_last_error)      \
  X(threecx_client_new) X(threecx_client_allow_http) X(threecx_client_free)                \
  X(threecx_query_new) X(threecx_query_set_top) X(threecx_query_set_count)                 \
  X(threecx_query_free) X(threecx_request_new) X(threecx_request_set_query)                \
  X(threecx_request_send) X(threecx_request_free) X(threecx_response_status)               \
  X(threecx_response_body) X(threecx_response_free) X(threecx_free)                        \
  X(threecx_operation_count)

struct api {
#define FIELD(f) __typeof__(&f) f;
  FUNCS(FIELD)
#undef FIELD
};

static pid_t start_sim(const char *exe, const char *spec, const char *ready) {
  pid_t pid = fork();
  if (pid == 0) {
    const char *argv[12];
    int n = 0;
    argv[n++] = exe;
    argv[n++] = "--http";
    argv[n++] = "--port";
    argv[n++] = "0";
    argv[n++] = "--ready-file";
    argv[n++] = ready;
    argv[n++] = "--client";
    argv[n++] = "test:" KEY;
    argv[n++] = "--quiet";
    if (spec) {
      argv[n++] = "--spec";
      argv[n++] = spec;
    }
    argv[n] = NULL;
    execv(exe, (char *const *)argv);
    _exit(127);
  }
  return pid;
}

static int read_port(const char *ready) {
  for (int i = 0; i < 3000; ++i) { /* up to 30 s (valgrind) */
    FILE *f = fopen(ready, "r");
    int port = 0;
    if (f) {
      if (fscanf(f, "%d", &port) != 1) port = 0;
      fclose(f);
      if (port > 0) return port;
    }
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  return -1;
}

static void round_trip(const char *so, int port, int round) {
  struct api a;
  void *lib = dlopen(so, RTLD_NOW | RTLD_LOCAL);
  CHECK(lib != NULL, "round %d: dlopen %s: %s", round, so, dlerror());
  if (!lib) return;
  int missing = 0;
  void *sym;
#define LOAD(f)                                      \
  sym = dlsym(lib, #f);                              \
  memcpy(&a.f, &sym, sizeof sym); /* POSIX: same representation */ \
  if (!sym) {                                        \
    ++missing;                                       \
    fprintf(stderr, "round %d: no %s\n", round, #f); \
  }
  FUNCS(LOAD)
#undef LOAD
  CHECK(missing == 0, "round %d: %d functions not found by dlsym", round, missing);
  if (missing) {
    dlclose(lib);
    return;
  }

  CHECK(a.threecx_abi_version() == 0 && a.threecx_version() && *a.threecx_version(), "round %d: version %s, ABI %d",
        round, a.threecx_version(), a.threecx_abi_version());
  size_t ops = 0;
  CHECK(a.threecx_operation_count(&ops) == THREECX_OK && ops == 601, "round %d: %zu operations", round, ops);

  /* a refused argument: a code and a message, no crash */
  threecx_client *c = NULL;
  int rc = a.threecx_client_new(NULL, "test", KEY, &c);
  CHECK(rc == THREECX_E_INVALID_ARGUMENT && c == NULL && strstr(a.threecx_last_error(), "domain"),
        "round %d: NULL domain -> %d (%s)", round, rc, a.threecx_last_error());
  CHECK(strcmp(a.threecx_strerror(rc), "") != 0, "round %d: strerror", round);

  /* a real request over loopback */
  char domain[64];
  snprintf(domain, sizeof domain, "http://127.0.0.1:%d", port);
  rc = a.threecx_client_new(domain, "test", KEY, &c);
  CHECK(rc == THREECX_OK, "round %d: client: %s", round, a.threecx_last_error());
  if (rc == THREECX_OK) {
    threecx_query *q = NULL;
    threecx_request *r = NULL;
    threecx_response *resp = NULL;
    char *body = NULL;
    int32_t status = 0;
    CHECK(a.threecx_client_allow_http(c, 1) == THREECX_OK, "round %d: allow_http", round);
    CHECK(a.threecx_query_new(&q) == THREECX_OK && a.threecx_query_set_top(q, 2) == THREECX_OK &&
              a.threecx_query_set_count(q, 1) == THREECX_OK,
          "round %d: query", round);
    CHECK(a.threecx_request_new(c, "GET", "/SecurityTokens", &r) == THREECX_OK &&
              a.threecx_request_set_query(r, q) == THREECX_OK,
          "round %d: request", round);
    rc = a.threecx_request_send(r, &resp);
    CHECK(rc == THREECX_OK, "round %d: send: %s", round, a.threecx_last_error());
    if (resp) {
      a.threecx_response_status(resp, &status);
      a.threecx_response_body(resp, &body);
    }
    CHECK(status == 200 && body && strstr(body, "\"@odata.count\"") && strstr(body, "\"value\""),
          "round %d: GET /SecurityTokens?$top=2&$count=true -> %d %.200s", round, (int)status, body ? body : "");
    a.threecx_free(body);
    a.threecx_response_free(resp);
    a.threecx_request_free(r);
    a.threecx_query_free(q);
    a.threecx_client_free(c);
  }
  CHECK(dlclose(lib) == 0, "round %d: dlclose: %s", round, dlerror());
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: test_dlopen LIBTHREECX_SO THREECX_SIM [SPEC]\n");
    return 2;
  }
  char dir[] = "/tmp/threecx_dlopen_XXXXXX";
  if (!mkdtemp(dir)) return 2;
  char ready[128];
  snprintf(ready, sizeof ready, "%s/port", dir);
  pid_t sim = start_sim(argv[2], argc > 3 ? argv[3] : NULL, ready);
  int port = read_port(ready);
  CHECK(port > 0, "threecx-sim started");
  if (port > 0)
    for (int round = 1; round <= 2; ++round) round_trip(argv[1], port, round);
  kill(sim, SIGTERM);
  waitpid(sim, NULL, 0);
  unlink(ready);
  rmdir(dir);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
