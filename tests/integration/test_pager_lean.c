/* The zero-copy pager (issue 12): items lent from the page text
 * (threecx_pager_next_item_view), owning items (one copy of the span),
 * prefetch of the next page on a thread of its own.
 *  - threecx-sim --users 3000: every user, in every mode, byte for byte what
 *    cJSON prints of the same collection fetched in one request, counts
 *    and @odata.count identical;
 *  - threecx-sim seeded (--state) with awkward items: escaped quotes and
 *    backslashes, unicode escapes, nested arrays and objects, decoy
 *    "value" members;
 *  - a loopback server in this process (tests/support/rawsrv.c) for what
 *    the simulator cannot answer: pages with blanks everywhere, bad pages
 *    (refused at the page boundary, prefetch or not), an HTTP error in the
 *    middle of a walk, a page that never comes (cancel and deadline during
 *    a prefetch, free with a prefetch in flight), a cancel token replaced
 *    while a prefetch runs. */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include <threecx/threecx.h>

#include "rawsrv.h"
#include "simproc.h"

enum how { OWNED, VIEW, MIXED };

/* Walks `r` with pages of `page` items; *items (may be NULL) gets each
 * item's text (malloc'ed), *n their count. Returns the final status. */
static int walk(const threecx_request *r, int64_t page, int prefetch, enum how how, char ***items, int *n,
                int64_t *total) {
  threecx_pager *p;
  assert_int_equal(threecx_pager_new(r, page, &p), THREECX_OK);
  assert_int_equal(threecx_pager_set_prefetch(p, prefetch), THREECX_OK);
  int rc, cap = 0;
  *n = 0;
  if (items) *items = NULL;
  for (;;) {
    char *copy = NULL;
    if (how == OWNED || (how == MIXED && *n % 2)) {
      rc = threecx_pager_next_item(p, &copy);
      if (rc != THREECX_OK) {
        assert_null(copy);
        break;
      }
    } else {
      const char *d = NULL;
      size_t size = 99;
      rc = threecx_pager_next_item_view(p, &d, &size);
      if (rc != THREECX_OK) {
        assert_null(d);
        assert_int_equal(size, 0);
        break;
      }
      assert_int_equal(d[size], '\0'); /* NUL-terminated in place */
      assert_int_equal(strlen(d), size);
      copy = strndup(d, size);
    }
    if (items) {
      if (*n == cap) {
        cap = cap ? cap * 2 : 64;
        *items = realloc(*items, (size_t)cap * sizeof **items);
      }
      (*items)[*n] = copy;
    } else {
      free(copy);
    }
    ++*n;
  }
  if (total) {
    *total = -1;
    threecx_pager_total(p, total);
  }
  threecx_pager_free(p);
  return rc;
}

static void free_items(char **items, int n) {
  for (int i = 0; i < n; ++i) free(items[i]);
  free(items);
}

/* What cJSON prints of each element of `value` in `body`. */
static char **reference(const char *body, int *n) {
  cJSON *doc = cJSON_Parse(body);
  assert_non_null(doc);
  cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, "value");
  assert_true(cJSON_IsArray(v));
  *n = cJSON_GetArraySize(v);
  char **out = calloc((size_t)*n + 1, sizeof *out);
  int k = 0;
  for (cJSON *e = v->child; e; e = e->next) out[k++] = cJSON_PrintUnformatted(e);
  cJSON_Delete(doc);
  return out;
}

/* Every mode (owned, lent, mixed; prefetch off and on) hands out exactly
 * `want` (cJSON's unformatted print, which is also how the simulator
 * writes items), and the pager's total is `count`. */
static void expect_walks(const threecx_request *r, int64_t page, char **want, int nwant, int64_t count) {
  for (int prefetch = 0; prefetch <= 1; ++prefetch)
    for (int how = OWNED; how <= MIXED; ++how) {
      char **got;
      int n;
      int64_t total;
      assert_int_equal(walk(r, page, prefetch, (enum how)how, &got, &n, &total), THREECX_DONE);
      assert_int_equal(n, nwant);
      assert_int_equal(total, count);
      for (int i = 0; i < n; ++i)
        if (strcmp(got[i], want[i]) != 0)
          fail_msg("prefetch %d, mode %d, item %d: '%s', want '%s'", prefetch, how, i, got[i], want[i]);
      free_items(got, n);
    }
}

/* ---- threecx-sim --users 3000 ---- */

