/*
 * bench_xapi: libthreecx against minimal raw libcurl programs doing the same
 * job, on nginx serving canned XAPI-shaped JSON on loopback (issue 12).
 * Started by bench/run.sh, which makes the certificates, the page files and
 * the nginx configuration and starts nginx; see bench/README.md.
 *
 *   bench_xapi run [--quick] [--rounds N] [--json FILE] --http-port P
 *                  --https-port P [--slow-port P] --ca FILE [--lua DIR]
 *   bench_xapi gen-pages DIR N        page files of N users, 1,000 a page
 *   bench_xapi child ...              one contender in a child process
 *                                     (paging: peak RSS; callgrind runs)
 *
 * Only the public C API of libthreecx is used. Every contender is a
 * function; the table prints each one against the raw libcurl baseline of
 * the same measure as ratios over rounds run interleaved (median, min,
 * max). There is no pass/fail on speed: the exit status is non-zero only
 * when a contender fails to do its job (a request fails, items go missing).
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <threecx/operations.h>
#include <threecx/threecx.h>

extern char **environ;

/* The raw contenders send this fixed token; nginx does not check it. */
#define RAW_TOKEN "bench-fixed-token"
#define PAGE_SIZE 1000

/* ------------------------------------------------------------------------ */
/* Configuration */

typedef struct cfg {
  int quick, rounds;
  unsigned only; /* rows to run (bit r for row r); 0: all */
  int h2_port;   /* the 20 ms server over HTTPS with HTTP/2 (row 8); 0: n/a */
  int http_port, https_port, slow_port;
  char ca[1024];
  const char *json_path;
  const char *lua_dir; /* build/bindings/lua with threecx_native.so, or NULL */
  const char *src_dir; /* the source tree (bench/wrap_lua.lua) */
  const char *go_bin;  /* bench/wrap_go built by run.sh, or NULL */
  const char *cs_cmd;  /* a script running bench/wrap_cs.cs under mono, or NULL */
  const char *nginx_version;
  const char *pages_dir; /* nginx serves /xapi/v1/Users from here */
  /* sizes */
  int seq_n;          /* sequential requests per contender per round */
  double window_s;    /* measured window of the thread runs */
  int thread_counts[4];
  int bursts[2];
  int async_inflight[2];
  int async_total[2];
  int async_seq_n;
  long page_sizes[2];
  int instr_n;
  int token_calls;
} cfg;

static cfg C;

static int row_on(int row) { return !C.only || (C.only >> row & 1u); }
static int failures; /* contenders that did not do their job */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
         (double)ru.ru_stime.tv_usec / 1e6;
}

static void fail_job(const char *what, const char *detail) {
  ++failures;
  fprintf(stderr, "bench: %s failed: %s\n", what, detail ? detail : "");
}

/* ------------------------------------------------------------------------ */
/* Results: series of samples (one per round) per measure and contender. */

#define MAX_SERIES 160
#define MAX_SAMPLES 16

typedef struct series {
  char measure[64];
  char unit[24];
  char contender[64];
  int is_base;
  char target[40];
  char na[96]; /* non-empty: not measurable, this is why */
  double v[MAX_SAMPLES];
  int n;
} series;

static series S[MAX_SERIES];
static int nseries;

static series *find_series(const char *measure, const char *unit, const char *contender) {
  for (int i = 0; i < nseries; ++i)
    if (!strcmp(S[i].measure, measure) && !strcmp(S[i].unit, unit) && !strcmp(S[i].contender, contender))
      return &S[i];
  if (nseries == MAX_SERIES) {
    fprintf(stderr, "bench: too many series\n");
    exit(2);
  }
  series *s = &S[nseries++];
  memset(s, 0, sizeof *s);
  snprintf(s->measure, sizeof s->measure, "%s", measure);
  snprintf(s->unit, sizeof s->unit, "%s", unit);
  snprintf(s->contender, sizeof s->contender, "%s", contender);
  return s;
}

/* A sample of the baseline (raw libcurl) of a measure. */
static void rec_base(const char *measure, const char *unit, const char *contender, double v) {
  series *s = find_series(measure, unit, contender);
  s->is_base = 1;
  if (s->n < MAX_SAMPLES) s->v[s->n++] = v;
}

static void rec(const char *measure, const char *unit, const char *contender, const char *target, double v) {
  series *s = find_series(measure, unit, contender);
  if (target) snprintf(s->target, sizeof s->target, "%s", target);
  if (s->n < MAX_SAMPLES) s->v[s->n++] = v;
}

static void rec_na(const char *measure, const char *unit, const char *contender, const char *target,
                   const char *why) {
  series *s = find_series(measure, unit, contender);
  if (target) snprintf(s->target, sizeof s->target, "%s", target);
  snprintf(s->na, sizeof s->na, "%s", why);
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(const double *v, int n) {
  if (n == 0) return NAN;
  double t[MAX_SAMPLES];
  memcpy(t, v, sizeof(double) * (size_t)n);
  qsort(t, (size_t)n, sizeof(double), cmp_d);
  return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static const series *base_of(const series *s) {
  for (int i = 0; i < nseries; ++i)
    if (S[i].is_base && !strcmp(S[i].measure, s->measure) && !strcmp(S[i].unit, s->unit)) return &S[i];
  return NULL;
}

/* Ratios of a contender to its baseline, round by round (same round, same
 * machine conditions). Returns how many. */
static int ratios(const series *s, double *r) {
  const series *b = base_of(s);
  int n = 0;
  if (!b || s->na[0]) return 0;
  for (int i = 0; i < s->n && i < b->n; ++i)
    if (b->v[i] > 0) r[n++] = s->v[i] / b->v[i];
  return n;
}

/* ------------------------------------------------------------------------ */
/* Raw libcurl helpers */

typedef struct buf {
  char *p;
  size_t n, cap;
} buf;

static size_t buf_write(char *p, size_t s, size_t n, void *ud) {
  buf *b = ud;
  size_t k = s * n;
  if (b->n + k + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + k + 1) cap *= 2;
    char *q = realloc(b->p, cap);
    if (!q) return 0;
    b->p = q;
    b->cap = cap;
  }
  memcpy(b->p + b->n, p, k);
  b->n += k;
  b->p[b->n] = 0;
  return k;
}

static struct curl_slist *raw_headers(void) {
  struct curl_slist *h = curl_slist_append(NULL, "Authorization: Bearer " RAW_TOKEN);
  return curl_slist_append(h, "Accept: application/json");
}

static void base_url(char *out, size_t n, int https, int port) {
  snprintf(out, n, "%s://127.0.0.1:%d", https ? "https" : "http", port);
}

/* A reused easy handle for GET url, the body kept in *b (reset by caller). */
static CURL *raw_easy(const char *url, struct curl_slist *h, buf *b) {
  CURL *c = curl_easy_init();
  if (!c) return NULL;
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CAINFO, C.ca);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, buf_write);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  return c;
}

/* One GET on a reused handle: 1 when 200. */
static int raw_get(CURL *c, buf *b) {
  long st = 0;
  b->n = 0;
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
  return st == 200;
}

/* nginx stub_status "accepts": connections the server accepted so far. The
 * status handle keeps its one connection open, so reading it adds none. */
static CURL *status_h;
static buf status_b;
static long accepts(void) {
  if (!status_h) {
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/_status", C.http_port);
    status_h = curl_easy_init();
    curl_easy_setopt(status_h, CURLOPT_URL, url);
    curl_easy_setopt(status_h, CURLOPT_WRITEFUNCTION, buf_write);
    curl_easy_setopt(status_h, CURLOPT_WRITEDATA, &status_b);
  }
  status_b.n = 0;
  if (!raw_get(status_h, &status_b)) return -1;
  const char *p = strstr(status_b.p, "requests\n");
  return p ? strtol(p + 9, NULL, 10) : -1;
}

/* ------------------------------------------------------------------------ */
/* libthreecx helpers */

