/* What the simulator benchmarks' raw-libcurl baselines share: a monotonic
 * clock, a body sink counting bytes, and the baseline's own token (its own
 * client id: 3CX keeps one token per id). Header-only, for bench_*.c. */
#ifndef THREECX_BENCH_RAW_H
#define THREECX_BENCH_RAW_H

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "simproc.h"

static inline double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CURLOPT_WRITEFUNCTION: adds the bytes to *(size_t *)ud when ud is set. */
static inline size_t sink(char *p, size_t s, size_t n, void *ud) {
  (void)p;
  if (ud) *(size_t *)ud += s * n;
  return s * n;
}

/* The token of client id "baseline" from the simulator `s`; free() it. */
static inline char *raw_token(const sim *s) {
  CURL *c = curl_easy_init();
  char url[256], *body = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&body, &len);
  snprintf(url, sizeof url, "%s/connect/token", s->base);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS,
                   "client_id=baseline&client_secret=baseline-key&grant_type=client_credentials");
  curl_easy_setopt(c, CURLOPT_WRITEDATA, mem);
  CURLcode rc = curl_easy_perform(c);
  curl_easy_cleanup(c);
  fclose(mem);
  char *tok = NULL, *p = body ? strstr(body, "\"access_token\":\"") : NULL;
  if (rc == CURLE_OK && p) {
    p += 16;
    char *e = strchr(p, '"');
    if (e) tok = strndup(p, (size_t)(e - p));
  }
  free(body);
  return tok;
}

#endif