static void test_large_org(void **state) {
  (void)state;
  sim s;
  const char *args[] = {"--users", "3000", NULL};
  assert_int_equal(sim_start(&s, 1, args), 0);
  threecx_client *c;
  assert_int_equal(sim_client(&s, &c), THREECX_OK);
  threecx_query *q;
  threecx_query_new(&q);
  threecx_query_set_select(q, "Id,Number,FirstName,LastName,EmailAddress");
  threecx_query_set_orderby(q, "Id");
  /* the reference: the whole collection in one answer, through cJSON */
  threecx_query *all;
  threecx_query_new(&all);
  threecx_query_set_select(all, "Id,Number,FirstName,LastName,EmailAddress");
  threecx_query_set_orderby(all, "Id");
  threecx_query_set_top(all, 100000);
  char *body;
  assert_int_equal(sim_get(c, "/Users", all, &body, NULL), THREECX_OK);
  int nwant;
  char **want = reference(body, &nwant);
  threecx_free(body);
  assert_int_equal(nwant, 3000);
  threecx_request *r;
  assert_int_equal(threecx_request_new(c, "GET", "/Users", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_query(r, q), THREECX_OK);
  expect_walks(r, 250, want, nwant, 3000);
  /* a page size that does not divide the count, and $skip/$top limits */
  expect_walks(r, 777, want, nwant, 3000);
  threecx_query_set_skip(q, 100);
  threecx_query_set_top(q, 1001);
  assert_int_equal(threecx_request_set_query(r, q), THREECX_OK);
  expect_walks(r, 250, want + 100, 1001, 3000);
  /* by page, prefetch or not: the same pages */
  for (int prefetch = 0; prefetch <= 1; ++prefetch) {
    threecx_pager *p;
    assert_int_equal(threecx_pager_new(r, 300, &p), THREECX_OK);
    assert_int_equal(threecx_pager_set_prefetch(p, prefetch), THREECX_OK);
    char *pg;
    int items = 0, pages = 0, rc;
    while ((rc = threecx_pager_next_page(p, &pg)) == THREECX_OK) {
      int n;
      char **in = reference(pg, &n);
      for (int i = 0; i < n; ++i) assert_string_equal(in[i], want[100 + items + i]);
      for (int i = 0; i < n; ++i) cJSON_free(in[i]);
      free(in);
      items += n;
      ++pages;
      threecx_free(pg);
    }
    assert_int_equal(rc, THREECX_DONE);
    assert_int_equal(items, 1001);
    assert_int_equal(pages, 4);
    threecx_pager_free(p);
  }
  for (int i = 0; i < nwant; ++i) cJSON_free(want[i]);
  free(want);
  threecx_request_free(r);
  threecx_query_free(q);
  threecx_query_free(all);
  threecx_client_free(c);
  sim_stop(&s);
}

/* ---- threecx-sim seeded with awkward items ---- */

static void test_awkward_items(void **state) {
  (void)state;
  char dir[] = "/tmp/threecx-pager-XXXXXX", file[64];
  assert_non_null(mkdtemp(dir));
  snprintf(file, sizeof file, "%s/state.json", dir);
  FILE *f = fopen(file, "w");
  assert_non_null(f);
  fputs("{\"etag_counter\":1,\"sets\":{\"SecurityTokens\":[", f);
  for (int i = 1; i <= 40; ++i)
    fprintf(f,
            "%s{\"Id\":%d,\"ClientId\":\"80b93826-0000-4000-8000-%012d\",\"Created\":\"2026-07-30T01:07:00Z\","
            "\"Expires\":\"2026-08-29T01:07:00Z\",\"DisplayName\":\"O\\\"Brien %d \\\\ a\\/b \\u00e9\\ud83d\\ude00 "
            "\\t]},[{\",\"Username\":\"value\",\"Token\":\"\\\"value\\\":[1,2]\",\"LoginType\":\"Sso\","
            "\"Scopes\":[\"xapi\",\"\\u005b\",\"]\"],\"SlidingExpiration\":%s,\"RotateOnRefresh\":false,"
            "\"Extra\":{\"value\":[[1,[2,{\"value\":{}}]],{\"@odata.count\":-1}],\"n\":null}}",
            i > 1 ? "," : "", i, i, i, i % 2 ? "true" : "false");
  fputs("]},\"singletons\":{}}\n", f);
  fclose(f);
  sim s;
  const char *args[] = {"--state", file, NULL};
  assert_int_equal(sim_start(&s, 1, args), 0);
  threecx_client *c;
  assert_int_equal(sim_client(&s, &c), THREECX_OK);
  char *body;
  assert_int_equal(sim_get(c, "/SecurityTokens", NULL, &body, NULL), THREECX_OK);
  int nwant;
  char **want = reference(body, &nwant);
  threecx_free(body);
  assert_int_equal(nwant, 40);
  assert_non_null(strstr(want[0], "O\\\"Brien 1"));
  threecx_request *r;
  assert_int_equal(threecx_request_new(c, "GET", "/SecurityTokens", &r), THREECX_OK);
  expect_walks(r, 7, want, nwant, 40);
  for (int i = 0; i < nwant; ++i) cJSON_free(want[i]);
  free(want);
  threecx_request_free(r);
  threecx_client_free(c);
  sim_stop(&s);
  unlink(file);
  rmdir(dir);
}

/* ---- a loopback server of canned pages ---- */

#define PAGE 3
#define NPAGES 3
static const char *const k_good[NPAGES] = {
    " {\n  \"@odata.context\" : \"x\",\n  \"@odata.count\" : 9 ,\n  \"value\" : [\n    { \"Id\" : 0 , \"S\" : "
    "\"a \\\" ] } , [ {\" } ,\n\t{\"Id\":1,\"N\":[ [ ] , { } , [ 1 , 2 ] ]}\r\n , { \"Id\" : 2 , \"U\" : "
    "\"\\u00e9\\ud83d\\ude00\" }\n  ]\n}\n",
    "{\"value\":[{\"Id\":3},\n{\"Id\":4,\"value\":[\"value\"]},\t{ \"Id\" : 5 }],\"@odata.count\":9}",
    "{\"@odata.count\":9,\"value\":[ {\"Id\":6,\"X\":{\"@odata.count\":\"no\"}} ,{\"Id\":7},{\"Id\":8} ] }",
};

typedef struct {
  const char *page[NPAGES]; /* NULL: k_good; "HOLD": never answered; "503"; "SLOW": k_good after 300 ms */
  int requests[NPAGES];
} scenario;
static scenario g_sc;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static rawsrv *g_srv;

static void handler(rawsrv *srv, void *ud, const char *path, const char *request, int fd) {
  (void)ud;
  if (strcmp(path, "/connect/token") == 0) {
    rawsrv_reply(fd, 200, "application/json", NULL,
                 "{\"access_token\":\"tok-pager\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
    return;
  }
  const char *sk = strstr(request, "skip="); /* $skip or %24skip */
  int skip = sk ? atoi(sk + 5) : 0, k = skip / PAGE;
  if (k >= NPAGES) {
    rawsrv_reply(fd, 200, "application/json", NULL, "{\"value\":[]}");
    return;
  }
  pthread_mutex_lock(&g_mu);
  const char *what = g_sc.page[k];
  ++g_sc.requests[k];
  pthread_mutex_unlock(&g_mu);
  if (what && strcmp(what, "HOLD") == 0) {
    rawsrv_hold(srv, fd);
  } else if (what && strcmp(what, "503") == 0) {
    rawsrv_reply(fd, 503, "application/json", "Retry-After: 1\r\n",
                 "{\"error\":{\"code\":\"Busy\",\"message\":\"later\"}}");
  } else {
    if (what && strcmp(what, "SLOW") == 0) {
      struct timespec ts = {0, 300 * 1000 * 1000};
      nanosleep(&ts, NULL);
      what = NULL;
    }
    rawsrv_reply(fd, 200, "application/json; odata.metadata=minimal", NULL, what ? what : k_good[k]);
  }
}

static void set_page(int k, const char *what) {
  pthread_mutex_lock(&g_mu);
  g_sc.page[k] = what;
  pthread_mutex_unlock(&g_mu);
}
static int requests_of(int k) {
  pthread_mutex_lock(&g_mu);
  int n = g_sc.requests[k];
  pthread_mutex_unlock(&g_mu);
  return n;
}

static int setup(void **state) {
  (void)state;
  memset(&g_sc, 0, sizeof g_sc);
  g_srv = rawsrv_start(handler, NULL);
  return g_srv ? 0 : -1;
}
static int teardown(void **state) {
  (void)state;
  rawsrv_stop(g_srv);
  return 0;
}

static threecx_client *raw_client(void) {
  threecx_client *c;
  assert_int_equal(threecx_client_new(rawsrv_base(g_srv), "test", "key-pager", &c), THREECX_OK);
  assert_int_equal(threecx_client_allow_http(c, 1), THREECX_OK);
  assert_int_equal(threecx_client_set_retry(c, 0, 0, 0, 0), THREECX_OK);
  assert_int_equal(threecx_client_set_timeout_ms(c, 20000), THREECX_OK);
  return c;
}

/* The reference items of the canned pages, through cJSON. */
static char **canned_reference(void) {
  char **want = calloc(NPAGES * PAGE, sizeof *want);
  for (int k = 0; k < NPAGES; ++k) {
    int n;
    char **in = reference(k_good[k], &n);
    assert_int_equal(n, PAGE);
    for (int i = 0; i < n; ++i) want[k * PAGE + i] = in[i];
    free(in);
  }
  return want;
}

/* Items keep the server's formatting; parsed, they are cJSON's elements. */
static void test_blanks_everywhere(void **state) {
  (void)state;
  threecx_client *c = raw_client();
  threecx_request *r;
  assert_int_equal(threecx_request_new(c, "GET", "/Users", &r), THREECX_OK);
  char **want = canned_reference();
  for (int prefetch = 0; prefetch <= 1; ++prefetch) {
    char **got;
    int n;
    int64_t total;
    assert_int_equal(walk(r, PAGE, prefetch, MIXED, &got, &n, &total), THREECX_DONE);
    assert_int_equal(n, NPAGES * PAGE);
    assert_int_equal(total, 9);
    for (int i = 0; i < n; ++i) {
      cJSON *j = cJSON_Parse(got[i]);
      assert_non_null(j);
      char *p = cJSON_PrintUnformatted(j);
      assert_string_equal(p, want[i]);
      cJSON_free(p);
      cJSON_Delete(j);
    }
    /* as sent: the first item with its blanks */
    assert_string_equal(got[0], "{ \"Id\" : 0 , \"S\" : \"a \\\" ] } , [ {\" }");
    free_items(got, n);
  }
  for (int i = 0; i < NPAGES * PAGE; ++i) cJSON_free(want[i]);
  free(want);
  threecx_request_free(r);
  threecx_client_free(c);
}

/* A pager over `r` (prefetch as given, cancel token `k` if any) that has
 * handed out the `consume` first items. */
static threecx_pager *walked(const threecx_request *r, int prefetch, threecx_cancel *k, int consume) {
  threecx_pager *p;
  assert_int_equal(threecx_pager_new(r, PAGE, &p), THREECX_OK);
  assert_int_equal(threecx_pager_set_prefetch(p, prefetch), THREECX_OK);
  if (k) assert_int_equal(threecx_pager_set_cancel(p, k), THREECX_OK);
  const char *d;
  size_t n;
  for (int i = 0; i < consume; ++i) assert_int_equal(threecx_pager_next_item_view(p, &d, &n), THREECX_OK);
  return p;
}

/* The rest of a walk stopped at the end of page 0: items 3..8, then DONE. */
static void rest_of_walk(threecx_pager *p) {
  int rest = 0, rc;
  char *item;
  while ((rc = threecx_pager_next_item(p, &item)) == THREECX_OK) {
    if (rest == 0) assert_non_null(strstr(item, "\"Id\":3"));
    threecx_free(item);
    ++rest;
  }
  assert_int_equal(rc, THREECX_DONE);
  assert_int_equal(rest, 2 * PAGE);
}

/* Walks item by item: items of page 0 come, then the page-1 failure
 * `code` at the boundary (prefetch or not); with page 1 repaired, the walk
 * goes on from item 3. */
static void boundary_failure(const char *page1, int code, const char *text) {
  threecx_client *c = raw_client();
  threecx_request *r;
  assert_int_equal(threecx_request_new(c, "GET", "/Users", &r), THREECX_OK);
  for (int prefetch = 0; prefetch <= 1; ++prefetch) {
    set_page(1, page1);
    threecx_pager *p = walked(r, prefetch, NULL, PAGE);
    const char *d;
    size_t n;
    assert_int_equal(threecx_pager_next_item_view(p, &d, &n), code);
    assert_null(d);
    assert_non_null(strstr(threecx_last_error(), text));
    threecx_response *resp = NULL;
    if (code == THREECX_E_HTTP) {
      assert_int_equal(threecx_pager_last_response(p, &resp), THREECX_OK);
      int32_t st = 0;
      threecx_response_status(resp, &st);
      assert_int_equal(st, 503);
      threecx_response_free(resp);
    } else {
      assert_int_equal(threecx_pager_last_response(p, &resp), THREECX_E_NOT_FOUND);
    }
    set_page(1, NULL);
    rest_of_walk(p);
    threecx_pager_free(p);
  }
  threecx_request_free(r);
  threecx_client_free(c);
}

static void test_bad_pages_at_the_boundary(void **state) {
  (void)state;
  boundary_failure("{\"value\":[{\"Id\":3},{\"Id\":4}", THREECX_E_PROTOCOL, "pager: the page is not JSON");
  boundary_failure("{\"value\":[{\"Id\":3}]} trailing", THREECX_E_PROTOCOL, "pager: the page is not JSON");
  boundary_failure("{\"value\":[{\"Id\":3,}]}", THREECX_E_PROTOCOL, "pager: the page is not JSON");
  boundary_failure("{\"value\":{\"Id\":3}}", THREECX_E_PROTOCOL, "no \"value\" array");
  boundary_failure("[{\"Id\":3}]", THREECX_E_PROTOCOL, "no \"value\" array");
  boundary_failure("{\"@odata.count\":-9,\"value\":[]}", THREECX_E_PROTOCOL, "@odata.count -9");
  boundary_failure("503", THREECX_E_HTTP, "HTTP 503");
}

/* Waits (bounded) until page k was requested `n` times: a prefetch in flight. */
static void wait_requested(int k, int n) {
  for (int i = 0; i < 1000 && requests_of(k) < n; ++i) usleep(10000);
  assert_true(requests_of(k) >= n);
}

static void test_cancel_during_prefetch(void **state) {
  (void)state;
  threecx_client *c = raw_client();
  threecx_request *r;
  assert_int_equal(threecx_request_new(c, "GET", "/Users", &r), THREECX_OK);
  threecx_cancel *k;
  assert_int_equal(threecx_cancel_new(&k), THREECX_OK);
  set_page(1, "HOLD");
  threecx_pager *p = walked(r, 1, k, PAGE);
  const char *d;
  size_t n;
  wait_requested(1, 1); /* the prefetch of page 1 hangs on the server */
  assert_int_equal(threecx_cancel_trigger(k), THREECX_OK);
  assert_int_equal(threecx_pager_next_item_view(p, &d, &n), THREECX_E_CANCELLED);
  /* the pager stays where it was: without the token the walk goes on */
  set_page(1, NULL);
  assert_int_equal(threecx_pager_set_cancel(p, NULL), THREECX_OK);
  rest_of_walk(p);
  threecx_pager_free(p);
  threecx_cancel_free(k);
  threecx_request_free(r);
  threecx_client_free(c);
}

/* A token replaced while its prefetch runs: triggering the old one does
 * not fail the walk (the page is fetched again). */
static void test_cancel_token_replaced(void **state) {
  (void)state;
  threecx_client *c = raw_client();
  threecx_request *r;
  assert_int_equal(threecx_request_new(c, "GET", "/Users", &r), THREECX_OK);
  threecx_cancel *a, *b;
  threecx_cancel_new(&a);
  threecx_cancel_new(&b);
  set_page(1, "SLOW");
  threecx_pager *p = walked(r, 1, a, PAGE);
  wait_requested(1, 1);
  assert_int_equal(threecx_pager_set_cancel(p, b), THREECX_OK);
  assert_int_equal(threecx_cancel_trigger(a), THREECX_OK);
  rest_of_walk(p);
  threecx_pager_free(p);
  threecx_cancel_free(a);
  threecx_cancel_free(b);
  threecx_request_free(r);
  threecx_client_free(c);
}

/* The request's deadline bounds the background fetch; freeing a pager
 * whose prefetch hangs returns (the fetch is stopped). */
static void test_deadline_and_free_during_prefetch(void **state) {
  (void)state;
  threecx_client *c = raw_client();
  threecx_request *r;
  assert_int_equal(threecx_request_new(c, "GET", "/Users", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_deadline_ms(r, 2000), THREECX_OK);
  set_page(1, "HOLD");
  threecx_pager *p = walked(r, 1, NULL, PAGE);
  const char *d;
  size_t n;
  assert_int_equal(threecx_pager_next_item_view(p, &d, &n), THREECX_E_TIMEOUT);
  threecx_pager_free(p);
  /* free with the prefetch in flight */
  assert_int_equal(threecx_request_set_deadline_ms(r, 0), THREECX_OK);
  int before = requests_of(1);
  p = walked(r, 1, NULL, 1);
  wait_requested(1, before + 1);
  threecx_pager_free(p);
  set_page(1, NULL);
  threecx_request_free(r);
  threecx_client_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_large_org),
      cmocka_unit_test(test_awkward_items),
      cmocka_unit_test_setup_teardown(test_blanks_everywhere, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_pages_at_the_boundary, setup, teardown),
      cmocka_unit_test_setup_teardown(test_cancel_during_prefetch, setup, teardown),
      cmocka_unit_test_setup_teardown(test_cancel_token_replaced, setup, teardown),
      cmocka_unit_test_setup_teardown(test_deadline_and_free_during_prefetch, setup, teardown),
  };
  return cmocka_run_group_tests_name("pager_lean", tests, NULL, NULL);
}