static threecx_client *lib_client(int https, int port) {
  char dom[96];
  threecx_client *cl = NULL;
  base_url(dom, sizeof dom, https, port);
  if (threecx_client_new(dom, "bench", "bench-key", &cl) != THREECX_OK) goto bad;
  if (!https && threecx_client_allow_http(cl, 1) != THREECX_OK) goto bad;
  if (threecx_client_set_ca_file(cl, C.ca) != THREECX_OK) goto bad;
  if (threecx_client_set_log(cl, THREECX_LOG_NONE, NULL, NULL) != THREECX_OK) goto bad;
  return cl;
bad:
  fail_job("libthreecx client", threecx_last_error());
  threecx_client_free(cl);
  return NULL;
}

/* The generic call: GET /SecurityTokens by path, body copied out. */
static int lib_generic(threecx_client *cl) {
  threecx_request *r = NULL;
  threecx_response *resp = NULL;
  char *body = NULL;
  int ok = threecx_request_new(cl, "GET", "/SecurityTokens", &r) == THREECX_OK &&
           threecx_request_send(r, &resp) == THREECX_OK && threecx_response_body(resp, &body) == THREECX_OK;
  threecx_free(body);
  threecx_response_free(resp);
  threecx_request_free(r);
  return ok;
}

/* The typed call: GetUser(1) = GET /Users(1), body copied out. */
static int lib_typed(threecx_client *cl) {
  threecx_response *resp = NULL;
  char *body = NULL;
  int ok = threecx_xapi_get_user(cl, 1, NULL, &resp) == THREECX_OK &&
           threecx_response_body(resp, &body) == THREECX_OK;
  threecx_free(body);
  threecx_response_free(resp);
  return ok;
}

/* ------------------------------------------------------------------------ */
/* 1. Sequential requests per second */

static const char *PATH_GENERIC = "/xapi/v1/SecurityTokens";
static const char *PATH_TYPED = "/xapi/v1/Users(1)";

typedef struct seq_ctx {
  CURL *raw[2][2]; /* [https][typed] */
  buf rawb;
  struct curl_slist *h;
  threecx_client *cl[2];
} seq_ctx;

static seq_ctx SQ;

static void seq_setup(void) {
  SQ.h = raw_headers();
  for (int https = 0; https < 2; ++https) {
    char url[256], b[96];
    base_url(b, sizeof b, https, https ? C.https_port : C.http_port);
    for (int typed = 0; typed < 2; ++typed) {
      snprintf(url, sizeof url, "%s%s", b, typed ? PATH_TYPED : PATH_GENERIC);
      SQ.raw[https][typed] = raw_easy(url, SQ.h, &SQ.rawb);
      if (!raw_get(SQ.raw[https][typed], &SQ.rawb)) fail_job("raw warm-up", url);
    }
    SQ.cl[https] = lib_client(https, https ? C.https_port : C.http_port);
    if (SQ.cl[https] && !(lib_generic(SQ.cl[https]) && lib_typed(SQ.cl[https])))
      fail_job("libthreecx warm-up", threecx_last_error());
  }
}

static void seq_teardown(void) {
  for (int https = 0; https < 2; ++https) {
    for (int typed = 0; typed < 2; ++typed) curl_easy_cleanup(SQ.raw[https][typed]);
    threecx_client_free(SQ.cl[https]);
  }
  curl_slist_free_all(SQ.h);
  free(SQ.rawb.p);
}

/* Each contender's requests of a round go in 10 slices alternating with the
 * other's, so that a burst of load from elsewhere hits both alike. */
#define SEQ_SLICES 10
static void seq_round(int round) {
  for (int https = 0; https < 2; ++https)
    for (int typed = 0; typed < 2; ++typed) {
      char m[64];
      snprintf(m, sizeof m, "1 sequential %s %s", https ? "HTTPS" : "HTTP", typed ? "typed" : "generic");
      threecx_client *cl = SQ.cl[https];
      if (!cl) continue;
      double t[2] = {0, 0};
      int ok[2] = {0, 0}, per = C.seq_n / SEQ_SLICES;
      for (int slice = 0; slice < 2 * SEQ_SLICES; ++slice) {
        int lib = (slice + round) % 2;
        double t0 = now_s();
        if (lib)
          for (int i = 0; i < per; ++i) ok[1] += typed ? lib_typed(cl) : lib_generic(cl);
        else
          for (int i = 0; i < per; ++i) ok[0] += raw_get(SQ.raw[https][typed], &SQ.rawb);
        t[lib] += now_s() - t0;
      }
      if (ok[0] != per * SEQ_SLICES) fail_job(m, "raw GET not 200");
      if (ok[1] != per * SEQ_SLICES) fail_job(m, threecx_last_error());
      rec_base(m, "req/s", "raw libcurl easy, reused handle", per * SEQ_SLICES / t[0]);
      rec(m, "req/s", typed ? "libthreecx typed (threecx_xapi_get_user)" : "libthreecx generic (threecx_request_new)",
          ">= 0.97", per * SEQ_SLICES / t[1]);
    }
}

/* ------------------------------------------------------------------------ */
/* 3. Threads sharing one client (vs one raw handle per thread), bursts */

/* The raw and the library thread sets of a measure run side by side, only
 * one at a time active: the window of a round is cut into slices that
 * alternate between them, so that load from elsewhere hits both alike. A
 * slice is measured after its threads have resumed (two requests each) and
 * the set is quiet before the other's slice; the inactive set waits on a
 * condition variable (no CPU). Bursts: the same
 * threads send one request each, BURSTS times per round after a pause. */
#define THR_SLICES 4
#define BURSTS 3
#define MAX_THREADS 1024

typedef struct thr_shared {
  int lib, burst, threads;
  threecx_client *cl;
  char url[256];
  struct curl_slist *h;
  pthread_t th[MAX_THREADS];
  atomic_int ready, stop, active, errors, inflight;
  atomic_int epoch, resumed; /* activations; threads done with a request since */
  atomic_long done;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  pthread_barrier_t b1, b2; /* bursts: all idle, go */
  double t_end[MAX_THREADS];
} thr_shared;

typedef struct thr_arg {
  thr_shared *sh;
  int idx;
} thr_arg;
static thr_arg thr_args[2][MAX_THREADS];

static int thr_one(thr_shared *sh, CURL *c, buf *b) { return sh->lib ? lib_generic(sh->cl) : raw_get(c, b); }

static void *thr_main(void *p) {
  thr_arg *a = p;
  thr_shared *sh = a->sh;
  buf b = {0};
  CURL *c = sh->lib ? NULL : raw_easy(sh->url, sh->h, &b);
  if (sh->burst) {
    /* warm: one request each, all at once (a burst of this size once) */
    pthread_barrier_wait(&sh->b2);
    if (!thr_one(sh, c, &b)) atomic_fetch_add(&sh->errors, 1);
    for (int k = 0; k < BURSTS; ++k) {
      pthread_barrier_wait(&sh->b1);
      pthread_barrier_wait(&sh->b2); /* main pauses between the two */
      if (!thr_one(sh, c, &b)) atomic_fetch_add(&sh->errors, 1);
      sh->t_end[a->idx] = now_s();
    }
    pthread_barrier_wait(&sh->b1);
  } else {
    for (int i = 0; i < 2; ++i)
      if (!thr_one(sh, c, &b)) atomic_fetch_add(&sh->errors, 1);
    atomic_fetch_add(&sh->ready, 1);
    int my_epoch = 0;
    for (;;) {
      if (!atomic_load(&sh->active)) {
        pthread_mutex_lock(&sh->mu);
        while (!atomic_load(&sh->active) && !atomic_load(&sh->stop)) pthread_cond_wait(&sh->cv, &sh->mu);
        pthread_mutex_unlock(&sh->mu);
      }
      if (atomic_load(&sh->stop)) break;
      /* announce the request, then check that the set is still active: once
       * main has cleared `active` and seen inflight 0, none starts */
      atomic_fetch_add(&sh->inflight, 1);
      if (!atomic_load(&sh->active)) {
        atomic_fetch_sub(&sh->inflight, 1);
        continue;
      }
      if (thr_one(sh, c, &b))
        atomic_fetch_add(&sh->done, 1);
      else
        atomic_fetch_add(&sh->errors, 1);
      int e = atomic_load(&sh->epoch);
      if (e != my_epoch) {
        my_epoch = e;
        atomic_fetch_add(&sh->resumed, 1);
      }
      atomic_fetch_sub(&sh->inflight, 1);
    }
  }
  if (c) curl_easy_cleanup(c);
  free(b.p);
  return NULL;
}

