#define _POSIX_C_SOURCE 200809L
#include "simproc.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef THREECX_SIM_PATH
#error THREECX_SIM_PATH must be defined
#endif
#ifndef THREECX_TEST_CA_DIR
#error THREECX_TEST_CA_DIR must be defined
#endif

const char *test_ca_dir(void) { return THREECX_TEST_CA_DIR; }

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

int sim_start(sim *s, int http, const char *const *extra_args) {
  memset(s, 0, sizeof *s);
  s->https = !http;
  snprintf(s->dir, sizeof s->dir, "/tmp/threecx-sim-XXXXXX");
  if (!mkdtemp(s->dir)) return -1;
  char ready[300], cert[512], key[512];
  snprintf(ready, sizeof ready, "%s/port", s->dir);
  snprintf(cert, sizeof cert, "%s/server.pem", THREECX_TEST_CA_DIR);
  snprintf(key, sizeof key, "%s/server.key", THREECX_TEST_CA_DIR);
  snprintf(s->ca_file, sizeof s->ca_file, "%s/ca.pem", THREECX_TEST_CA_DIR);

  const char *argv[64];
  int n = 0;
  /* THREECX_TEST_SIM: another simulator binary (e.g. a copy standing alone) */
  const char *exe = getenv("THREECX_TEST_SIM");
  argv[n++] = exe && *exe ? exe : THREECX_SIM_PATH;
  argv[n++] = "--host";
  argv[n++] = "127.0.0.1";
  argv[n++] = "--port";
  argv[n++] = "0";
  argv[n++] = "--ready-file";
  argv[n++] = ready;
  argv[n++] = "--quiet";
  argv[n++] = "--client";
  argv[n++] = TEST_CLIENT_ID ":" TEST_API_KEY ":SystemOwner";
  const char *token_log = getenv("THREECX_TEST_TOKEN_LOG");
  if (token_log && *token_log) {
    argv[n++] = "--token-log";
    argv[n++] = token_log;
  }
  if (http) {
    argv[n++] = "--http";
  } else {
    argv[n++] = "--tls-cert";
    argv[n++] = cert;
    argv[n++] = "--tls-key";
    argv[n++] = key;
  }
  for (int i = 0; extra_args && extra_args[i] && n < 62; ++i) argv[n++] = extra_args[i];
  argv[n] = NULL;

  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    execv(argv[0], (char *const *)argv);
    _exit(127);
  }
  s->pid = pid;
  for (int i = 0; i < 1000; ++i) { /* up to 10 s */
    FILE *f = fopen(ready, "r");
    if (f) {
      int port = 0;
      if (fscanf(f, "%d", &port) == 1 && port > 0) {
        fclose(f);
        s->port = port;
        snprintf(s->domain, sizeof s->domain, "127.0.0.1:%d", port);
        snprintf(s->base, sizeof s->base, "%s://127.0.0.1:%d", http ? "http" : "https", port);
        return 0;
      }
      fclose(f);
    }
    int st;
    if (waitpid(pid, &st, WNOHANG) == pid) {
      s->pid = 0;
      fprintf(stderr, "threecx-sim exited early (status %d)\n", st);
      return -1;
    }
    sleep_ms(10);
  }
  sim_stop(s);
  return -1;
}

void sim_stop(sim *s) {
  if (s->pid > 0) {
    kill(s->pid, SIGTERM);
    int st;
    for (int i = 0; i < 300; ++i) {
      if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
        s->pid = 0;
        break;
      }
      sleep_ms(10);
    }
    if (s->pid > 0) {
      kill(s->pid, SIGKILL);
      waitpid(s->pid, &st, 0);
      s->pid = 0;
    }
  }
  if (s->dir[0]) {
    char p[300];
    snprintf(p, sizeof p, "%s/port", s->dir);
    unlink(p);
    rmdir(s->dir);
    s->dir[0] = 0;
  }
}

typedef struct buf {
  char *data;
  size_t len;
} buf;

static size_t on_data(char *p, size_t sz, size_t n, void *ud) {
  buf *b = ud;
  size_t len = sz * n;
  char *d = realloc(b->data, b->len + len + 1);
  if (!d) return 0;
  memcpy(d + b->len, p, len);
  b->len += len;
  d[b->len] = 0;
  b->data = d;
  return len;
}

