/*
 * all_ops_send_test: calls EVERY typed threecx_xapi_* function once against
 * threecx-sim and checks, through the simulator's request recorder
 * (GET /_sim/requests?since=N), what actually went on the wire: method, raw
 * target (path with OData literals + query), If-Match and body.
 *
 *   all_ops_send_test            starts its own threecx-sim (plain HTTP)
 *
 * Operations that accept OData options get every accepted option, with
 * awkward values, and the expected query string is computed here too. Argument values are awkward on purpose (quotes, '/', '#',
 * '?', '%', spaces, UTF-8, int32 limits, date-times with offsets, null for
 * nullable strings); the expected raw path is computed here from the OData
 * literal rules, independently of the library:
 *   string   'x' with ' doubled, then percent-encoded (A-Za-z0-9-._~ stay,
 *            everything else %XX upper-case)
 *   datetime bare, percent-encoded the same way ('+' -> %2B, ':' -> %3A)
 *   int/bool/guid bare; NULL nullable string -> null
 * Prints "N passed, N failed"; exits 1 on failure.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>
#include <curl/curl.h>

#include "threecx/catalog.h"
#include "threecx/operations.h"
#include "odata_abnf.h"
#include "simproc.h"

#define MAX_PARAMS 24

struct op_args {
  const char *s[MAX_PARAMS];
  int64_t i[MAX_PARAMS];
  const threecx_query *query;
  const char *if_match;
  const char *body;
};
struct op_thunk {
  const char *id;
  int (*fn)(threecx_client *, const struct op_args *, threecx_response **);
};

#include "all_ops_calls.inc"

#include "check.h"

/* ---- a growing string ---- */
struct buf {
  char *p;
  size_t n, cap;
};
static void put(struct buf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    b->cap = (b->n + n + 1) * 2;
    b->p = (char *)realloc(b->p, b->cap);
    if (!b->p) abort();
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = 0;
}
static void puts_(struct buf *b, const char *s) { put(b, s, strlen(s)); }

/* ---- argument values ---- */
static const char *kStrings[] = {
    "O'Brien",   "a/b#c?d",          "100% sure", "caf\xc3\xa9 \xe2\x82\xac", "it''s \"q\"",
    "plain",     "",                 "a+b&c=d",   "sp ace",                  "tab\tnl",
    "(paren)",   "x'",
};
static const int64_t kInts[] = {0, -1, 2147483647, -2147483647 - 1, 42};
static const char *kGuids[] = {"0f8fad5b-d9cb-469f-a165-70867728950e", "0F8FAD5B-D9CB-469F-A165-70867728950E"};
static const char *kDates[] = {"2024-05-01T10:20:30+02:00", "2024-12-31T23:59:59Z",
                               "2024-01-01T00:00:00.123-05:30"};

/* ---- HTTP to the recorder ---- */
static size_t on_data(char *p, size_t size, size_t n, void *ud) {
  put((struct buf *)ud, p, size * n);
  return size * n;
}
static cJSON *recorder(const char *base, long long since) {
  char url[512];
  struct buf b = {NULL, 0, 0};
  CURL *h = curl_easy_init();
  cJSON *json = NULL;
  snprintf(url, sizeof url, "%s/_sim/requests?since=%lld", base, since);
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 10L);
  if (curl_easy_perform(h) == CURLE_OK && b.p) json = cJSON_Parse(b.p);
  curl_easy_cleanup(h);
  free(b.p);
  return json;
}

static const char *jstr(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}
static const char *header(const cJSON *req, const char *name) {
  const cJSON *h;
  cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(req, "headers")) {
    if (h->string && strcasecmp(h->string, name) == 0) {
      if (cJSON_IsString(h)) return h->valuestring;
      if (cJSON_IsArray(h) && cJSON_IsString(cJSON_GetArrayItem(h, 0))) return cJSON_GetArrayItem(h, 0)->valuestring;
    }
  }
  return NULL;
}

/* Percent-encoding: unreserved characters and those in `keep` stay.
 * Path literals keep nothing else; OData query option values also keep the
 * sub-delimiters that carry no meaning inside a value, so & # + % space and
 * non-ASCII are encoded. */
#define PATH_KEEP ""
#define QUERY_KEEP "(),':/@!*;$="
static void encode(struct buf *b, const char *s, const char *keep) {
  static const char hex[] = "0123456789ABCDEF";
  for (; *s; ++s) {
    unsigned char c = (unsigned char)*s;
    if (isalnum(c) || strchr("-._~", c) || strchr(keep, c)) {
      put(b, (const char *)&c, 1);
    } else {
      char e[3];
      e[0] = '%';
      e[1] = hex[c >> 4];
      e[2] = hex[c & 15];
      put(b, e, 3);
    }
  }
}

