/*
 * threecx-sim with a large organisation: starts the simulator with
 * --users N (default 100000) over HTTPS on loopback and reports
 *   - the start time (fork to listening, seed included),
 *   - its resident memory after start and its peak after the walk,
 *   - the time to page through every user with the library's pager
 *     (threecx_pager_*, $select=Id,Number,FirstName,LastName, pages of P),
 *   - as a ratio: that walk against the same number of requests for the
 *     first page only (what deep $skip pages cost over shallow ones).
 * No pass/fail threshold; exits 1 only if the walk does not see N users.
 *
 *   bench_sim_users [N [P]]        (default N = 100000, P = 1000)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <threecx/threecx.h>

#include "simproc.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A field of /proc/PID/status in kB, -1 if unknown. */
static long proc_kb(pid_t pid, const char *field) {
  char path[64], line[256];
  long kb = -1;
  size_t n = strlen(field);
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, field, n) == 0 && line[n] == ':') kb = strtol(line + n + 1, NULL, 10);
  fclose(f);
  return kb;
}

static threecx_request *users_request(threecx_client *c) {
  threecx_request *r = NULL;
  threecx_query *q = NULL;
  if (threecx_request_new(c, "GET", "/Users", &r) != THREECX_OK) return NULL;
  threecx_query_new(&q);
  threecx_query_set_select(q, "Id,Number,FirstName,LastName");
  threecx_request_set_query(r, q);
  threecx_query_free(q);
  return r;
}

/* Walks the pager to the end: items seen, -1 on an error. */
static int64_t walk(threecx_pager *p) {
  int64_t items = 0;
  char *page = NULL;
  int rc;
  while ((rc = threecx_pager_next_page(p, &page)) == THREECX_OK) {
    for (const char *at = page; (at = strstr(at, "\"Number\":")) != NULL; at += 9) ++items;
    threecx_free(page);
  }
  return rc == THREECX_DONE ? items : -1;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
  long page = argc > 2 ? strtol(argv[2], NULL, 10) : 1000;
  char users[32];
  if (n < 1 || n > 1000000 || page < 1) {
    fprintf(stderr, "usage: bench_sim_users [N (1..1000000) [PAGE]]\n");
    return 2;
  }
  snprintf(users, sizeof users, "%ld", n);
  const char *args[] = {"--users", users, NULL};
  sim s;
  double t0 = now_s();
  if (sim_start(&s, 0, args) != 0) {
    fprintf(stderr, "cannot start threecx-sim --users %ld (needs the test CA: ctest -R test_ca)\n", n);
    return 2;
  }
  double started = now_s() - t0;
  long rss = proc_kb(s.pid, "VmRSS");

  threecx_client *c = NULL;
  if (sim_client(&s, &c) != THREECX_OK) {
    fprintf(stderr, "client: %s\n", threecx_last_error());
    sim_stop(&s);
    return 2;
  }
  threecx_request *r = users_request(c);
  threecx_pager *p = NULL;
  int64_t total = -1, seen;
  threecx_pager_new(r, page, &p);
  double w0 = now_s();
  seen = walk(p);
  double walked = now_s() - w0;
  threecx_pager_total(p, &total);
  threecx_pager_free(p);
  long pages = (long)((seen + page - 1) / page);

  /* baseline: as many requests, each for the first page */
  double b0 = now_s();
  for (long i = 0; i < pages; ++i) {
    threecx_request *one = users_request(c);
    threecx_query *q = NULL;
    threecx_response *resp = NULL;
    threecx_query_new(&q);
    threecx_query_set_select(q, "Id,Number,FirstName,LastName");
    threecx_query_set_top(q, page);
    threecx_request_set_query(one, q);
    threecx_query_free(q);
    threecx_request_send(one, &resp);
    threecx_response_free(resp);
    threecx_request_free(one);
  }
  double base = now_s() - b0;
  long peak = proc_kb(s.pid, "VmHWM");

  printf("threecx-sim --users %ld: started in %.2f s, RSS %.1f MiB after start, peak %.1f MiB\n", n, started,
         rss / 1024.0, peak / 1024.0);
  printf("pager over /Users ($top=%ld pages): %" PRId64 " users (@odata.count %" PRId64 ") in %ld pages, %.2f s "
         "(%.0f users/s)\n",
         page, seen, total, pages, walked, walked > 0 ? seen / walked : 0.0);
  printf("the same %ld requests for the first page only: %.2f s; walk/first-page ratio %.2f\n", pages, base,
         base > 0 ? walked / base : 0.0);
  threecx_request_free(r);
  threecx_client_free(c);
  sim_stop(&s);
  return seen == n ? 0 : 1;
}
