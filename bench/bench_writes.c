/*
 * What "a write is sent at most once" costs. libcurl resends a request on
 * its own when a reused keep-alive connection dies without an answer;
 * libthreecx refuses that resend with a pre-request callback
 * (CURLOPT_PREREQFUNCTION: it lets the first request of a transfer through
 * and aborts a second). The obvious alternative, a fresh connection for
 * every write (CURLOPT_FRESH_CONNECT), is certain too but pays a TCP and
 * TLS handshake per write. Measured here with the same PATCH to the same
 * threecx-sim over HTTPS on loopback, in alternating rounds:
 *
 *   A  bare libcurl, keep-alive (nothing prevents a resend)      baseline
 *   B  bare libcurl, CURLOPT_FRESH_CONNECT + CURLOPT_FORBID_REUSE
 *   C  bare libcurl, keep-alive + the pre-request guard
 *   D  libthreecx (guard, token cache, request/response objects)
 *
 * Prints each rate and the time ratios B/A, C/A, D/A; no pass/fail.
 *
 *   bench_writes [N]        (default N = 1000 per variant)
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <threecx/threecx.h>

#include "simproc.h"
#include "bench_raw.h"

static int guard(void *ud, char *a, char *b, int c, int d) {
  (void)a, (void)b, (void)c, (void)d;
  return ++*(int *)ud > 1 ? CURL_PREREQFUNC_ABORT : CURL_PREREQFUNC_OK;
}

enum { ROUNDS = 5, VARIANTS = 4 };
static const char *kBody = "{\"Name\":\"bench\"}";

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000;
  sim s;
  const char *args[] = {"--client", "baseline:baseline-key:SystemOwner", NULL};
  if (sim_start(&s, 0, args)) {
    fprintf(stderr, "cannot start threecx-sim\n");
    return 1;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  threecx_client *cl;
  threecx_request *r;
  threecx_response *resp = NULL;
  if (sim_client(&s, &cl) || threecx_client_set_log(cl, THREECX_LOG_NONE, NULL, NULL) ||
      threecx_request_new(cl, "POST", "/WebsiteLinks", &r) ||
      threecx_request_set_body(r, "{\"Link\":\"bench\",\"Name\":\"bench\"}") || threecx_request_send(r, &resp)) {
    fprintf(stderr, "setup failed: %s\n", threecx_last_error());
    sim_stop(&s);
    return 1;
  }
  threecx_response_free(resp);
  threecx_request_free(r);
  char *tok = raw_token(&s);
  if (!tok) {
    fprintf(stderr, "baseline token failed\n");
    sim_stop(&s);
    return 1;
  }
  char url[256], auth[512];
  snprintf(url, sizeof url, "%s/xapi/v1/WebsiteLinks('bench')", s.base);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok);
  free(tok);
  struct curl_slist *h = curl_slist_append(NULL, auth);
  h = curl_slist_append(h, "Content-Type: application/json");
  CURL *c = curl_easy_init();

  double t[VARIANTS] = {0}, ratio[VARIANTS][ROUNDS];
  int ok[VARIANTS] = {0}, per = n / ROUNDS;
  for (int round = 0; round < ROUNDS; ++round) {
    double rt[VARIANTS];
    for (int v = 0; v < VARIANTS; ++v) {
      double t0 = now_s();
      for (int i = 0; i < per; ++i) {
        if (v == 3) {
          threecx_request_new(cl, "PATCH", "/WebsiteLinks({Link})", &r);
          threecx_request_set_param_string(r, "Link", "bench");
          threecx_request_set_body(r, kBody);
          if (threecx_request_send(r, &resp) == THREECX_OK) ++ok[v];
          threecx_response_free(resp);
          threecx_request_free(r);
          continue;
        }
        int calls = 0;
        curl_easy_reset(c);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_CAINFO, s.ca_file);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PATCH");
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, kBody);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
        if (v == 1) {
          curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
          curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
        }
        if (v == 2) {
          curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, guard);
          curl_easy_setopt(c, CURLOPT_PREREQDATA, &calls);
        }
        long st = 0;
        if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
        ok[v] += st == 204;
      }
      rt[v] = now_s() - t0;
      t[v] += rt[v];
    }
    for (int v = 0; v < VARIANTS; ++v) ratio[v][round] = rt[v] / rt[0];
  }
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  threecx_client_free(cl);
  sim_stop(&s);
  n = per * ROUNDS;
  static const char *names[VARIANTS] = {"A bare libcurl keep-alive", "B fresh connection per write",
                                        "C keep-alive + pre-request guard", "D libthreecx"};
  printf("PATCH requests: %d per variant, HTTPS to threecx-sim on loopback, %d alternating rounds\n", n,
         ROUNDS);
  for (int v = 0; v < VARIANTS; ++v) {
    double *rr = ratio[v];
    for (int i = 0; i < ROUNDS; ++i)
      for (int j = i + 1; j < ROUNDS; ++j)
        if (rr[j] < rr[i]) {
          double x = rr[i];
          rr[i] = rr[j];
          rr[j] = x;
        }
    printf("%-34s %8.0f req/s (%d ok)  time ratio to A: %.3f overall, median %.3f\n", names[v], n / t[v], ok[v],
           t[v] / t[0], rr[ROUNDS / 2]);
  }
  int all = 1;
  for (int v = 0; v < VARIANTS; ++v) all &= ok[v] == n;
  return all ? 0 : 1;
}
