/*
 * Request overhead of libthreecx against a baseline in the same process:
 * the same GETs to the same threecx-sim over HTTPS on loopback, sent once
 * through libthreecx (query builder, token cache, response object, body
 * copy) and once through a bare libcurl easy handle with a fixed bearer
 * token. Prints both rates and their ratio; no pass/fail threshold.
 *
 *   bench_requests [N]        (default N = 2000)
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <threecx/threecx.h>

#include "simproc.h"
#include "bench_raw.h"

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 2000;
  sim s;
  const char *args[] = {"--client", "baseline:baseline-key:SystemOwner", NULL};
  if (sim_start(&s, 0, args)) {
    fprintf(stderr, "cannot start threecx-sim\n");
    return 1;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);

  /* baseline: bare libcurl, one handle, keep-alive, fixed token */
  char *tok = raw_token(&s);
  if (!tok) {
    fprintf(stderr, "baseline token failed\n");
    sim_stop(&s);
    return 1;
  }
  char url[256], auth[512];
  snprintf(url, sizeof url, "%s/xapi/v1%s", s.base, "/SecurityTokens?%24select=Id%2CUsername&%24top=5");
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
  free(tok);
  CURL *c = curl_easy_init();
  struct curl_slist *h = curl_slist_append(NULL, auth);
  size_t bytes = 0;
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CAINFO, s.ca_file);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &bytes);

  threecx_client *cl;
  if (sim_client(&s, &cl) || threecx_client_set_log(cl, THREECX_LOG_NONE, NULL, NULL) ||
      threecx_client_authenticate(cl)) {
    fprintf(stderr, "client failed: %s\n", threecx_last_error());
    sim_stop(&s);
    return 1;
  }

  /* alternate rounds so both sides see the same machine conditions */
  enum { ROUNDS = 5 };
  double raw_t[ROUNDS], lib_t[ROUNDS], ratio[ROUNDS];
  int ok_raw = 0, ok_lib = 0, per = n / ROUNDS;
  for (int round = 0; round < ROUNDS; ++round) {
    double t0 = now_s();
    for (int i = 0; i < per; ++i) {
      long st = 0;
      if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
      ok_raw += st == 200;
    }
    raw_t[round] = now_s() - t0;
    t0 = now_s();
    for (int i = 0; i < per; ++i) {
      threecx_query *q;
      threecx_request *r;
      threecx_response *resp = NULL;
      char *body = NULL;
      threecx_query_new(&q);
      threecx_query_set_select(q, "Id,Username");
      threecx_query_set_top(q, 5);
      threecx_request_new(cl, "GET", "/SecurityTokens", &r);
      threecx_request_set_query(r, q);
      if (threecx_request_send(r, &resp) == THREECX_OK && threecx_response_body(resp, &body) == THREECX_OK)
        ++ok_lib;
      threecx_free(body);
      threecx_response_free(resp);
      threecx_request_free(r);
      threecx_query_free(q);
    }
    lib_t[round] = now_s() - t0;
    ratio[round] = lib_t[round] / raw_t[round];
  }
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  threecx_client_free(cl);
  sim_stop(&s);
  /* median ratio */
  for (int i = 0; i < ROUNDS; ++i)
    for (int j = i + 1; j < ROUNDS; ++j)
      if (ratio[j] < ratio[i]) {
        double t = ratio[i];
        ratio[i] = ratio[j];
        ratio[j] = t;
      }
  double raw = 0, lib = 0;
  for (int i = 0; i < ROUNDS; ++i) {
    raw += raw_t[i];
    lib += lib_t[i];
  }
  n = per * ROUNDS;

  printf("requests: %d each, HTTPS keep-alive to threecx-sim on loopback\n", n);
  printf("baseline (bare libcurl): %8.0f req/s  (%d ok)\n", n / raw, ok_raw);
  printf("libthreecx:              %8.0f req/s  (%d ok)\n", n / lib, ok_lib);
  printf("ratio libthreecx/baseline time: %.3f overall, median of %d alternating rounds %.3f "
         "(min %.3f, max %.3f)\n", lib / raw, ROUNDS, ratio[ROUNDS / 2], ratio[0], ratio[ROUNDS - 1]);
  return ok_raw == n && ok_lib == n ? 0 : 1;
}
