/*
 * The asynchronous API against a raw curl_multi program doing the same
 * job: N GETs over HTTPS on loopback to threecx-sim, whose every answer is
 * held back LATENCY ms by a latency fault, at most M in flight. The raw
 * contender keeps M easy handles on one multi handle (re-added as they
 * finish, fixed bearer token); libthreecx submits N requests to one
 * threecx_async with max_concurrent M and drives it with threecx_async_wait.
 * Rounds are interleaved; prints requests/s, CPU per request and the ratios
 * (median, min, max), plus sequential threecx_request_send for the
 * "x sequential" figure. No pass/fail threshold.
 *
 *   bench_async [N [M [LATENCY_MS [ROUNDS]]]]   (default 1000 40 20 3)
 *
 * threecx-sim serves from 96 threads and a kept-alive connection holds one
 * of them until it is used again or 5 s pass: with M above ~45 the idle
 * connections of one contender starve the other's run (at M = 64 both
 * drop to a quarter of their rate, in turn), so the figure then measures
 * the simulator. bench/run.sh's nginx has no such limit.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <threecx/threecx.h>

#include "simproc.h"
#include "bench_raw.h"

static double cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

typedef struct measure {
  double wall, cpu;
  int ok, failed;
} measure;

/* ---- raw curl_multi: M reusable easy handles on one multi ---- */
typedef struct raw {
  CURLM *multi;
  CURL **easy;
  struct curl_slist *headers;
  size_t bytes;
  int m;
} raw;

static void raw_init(raw *r, const sim *s, const char *url, const char *token, int m) {
  char auth[512];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  r->headers = curl_slist_append(NULL, auth);
  r->headers = curl_slist_append(r->headers, "Accept: application/json");
  r->multi = curl_multi_init();
  r->easy = calloc((size_t)m, sizeof *r->easy);
  r->m = m;
  r->bytes = 0;
  for (int i = 0; i < m; ++i) {
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->bytes);
    r->easy[i] = c;
  }
}

static measure raw_run(raw *r, int n) {
  measure ms = {0, 0, 0, 0};
  double t0 = now_s(), c0 = cpu_s();
  int started = 0, running = 0;
  for (int i = 0; i < r->m && started < n; ++i, ++started) curl_multi_add_handle(r->multi, r->easy[i]);
  while (ms.ok < n) {
    curl_multi_perform(r->multi, &running);
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(r->multi, &left))) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL *e = msg->easy_handle;
      long code = 0;
      curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
      curl_multi_remove_handle(r->multi, e);
      if (msg->data.result != CURLE_OK || code != 200) {
        /* a kept-alive connection the server closed meanwhile: sent again */
        ++ms.failed;
        curl_multi_add_handle(r->multi, e);
        continue;
      }
      ++ms.ok;
      if (started < n) {
        curl_multi_add_handle(r->multi, e);
        ++started;
      }
    }
    if (ms.ok < n) curl_multi_poll(r->multi, NULL, 0, 1000, NULL);
  }
  ms.wall = now_s() - t0;
  ms.cpu = cpu_s() - c0;
  return ms;
}

static void raw_free(raw *r) {
  for (int i = 0; i < r->m; ++i) curl_easy_cleanup(r->easy[i]);
  free(r->easy);
  curl_multi_cleanup(r->multi);
  curl_slist_free_all(r->headers);
}

/* ---- libthreecx: one threecx_async ---- */
static void on_done(void *ud, threecx_completion *c) {
  int32_t code = -1;
  threecx_completion_code(c, &code);
  if (code == THREECX_OK) ++*(int *)ud;
  else fprintf(stderr, "async: failure %d\n", code);
}

static measure async_run(threecx_async *a, threecx_request *req, int n) {
  measure ms = {0, 0, 0, 0};
  double t0 = now_s(), c0 = cpu_s();
  for (int i = 0; i < n; ++i) threecx_async_submit(a, req, on_done, &ms.ok, NULL);
  int32_t pending = n;
  while (pending > 0) threecx_async_wait(a, 1000, &pending);
  ms.wall = now_s() - t0;
  ms.cpu = cpu_s() - c0;
  return ms;
}