static void pct(struct buf *b, const char *s) { encode(b, s, PATH_KEEP); }
static void qpct(struct buf *b, const char *s) { encode(b, s, QUERY_KEEP); }

/* The options, in the order the library documents: $filter $search $orderby
 * $select $expand $count $top $skip. */
static const struct {
  int32_t bit;
  const char *name, *value, *encoded; /* encoded: as on the wire, when not qpct(value) */
} kOptions[] = {
    /* in a string literal / ? + & and space are percent-encoded (ABNF string rule) */
    {THREECX_OPT_FILTER, "$filter", "Name eq 'O''Brien & co/x?+' and Id gt 5",
     "Name%20eq%20'O''Brien%20%26%20co%2Fx%3F%2B'%20and%20Id%20gt%205"},
    /* an expression, sent as written: words, operators, a phrase */
    {THREECX_OPT_SEARCH, "$search", "two words OR (\"a;b\" AND NOT c;d)",
     "two%20words%20OR%20(%22a;b%22%20AND%20NOT%20c%3Bd)"},
    {THREECX_OPT_ORDERBY, "$orderby", "Name desc,Id", NULL},
    {THREECX_OPT_SELECT, "$select", "Id,Name", NULL},
    {THREECX_OPT_EXPAND, "$expand", "Groups($select=Name;$top=5)", NULL},
    {THREECX_OPT_COUNT, "$count", "true", NULL},
    {THREECX_OPT_TOP, "$top", "2", NULL},
    {THREECX_OPT_SKIP, "$skip", "3", NULL},
};

static threecx_query *make_query(int32_t opts) {
  threecx_query *q = NULL;
  threecx_query_new(&q);
  if (opts & THREECX_OPT_FILTER) threecx_query_set_filter(q, kOptions[0].value);
  if (opts & THREECX_OPT_SEARCH) threecx_query_set_search(q, kOptions[1].value);
  if (opts & THREECX_OPT_ORDERBY) threecx_query_set_orderby(q, kOptions[2].value);
  if (opts & THREECX_OPT_SELECT) threecx_query_set_select(q, kOptions[3].value);
  if (opts & THREECX_OPT_EXPAND) threecx_query_set_expand(q, kOptions[4].value);
  if (opts & THREECX_OPT_COUNT) threecx_query_set_count(q, 1);
  if (opts & THREECX_OPT_SKIP) threecx_query_set_skip(q, 3);
  if (opts & THREECX_OPT_TOP) threecx_query_set_top(q, 2);
  return q;
}

/* Renders the expected raw target for `op` with `a`. */
static void expected_target(const threecx_operation *op, const struct op_args *a, int32_t opts, struct buf *b) {
  const char *path = NULL, *p;
  size_t slot = 0;
  threecx_operation_path(op, &path);
  puts_(b, "/xapi/v1");
  for (p = path; *p; ++p) {
    int32_t type = 0;
    if (*p != '{') {
      put(b, p, 1);
      continue;
    }
    p = strchr(p, '}');
    threecx_operation_param_type(op, slot, &type);
    if (type == THREECX_TYPE_INT32) {
      char n[32];
      snprintf(n, sizeof n, "%lld", (long long)(int32_t)a->i[slot]);
      puts_(b, n);
    } else if (type == THREECX_TYPE_BOOL) {
      puts_(b, a->i[slot] ? "true" : "false");
    } else if (!a->s[slot]) {
      puts_(b, "null");
    } else if (type == THREECX_TYPE_STRING) {
      struct buf q = {NULL, 0, 0};
      const char *c;
      puts_(&q, "'");
      for (c = a->s[slot]; *c; ++c) {
        put(&q, c, 1);
        if (*c == '\'') put(&q, c, 1);
      }
      puts_(&q, "'");
      pct(b, q.p);
      free(q.p);
    } else if (type == THREECX_TYPE_DATETIME) {
      pct(b, a->s[slot]);
    } else {
      puts_(b, a->s[slot]); /* guid, bare */
    }
    ++slot;
  }
  {
    size_t i;
    int first = 1;
    for (i = 0; i < sizeof kOptions / sizeof kOptions[0]; ++i) {
      if (!(opts & kOptions[i].bit)) continue;
      puts_(b, first ? "?" : "&");
      first = 0;
      puts_(b, kOptions[i].name);
      puts_(b, "=");
      if (kOptions[i].encoded) puts_(b, kOptions[i].encoded);
      else qpct(b, kOptions[i].value);
    }
  }
}