static void thr_set_active(thr_shared *sh, int on) {
  pthread_mutex_lock(&sh->mu);
  atomic_store(&sh->active, on);
  pthread_cond_broadcast(&sh->cv);
  pthread_mutex_unlock(&sh->mu);
}

/* Starts T threads of one contender; NULL on failure. */
static thr_shared *thr_start(int lib, int T, int burst) {
  thr_shared *sh = calloc(1, sizeof *sh);
  char b[96];
  base_url(b, sizeof b, 1, C.https_port);
  snprintf(sh->url, sizeof sh->url, "%s%s", b, PATH_GENERIC);
  sh->lib = lib;
  sh->burst = burst;
  sh->h = raw_headers();
  pthread_mutex_init(&sh->mu, NULL);
  pthread_cond_init(&sh->cv, NULL);
  if (burst) {
    pthread_barrier_init(&sh->b1, NULL, (unsigned)T + 1);
    pthread_barrier_init(&sh->b2, NULL, (unsigned)T + 1);
  }
  if (lib) {
    sh->cl = lib_client(1, C.https_port);
    if (!sh->cl || threecx_client_authenticate(sh->cl) != THREECX_OK) {
      fail_job("authenticate", threecx_last_error());
      threecx_client_free(sh->cl);
      curl_slist_free_all(sh->h);
      free(sh);
      return NULL;
    }
  }
  pthread_attr_t at;
  pthread_attr_init(&at);
  pthread_attr_setstacksize(&at, 256 * 1024);
  for (int i = 0; i < T; ++i) {
    thr_args[lib][i].sh = sh;
    thr_args[lib][i].idx = i;
    if (pthread_create(&sh->th[i], &at, thr_main, &thr_args[lib][i]) != 0) {
      fprintf(stderr, "bench: pthread_create failed at thread %d\n", i);
      exit(1); /* threads stuck on a barrier cannot be joined */
    }
    ++sh->threads;
  }
  pthread_attr_destroy(&at);
  return sh;
}

static void thr_finish(thr_shared *sh) {
  atomic_store(&sh->stop, 1);
  thr_set_active(sh, 0);
  for (int i = 0; i < sh->threads; ++i) pthread_join(sh->th[i], NULL);
  if (atomic_load(&sh->errors)) {
    char m[64];
    snprintf(m, sizeof m, "%d requests failed", atomic_load(&sh->errors));
    fail_job(sh->lib ? "libthreecx threads" : "raw threads", sh->lib ? threecx_last_error() : m);
  }
  if (sh->burst) {
    pthread_barrier_destroy(&sh->b1);
    pthread_barrier_destroy(&sh->b2);
  }
  pthread_mutex_destroy(&sh->mu);
  pthread_cond_destroy(&sh->cv);
  threecx_client_free(sh->cl);
  curl_slist_free_all(sh->h);
  free(sh);
}

/* The time to the last answer of a burst that began at t0 (ms), and the
 * connections accepted since a0, added to *ms and *conns. */
static void burst_done(thr_shared *sh, int T, double t0, long a0, double *ms, long *conns) {
  double end = t0;
  for (int i = 0; i < T; ++i)
    if (sh->t_end[i] > end) end = sh->t_end[i];
  *ms += (end - t0) * 1000;
  *conns += accepts() - a0;
}

/* Bursts of one contender: mean ms per burst, *reconnects per burst. The
 * barriers match thr_main: b1 (idle), b2 (go) per burst, then b1. */
static double burst_run(int lib, int T, double *reconnects) {
  thr_shared *sh = thr_start(lib, T, 1);
  if (!sh) return NAN;
  double ms = 0, t0 = 0;
  long conns = 0, a0 = 0;
  pthread_barrier_wait(&sh->b2); /* the warm-up burst */
  for (int k = 0; k < BURSTS; ++k) {
    pthread_barrier_wait(&sh->b1); /* the warm-up or the previous burst is done */
    if (k) burst_done(sh, T, t0, a0, &ms, &conns);
    usleep(100000); /* a pause: the server keeps the connections open */
    a0 = accepts();
    t0 = now_s();
    pthread_barrier_wait(&sh->b2);
  }
  pthread_barrier_wait(&sh->b1);
  burst_done(sh, T, t0, a0, &ms, &conns);
  thr_finish(sh);
  *reconnects = (double)conns / BURSTS;
  return ms / BURSTS;
}

/* One thread-count measure of a round: both sets started, then slices. */
static void threads_measure(const char *m, int T, int round) {
  thr_shared *set[2] = {thr_start(0, T, 0), thr_start(1, T, 0)};
  if (!set[0] || !set[1]) {
    for (int i = 0; i < 2; ++i)
      if (set[i]) thr_finish(set[i]);
    return;
  }
  for (int i = 0; i < 2; ++i)
    while (atomic_load(&set[i]->ready) < T && !atomic_load(&set[i]->errors)) usleep(2000);
  double dt[2] = {0, 0}, cpu[2] = {0, 0};
  long done[2] = {0, 0}, conns[2] = {0, 0};
  for (int s = 0; s < 2 * THR_SLICES; ++s) {
    int w = (s + round) % 2;
    /* resume, and let every thread finish a request and all of them two on
     * average first: the window measures the steady state (a resumption
     * after a pause is what the bursts measure) */
    long da = atomic_load(&set[w]->done);
    double ta = now_s();
    atomic_store(&set[w]->resumed, 0);
    atomic_fetch_add(&set[w]->epoch, 1);
    thr_set_active(set[w], 1);
    while ((atomic_load(&set[w]->resumed) < T || atomic_load(&set[w]->done) - da < 2L * T) && now_s() - ta < 5)
      usleep(1000);
    long a0 = accepts(), d0 = atomic_load(&set[w]->done);
    double c0 = cpu_s(), t0 = now_s();
    usleep((useconds_t)(C.window_s / THR_SLICES * 1e6));
    long d1 = atomic_load(&set[w]->done);
    double t1 = now_s(), c1 = cpu_s();
    long a1 = accepts();
    thr_set_active(set[w], 0);
    while (atomic_load(&set[w]->inflight) > 0) usleep(100); /* quiet before the other's slice */
    dt[w] += t1 - t0;
    cpu[w] += c1 - c0;
    done[w] += d1 - d0;
    conns[w] += a1 - a0;
  }
  thr_finish(set[0]);
  thr_finish(set[1]);
  const char *raw = "raw libcurl, one handle per thread", *lib = "libthreecx, one shared client";
  rec_base(m, "req/s", raw, done[0] / dt[0]);
  rec(m, "req/s", lib, ">= 0.95", done[1] / dt[1]);
  rec_base(m, "reconnects/window", raw, (double)conns[0]);
  rec(m, "reconnects/window", lib, "0", (double)conns[1]);
  rec_base(m, "CPU us/req", raw, done[0] ? cpu[0] * 1e6 / done[0] : NAN);
  rec(m, "CPU us/req", lib, NULL, done[1] ? cpu[1] * 1e6 / done[1] : NAN);
}

static void threads_round(int round) {
  char m[64];
  for (int ti = 0; ti < 4; ++ti) {
    snprintf(m, sizeof m, "3 threads %d HTTPS", C.thread_counts[ti]);
    threads_measure(m, C.thread_counts[ti], round);
  }
  for (int bi = 0; bi < 2; ++bi) {
    int T = C.bursts[bi];
    snprintf(m, sizeof m, "3 burst of %d after a pause HTTPS", T);
    for (int k = 0; k < 2; ++k) {
      int lib = (k + round) % 2;
      double rc = 0, ms = burst_run(lib, T, &rc);
      if (isnan(ms)) continue;
      if (lib) {
        rec(m, "ms (lower=better)", "libthreecx, one shared client", "<= 1.05", ms);
        rec(m, "reconnects", "libthreecx, one shared client", "0", rc);
      } else {
        rec_base(m, "ms (lower=better)", "raw libcurl, one warm handle per thread", ms);
        rec_base(m, "reconnects", "raw libcurl, one warm handle per thread", rc);
      }
    }
  }
}

/* ------------------------------------------------------------------------ */
/* 4. Many requests in flight against a server answering after 20 ms */