static measure sequential_run(threecx_request *req, int n) {
  measure ms = {0, 0, 0, 0};
  double t0 = now_s(), c0 = cpu_s();
  for (int i = 0; i < n; ++i) {
    threecx_response *resp = NULL;
    if (threecx_request_send(req, &resp) == THREECX_OK) ++ms.ok;
    threecx_response_free(resp);
  }
  ms.wall = now_s() - t0;
  ms.cpu = cpu_s() - c0;
  return ms;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void stats(const char *what, double *v, int k) {
  qsort(v, (size_t)k, sizeof *v, cmp_double);
  printf("%-40s median %.3f  min %.3f  max %.3f\n", what, v[k / 2], v[0], v[k - 1]);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000;
  int m = argc > 2 ? atoi(argv[2]) : 40;
  int latency = argc > 3 ? atoi(argv[3]) : 20;
  int rounds = argc > 4 ? atoi(argv[4]) : 3;
  if (n < 1 || m < 1 || latency < 0 || rounds < 1 || rounds > 50) {
    fprintf(stderr, "usage: bench_async [N [M [LATENCY_MS [ROUNDS]]]]\n");
    return 2;
  }
  sim s;
  const char *args[] = {"--client", "baseline:baseline-key:SystemOwner", NULL};
  if (sim_start(&s, 0, args)) {
    fprintf(stderr, "cannot start threecx-sim\n");
    return 1;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  char rule[128];
  snprintf(rule, sizeof rule, "{\"path\":\"^/SecurityTokens\",\"latency_ms\":%d}", latency);
  if (sim_call(&s, "POST", "/_sim/faults", rule, NULL) != 201) {
    fprintf(stderr, "latency fault refused\n");
    sim_stop(&s);
    return 1;
  }
  const char *path = "/SecurityTokens?%24select=Id%2CUsername&%24top=5";
  char url[256];
  snprintf(url, sizeof url, "%s/xapi/v1%s", s.base, path);
  char *tok = raw_token(&s);
  threecx_client *client = NULL;
  threecx_async *a = NULL;
  threecx_request *req = NULL;
  if (!tok || sim_client(&s, &client) != THREECX_OK || threecx_client_set_log(client, 0, NULL, NULL) ||
      threecx_client_authenticate(client) != THREECX_OK || threecx_async_new(client, &a) != THREECX_OK ||
      threecx_async_set_max_concurrent(a, m) != THREECX_OK ||
      threecx_request_new(client, "GET", "/SecurityTokens", &req) != THREECX_OK) {
    fprintf(stderr, "setup failed: %s\n", threecx_last_error());
    sim_stop(&s);
    return 1;
  }
  threecx_query *q = NULL;
  threecx_query_new(&q);
  threecx_query_set_select(q, "Id,Username");
  threecx_query_set_top(q, 5);
  threecx_request_set_query(req, q);
  threecx_query_free(q);
  raw r;
  raw_init(&r, &s, url, tok, m);
  free(tok);
  /* warm-up: connections opened, TLS sessions and CA store cached */
  raw_run(&r, m);
  async_run(a, req, m);

  double rate_ratio[50], cpu_ratio[50], seq_ratio[50];
  double raw_rate = 0, async_rate = 0, raw_cpu = 0, async_cpu = 0;
  int seq_n = n / 20 > 5 ? n / 20 : 5;
  long conns_raw = 0, conns_async = 0;
  for (int i = 0; i < rounds; ++i) {
    long c0 = (long)sim_stat(&s, "connections");
    measure mr = raw_run(&r, n);
    long c1 = (long)sim_stat(&s, "connections");
    measure ma = async_run(a, req, n);
    long c2 = (long)sim_stat(&s, "connections");
    conns_raw += c1 - c0;
    conns_async += c2 - c1;
    measure msq = sequential_run(req, seq_n);
    if (mr.ok != n || ma.ok != n || msq.ok != seq_n) fprintf(stderr, "round %d: failures\n", i);
    double rr = n / mr.wall, ra = n / ma.wall, rs = seq_n / msq.wall;
    rate_ratio[i] = ra / rr;
    cpu_ratio[i] = (ma.cpu / n) / (mr.cpu / n);
    seq_ratio[i] = ra / rs;
    raw_rate += rr / rounds;
    async_rate += ra / rounds;
    raw_cpu += mr.cpu / n / rounds;
    async_cpu += ma.cpu / n / rounds;
  }
  printf("bench_async: %d GETs, %d in flight, server latency %d ms, %d rounds (HTTPS, threecx-sim)\n", n, m,
         latency, rounds);
  printf("raw curl_multi:   %.0f req/s, %.1f us CPU/request (mean)\n", raw_rate, raw_cpu * 1e6);
  printf("threecx_async:    %.0f req/s, %.1f us CPU/request (mean)\n", async_rate, async_cpu * 1e6);
  stats("req/s ratio async/raw (target >= 0.95)", rate_ratio, rounds);
  stats("CPU/request ratio async/raw", cpu_ratio, rounds);
  stats("req/s ratio async/sequential (>= 10)", seq_ratio, rounds);
  printf("new connections per round: raw %.1f, async %.1f\n", (double)conns_raw / rounds,
         (double)conns_async / rounds);
  int64_t tokens = 0;
  threecx_client_token_requests(client, &tokens);
  printf("token requests by the library: %lld\n", (long long)tokens);

  raw_free(&r);
  threecx_request_free(req);
  threecx_async_free(a);
  threecx_client_free(client);
  sim_stop(&s);
  curl_global_cleanup();
  return 0;
}
