/*
 * alloc_test: allocation failures over real HTTP against threecx-sim.
 *
 * A session (client new, token fetch, a GET by key, a PATCH with a body, an
 * HTTP error with an OData error body, a pager walk over two pages) is run
 * once unarmed to count the allocations of the calling thread, then again
 * with allocation N failing, for N in a range. For every run:
 *  - no crash (a crash ends the test);
 *  - the call during which the allocation failed returns an error code, or
 *    succeeds with the same result as the reference run (a failure the
 *    library absorbed, e.g. an idle connection it could not cache);
 *  - when the failing allocation was the library's own (the caller of
 *    malloc/calloc/realloc is code inside libthreecx.so, which carries its
 *    C++ runtime, so operator new counts), that code is THREECX_E_NO_MEMORY;
 *    failures inside libcurl, cJSON or libc may surface under their own
 *    codes (counted and printed), and libcurl may even absorb one wrongly
 *    (see step(); printed as NOTE, not failed);
 *  - no leak: in the ASan build LeakSanitizer checks the whole process at
 *    exit (every run freed what it allocated); under valgrind, memcheck.
 *
 * malloc/calloc/realloc/free are defined here (exported with -rdynamic) and
 * forward to the next definition (libc's, or ASan's) found with
 * dlsym(RTLD_NEXT); only the main thread's allocations are counted. The
 * library's operator new (its own static C++ runtime) calls malloc, so C++
 * allocations are failed too -- except under ASan, whose operator new does
 * not go through malloc: there only malloc-family failures are injected
 * (and LeakSanitizer checks them); the valgrind mode covers operator new
 * with memcheck's leak check.
 *
 *   alloc_test            every N from 1 to the reference count (~640 runs,
 *                         a few seconds; at most 5000 runs)
 *   alloc_test --sample   every allocation attributed to the library plus
 *                         every 7th other one (quicker, e.g. under valgrind)
 *   alloc_test --from A --to B   that range only
 *   alloc_test --trace    print the stack of every failing allocation
 * Prints "N passed, M failed"; exit 1 on failure.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <threecx/threecx.h>

#include "simproc.h"

/* ---- the shim ---- */

/* The shim runs before AddressSanitizer is initialised (its start-up calls
 * malloc): no instrumentation in it. */
#if defined(__SANITIZE_ADDRESS__)
#define SHIM __attribute__((no_sanitize_address))
#else
#define SHIM
#endif

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);

/* dlsym may allocate before the real functions are known. */
static _Alignas(16) char boot[1 << 16];
static size_t boot_used;
static int resolving;

SHIM static void *boot_alloc(size_t n) {
  void *p;
  n = (n + 15) & ~(size_t)15;
  if (boot_used + n > sizeof boot) return NULL;
  p = boot + boot_used;
  boot_used += n;
  return p;
}
SHIM static int from_boot(const void *p) {
  return (const char *)p >= boot && (const char *)p < boot + sizeof boot;
}
SHIM static void resolve(void) {
  if (real_malloc || resolving) return;
  resolving = 1;
  real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
  real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
  real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
  real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
  resolving = 0;
}

static __thread int t_counting; /* this thread's allocations are counted */
static long g_count;            /* counted allocations since arming */
static long g_fail_at;          /* the one that fails (0: none) */
static int g_failed;            /* 1: it failed, caller foreign; 2: caller in libthreecx */
static int g_trace;             /* --trace: print the stack of each failing allocation */
static uintptr_t g_lib_base;    /* load address of libthreecx.so */
static char g_own[1 << 20];     /* reference run: allocation k was the library's own */

SHIM static int own_caller(void *ret) {
  Dl_info info;
  return g_lib_base && dladdr(ret, &info) && (uintptr_t)info.dli_fbase == g_lib_base;
}
/* 1 when this allocation must fail. */
SHIM static int should_fail(void *caller) {
  if (!t_counting) return 0;
  ++g_count;
  if (g_fail_at == 0) {
    if (g_count < (long)sizeof g_own) g_own[g_count] = (char)own_caller(caller);
    return 0;
  }
  if (g_count != g_fail_at) return 0;
  g_failed = own_caller(caller) ? 2 : 1;
  if (g_trace) {
    void *frames[24];
    int k = backtrace(frames, 24);
    fprintf(stderr, "-- allocation %ld fails (%s):\n", g_count, g_failed == 2 ? "libthreecx" : "foreign");
    backtrace_symbols_fd(frames, k, 2);
  }
  return 1;
}