/* raw curl_multi: `inflight` transfers at a time until `total` are done. */
/* Raw curl_multi keeping `inflight` transfers going on the 20 ms server;
 * h2: over HTTPS on the HTTP/2 port, multiplexed (PIPEWAIT: the transfers
 * wait for the first connection's ALPN instead of opening their own). */
static double multi_run_on(int inflight, int total, int h2, double *cpu_us) {
  char url[256], b[96];
  base_url(b, sizeof b, h2, h2 ? C.h2_port : C.slow_port);
  snprintf(url, sizeof url, "%s%s", b, PATH_GENERIC);
  struct curl_slist *h = raw_headers();
  CURLM *m = curl_multi_init();
  if (h2) curl_multi_setopt(m, CURLMOPT_MAX_CONCURRENT_STREAMS, (long)inflight);
  CURL **e = calloc((size_t)inflight, sizeof *e);
  buf *bufs = calloc((size_t)inflight, sizeof *bufs);
  for (int i = 0; i < inflight; ++i) {
    e[i] = raw_easy(url, h, &bufs[i]);
    curl_easy_setopt(e[i], CURLOPT_PRIVATE, (void *)(intptr_t)i);
    if (h2) {
      curl_easy_setopt(e[i], CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
      curl_easy_setopt(e[i], CURLOPT_PIPEWAIT, 1L);
    }
  }
  double result = NAN, c0 = 0, t0 = 0;
  int errors = 0;
  /* pass 0 warms the connections (inflight requests), pass 1 is measured */
  for (int pass = 0; pass < 2; ++pass) {
    int want = pass ? total : inflight, added = 0, finished = 0, running = 0;
    if (pass) {
      c0 = cpu_s();
      t0 = now_s();
    }
    for (int i = 0; i < inflight && added < want; ++i, ++added) {
      bufs[i].n = 0;
      curl_multi_add_handle(m, e[i]);
    }
    while (finished < want) {
      curl_multi_perform(m, &running);
      CURLMsg *msg;
      int left;
      while ((msg = curl_multi_info_read(m, &left))) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL *x = msg->easy_handle;
        long st = 0;
        curl_easy_getinfo(x, CURLINFO_RESPONSE_CODE, &st);
        if (msg->data.result != CURLE_OK || st != 200) ++errors;
        ++finished;
        curl_multi_remove_handle(m, x);
        if (added < want) {
          void *pv;
          curl_easy_getinfo(x, CURLINFO_PRIVATE, &pv);
          bufs[(intptr_t)pv].n = 0;
          curl_multi_add_handle(m, x);
          ++added;
        }
      }
      if (finished < want) curl_multi_poll(m, NULL, 0, 100, NULL);
    }
  }
  result = total / (now_s() - t0);
  *cpu_us = (cpu_s() - c0) * 1e6 / total;
  if (errors) fail_job("raw curl_multi", "requests failed");
  for (int i = 0; i < inflight; ++i) {
    curl_easy_cleanup(e[i]);
    free(bufs[i].p);
  }
  curl_multi_cleanup(m);
  curl_slist_free_all(h);
  free(e);
  free(bufs);
  return result;
}

static double multi_run(int inflight, int total, double *cpu_us) { return multi_run_on(inflight, total, 0, cpu_us); }

/* libthreecx today: `inflight` threads blocked in the synchronous call on
 * one shared client, until `total` are done. */
typedef struct lt_shared {
  threecx_client *cl;
  atomic_long left;
  atomic_int errors;
} lt_shared;

static void *lt_main(void *p) {
  lt_shared *sh = p;
  while (atomic_fetch_sub(&sh->left, 1) > 0)
    if (!lib_generic(sh->cl)) atomic_fetch_add(&sh->errors, 1);
  return NULL;
}

static double lib_threads_total(threecx_client *cl, int inflight, long total, double *cpu_us) {
  lt_shared sh = {.cl = cl};
  pthread_t *th = calloc((size_t)inflight, sizeof *th);
  pthread_attr_t at;
  pthread_attr_init(&at);
  pthread_attr_setstacksize(&at, 256 * 1024);
  double result = NAN;
  for (int pass = 0; pass < 2; ++pass) { /* pass 0 warms */
    atomic_store(&sh.left, pass ? total : inflight);
    double c0 = cpu_s(), t0 = now_s();
    int started = 0;
    for (int i = 0; i < inflight; ++i, ++started)
      if (pthread_create(&th[i], &at, lt_main, &sh) != 0) break;
    for (int i = 0; i < started; ++i) pthread_join(th[i], NULL);
    if (started != inflight) fail_job("libthreecx threads", "pthread_create");
    if (pass) {
      result = total / (now_s() - t0);
      *cpu_us = (cpu_s() - c0) * 1e6 / (double)total;
    }
  }
  pthread_attr_destroy(&at);
  if (atomic_load(&sh.errors)) fail_job("libthreecx threads (20 ms server)", threecx_last_error());
  free(th);
  return result;
}

/* The asynchronous API: `total` GETs of /SecurityTokens through one
 * threecx_async with at most `inflight` in flight, driven by this thread
 * (threecx_async_wait). Pass 0 warms the connections (`inflight` requests),
 * pass 1 is measured, as multi_run does. Returns requests per second and
 * *cpu_us per request; fail_job() on any request that is not 200. */
typedef struct {
  int ok, bad;
} async_tally;

static void async_done(void *ud, threecx_completion *c) {
  async_tally *t = ud;
  int32_t code = -1;
  threecx_completion_code(c, &code);
  if (code == THREECX_OK) ++t->ok;
  else ++t->bad;
}

static double lib_async_run(threecx_client *cl, int inflight, int total, double *cpu_us) {
  threecx_async *a = NULL;
  threecx_request *r = NULL;
  *cpu_us = NAN;
  if (threecx_async_new(cl, &a) != THREECX_OK || threecx_async_set_max_concurrent(a, inflight) != THREECX_OK ||
      threecx_request_new(cl, "GET", "/SecurityTokens", &r) != THREECX_OK) {
    fail_job("libthreecx async API", threecx_last_error());
    threecx_async_free(a);
    return NAN;
  }
  double result = NAN, c0 = 0, t0 = 0;
  async_tally t = {0, 0};
  for (int pass = 0; pass < 2; ++pass) {
    int want = pass ? total : inflight;
    if (pass) {
      c0 = cpu_s();
      t0 = now_s();
    }
    for (int i = 0; i < want; ++i)
      if (threecx_async_submit(a, r, async_done, &t, NULL) != THREECX_OK) ++t.bad;
    int32_t pending = 1;
    while (pending > 0)
      if (threecx_async_wait(a, 1000, &pending) != THREECX_OK) break;
  }
  result = total / (now_s() - t0);
  *cpu_us = (cpu_s() - c0) * 1e6 / total;
  if (t.bad || t.ok != total + inflight) fail_job("libthreecx async API", "requests failed");
  threecx_request_free(r);
  threecx_async_free(a);
  return result;
}

static threecx_client *slow_cl;

static void async_round(int round) {
  if (!C.slow_port) return;
  if (!slow_cl) {
    slow_cl = lib_client(0, C.slow_port);
    if (!slow_cl) return;
  }
  for (int ai = 0; ai < 2; ++ai) {
    int inflight = C.async_inflight[ai], total = C.async_total[ai];
    char m[64];
    if (!inflight) {
      rec_na("4 1000 in flight, 20 ms server, HTTP", "req/s", "raw curl_multi / libthreecx", NULL,
             "n/a (open-file limit below 1,256)");
      continue;
    }
    snprintf(m, sizeof m, "4 %d in flight, 20 ms server, HTTP", inflight);
    for (int k = 0; k < 3; ++k) {
      int which = (k + round) % 3;
      double cpu = NAN;
      if (which == 0) {
        double r = multi_run(inflight, total, &cpu);
        rec_base(m, "req/s", "raw curl_multi, one thread", r);
        rec_base(m, "CPU us/req", "raw curl_multi, one thread", cpu);
      } else if (which == 1) {
        double r = lib_async_run(slow_cl, inflight, total, &cpu);
        rec(m, "req/s", "libthreecx async API", ">= 0.95", r);
        rec(m, "CPU us/req", "libthreecx async API", NULL, cpu);
      } else {
        double r = lib_threads_total(slow_cl, inflight, total, &cpu);
        char who[64];
        snprintf(who, sizeof who, "libthreecx sync, %d threads", inflight);
        rec(m, "req/s", who, NULL, r);
        rec(m, "CPU us/req", who, NULL, cpu);
      }
    }
    /* the synchronous call, one at a time (the ">= 10x sequential" target) */
    double t0 = now_s();
    int ok = 0;
    for (int i = 0; i < C.async_seq_n; ++i) ok += lib_generic(slow_cl);
    if (ok != C.async_seq_n) fail_job("libthreecx sequential (20 ms server)", threecx_last_error());
    rec(m, "req/s", "libthreecx sequential, 1 thread", NULL, C.async_seq_n / (now_s() - t0));
  }
}

