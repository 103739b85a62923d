/*
 * The lean paths of issue 12, against threecx-sim over plain HTTP on
 * loopback. No pass/fail threshold: figures and ratios only.
 *
 *   bench_lean requests N [generic|typed|raw]
 *       N small GETs (/SecurityTokens, $select=Id,Username, $top=5) through
 *       one client, the body read through the borrowed accessor. Meant for
 *       callgrind: run it with two values of N and divide the difference of
 *       the instruction counts by the difference of N (client-side
 *       instructions per request, set-up and the simulator excluded):
 *         valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p \
 *           build/bench/bench_lean requests 200 generic
 *   bench_lean paging USERS [PAGE [ROUNDS]]
 *       threecx-sim --users USERS; every user in pages of PAGE (default
 *       1000), alternating rounds of: libcurl + cJSON (a full parse of each
 *       page, each item printed with cJSON_PrintUnformatted), the pager's
 *       borrowed items (next_item_view), the owning items (next_item), and
 *       the borrowed items with prefetch; then the same with a consumer that
 *       parses every item with cJSON (where prefetch can overlap the next
 *       page's transfer with the consumer's work). Items per second of wall time and
 *       of this process's CPU time (the simulator excluded), median of the
 *       rounds, and the ratios to libcurl + cJSON.
 */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <threecx/operations.h>
#include <threecx/threecx.h>

#include "simproc.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static int requests(sim *s, int n, int typed) {
  threecx_client *cl;
  if (sim_client(s, &cl) || threecx_client_set_log(cl, THREECX_LOG_NONE, NULL, NULL) ||
      threecx_client_authenticate(cl)) {
    fprintf(stderr, "client failed: %s\n", threecx_last_error());
    return 1;
  }
  int ok = 0;
  size_t bytes = 0;
  threecx_query *q;
  threecx_query_new(&q);
  threecx_query_set_select(q, "Id,Username");
  threecx_query_set_top(q, 5);
  for (int i = 0; i < n; ++i) {
    threecx_response *resp = NULL;
    int rc;
    if (typed) {
      rc = threecx_xapi_list_security_refresh_token(cl, q, &resp);
    } else {
      threecx_request *r;
      threecx_request_new(cl, "GET", "/SecurityTokens", &r);
      threecx_request_set_query(r, q);
      rc = threecx_request_send(r, &resp);
      threecx_request_free(r);
    }
    const char *body = NULL;
    size_t size = 0;
#ifdef BENCH_OLD_API /* before the borrowed accessors: the owning copy */
    char *copy = NULL;
    if (rc == THREECX_OK && threecx_response_body(resp, &copy) == THREECX_OK) body = copy, size = strlen(copy);
    threecx_free(copy);
    if (body) {
#else
    if (rc == THREECX_OK && threecx_response_body_view(resp, &body, &size) == THREECX_OK) {
#endif
      ++ok;
      bytes += size;
    }
    threecx_response_free(resp);
  }
  threecx_query_free(q);
  threecx_client_free(cl);
  printf("%d %s requests, %d ok, %zu body bytes\n", n, typed ? "typed" : "generic", ok, bytes);
  return ok == n ? 0 : 1;
}

/* ---- paging ---- */
static int requests_raw(sim *s, int n);

struct buf {
  char *p;
  size_t n, cap;
};
static size_t on_data(char *d, size_t s, size_t n, void *ud) {
  struct buf *b = ud;
  size_t len = s * n;
  if (b->n + len + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 65536;
    while (cap < b->n + len + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) return 0;
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, d, len);
  b->n += len;
  b->p[b->n] = 0;
  return len;
}

static char *raw_token(const sim *s) {
  CURL *c = curl_easy_init();
  char url[256];
  struct buf b = {0};
  snprintf(url, sizeof url, "%s/connect/token", s->base);
  curl_easy_setopt(c, CURLOPT_URL, url);
  /* its own client id: 3CX keeps one live token per id */
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, "client_id=baseline&client_secret=baseline-key&grant_type=client_credentials");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
  CURLcode rc = curl_easy_perform(c);
  curl_easy_cleanup(c);
  char *tok = NULL;
  cJSON *j = rc == CURLE_OK && b.p ? cJSON_Parse(b.p) : NULL;
  cJSON *t = cJSON_GetObjectItem(j, "access_token");
  if (cJSON_IsString(t)) tok = strdup(t->valuestring);
  cJSON_Delete(j);
  free(b.p);
  return tok;
}