int sim_call(const sim *s, const char *method, const char *path, const char *body, char **out) {
  if (out) *out = NULL;
  CURL *c = curl_easy_init();
  if (!c) return -1;
  char url[512];
  snprintf(url, sizeof url, "%s%s", s->base, path);
  buf b = {NULL, 0};
  struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
  if (s->https) curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
  if (s->https && s->control_unverified) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
  long status = -1;
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  if (out) {
    *out = b.data ? b.data : strdup("");
  } else {
    free(b.data);
  }
  return (int)status;
}

int64_t sim_stat(const sim *s, const char *field) {
  char *body = NULL;
  if (sim_call(s, "GET", "/_sim/stats", NULL, &body) != 200) {
    free(body);
    return -1;
  }
  char key[128];
  snprintf(key, sizeof key, "\"%s\":", field);
  char *p = strstr(body, key);
  int64_t v = p ? strtoll(p + strlen(key), NULL, 10) : -1;
  free(body);
  return v;
}

long sim_wire_mark(const sim *s) {
  char *body = NULL;
  long next = -1;
  if (sim_call(s, "GET", "/_sim/requests?since=999999999999", NULL, &body) == 200) {
    cJSON *j = cJSON_Parse(body);
    if (cJSON_IsNumber(cJSON_GetObjectItem(j, "next"))) next = (long)cJSON_GetObjectItem(j, "next")->valuedouble;
    cJSON_Delete(j);
  }
  free(body);
  return next;
}

int sim_wire_count(const sim *s, long mark, const char *method, const char *prefix) {
  char url[64], *body = NULL, want[256];
  snprintf(url, sizeof url, "/_sim/requests?since=%ld", mark);
  snprintf(want, sizeof want, "/xapi/v1%s", prefix);
  if (sim_call(s, "GET", url, NULL, &body) != 200) {
    free(body);
    return -1;
  }
  cJSON *j = cJSON_Parse(body);
  free(body);
  if (!j) return -1;
  int n = 0;
  cJSON *e;
  cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "requests")) {
    const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(e, "method"));
    const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(e, "path"));
    if (m && p && strcmp(m, method) == 0 && strncmp(p, want, strlen(want)) == 0) ++n;
  }
  cJSON_Delete(j);
  return n;
}

void test_log_sink(void *user_data, int32_t level, const char *message) {
  if (user_data) __atomic_add_fetch((int64_t *)user_data, 1, __ATOMIC_RELAXED);
  const char *path = getenv("THREECX_TEST_LOG");
  if (!path) return;
  FILE *f = fopen(path, "a");
  if (!f) return;
  fprintf(f, "[%d] %s\n", (int)level, message);
  fclose(f);
}

static int64_t g_log_lines;

int sim_client_as(const sim *s, const char *id, const char *key, threecx_client **out) {
  char dom[128];
  snprintf(dom, sizeof dom, "%s%s", s->https ? "" : "http://", s->domain);
  int rc = threecx_client_new(dom, id, key, out);
  if (rc) return rc;
  if (s->https) rc = threecx_client_set_ca_file(*out, s->ca_file);
  else rc = threecx_client_allow_http(*out, 1);
  if (!rc) rc = threecx_client_set_log(*out, THREECX_LOG_TRACE, test_log_sink, &g_log_lines);
  if (!rc) rc = threecx_client_set_timeout_ms(*out, 20000);
  return rc;
}

int sim_client(const sim *s, threecx_client **out) {
  return sim_client_as(s, TEST_CLIENT_ID, TEST_API_KEY, out);
}

int sim_get(threecx_client *c, const char *path, threecx_query *q, char **body, int32_t *status) {
  threecx_request *r = NULL;
  threecx_response *resp = NULL;
  if (body) *body = NULL;
  if (status) *status = 0;
  int rc = threecx_request_new(c, "GET", path, &r);
  if (!rc && q) rc = threecx_request_set_query(r, q);
  if (!rc) rc = threecx_request_send(r, &resp);
  if (resp) {
    if (status) threecx_response_status(resp, status);
    if (body) threecx_response_body(resp, body);
  }
  threecx_response_free(resp);
  threecx_request_free(r);
  return rc;
}

sim g_sim;
threecx_client *g_client;

int sim_group_setup(void **state) {
  (void)state;
  if (sim_start(&g_sim, 0, NULL)) return -1;
  return sim_client(&g_sim, &g_client);
}

int sim_group_teardown(void **state) {
  (void)state;
  threecx_client_free(g_client);
  g_client = NULL;
  sim_stop(&g_sim);
  return 0;
}

int sim_reset(void **state) {
  (void)state;
  return sim_call(&g_sim, "POST", "/_sim/reset", "{}", NULL) == 200 ? 0 : -1;
}