/* 8. HTTP/2: the 20 ms server over HTTPS with HTTP/2, 200 in flight. Raw
 * curl_multi multiplexing vs the library's asynchronous API at its default
 * HTTP version (THREECX_HTTP_2) and, for reference, at THREECX_HTTP_1_1:
 * requests per second and the connections nginx accepted for each run. */
static threecx_client *h2_cl, *h1_cl;

static void h2_round(int round) {
  const char *m = "8 HTTP/2, 200 in flight, 20 ms server, HTTPS";
  if (!C.h2_port) return;
  if (!h2_cl) h2_cl = lib_client(1, C.h2_port);
  if (!h1_cl) {
    h1_cl = lib_client(1, C.h2_port);
    if (h1_cl && threecx_client_set_http_version(h1_cl, THREECX_HTTP_1_1) != THREECX_OK) {
      fail_job("libthreecx HTTP/1.1 client", threecx_last_error());
      threecx_client_free(h1_cl);
      h1_cl = NULL;
    }
  }
  int inflight = C.async_inflight[0], total = C.async_total[0];
  for (int k = 0; k < 3; ++k) {
    int which = (k + round) % 3;
    double cpu = NAN, r = NAN;
    long a0 = accepts();
    if (which == 0) r = multi_run_on(inflight, total, 1, &cpu);
    else if (which == 1 && h2_cl) r = lib_async_run(h2_cl, inflight, total, &cpu);
    else if (which == 2 && h1_cl) r = lib_async_run(h1_cl, inflight, total, &cpu);
    double conns = (double)(accepts() - a0);
    if (which == 0) {
      rec_base(m, "req/s", "raw curl_multi, HTTP/2 multiplexed", r);
      rec_base(m, "connections", "raw curl_multi, HTTP/2 multiplexed", conns);
    } else {
      const char *who = which == 1 ? "libthreecx async API, HTTP/2 (default)" : "libthreecx async API, HTTP/1.1";
      rec(m, "req/s", who, which == 1 ? ">= 0.95" : NULL, r);
      rec(m, "connections", who, NULL, conns);
      /* the default must multiplex: a few connections at most (a new client
       * opens one for its token and the transfers share one), never one
       * per transfer */
      if (which == 1 && conns > 4) fail_job(who, "HTTP/2 transfers were not multiplexed");
    }
  }
}

/* ------------------------------------------------------------------------ */
/* 5. Paging, in a child process each (peak RSS) */

/* Peak RSS of this process (VmHWM, of this program's image only: the
 * rusage of a spawned child also counts its parent's pages before exec). */
static long vm_hwm_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  while (f && fgets(line, sizeof line, f))
    if (!strncmp(line, "VmHWM:", 6)) kib = strtol(line + 6, NULL, 10);
  if (f) fclose(f);
  return kib;
}

/* Child: walks the collection of n users; prints "items seconds". */
static int child_page(const char *who, int https, int port, long n) {
  char b[96], url[512];
  base_url(b, sizeof b, https, port);
  long items = 0;
  double t0 = now_s();
  if (!strcmp(who, "raw")) {
    buf bb = {0};
    struct curl_slist *h = raw_headers();
    CURL *c = raw_easy(b, h, &bb);
    long skip = 0, count = -1;
    for (;;) {
      snprintf(url, sizeof url, "%s/xapi/v1/Users?$count=true&$top=%d&$skip=%ld&n=%ld", b, PAGE_SIZE, skip, n);
      curl_easy_setopt(c, CURLOPT_URL, url);
      if (!raw_get(c, &bb)) return 1;
      cJSON *doc = cJSON_ParseWithLength(bb.p, bb.n);
      if (!doc) return 1;
      cJSON *cnt = cJSON_GetObjectItemCaseSensitive(doc, "@odata.count");
      if (cJSON_IsNumber(cnt)) count = (long)cnt->valuedouble;
      cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, "value"), *it;
      long got = 0;
      cJSON_ArrayForEach(it, v) {
        if (cJSON_IsObject(it)) ++got;
      }
      cJSON_Delete(doc);
      items += got;
      skip += got;
      if (got == 0 || (count >= 0 && skip >= count) || (count < 0 && got < PAGE_SIZE)) break;
    }
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    free(bb.p);
  } else {
    threecx_client *cl = lib_client(https, port);
    threecx_request *r = NULL;
    threecx_query *q = NULL;
    threecx_pager *pg = NULL;
    char nv[32];
    snprintf(nv, sizeof nv, "%ld", n);
    if (!cl || threecx_query_new(&q) || threecx_query_add_param(q, "n", nv) ||
        threecx_request_new(cl, "GET", "/Users", &r) || threecx_request_set_query(r, q) ||
        threecx_pager_new(r, PAGE_SIZE, &pg)) {
      fprintf(stderr, "bench: pager: %s\n", threecx_last_error());
      return 1;
    }
    char *s = NULL;
    int rc;
    if (!strcmp(who, "item")) {
      while ((rc = threecx_pager_next_item(pg, &s)) == THREECX_OK) {
        ++items;
        threecx_free(s);
      }
    } else {
      long pages = 0;
      while ((rc = threecx_pager_next_page(pg, &s)) == THREECX_OK) {
        ++pages;
        threecx_free(s);
      }
      int64_t total = -1;
      if (threecx_pager_total(pg, &total) == THREECX_OK && pages == (total + PAGE_SIZE - 1) / PAGE_SIZE)
        items = (long)total; /* the pages are the job here; items as counted by the server */
    }
    if (rc != THREECX_DONE) {
      fprintf(stderr, "bench: pager: %s\n", threecx_last_error());
      return 1;
    }
    threecx_pager_free(pg);
    threecx_request_free(r);
    threecx_query_free(q);
    threecx_client_free(cl);
  }
  printf("%ld %.6f %ld\n", items, now_s() - t0, vm_hwm_kib());
  return items == n ? 0 : 1;
}

/* Runs this program with argv in a child; its stdout into out (<= n bytes),
 * its peak RSS in KiB into *maxrss. Returns the exit status (or -1). */
static int spawn_self(char *const argv[], char *out, size_t n, long *maxrss) {
  int fd[2];
  if (pipe(fd)) return -1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
  posix_spawn_file_actions_addclose(&fa, fd[0]);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fd[1]);
  if (rc) {
    close(fd[0]);
    return -1;
  }
  size_t got = 0;
  ssize_t k;
  while ((k = read(fd[0], out + got, n - 1 - got)) > 0 && got + 1 < n) got += (size_t)k;
  out[got] = 0;
  close(fd[0]);
  int st;
  struct rusage ru;
  if (wait4(pid, &st, 0, &ru) < 0) return -1;
  if (maxrss) *maxrss = ru.ru_maxrss;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char self_path[1024];

static void paging_round(int round) {
  static const char *who[3] = {"raw", "item", "page"};
  static const char *name[3] = {"raw libcurl + cJSON full parse per page", "libthreecx pager, next_item",
                                "libthreecx pager, next_page"};
  for (int si = 0; si < 2; ++si) {
    long n = C.page_sizes[si];
    char m[64], ns[32], port[16];
    snprintf(m, sizeof m, "5 paging %ld items HTTP", n);
    snprintf(ns, sizeof ns, "%ld", n);
    snprintf(port, sizeof port, "%d", C.http_port);
    for (int k = 0; k < 3; ++k) {
      int w = (k + round) % 3;
      char out[256];
      long rss = 0, items = 0;
      double secs = 0;
      char *argv[] = {self_path, "child", "page", (char *)who[w], "0", port, ns, NULL};
      int rc = spawn_self(argv, out, sizeof out, NULL);
      if (rc != 0 || sscanf(out, "%ld %lf %ld", &items, &secs, &rss) != 3 || items != n) {
        fail_job(m, name[w]);
        continue;
      }
      if (w == 0) {
        rec_base(m, "items/s", name[w], items / secs);
        rec_base(m, "peak RSS KiB", name[w], (double)rss);
      } else {
        rec(m, "items/s", name[w], w == 1 ? ">= 2" : NULL, items / secs);
        rec(m, "peak RSS KiB", name[w], NULL, (double)rss);
      }
    }
  }
}