/* libcurl + cJSON: what a program without libthreecx does. Items seen. */
static size_t work(const char *item, size_t size);
static int64_t walk_raw(const sim *s, const char *token, long page, int with_work) {
  CURL *c = curl_easy_init();
  char auth[1024];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  struct curl_slist *h = curl_slist_append(NULL, auth);
  struct buf b = {0};
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
  int64_t items = 0, skip = 0, total = -1;
  size_t sum = 0;
  for (;;) {
    char url[512];
    snprintf(url, sizeof url,
             "%s/xapi/v1/Users?%%24select=Id%%2CNumber%%2CFirstName%%2CLastName&%%24count=true&%%24top=%ld"
             "&%%24skip=%" PRId64,
             s->base, page, skip);
    curl_easy_setopt(c, CURLOPT_URL, url);
    b.n = 0;
    long st = 0;
    if (curl_easy_perform(c) != CURLE_OK) break;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
    if (st != 200) {
      fprintf(stderr, "libcurl: HTTP %ld: %.200s\n", st, b.p ? b.p : "");
      break;
    }
    cJSON *j = cJSON_ParseWithLength(b.p, b.n);
    cJSON *count = cJSON_GetObjectItem(j, "@odata.count"), *v = cJSON_GetObjectItem(j, "value"), *it;
    if (cJSON_IsNumber(count)) total = (int64_t)count->valuedouble;
    int n = 0;
    cJSON_ArrayForEach(it, v) {
      char *text = cJSON_PrintUnformatted(it);
      sum += with_work ? work(text, strlen(text)) : strlen(text);
      free(text);
      ++n;
    }
    cJSON_Delete(j);
    items += n;
    skip += n;
    if (n == 0 || (total >= 0 && skip >= total)) break;
  }
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  free(b.p);
  return sum ? items : -1;
}

enum { VIEW, OWNED, VIEW_PREFETCH, VIEW_WORK, VIEW_WORK_PREFETCH };

/* What a consumer does with an item: parse it (cJSON), read a field. */
static size_t work(const char *item, size_t size) {
  cJSON *j = cJSON_ParseWithLength(item, size);
  const cJSON *n = cJSON_GetObjectItem(j, "Number");
  size_t r = cJSON_IsString(n) ? strlen(n->valuestring) : 0;
  cJSON_Delete(j);
  return r + 1;
}

static int64_t walk_lib(threecx_client *cl, long page, int how) {
  threecx_request *r = NULL;
  threecx_query *q = NULL;
  threecx_pager *p = NULL;
  threecx_request_new(cl, "GET", "/Users", &r);
  threecx_query_new(&q);
  threecx_query_set_select(q, "Id,Number,FirstName,LastName");
  threecx_request_set_query(r, q);
  threecx_pager_new(r, page, &p);
#ifdef BENCH_OLD_API
  how = OWNED;
#else
  if (how == VIEW_PREFETCH || how == VIEW_WORK_PREFETCH) threecx_pager_set_prefetch(p, 1);
#endif
  int64_t items = 0;
  size_t sum = 0;
  int rc;
  for (;;) {
    if (how == OWNED) {
      char *item = NULL;
      if ((rc = threecx_pager_next_item(p, &item)) != THREECX_OK) break;
      sum += strlen(item);
      threecx_free(item);
    } else {
#ifndef BENCH_OLD_API
      const char *item;
      size_t size;
      if ((rc = threecx_pager_next_item_view(p, &item, &size)) != THREECX_OK) break;
      sum += how >= VIEW_WORK ? work(item, size) : size;
#endif
    }
    ++items;
  }
  if (rc != THREECX_DONE) fprintf(stderr, "pager: %s\n", threecx_last_error());
  threecx_pager_free(p);
  threecx_query_free(q);
  threecx_request_free(r);
  return rc == THREECX_DONE && sum ? items : -1;
}