#define EXPORT SHIM __attribute__((visibility("default"), noinline))
EXPORT void *malloc(size_t n) {
  resolve();
  if (!real_malloc) return boot_alloc(n);
  if (should_fail(__builtin_return_address(0))) return NULL;
  return real_malloc(n);
}
EXPORT void *calloc(size_t a, size_t b) {
  void *p;
  resolve();
  if (!real_calloc) {
    if (b && a > SIZE_MAX / b) return NULL;
    p = boot_alloc(a * b);
    if (p) { /* boot memory is never reused: already zero */ }
    return p;
  }
  if (should_fail(__builtin_return_address(0))) return NULL;
  return real_calloc(a, b);
}
EXPORT void *realloc(void *old, size_t n) {
  resolve();
  if (old && from_boot(old)) {
    void *p = malloc(n);
    size_t avail = (size_t)(boot + sizeof boot - (char *)old);
    if (p) {
      size_t k, m = n < avail ? n : avail;
      for (k = 0; k < m; ++k) ((char *)p)[k] = ((const char *)old)[k];
    }
    return p;
  }
  if (!real_realloc) return NULL;
  if (should_fail(__builtin_return_address(0))) return NULL;
  return real_realloc(old, n);
}
EXPORT void free(void *p) {
  if (!p || from_boot(p)) return;
  resolve();
  real_free(p);
}

/* ---- the session ---- */

static sim s_sim;
static int passed, failed;
static long g_foreign_codes[THREECX_E__LAST + 2];
static long g_foreign_wrong;

#define LINK "team page"

/* Outcomes of the reference run, per step. */
#define STEPS 20
static int ref_rc[STEPS];
static char ref_text[STEPS][160];

/* Checks the result of one step. Returns 1 to go on, 0 to stop the session. */
static int step(int k, long n, int rc, const char *text) {
  int failed_here = g_failed;
  g_failed = 0;
  if (n == 0) {
    ref_rc[k] = rc;
    snprintf(ref_text[k], sizeof ref_text[k], "%s", text ? text : "");
    return 1;
  }
  if (!failed_here) {
    if (rc != ref_rc[k] || strcmp(text ? text : "", ref_text[k]) != 0) {
      ++failed;
      fprintf(stderr, "FAIL N=%ld step %d: no allocation failed, yet %s (%s) instead of %s\n", n, k,
              threecx_error_name(rc), threecx_last_error(), threecx_error_name(ref_rc[k]));
      return 0;
    }
    return 1;
  }
  /* the failing allocation happened during this step */
  if (rc == ref_rc[k] && strcmp(text ? text : "", ref_text[k]) == 0) {
    ++passed; /* absorbed: same result */
    return 0;
  }
  if ((rc == THREECX_OK || rc == ref_rc[k]) && failed_here == 1) {
    /* libcurl 7.88 absorbs some of its own failures wrongly: when an
     * allocation inside curl_url_get fails, the request goes out without
     * its query string (seen: the pager's GET /WebsiteLinks?$count=true&
     * $top=2&$skip=2 sent as GET /WebsiteLinks). Not the library's doing;
     * counted and printed, not failed. */
    ++g_foreign_wrong;
    fprintf(stderr, "NOTE N=%ld step %d: a libcurl/cJSON/libc allocation failed and the call reported %s with a "
                    "different result ('%s', not '%s')\n",
            n, k, threecx_error_name(rc), text ? text : "", ref_text[k]);
    return 0;
  }
  if (rc == THREECX_OK || rc == ref_rc[k]) {
    ++failed;
    fprintf(stderr,
            "FAIL N=%ld step %d: an allocation failed and the call reported %s with a different result ('%s', not "
            "'%s')\n",
            n, k, threecx_error_name(rc), text ? text : "", ref_text[k]);
    return 0;
  }
  if (failed_here == 2 && rc != THREECX_E_NO_MEMORY) {
    ++failed;
    fprintf(stderr, "FAIL N=%ld step %d: the library's own allocation failed, got %s: %s\n", n, k,
            threecx_error_name(rc), threecx_last_error());
    return 0;
  }
  if (failed_here == 1 && rc >= 0 && rc <= THREECX_E__LAST) ++g_foreign_codes[rc];
  ++passed;
  return 0;
}