/* ------------------------------------------------------------------------ */
/* 2. Client-side instructions per request (callgrind: runs of N and 2N) */

static int child_instr(const char *who, int https, int port, int n) {
  char b[96], url[256];
  base_url(b, sizeof b, https, port);
  int ok = 0, warm = 10;
  if (!strncmp(who, "raw", 3)) {
    buf bb = {0};
    struct curl_slist *h = raw_headers();
    snprintf(url, sizeof url, "%s%s", b, strcmp(who, "raw-typed") ? PATH_GENERIC : PATH_TYPED);
    CURL *c = raw_easy(url, h, &bb);
    for (int i = 0; i < warm + n; ++i) ok += raw_get(c, &bb);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    free(bb.p);
  } else {
    int typed = !strcmp(who, "typed");
    threecx_client *cl = lib_client(https, port);
    if (!cl) return 1;
    for (int i = 0; i < warm + n; ++i) ok += typed ? lib_typed(cl) : lib_generic(cl);
    threecx_client_free(cl);
  }
  return ok == warm + n ? 0 : 1;
}

static double callgrind_ir(const char *who, int https, int n) {
  char file[256], ns[16], port[16], hs[4], vg_out[300];
  snprintf(file, sizeof file, "%s/cg.%s.%d.%d.%d", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", who, https, n,
           (int)getpid());
  snprintf(vg_out, sizeof vg_out, "--callgrind-out-file=%s", file);
  snprintf(ns, sizeof ns, "%d", n);
  snprintf(port, sizeof port, "%d", https ? C.https_port : C.http_port);
  snprintf(hs, sizeof hs, "%d", https);
  char *argv[] = {"valgrind", "--tool=callgrind", "-q", vg_out, self_path, "child", "instr", (char *)who,
                  hs, port, ns, NULL};
  char out[256];
  int rc = spawn_self(argv, out, sizeof out, NULL);
  double ir = NAN;
  FILE *f = fopen(file, "r");
  if (f) {
    char line[512];
    while (fgets(line, sizeof line, f))
      if (!strncmp(line, "totals:", 7) || !strncmp(line, "summary:", 8)) ir = strtod(strchr(line, ':') + 1, NULL);
    fclose(f);
  }
  unlink(file);
  if (rc != 0 || isnan(ir)) {
    fail_job("callgrind", who);
    return NAN;
  }
  return ir;
}

static void instr_all(void) {
  if (system("valgrind --version >/dev/null 2>&1") != 0) {
    rec_na("2 instructions/request HTTP generic", "instr/req", "libthreecx generic", "<= 1.10", "n/a (no valgrind)");
    return;
  }
  static const char *who[4] = {"raw-generic", "generic", "raw-typed", "typed"};
  static const char *name[4] = {"raw libcurl easy, reused handle", "libthreecx generic (threecx_request_new)",
                                "raw libcurl easy, reused handle", "libthreecx typed (threecx_xapi_get_user)"};
  int n = C.instr_n;
  for (int https = 0; https < (C.quick ? 1 : 2); ++https)
    for (int w = 0; w < 4; ++w) {
      char m[64];
      snprintf(m, sizeof m, "2 instructions/request %s %s", https ? "HTTPS" : "HTTP", w < 2 ? "generic" : "typed");
      double a = callgrind_ir(who[w], https, n), b = callgrind_ir(who[w], https, 2 * n);
      double per = (b - a) / n;
      if (isnan(per)) continue;
      if (w % 2 == 0)
        rec_base(m, "instr/req", name[w], per);
      else
        rec(m, "instr/req", name[w], "<= 1.10", per);
    }
}

/* ------------------------------------------------------------------------ */
/* 6. Token requests for many calls across 16 threads */

static void tokens_once(void) {
  char m[64];
  snprintf(m, sizeof m, "6 tokens for %d calls, 16 threads HTTPS", C.token_calls);
  lt_shared sh = {.cl = lib_client(1, C.https_port)};
  if (!sh.cl) return;
  atomic_store(&sh.left, C.token_calls);
  pthread_t th[16];
  for (int i = 0; i < 16; ++i) pthread_create(&th[i], NULL, lt_main, &sh);
  for (int i = 0; i < 16; ++i) pthread_join(th[i], NULL);
  int64_t tokens = -1;
  threecx_client_token_requests(sh.cl, &tokens);
  if (atomic_load(&sh.errors)) fail_job(m, threecx_last_error());
  rec(m, "token requests", "libthreecx, one shared client", "1", (double)tokens);
  threecx_client_free(sh.cl);

  /* the same number of calls through the asynchronous API, 16 in flight */
  threecx_client *cl = lib_client(1, C.https_port);
  if (!cl) return;
  double cpu = NAN;
  lib_async_run(cl, 16, C.token_calls, &cpu);
  tokens = -1;
  threecx_client_token_requests(cl, &tokens);
  rec(m, "token requests", "libthreecx async API, 16 in flight", "1", (double)tokens);
  threecx_client_free(cl);
}

/* ------------------------------------------------------------------------ */
/* 7. Wrapper cost: the same call from Lua (SWIG binding) vs C, CPU per call */

/* CPU per call of the generic GET from C, in this process. */
static double wrapper_c(int n) {
  threecx_client *cl = lib_client(0, C.http_port);
  if (!cl) return NAN;
  int ok = 0;
  for (int i = 0; i < 20; ++i) ok += lib_generic(cl); /* warm-up, as the wrappers' programs */
  ok -= 20;
  double c0 = cpu_s();
  for (int i = 0; i < n; ++i) ok += lib_generic(cl);
  double us = (cpu_s() - c0) * 1e6 / n;
  threecx_client_free(cl);
  if (ok != n) fail_job("wrapper cost, C", threecx_last_error());
  return us;
}

/* A wrapper's program (bench/wrap_lua.lua, bench/wrap_go) prints its own
 * CPU per call. */
static double wrapper_cmd(const char *what, const char *cmd) {
  char out[256] = "";
  FILE *p = popen(cmd, "r");
  if (p) {
    if (!fgets(out, sizeof out, p)) out[0] = 0;
    if (pclose(p) != 0) out[0] = 0;
  }
  double us;
  if (sscanf(out, "%lf", &us) == 1) return us;
  fail_job(what, cmd);
  return NAN;
}

static double wrapper_lua(int n) {
  char cmd[4096];
  snprintf(cmd, sizeof cmd,
           "LUA_CPATH='%s/?.so;;' LUA_PATH='%s/bindings/lua/?.lua;;' lua5.4 '%s/bench/wrap_lua.lua' "
           "http://127.0.0.1:%d %d",
           C.lua_dir, C.src_dir, C.src_dir, C.http_port, n);
  return wrapper_cmd("wrapper cost, Lua", cmd);
}

/* Go and C#: a program run as `PROG URL N`. */
static double wrapper_prog(const char *what, const char *prog, int n) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "'%s' http://127.0.0.1:%d %d", prog, C.http_port, n);
  return wrapper_cmd(what, cmd);
}