/* The same GETs through one bare libcurl handle with a fixed token. */
static int requests_raw(sim *s, int n) {
  char *token = raw_token(s);
  if (!token) return 1;
  char url[256], auth[1024];
  snprintf(url, sizeof url, "%s/xapi/v1/SecurityTokens?%%24select=Id%%2CUsername&%%24top=5", s->base);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  free(token);
  CURL *c = curl_easy_init();
  struct curl_slist *h = curl_slist_append(NULL, auth);
  struct buf b = {0};
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
  int ok = 0;
  for (int i = 0; i < n; ++i) {
    long st = 0;
    b.n = 0;
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
    ok += st == 200;
  }
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  free(b.p);
  printf("%d raw libcurl requests, %d ok\n", n, ok);
  return ok == n ? 0 : 1;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int paging(sim *s, long users, long page, int rounds) {
  static const char *names[] = {"libcurl+cJSON",       "pager view",          "pager owned",
                                "pager view+prefetch", "pager view, work",    "view+prefetch, work",
                                "libcurl+cJSON, work"};
  enum { K = 7, MAXR = 32 };
  double wall[K][MAXR], cpu[K][MAXR];
  threecx_client *cl;
  char *token = raw_token(s);
  if (!token || sim_client(s, &cl) || threecx_client_set_log(cl, THREECX_LOG_NONE, NULL, NULL)) {
    fprintf(stderr, "client failed\n");
    return 1;
  }
  int bad = 0;
  for (int r = 0; r < rounds; ++r)
    for (int k = 0; k < K; ++k) {
      double w0 = now_s(), c0 = cpu_s();
      static const int how[] = {0, VIEW, OWNED, VIEW_PREFETCH, VIEW_WORK, VIEW_WORK_PREFETCH, 0};
      int64_t n = k == 0 ? walk_raw(s, token, page, 0) : k == 6 ? walk_raw(s, token, page, 1) : walk_lib(cl, page, how[k]);
      wall[k][r] = now_s() - w0;
      cpu[k][r] = cpu_s() - c0;
      if (n != users) {
        fprintf(stderr, "%s: %" PRId64 " items, want %ld\n", names[k], n, users);
        bad = 1;
      }
    }
  printf("paging %ld users in pages of %ld, %d rounds (median), threecx-sim over HTTP on loopback\n", users, page,
         rounds);
  double base_w = 0, base_c = 0;
  for (int k = 0; k < K; ++k) {
    qsort(wall[k], (size_t)rounds, sizeof(double), cmp_d);
    qsort(cpu[k], (size_t)rounds, sizeof(double), cmp_d);
    double w = wall[k][rounds / 2], c = cpu[k][rounds / 2];
    if (k == 0) {
      base_w = w;
      base_c = c;
    }
    printf("  %-22s %10.0f items/s wall (x%.2f)  %10.0f items/s of client CPU (x%.2f)\n", names[k], users / w,
           base_w / w, users / c, base_c / c);
  }
  free(token);
  threecx_client_free(cl);
  return bad;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: bench_lean requests N [generic|typed|raw] | paging USERS [PAGE [ROUNDS]]\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int rc;
  sim s;
  if (strcmp(argv[1], "requests") == 0) {
    const char *args[] = {"--client", "baseline:baseline-key:SystemOwner", NULL};
    if (sim_start(&s, 1, args)) return 1;
    if (argc > 3 && strcmp(argv[3], "raw") == 0)
      rc = requests_raw(&s, atoi(argv[2]));
    else
      rc = requests(&s, atoi(argv[2]), argc > 3 && strcmp(argv[3], "typed") == 0);
  } else {
    long users = strtol(argv[2], NULL, 10), page = argc > 3 ? strtol(argv[3], NULL, 10) : 1000;
    int rounds = argc > 4 ? atoi(argv[4]) : 3;
    if (users < 1 || page < 1 || rounds < 1 || rounds > 32) return 2;
    char u[32];
    snprintf(u, sizeof u, "%ld", users);
    const char *args[] = {"--users", u, "--client", "baseline:baseline-key:SystemOwner", NULL};
    if (sim_start(&s, 1, args)) return 1;
    rc = paging(&s, users, page, rounds);
  }
  sim_stop(&s);
  return rc;
}