/* One session; n == 0 is the reference run. */
static void session(long n) {
  threecx_client *c = NULL;
  threecx_request *r = NULL;
  threecx_response *resp = NULL;
  threecx_pager *p = NULL;
  char *s = NULL, text[160];
  int rc, k = 0;

  g_count = 0;
  g_fail_at = n;
  g_failed = 0;
  t_counting = 1;

  rc = threecx_client_new(s_sim.base, TEST_CLIENT_ID, TEST_API_KEY, &c);
  if (!step(k++, n, rc, NULL)) goto out;
  rc = threecx_client_allow_http(c, 1);
  if (!step(k++, n, rc, NULL)) goto out;
  rc = threecx_client_authenticate(c); /* token fetch */
  if (!step(k++, n, rc, NULL)) goto out;

  /* GET by key */
  rc = threecx_request_new(c, "GET", "/WebsiteLinks({Link})", &r);
  if (!step(k++, n, rc, NULL)) goto out;
  rc = threecx_request_set_param_string(r, "Link", LINK);
  if (!step(k++, n, rc, NULL)) goto out;
  rc = threecx_request_send(r, &resp);
  if (!step(k++, n, rc, NULL)) goto out;
  rc = threecx_response_body(resp, &s);
  snprintf(text, sizeof text, "%s", s && strstr(s, "\"Link\":\"" LINK "\"") ? "has the link" : "wrong body");
  threecx_free(s);
  s = NULL;
  if (!step(k++, n, rc, text)) goto out;
  threecx_response_free(resp);
  resp = NULL;
  threecx_request_free(r);
  r = NULL;

  /* PATCH with a body (the same value every time) */
  rc = threecx_request_new(c, "PATCH", "/WebsiteLinks({Link})", &r);
  if (!step(k++, n, rc, NULL)) goto out;
  rc = threecx_request_set_param_string(r, "Link", LINK);
  if (!step(k++, n, rc, NULL)) goto out;
  rc = threecx_request_set_body(r, "{\"Name\":\"Team\",\"Group\":\"Team page\"}");
  if (!step(k++, n, rc, NULL)) goto out;
  rc = threecx_request_send(r, &resp);
  if (!step(k++, n, rc, NULL)) goto out;
  threecx_response_free(resp);
  resp = NULL;
  threecx_request_free(r);
  r = NULL;

  /* an HTTP error with an OData error body */
  rc = threecx_request_new(c, "GET", "/WebsiteLinks({Link})", &r);
  if (!step(k++, n, rc, NULL)) goto out;
  rc = threecx_request_set_param_string(r, "Link", "no such link");
  if (!step(k++, n, rc, NULL)) goto out;
  rc = threecx_request_send(r, &resp);
  if (!step(k++, n, rc, NULL)) goto out;
  {
    char *code = NULL;
    rc = threecx_response_error_code(resp, &code);
    snprintf(text, sizeof text, "%s", code ? code : "");
    threecx_free(code);
    if (!step(k++, n, rc, text)) goto out;
  }
  threecx_response_free(resp);
  resp = NULL;
  threecx_request_free(r);
  r = NULL;

  /* a pager walk: 3 links, pages of 2 */
  rc = threecx_request_new(c, "GET", "/WebsiteLinks", &r);
  if (!step(k++, n, rc, NULL)) goto out;
  rc = threecx_pager_new(r, 2, &p);
  if (!step(k++, n, rc, NULL)) goto out;
  {
    int items = 0;
    while ((rc = threecx_pager_next_item(p, &s)) == THREECX_OK) {
      ++items;
      threecx_free(s);
      s = NULL;
    }
    snprintf(text, sizeof text, "%d items", items);
    if (rc == THREECX_DONE) rc = THREECX_OK;
    if (!step(k++, n, rc, text)) goto out;
  }

out:
  t_counting = 0;
  threecx_free(s);
  threecx_pager_free(p);
  threecx_response_free(resp);
  threecx_request_free(r);
  threecx_client_free(c);
}