static void wrappers_round(int round) {
  const char *m = "7 wrapper cost HTTP generic GET";
  int n = C.quick ? 200 : 2000;
  /* C, Lua, Go, C# in an order that rotates with the round */
  for (int k = 0; k < 4; ++k) {
    int w = (k + round) % 4;
    double us;
    if (w == 0) {
      if (!isnan(us = wrapper_c(n))) rec_base(m, "CPU us/call", "C, libthreecx generic", us);
    } else if (w == 1) {
      if (!C.lua_dir || !C.src_dir)
        rec_na(m, "CPU us/call", "Lua binding", NULL, "n/a (bindings not built: THREECX_BUILD_BINDINGS=OFF)");
      else if (!isnan(us = wrapper_lua(n)))
        rec(m, "CPU us/call", "Lua binding (threecx.lua)", NULL, us);
    } else if (w == 2) {
      if (!C.go_bin)
        rec_na(m, "CPU us/call", "Go binding", NULL, "n/a (no go, or bench/wrap_go did not build)");
      else if (!isnan(us = wrapper_prog("wrapper cost, Go", C.go_bin, n)))
        rec(m, "CPU us/call", "Go binding (Client.Get)", NULL, us);
    } else {
      if (!C.cs_cmd)
        rec_na(m, "CPU us/call", "C# binding", NULL, "n/a (no mcs/mono or C# binding not built)");
      else if (!isnan(us = wrapper_prog("wrapper cost, C#", C.cs_cmd, n)))
        rec(m, "CPU us/call", "C# binding (ThreecxClient.Get, mono)", NULL, us);
    }
  }
}

/* ------------------------------------------------------------------------ */
/* Output */

static void machine(char *model, size_t n) {
  snprintf(model, n, "unknown");
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (!f) return;
  char line[512];
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, "model name", 10)) {
      char *p = strchr(line, ':');
      if (p) {
        p += 2;
        p[strcspn(p, "\n")] = 0;
        snprintf(model, n, "%s", p);
      }
      break;
    }
  fclose(f);
}

static void fmt_val(char *o, size_t n, double v) {
  if (isnan(v))
    snprintf(o, n, "-");
  else if (fabs(v) >= 100)
    snprintf(o, n, "%.0f", v);
  else
    snprintf(o, n, "%.2f", v);
}