/* Checks a recorded target against the OData ABNF (tests/support/odata_abnf.h):
 * each path parameter value by its type (string literal, int32, boolean,
 * guid, dateTimeOffset; null never in a key slot), every string literal of
 * $filter/$orderby/$select/$expand, and $search as a searchExpr. Independent
 * of the expected-target computation above. Returns NULL or what is wrong. */
static const char *grammar_error(const threecx_operation *op, const char *target) {
  static char why[256];
  const char *path = NULL, *summary = NULL, *p, *t = target;
  size_t slot = 0;
  threecx_operation_path(op, &path);
  threecx_operation_summary(op, &summary);
  if (!abnf_url_chars(target, strlen(target))) return "characters outside RFC 3986";
  if (strncmp(t, "/xapi/v1", 8) != 0) return "not under /xapi/v1";
  t += 8;
  for (p = path; *p; ++p) {
    const char *end, *seg, *open;
    int32_t type = 0, nullable = 0;
    int is_key;
    if (*p != '{') {
      if (*t != *p) return "path text differs from the template";
      ++t;
      continue;
    }
    /* the value runs to the template's next character (')' or ',') */
    end = strchr(t, p[strcspn(p, "}") + 1]);
    if (!end) return "unterminated parameter value";
    /* key: in the parentheses of a segment without '.', unless the
     * operation is a function import (the spec's summary says so:
     * "Invoke functionImport GetUpdateDetails") */
    open = p;
    while (open > path && *open != '(') --open;
    seg = open;
    while (seg > path && *seg != '/') --seg;
    is_key = !memchr(seg, '.', (size_t)(open - seg)) && !(summary && strstr(summary, "functionImport"));
    threecx_operation_param_type(op, slot, &type);
    threecx_operation_param_nullable(op, slot, &nullable);
    if (!abnf_param_value(t, (size_t)(end - t), type, is_key, nullable)) {
      snprintf(why, sizeof why, "parameter %zu (%.*s) is not a%s value of its type", slot, (int)(end - t), t,
               is_key ? " key" : "");
      return why;
    }
    t = end;
    p = strchr(p, '}');
    ++slot;
  }
  if (*t == '?') {
    const char *opt = t + 1;
    while (*opt) {
      const char *amp = strchr(opt, '&'), *eq = strchr(opt, '=');
      size_t len = amp ? (size_t)(amp - opt) : strlen(opt);
      if (!eq || eq > opt + len) return "query option without '='";
      {
        size_t vl = len - (size_t)(eq + 1 - opt);
        if (!strncmp(opt, "$search=", 8) && !abnf_search(eq + 1, vl)) return "$search is not a searchExpr";
        if ((!strncmp(opt, "$filter=", 8) || !strncmp(opt, "$expand=", 8) || !strncmp(opt, "$orderby=", 9) ||
             !strncmp(opt, "$select=", 8)) &&
            abnf_expr_strings(eq + 1, vl) < 0)
          return "a string literal in an expression breaks the ABNF string rule";
      }
      opt += len + (amp ? 1 : 0);
    }
  } else if (*t) {
    return "text after the path";
  }
  return NULL;
}