int main(int argc, char **argv) {
  long total, from = 1, to = 0, runs = 0, own_total = 0, i;
  int all = 1;
  Dl_info info;

  for (i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--sample")) all = 0;
    else if (!strcmp(argv[i], "--from") && i + 1 < argc) from = atol(argv[++i]);
    else if (!strcmp(argv[i], "--to") && i + 1 < argc) to = atol(argv[++i]);
    else if (!strcmp(argv[i], "--trace")) g_trace = 1;
  }
  if (g_trace) {
    void *f[2];
    backtrace(f, 2); /* loads the unwinder before any allocation is failed */
  }
  if (dladdr((void *)threecx_version, &info)) g_lib_base = (uintptr_t)info.dli_fbase;
  if (!g_lib_base) {
    fprintf(stderr, "cannot locate libthreecx\n");
    return 2;
  }
  if (sim_start(&s_sim, 1, NULL) != 0) {
    fprintf(stderr, "cannot start threecx-sim\n");
    return 2;
  }
  session(0); /* warm-up: one-time initialisations (curl, OpenSSL) */
  memset(g_own, 0, sizeof g_own);
  session(0); /* reference */
  total = g_count;
  for (i = 1; i <= total && i < (long)sizeof g_own; ++i) own_total += g_own[i];
  printf("reference session: %ld allocations on the calling thread, %ld by libthreecx itself\n", total,
         own_total);
  if (total == 0 || own_total == 0) {
    /* e.g. valgrind without --soname-synonyms=somalloc=nouserintercepts */
    fprintf(stderr, "the malloc shim sees no allocation (%ld, %ld by libthreecx): nothing would be tested\n", total,
            own_total);
    sim_stop(&s_sim);
    return 1;
  }
  /* steps: 2 token, 6 GET body, 13 error answer, 14 its OData code, 17 pager */
  if (ref_rc[2] != THREECX_OK || strcmp(ref_text[6], "has the link") != 0 || ref_rc[13] != THREECX_E_HTTP ||
      !ref_text[14][0] || strcmp(ref_text[17], "3 items") != 0) {
    fprintf(stderr, "reference session did not run as expected (token %s, GET '%s', error %s '%s', pager '%s')\n",
            threecx_error_name(ref_rc[2]), ref_text[6], threecx_error_name(ref_rc[13]), ref_text[14],
            ref_text[17]);
    sim_stop(&s_sim);
    return 1;
  }
  if (to <= 0 || to > total) to = total;
  for (i = from; i <= to; ++i) {
    int own = i < (long)sizeof g_own && g_own[i];
    if (!all && !own && i % 7 != 0) continue; /* CI: every own allocation, every 7th other */
    if (runs >= 5000) break;
    session(i);
    ++runs;
    if (g_trace) { /* what went on the wire in this run */
      char *rec = NULL;
      if (sim_call(&s_sim, "GET", "/_sim/requests?since=0", NULL, &rec) == 200 && rec) {
        const char *t = rec;
        while ((t = strstr(t, "\"target\":")) != NULL) {
          const char *e = strchr(t + 10, ',');
          fprintf(stderr, "   sent %.*s\n", (int)(e ? e - t - 9 : 60), t + 9);
          t += 10;
        }
      }
      free(rec);
    }
  }
  sim_stop(&s_sim);
  printf("%ld runs (N %ld..%ld%s)\n", runs, from, to, all ? ", every N" : ", own + every 7th");
  printf("codes where a foreign allocation (libcurl, cJSON, libc) failed:");
  for (i = 0; i <= THREECX_E__LAST; ++i)
    if (g_foreign_codes[i]) printf(" %s=%ld", threecx_error_name((int)i), g_foreign_codes[i]);
  printf("\nforeign failures absorbed with a wrong result (libcurl): %ld\n", g_foreign_wrong);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