static void json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; ++s) {
    if (*s == '"' || *s == '\\') fputc('\\', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

static double load_start;

static void report(const char *date, double secs) {
  char model[256];
  machine(model, sizeof model);
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  double load[3] = {0};
  getloadavg(load, 3);
  curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
  printf("\nlibthreecx %s vs raw libcurl %s (%s), nginx %s on loopback\n", threecx_version(), cv->version,
         cv->ssl_version ? cv->ssl_version : "no TLS", C.nginx_version ? C.nginx_version : "?");
  printf("machine: %ld CPUs, %s; load average %.2f at the start, %.2f at the end; %s UTC; %s mode, %d round(s), "
         "%.0f s\n", ncpu, model, load_start, load[0], date, C.quick ? "quick" : "full", C.rounds, secs);
  printf("ratio = contender / baseline, round by round: median (min-max)\n\n");
  printf("%-42s %-18s %10s %10s  %-24s %s\n", "contender", "unit", "baseline", "contender",
         "ratio med (min-max)", "target");
  for (char d = '1'; d <= '9'; ++d) {
    char last[64] = "";
    for (int i = 0; i < nseries; ++i) {
      const series *s = &S[i];
      if (s->is_base || s->measure[0] != d) continue;
      const series *b = base_of(s);
      if (strcmp(last, s->measure)) {
        printf("%s%s%s\n", s->measure, b ? " -- baseline: " : "", b ? b->contender : "");
        snprintf(last, sizeof last, "%s", s->measure);
      }
      char bv[24], cv2[24], rt[48];
      fmt_val(bv, sizeof bv, b ? median(b->v, b->n) : NAN);
      if (s->na[0]) {
        snprintf(cv2, sizeof cv2, "n/a");
        snprintf(rt, sizeof rt, "-");
      } else {
        fmt_val(cv2, sizeof cv2, median(s->v, s->n));
        double r[MAX_SAMPLES];
        int k = ratios(s, r);
        if (k) {
          qsort(r, (size_t)k, sizeof(double), cmp_d);
          snprintf(rt, sizeof rt, "%.3f (%.3f-%.3f)", median(r, k), r[0], r[k - 1]);
        } else {
          snprintf(rt, sizeof rt, "-");
        }
      }
      printf("  %-40s %-18s %10s %10s  %-24s %s%s%s\n", s->contender, s->unit, bv, cv2, rt, s->target,
             s->na[0] ? (s->target[0] ? "; " : "") : "", s->na);
    }
  }
  if (!C.json_path) return;
  FILE *f = fopen(C.json_path, "w");
  if (!f) {
    fprintf(stderr, "bench: cannot write %s: %s\n", C.json_path, strerror(errno));
    ++failures;
    return;
  }
  fprintf(f, "{\n  \"date\": ");
  json_str(f, date);
  fprintf(f, ",\n  \"mode\": \"%s\",\n  \"rounds\": %d,\n  \"seconds\": %.1f,\n", C.quick ? "quick" : "full",
          C.rounds, secs);
  fprintf(f, "  \"machine\": {\"nproc\": %ld, \"model\": ", ncpu);
  json_str(f, model);
  fprintf(f, ", \"loadavg_start\": %.2f, \"loadavg_end\": %.2f},\n  \"versions\": {\"libthreecx\": ", load_start,
          load[0]);
  json_str(f, threecx_version());
  fprintf(f, ", \"libcurl\": ");
  json_str(f, cv->version);
  fprintf(f, ", \"tls\": ");
  json_str(f, cv->ssl_version ? cv->ssl_version : "");
  fprintf(f, ", \"nginx\": ");
  json_str(f, C.nginx_version ? C.nginx_version : "");
  fprintf(f, "},\n  \"failures\": %d,\n  \"series\": [\n", failures);
  for (int i = 0; i < nseries; ++i) {
    const series *s = &S[i];
    fprintf(f, "    {\"measure\": ");
    json_str(f, s->measure);
    fprintf(f, ", \"unit\": ");
    json_str(f, s->unit);
    fprintf(f, ", \"contender\": ");
    json_str(f, s->contender);
    fprintf(f, ", \"baseline\": %s, \"target\": ", s->is_base ? "true" : "false");
    json_str(f, s->target);
    if (s->na[0]) {
      fprintf(f, ", \"na\": ");
      json_str(f, s->na);
    }
    fprintf(f, ", \"samples\": [");
    for (int k = 0; k < s->n; ++k) fprintf(f, "%s%.6g", k ? ", " : "", isnan(s->v[k]) ? -1.0 : s->v[k]);
    fprintf(f, "]");
    if (!s->is_base && !s->na[0] && s->n) {
      double r[MAX_SAMPLES];
      int k = ratios(s, r);
      if (k) {
        qsort(r, (size_t)k, sizeof(double), cmp_d);
        fprintf(f, ", \"ratio\": {\"median\": %.6g, \"min\": %.6g, \"max\": %.6g}", median(r, k), r[0], r[k - 1]);
      }
      fprintf(f, ", \"median\": %.6g", median(s->v, s->n));
    } else if (s->n) {
      fprintf(f, ", \"median\": %.6g", median(s->v, s->n));
    }
    fprintf(f, "}%s\n", i + 1 < nseries ? "," : "");
  }
  fprintf(f, "  ]\n}\n");
  fclose(f);
  printf("JSON: %s\n", C.json_path);
}

/* ------------------------------------------------------------------------ */
/* Page files */

static int gen_pages(const char *dir, long n) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%ld", dir, n);
  mkdir(dir, 0700);
  if (mkdir(path, 0700) && errno != EEXIST) return 1;
  for (long skip = 0; skip < n || skip == 0; skip += PAGE_SIZE) {
    snprintf(path, sizeof path, "%s/%ld/%ld.json", dir, n, skip);
    FILE *f = fopen(path, "w");
    if (!f) return 1;
    fprintf(f, "{\"@odata.context\":\"https://127.0.0.1/xapi/v1/$metadata#Users\",\"@odata.count\":%ld,\"value\":[",
            n);
    for (long id = skip + 1; id <= skip + PAGE_SIZE && id <= n; ++id)
      fprintf(f,
              "%s{\"Id\":%ld,\"Number\":\"%ld\",\"FirstName\":\"First%ld\",\"LastName\":\"Last%ld\","
              "\"DisplayName\":\"First%ld Last%ld\",\"EmailAddress\":\"user%ld@example.com\","
              "\"Mobile\":\"+4420%07ld\",\"OutboundCallerID\":\"\",\"Language\":\"EN\",\"Enabled\":true,"
              "\"Require2FA\":false,\"IsRecordingEnabled\":%s,\"PinProtected\":false,\"Tags\":[],"
              "\"CallUsEnableChat\":false,\"VMEnabled\":true}",
              id > skip + 1 ? "," : "", id, 10000 + id, id, id, id, id, id, id, id % 3 ? "false" : "true");
    fprintf(f, "]}");
    if (fclose(f)) return 1;
  }
  return 0;
}

/* ------------------------------------------------------------------------ */

/* One in-flight contender alone, for a profiler: bench_xapi child async
 * raw|lib INFLIGHT TOTAL SLOW_PORT (see bench/README.md). */
static int child_async(const char *who, int inflight, int total, int port) {
  C.slow_port = port;
  double cpu = NAN, r = NAN;
  if (!strcmp(who, "raw")) {
    r = multi_run(inflight, total, &cpu);
  } else if (!strcmp(who, "lib")) {
    threecx_client *cl = lib_client(0, port);
    if (cl) r = lib_async_run(cl, inflight, total, &cpu);
    threecx_client_free(cl);
  } else {
    return 2;
  }
  printf("%s: %d in flight, %d requests: %.0f req/s, %.1f us CPU/req\n", who, inflight, total, r, cpu);
  return failures || isnan(r) ? 1 : 0;
}

static void usage(void) {
  fprintf(stderr,
          "usage: bench_xapi run [--quick] [--rounds N] [--json FILE] --http-port P --https-port P\n"
          "                      [--slow-port P] [--h2-port P] --ca FILE --pages DIR [--lua DIR --src DIR] [--go BIN]\n"
          "                      [--cs SCRIPT] [--nginx VERSION] [--only ROWS]\n"
          "       bench_xapi gen-pages DIR N\n"
          "(bench/run.sh starts nginx and runs this; see bench/README.md)\n");
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  ssize_t k = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
  if (k <= 0) snprintf(self_path, sizeof self_path, "%s", argv[0]);
  else self_path[k] = 0;
  if (argc >= 4 && !strcmp(argv[1], "gen-pages")) return gen_pages(argv[2], atol(argv[3]));
  if (argc >= 2 && !strcmp(argv[1], "child")) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (getenv("BENCH_CA")) snprintf(C.ca, sizeof C.ca, "%s", getenv("BENCH_CA"));
    if (argc == 7 && !strcmp(argv[2], "page")) return child_page(argv[3], atoi(argv[4]), atoi(argv[5]), atol(argv[6]));
    if (argc == 7 && !strcmp(argv[2], "instr")) return child_instr(argv[3], atoi(argv[4]), atoi(argv[5]), atoi(argv[6]));
    if (argc == 7 && !strcmp(argv[2], "async")) return child_async(argv[3], atoi(argv[4]), atoi(argv[5]), atoi(argv[6]));
    usage();
    return 2;
  }
  if (argc < 2 || strcmp(argv[1], "run")) {
    usage();
    return 2;
  }
  C.rounds = 0;
  for (int i = 2; i < argc; ++i) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--quick")) C.quick = 1;
    else if (!strcmp(a, "--rounds") && v) C.rounds = atoi(argv[++i]);
    else if (!strcmp(a, "--json") && v) C.json_path = argv[++i];
    else if (!strcmp(a, "--http-port") && v) C.http_port = atoi(argv[++i]);
    else if (!strcmp(a, "--https-port") && v) C.https_port = atoi(argv[++i]);
    else if (!strcmp(a, "--slow-port") && v) C.slow_port = atoi(argv[++i]);
    else if (!strcmp(a, "--h2-port") && v) C.h2_port = atoi(argv[++i]);
    else if (!strcmp(a, "--ca") && v) snprintf(C.ca, sizeof C.ca, "%s", argv[++i]);
    else if (!strcmp(a, "--lua") && v) C.lua_dir = argv[++i];
    else if (!strcmp(a, "--src") && v) C.src_dir = argv[++i];
    else if (!strcmp(a, "--go") && v) C.go_bin = argv[++i];
    else if (!strcmp(a, "--cs") && v) C.cs_cmd = argv[++i];
    else if (!strcmp(a, "--nginx") && v) C.nginx_version = argv[++i];
    else if (!strcmp(a, "--pages") && v) C.pages_dir = argv[++i];
    else if (!strcmp(a, "--only") && v) {
      /* a comma-separated list of row numbers, e.g. 1,2,4 */
      for (const char *q = argv[++i]; *q; ++q)
        if (*q >= '1' && *q <= '8') C.only |= 1u << (*q - '0');
        else if (*q != ',') {
          usage();
          return 2;
        }
    }
    else {
      usage();
      return 2;
    }
  }
  if (!C.http_port || !C.https_port || !C.ca[0] || !C.pages_dir) {
    usage();
    return 2;
  }
  setenv("BENCH_CA", C.ca, 1);
  if (C.rounds <= 0) C.rounds = C.quick ? 1 : 5;
  if (C.rounds > MAX_SAMPLES) C.rounds = MAX_SAMPLES;
  int t[4] = {1, 16, 64, 200};
  memcpy(C.thread_counts, t, sizeof t);
  C.bursts[0] = 64;
  C.bursts[1] = 200;
  C.async_inflight[0] = 200;
  C.async_inflight[1] = 1000;
  if (C.quick) {
    C.seq_n = 100;
    C.window_s = 0.2;
    C.async_total[0] = 400;
    C.async_total[1] = 1000;
    C.async_seq_n = 5;
    C.page_sizes[0] = 10000;
    C.page_sizes[1] = 50000;
    C.instr_n = 20;
    C.token_calls = 1600;
  } else {
    C.seq_n = 2000;
    C.window_s = 1.0;
    C.async_total[0] = 4000;
    C.async_total[1] = 10000;
    C.async_seq_n = 50;
    C.page_sizes[0] = 100000;
    C.page_sizes[1] = 1000000;
    C.instr_n = 200;
    C.token_calls = 10000;
  }
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return 1;
  char date[64];
  time_t tt = time(NULL);
  strftime(date, sizeof date, "%Y-%m-%d %H:%M", gmtime(&tt));
  double t0 = now_s();
  getloadavg(&load_start, 1);
  if (accepts() < 0) {
    fprintf(stderr, "bench: nginx stub_status not reachable on port %d\n", C.http_port);
    return 1;
  }
  for (int i = 0; i < 2 && row_on(5); ++i)
    if (gen_pages(C.pages_dir, C.page_sizes[i])) {
      fprintf(stderr, "bench: cannot write the page files in %s\n", C.pages_dir);
      return 1;
    }
  /* 1,000 connections in flight need the descriptors */
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4096) {
    rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)C.async_inflight[1] + 256)
    C.async_inflight[1] = 0; /* reported n/a */
  seq_setup();
  for (int r = 0; r < C.rounds; ++r) {
    fprintf(stderr, "bench: round %d/%d:", r + 1, C.rounds);
    if (row_on(1)) fprintf(stderr, " sequential"), seq_round(r);
    if (row_on(3)) fprintf(stderr, " threads"), threads_round(r);
    if (row_on(4)) fprintf(stderr, " in-flight"), async_round(r);
    if (row_on(5)) fprintf(stderr, " paging"), paging_round(r);
    if (row_on(8)) fprintf(stderr, " http2"), h2_round(r);
    if (row_on(7)) fprintf(stderr, " wrappers"), wrappers_round(r);
    fprintf(stderr, "\n");
  }
  seq_teardown();
  if (!C.slow_port && row_on(4)) {
    rec_na("4 in flight, 20 ms server", "req/s", "raw curl_multi / libthreecx", NULL,
           "n/a (no 20 ms server: nginx echo module missing)");
  }
  fprintf(stderr, "bench: tokens, callgrind\n");
  if (row_on(6)) tokens_once();
  if (row_on(2)) instr_all();
  threecx_client_free(slow_cl);
  threecx_client_free(h2_cl);
  threecx_client_free(h1_cl);
  curl_easy_cleanup(status_h);
  free(status_b.p);
  report(date, now_s() - t0);
  curl_global_cleanup();
  if (failures) fprintf(stderr, "bench: %d contender job(s) failed (see above)\n", failures);
  return failures ? 1 : 0;
}