int main(void) {
  sim s;
  const char *base;
  threecx_client *client = NULL;
  cJSON *rec;
  long long since = 0;
  size_t count = 0, k, ops_ok = 0;
  int32_t opts_seen = 0;
  size_t grammar_checked = 0;

  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (sim_start(&s, 1, NULL) != 0) {
    fprintf(stderr, "cannot start threecx-sim\n");
    return 2;
  }
  base = s.base;
  if (sim_client(&s, &client) != THREECX_OK) {
    fprintf(stderr, "client: %s\n", threecx_last_error());
    sim_stop(&s);
    return 2;
  }
  rec = recorder(base, 0);
  if (!rec) {
    fprintf(stderr, "no recorder at %s/_sim/requests\n", base);
    return 2;
  }
  since = (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(rec, "next"));
  cJSON_Delete(rec);

  threecx_operation_count(&count);
  CHECK(count == sizeof kThunks / sizeof kThunks[0], "thunk table %zu vs catalog %zu",
        sizeof kThunks / sizeof kThunks[0], count);
  for (k = 0; k < sizeof kThunks / sizeof kThunks[0]; ++k) {
    const threecx_operation *op = NULL;
    struct op_args a;
    struct buf want = {NULL, 0, 0};
    threecx_response *resp = NULL;
    size_t np = 0, i;
    int32_t opts = 0, has_body = 0, has_if_match = 0;
    const char *method = NULL;
    const cJSON *r, *last = NULL;
    int rc;

    int failed_before = failed;
    memset(&a, 0, sizeof a);
    if (threecx_operation_find(kThunks[k].id, &op) != THREECX_OK) {
      CHECK(0, "%s: not in catalog", kThunks[k].id);
      continue;
    }
    threecx_operation_param_count(op, &np);
    threecx_operation_options(op, &opts);
    threecx_operation_has_body(op, &has_body);
    threecx_operation_has_if_match(op, &has_if_match);
    threecx_operation_method(op, &method);
    for (i = 0; i < np && i < MAX_PARAMS; ++i) {
      int32_t type = 0, nullable = 0;
      size_t v = k + i;
      threecx_operation_param_type(op, i, &type);
      threecx_operation_param_nullable(op, i, &nullable);
      switch (type) {
        case THREECX_TYPE_INT32: a.i[i] = kInts[v % 5]; break;
        case THREECX_TYPE_BOOL: a.i[i] = (int64_t)(v % 3); break; /* 0, 1, 2 (true) */
        case THREECX_TYPE_GUID: a.s[i] = kGuids[v % 2]; break;
        case THREECX_TYPE_DATETIME: a.s[i] = kDates[v % 3]; break;
        default: a.s[i] = (nullable && v % 4 == 3) ? NULL : kStrings[v % (sizeof kStrings / sizeof *kStrings)];
      }
    }
    a.query = opts ? make_query(opts) : NULL;
    opts_seen |= opts;
    a.if_match = has_if_match ? "W/\"etag-1\"" : NULL;
    a.body = has_body ? "{\"Name\":\"O'Brien \\u00e9\",\"n\":1}" : NULL;
    expected_target(op, &a, opts, &want);

    rc = kThunks[k].fn(client, &a, &resp);
    CHECK(rc == THREECX_OK || rc == THREECX_E_HTTP, "%s: rc %d (%s)", kThunks[k].id, rc, threecx_last_error());
    threecx_response_free(resp);
    threecx_query_free((threecx_query *)a.query);

    rec = recorder(base, since);
    CHECK(rec != NULL, "%s: recorder", kThunks[k].id);
    if (!rec) {
      free(want.p);
      continue;
    }
    since = (long long)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(rec, "next"));
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(rec, "requests")) {
      const char *t = jstr(r, "target");
      if (t && strncmp(t, "/xapi/v1", 8) == 0) last = r; /* skip /connect/token */
    }
    CHECK(last != NULL, "%s: nothing recorded", kThunks[k].id);
    if (last) {
      const char *t = jstr(last, "target"), *m = jstr(last, "method"), *im = header(last, "If-Match");
      const char *body = jstr(last, "body");
      CHECK(m && method && strcmp(m, method) == 0, "%s: method %s, want %s", kThunks[k].id, m ? m : "(none)", method ? method : "");
      CHECK(t && strcmp(t, want.p) == 0, "%s: target\n   got  %s\n   want %s", kThunks[k].id, t ? t : "(none)", want.p);
      if (t) {
        const char *why = grammar_error(op, t);
        CHECK(why == NULL, "%s: %s: not OData ABNF: %s", kThunks[k].id, t, why ? why : "");
        ++grammar_checked;
      }
      if (has_if_match) CHECK(im && strcmp(im, a.if_match) == 0, "%s: If-Match %s", kThunks[k].id, im);
      if (has_body) CHECK(body && strcmp(body, a.body) == 0, "%s: body %s", kThunks[k].id, body);
      else CHECK(!body || !*body, "%s: unexpected body %s", kThunks[k].id, body);
    }
    cJSON_Delete(rec);
    free(want.p);
    if (failed == failed_before) ++ops_ok;
  }
  printf("%zu of %zu operations sent and recorded as expected\n", ops_ok, sizeof kThunks / sizeof kThunks[0]);
  printf("%zu recorded targets checked against the OData ABNF\n", grammar_checked);
  CHECK(grammar_checked == sizeof kThunks / sizeof kThunks[0], "grammar-checked %zu targets", grammar_checked);
  CHECK(opts_seen == 0xFF, "not every option was exercised: 0x%x", (unsigned)opts_seen);
  threecx_client_free(client);
  sim_stop(&s);
  curl_global_cleanup();
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
