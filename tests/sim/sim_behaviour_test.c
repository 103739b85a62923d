/* The running simulator (threecx-sim) driven with plain libcurl over
 * 127.0.0.1: OAuth token rules, role limits, every fault kind, the request
 * recorder and /_sim/reset. Plain asserts; the last line is
 * "N passed, M failed"; exit 1 on failure. Every transfer has a timeout. */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "simproc.h"

#define OTHER_ID "other"
#define OTHER_KEY "k3y-other-1c2d3e"
#define LIMITED_ID "limited"
#define LIMITED_KEY "k3y-limited-7d2c"
#define PLUS_ID "plus"
#define PLUS_KEY "ab+c/d=e f"

static int g_pass, g_fail;

static void check(int ok, const char *fmt, ...) {
  if (ok) {
    ++g_pass;
    return;
  }
  ++g_fail;
  va_list ap;
  va_start(ap, fmt);
  fputs("FAIL: ", stdout);
  vprintf(fmt, ap);
  fputc('\n', stdout);
  va_end(ap);
  fflush(stdout);
}

/* ---- one HTTP exchange ---- */
typedef struct reply {
  CURLcode rc;
  long status;
  char *body;
  size_t len;
  char retry_after[64];
  char www_auth[128];
  char content_length[32];
  double seconds;
} reply;

static size_t on_body(char *p, size_t sz, size_t n, void *ud) {
  reply *r = ud;
  size_t len = sz * n;
  char *d = realloc(r->body, r->len + len + 1);
  if (!d) return 0;
  memcpy(d + r->len, p, len);
  r->len += len;
  d[r->len] = 0;
  r->body = d;
  return len;
}

static void header_value(const char *line, size_t len, const char *name, char *out, size_t cap) {
  size_t nl = strlen(name);
  if (len <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':') return;
  const char *v = line + nl + 1;
  const char *end = line + len;
  while (v < end && (*v == ' ' || *v == '\t')) ++v;
  while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ')) --end;
  size_t n = (size_t)(end - v) < cap - 1 ? (size_t)(end - v) : cap - 1;
  memcpy(out, v, n);
  out[n] = 0;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud) {
  reply *r = ud;
  size_t len = sz * n;
  header_value(p, len, "Retry-After", r->retry_after, sizeof r->retry_after);
  header_value(p, len, "WWW-Authenticate", r->www_auth, sizeof r->www_auth);
  header_value(p, len, "Content-Length", r->content_length, sizeof r->content_length);
  return len;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* METHOD base+target; `bearer` (may be NULL) is sent as Authorization;
 * `form` (may be NULL) is a form body, else `json` (may be NULL). */
static reply exchange_full(const sim *s, const char *method, const char *target, const char *bearer,
                           const char *ctype, const char *data, const char *const *mime_fields,
                           const char *extra_header);

static reply exchange(const sim *s, const char *method, const char *target, const char *bearer,
                      const char *form, const char *json) {
  if (form) return exchange_full(s, method, target, bearer, "application/x-www-form-urlencoded", form, NULL, NULL);
  return exchange_full(s, method, target, bearer, json ? "application/json" : NULL, json, NULL, NULL);
}

/* The general form: `ctype` (may be NULL: none sent) with `data`, or a
 * multipart/form-data body of name/value pairs (NULL-terminated) when
 * `mime_fields` is set; `extra_header` (may be NULL) one more header line. */
static reply exchange_full(const sim *s, const char *method, const char *target, const char *bearer,
                           const char *ctype, const char *data, const char *const *mime_fields,
                           const char *extra_header) {
  reply r;
  memset(&r, 0, sizeof r);
  CURL *c = curl_easy_init();
  char url[2048], auth[512];
  snprintf(url, sizeof url, "%s%s", s->base, target);
  struct curl_slist *h = NULL;
  if (bearer) {
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", bearer);
    h = curl_slist_append(h, auth);
  }
  char ct[160];
  if (ctype && !mime_fields) {
    snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
    h = curl_slist_append(h, ct);
  } else if (data && !mime_fields) {
    h = curl_slist_append(h, "Content-Type:"); /* none at all (curl would add a form type) */
  }
  if (extra_header) h = curl_slist_append(h, extra_header);
  curl_mime *mime = NULL;
  if (mime_fields) {
    mime = curl_mime_init(c);
    for (int i = 0; mime_fields[i] && mime_fields[i + 1]; i += 2) {
      curl_mimepart *part = curl_mime_addpart(mime);
      curl_mime_name(part, mime_fields[i]);
      curl_mime_data(part, mime_fields[i + 1], CURL_ZERO_TERMINATED);
    }
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
  }
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 15L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
  if (s->https) curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
  if (data && !mime_fields) curl_easy_setopt(c, CURLOPT_POSTFIELDS, data);
  if (mime_fields) curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
  double t0 = now_s();
  r.rc = curl_easy_perform(c);
  r.seconds = now_s() - t0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  curl_mime_free(mime);
  if (!r.body) r.body = calloc(1, 1);
  return r;
}

static void drop_reply(reply *r) {
  free(r->body);
  r->body = NULL;
}

/* A JSON string field of a body (static buffer), "" when absent. */
static const char *jstr(const char *body, const char *path1, const char *path2) {
  static char out[512];
  out[0] = 0;
  cJSON *j = cJSON_Parse(body);
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, path1);
  if (path2) v = cJSON_GetObjectItemCaseSensitive(v, path2);
  if (cJSON_IsString(v)) snprintf(out, sizeof out, "%s", v->valuestring);
  cJSON_Delete(j);
  return out;
}

static double jnum(const char *body, const char *name) {
  cJSON *j = cJSON_Parse(body);
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
  double d = cJSON_IsNumber(v) ? v->valuedouble : -1;
  cJSON_Delete(j);
  return d;
}

static int is_odata_error(const char *body, const char *code, const char *message) {
  cJSON *j = cJSON_Parse(body);
  const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
  const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");
  int ok = cJSON_IsString(c) && cJSON_IsString(m) && (!code || strcmp(c->valuestring, code) == 0) &&
           (!message || strcmp(m->valuestring, message) == 0) && *m->valuestring;
  cJSON_Delete(j);
  return ok;
}

/* A token for id/key: the access token (malloc'ed) or NULL; *expires_in. */
static char *get_token(const sim *s, const char *id, const char *key, double *expires_in) {
  char form[256];
  snprintf(form, sizeof form, "client_id=%s&client_secret=%s&grant_type=client_credentials", id, key);
  reply r = exchange(s, "POST", "/connect/token", NULL, form, NULL);
  char *t = NULL;
  if (r.rc == CURLE_OK && r.status == 200) {
    const char *a = jstr(r.body, "access_token", NULL);
    if (*a) t = strdup(a);
    if (expires_in) *expires_in = jnum(r.body, "expires_in");
  }
  drop_reply(&r);
  return t;
}

static long xapi_status(const sim *s, const char *target, const char *token) {
  reply r = exchange(s, "GET", target, token, NULL, NULL);
  long st = r.rc == CURLE_OK ? r.status : -1;
  drop_reply(&r);
  return st;
}

static int add_fault(const sim *s, const char *json) {
  char *out = NULL;
  int st = sim_call(s, "POST", "/_sim/faults", json, &out);
  int ok = (st == 200 || st == 201) && jnum(out, "id") > 0;
  free(out);
  check(ok, "POST /_sim/faults %s -> %d", json, st);
  return ok;
}

#define TOKENS "/xapi/v1/SecurityTokens"

/* ---- token rules ---- */
static void test_tokens(const sim *s) {
  /* a good request: the documented shape, expires_in = the lifetime */
  reply r = exchange(s, "POST", "/connect/token", NULL,
                     "client_id=" TEST_CLIENT_ID "&client_secret=" TEST_API_KEY "&grant_type=client_credentials",
                     NULL);
  check(r.rc == CURLE_OK && r.status == 200, "token: 200 (got %ld, curl %d)", r.status, r.rc);
  check(strcmp(jstr(r.body, "token_type", NULL), "Bearer") == 0, "token_type Bearer: %s", r.body);
  check(jnum(r.body, "expires_in") == 3600, "expires_in is the default lifetime 3600: %s", r.body);
  char *t1 = strdup(jstr(r.body, "access_token", NULL));
  check(*t1 != 0, "access_token present");
  cJSON *j = cJSON_Parse(r.body);
  check(cJSON_IsNull(cJSON_GetObjectItem(j, "refresh_token")), "refresh_token is null");
  cJSON_Delete(j);
  drop_reply(&r);
  check(xapi_status(s, TOKENS, t1) == 200, "first token works");

  /* form decoding: '+' is a space, %2B a plus (a key with both) */
  r = exchange(s, "POST", "/connect/token", NULL,
               "client_id=" PLUS_ID "&client_secret=ab%2Bc%2Fd%3De+f&grant_type=client_credentials", NULL);
  check(r.status == 200, "key with + / = and a space, form-encoded: 200 (got %ld %s)", r.status, r.body);
  drop_reply(&r);
  r = exchange(s, "POST", "/connect/token", NULL,
               "client_id=" PLUS_ID "&client_secret=ab+c%2Fd%3De+f&grant_type=client_credentials", NULL);
  check(r.status == 400, "a raw '+' is a space, so that key is wrong: 400 (got %ld)", r.status);
  drop_reply(&r);

  /* a second token for the same client id invalidates the first */
  char *t2 = get_token(s, TEST_CLIENT_ID, TEST_API_KEY, NULL);
  check(t2 && strcmp(t1, t2) != 0, "second token differs");
  r = exchange(s, "GET", TOKENS, t1, NULL, NULL);
  check(r.status == 401, "old token after a new one -> 401 (got %ld)", r.status);
  check(strncmp(r.www_auth, "Bearer", 6) == 0, "401 carries WWW-Authenticate: Bearer (got '%s')", r.www_auth);
  drop_reply(&r);
  check(xapi_status(s, TOKENS, t2) == 200, "new token -> 200");

  /* different client ids do not interfere */
  char *o1 = get_token(s, OTHER_ID, OTHER_KEY, NULL);
  check(o1 != NULL, "token for a second client id");
  check(xapi_status(s, TOKENS, t2) == 200, "test's token survives other's token request");
  check(xapi_status(s, TOKENS, o1) == 200, "other's token works");
  char *t3 = get_token(s, TEST_CLIENT_ID, TEST_API_KEY, NULL);
  check(xapi_status(s, TOKENS, o1) == 200, "other's token survives test's new token");
  check(xapi_status(s, TOKENS, t2) == 401, "test's previous token is gone");
  check(xapi_status(s, TOKENS, t3) == 200, "test's newest token works");

  /* no or bad Authorization */
  check(xapi_status(s, TOKENS, NULL) == 401, "no Authorization -> 401");
  check(xapi_status(s, TOKENS, "not-a-token") == 401, "unknown token -> 401");

  /* bad credentials and bad requests */
  struct {
    const char *form;
    long status;
    const char *error;
  } bad[] = {
      {"client_id=" TEST_CLIENT_ID "&client_secret=wrong-key-9f8e7d&grant_type=client_credentials", 400,
       "invalid_client"},
      {"client_id=nobody&client_secret=" TEST_API_KEY "&grant_type=client_credentials", 400, "invalid_client"},
      {"client_id=" TEST_CLIENT_ID "&client_secret=" TEST_API_KEY "&grant_type=password", 400,
       "unsupported_grant_type"},
      /* RFC 6749 5.2: a missing required parameter is invalid_request */
      {"client_id=" TEST_CLIENT_ID "&client_secret=" TEST_API_KEY, 400, "invalid_request"},
      {"client_id=" TEST_CLIENT_ID "&grant_type=client_credentials", 400, "invalid_request"},
      {"client_secret=" TEST_API_KEY "&grant_type=client_credentials", 400, "invalid_request"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    r = exchange(s, "POST", "/connect/token", NULL, bad[i].form, NULL);
    const char *err = jstr(r.body, "error", NULL);
    int ok = r.status == bad[i].status && strcmp(err, bad[i].error) == 0;
    char desc[256];
    snprintf(desc, sizeof desc, "%s", jstr(r.body, "error_description", NULL));
    check(ok && *desc, "token %s -> %ld %s (want %ld %s, with error_description)", bad[i].form, r.status, r.body,
          bad[i].status, bad[i].error);
    drop_reply(&r);
  }
  /* a failed token request leaves the live token alone */
  check(xapi_status(s, TOKENS, t3) == 200, "bad token requests do not revoke the live token");

  /* /_sim/expire-tokens: every token -> 401 with WWW-Authenticate: Bearer */
  check(sim_call(s, "POST", "/_sim/expire-tokens", "{}", NULL) == 200, "POST /_sim/expire-tokens");
  r = exchange(s, "GET", TOKENS, t3, NULL, NULL);
  check(r.status == 401 && strncmp(r.www_auth, "Bearer", 6) == 0, "expired token -> 401 Bearer (got %ld '%s')",
        r.status, r.www_auth);
  drop_reply(&r);
  check(xapi_status(s, TOKENS, o1) == 401, "expire-tokens expires every client's token");
  char *t4 = get_token(s, TEST_CLIENT_ID, TEST_API_KEY, NULL);
  check(t4 && xapi_status(s, TOKENS, t4) == 200, "a fresh token after expiry works");

  /* /_sim/config token_lifetime: expires_in follows */
  check(sim_call(s, "POST", "/_sim/config", "{\"token_lifetime\":7}", NULL) == 200, "POST /_sim/config");
  double exp = 0;
  char *t5 = get_token(s, TEST_CLIENT_ID, TEST_API_KEY, &exp);
  check(t5 && exp == 7, "expires_in follows /_sim/config token_lifetime (got %g)", exp);

  /* role limits: a User-role client may not read the call log */
  char *l1 = get_token(s, LIMITED_ID, LIMITED_KEY, NULL);
  check(l1 != NULL, "token for the User-role client");
  r = exchange(s, "GET", "/xapi/v1/ReportCallLogData", l1, NULL, NULL);
  check(r.status == 403 && is_odata_error(r.body, NULL, NULL), "User role -> 403 OData error on ReportCallLogData (got %ld %s)",
        r.status, r.body);
  drop_reply(&r);
  check(xapi_status(s, TOKENS, l1) == 200, "User role may list SecurityTokens");
  check(xapi_status(s, "/xapi/v1/ReportCallLogData", t5) != 403, "SystemOwner is not refused ReportCallLogData");

  free(t1);
  free(t2);
  free(o1);
  free(t3);
  free(t4);
  free(t5);
  free(l1);
}

/* --token-lifetime 1: the token dies by itself */
static void test_lifetime(void) {
  sim s;
  const char *args[] = {"--token-lifetime", "1", NULL};
  if (sim_start(&s, 1, args)) {
    check(0, "start a simulator with --token-lifetime 1");
    return;
  }
  double exp = 0;
  char *t = get_token(&s, TEST_CLIENT_ID, TEST_API_KEY, &exp);
  check(t && exp == 1, "expires_in equals --token-lifetime 1 (got %g)", exp);
  check(xapi_status(&s, TOKENS, t) == 200, "fresh 1 s token works");
  struct timespec ts = {1, 600000000L};
  nanosleep(&ts, NULL);
  reply r = exchange(&s, "GET", TOKENS, t, NULL, NULL);
  check(r.status == 401 && strncmp(r.www_auth, "Bearer", 6) == 0,
        "token past its lifetime -> 401 with WWW-Authenticate: Bearer (got %ld '%s')", r.status, r.www_auth);
  drop_reply(&r);
  free(t);
  sim_stop(&s);
}

/* ---- faults ---- */
static void test_faults(const sim *s) {
  {
    /* expire_token: the token presented to a matching path expires now */
    char *t = get_token(s, TEST_CLIENT_ID, TEST_API_KEY, NULL);
    check(t && xapi_status(s, TOKENS, t) == 200, "token works before the expire_token fault");
    add_fault(s, "{\"path\":\"^/Defs\",\"expire_token\":true,\"times\":1}");
    check(xapi_status(s, "/xapi/v1/Defs?$select=Id", t) == 401, "expire_token: the matching request gets 401");
    check(xapi_status(s, TOKENS, t) == 401, "expire_token: the token stays expired elsewhere");
    char *t2 = get_token(s, TEST_CLIENT_ID, TEST_API_KEY, NULL);
    check(t2 && xapi_status(s, "/xapi/v1/Defs?$select=Id", t2) == 200, "a new token works (rule used up)");
    free(t);
    free(t2);
  }
  char *t = get_token(s, TEST_CLIENT_ID, TEST_API_KEY, NULL);
  int64_t applied0 = sim_stat(s, "faults_applied");

  /* status + OData error body + Retry-After, once */
  add_fault(s, "{\"path\":\"^/SecurityTokens\",\"status\":503,\"code\":\"ServiceUnavailable\","
               "\"message\":\"down for the test\",\"retry_after\":\"7\",\"times\":1}");
  reply r = exchange(s, "GET", TOKENS, t, NULL, NULL);
  check(r.status == 503, "status fault -> 503 (got %ld)", r.status);
  check(strcmp(r.retry_after, "7") == 0, "Retry-After: 7 (got '%s')", r.retry_after);
  check(is_odata_error(r.body, "ServiceUnavailable", "down for the test"), "OData error body: %s", r.body);
  drop_reply(&r);
  check(xapi_status(s, TOKENS, t) == 200, "times=1: the next request is normal");

  /* numeric retry_after, default code/message */
  add_fault(s, "{\"path\":\"^/SecurityTokens\",\"status\":429,\"retry_after\":2,\"times\":1}");
  r = exchange(s, "GET", TOKENS, t, NULL, NULL);
  check(r.status == 429 && strcmp(r.retry_after, "2") == 0 && is_odata_error(r.body, NULL, NULL),
        "429 with numeric retry_after 2 (got %ld '%s' %s)", r.status, r.retry_after, r.body);
  drop_reply(&r);

  /* times=3: applies three times, then stops */
  add_fault(s, "{\"path\":\"^/SecurityTokens\",\"status\":500,\"times\":3}");
  long got[4];
  for (int i = 0; i < 4; ++i) got[i] = xapi_status(s, TOKENS, t);
  check(got[0] == 500 && got[1] == 500 && got[2] == 500 && got[3] == 200, "times=3 -> 500 500 500 200 (got %ld %ld %ld %ld)",
        got[0], got[1], got[2], got[3]);

  /* latency: at least the configured time, then a normal answer.  The
   * "fast again" bound is generous (this runs under valgrind too). */
  add_fault(s, "{\"path\":\"^/SecurityTokens\",\"latency_ms\":2000,\"times\":1}");
  r = exchange(s, "GET", TOKENS "?$top=1", t, NULL, NULL);
  check(r.status == 200 && r.seconds >= 2.0, "latency_ms 2000 -> 200 after >= 2 s (got %ld after %.3f s)", r.status,
        r.seconds);
  cJSON *j = cJSON_Parse(r.body);
  check(cJSON_IsArray(cJSON_GetObjectItem(j, "value")), "latency fault still answers the real body");
  cJSON_Delete(j);
  drop_reply(&r);
  r = exchange(s, "GET", TOKENS "?$top=1", t, NULL, NULL);
  check(r.status == 200 && r.seconds < 1.5, "after the latency fault: fast again (%.3f s)", r.seconds);
  drop_reply(&r);

  /* drop: the connection closes with no HTTP status */
  add_fault(s, "{\"path\":\"^/SecurityTokens\",\"drop\":true,\"times\":1}");
  r = exchange(s, "GET", TOKENS, t, NULL, NULL);
  check(r.rc != CURLE_OK && r.status == 0, "drop -> curl error with no status (curl %d '%s', status %ld)", r.rc,
        curl_easy_strerror(r.rc), r.status);
  drop_reply(&r);
  check(xapi_status(s, TOKENS, t) == 200, "after drop: normal");

  /* truncate: a partial transfer */
  add_fault(s, "{\"path\":\"^/SecurityTokens\",\"truncate\":true,\"times\":1}");
  r = exchange(s, "GET", TOKENS, t, NULL, NULL);
  long cl = atol(r.content_length);
  int partial = s->https ? r.rc != CURLE_OK : r.rc == CURLE_PARTIAL_FILE;
  check(partial && r.len > 0 && (cl == 0 || (size_t)cl > r.len),
        "truncate -> partial transfer (curl %d '%s', %zu of %s bytes)", r.rc, curl_easy_strerror(r.rc), r.len,
        r.content_length);
  drop_reply(&r);

  /* malformed: 200 with a body cJSON cannot parse */
  add_fault(s, "{\"path\":\"^/SecurityTokens\",\"malformed\":true,\"times\":1}");
  r = exchange(s, "GET", TOKENS, t, NULL, NULL);
  j = cJSON_Parse(r.body);
  check(r.rc == CURLE_OK && r.status == 200 && r.len > 0 && j == NULL, "malformed -> 200 with unparsable JSON (got %ld %s)",
        r.status, r.body);
  cJSON_Delete(j);
  drop_reply(&r);

  /* method-specific: only POST fails */
  add_fault(s, "{\"path\":\"^/WebsiteLinks\",\"method\":\"POST\",\"status\":409,\"code\":\"Conflict\"}");
  check(xapi_status(s, "/xapi/v1/WebsiteLinks", t) == 200, "GET is not hit by a POST fault");
  r = exchange(s, "POST", "/xapi/v1/WebsiteLinks", t, NULL, "{\"Link\":\"x\",\"Name\":\"x\"}");
  check(r.status == 409 && is_odata_error(r.body, "Conflict", NULL), "POST hit by the POST fault (got %ld %s)", r.status,
        r.body);
  drop_reply(&r);
  r = exchange(s, "POST", "/xapi/v1/WebsiteLinks", t, NULL, "{\"Link\":\"y\",\"Name\":\"y\"}");
  check(r.status == 409, "a fault without times applies again (got %ld)", r.status);
  drop_reply(&r);

  /* a path rule only hits its path */
  add_fault(s, "{\"path\":\"^/Nowhere$\",\"status\":500}");
  check(xapi_status(s, TOKENS, t) == 200, "a fault for another path does not hit");

  /* DELETE /_sim/faults clears everything */
  add_fault(s, "{\"path\":\"^/SecurityTokens\",\"status\":502}");
  check(xapi_status(s, TOKENS, t) == 502, "forever fault applies");
  check(xapi_status(s, TOKENS, t) == 502, "forever fault applies again");
  check(sim_call(s, "DELETE", "/_sim/faults", NULL, NULL) == 200, "DELETE /_sim/faults");
  check(xapi_status(s, TOKENS, t) == 200, "after DELETE /_sim/faults: normal");
  r = exchange(s, "POST", "/xapi/v1/WebsiteLinks", t, NULL, "{\"Link\":\"z\",\"Name\":\"z\"}");
  check(r.status != 409, "the method fault is gone too (got %ld)", r.status);
  drop_reply(&r);

  /* faults on /connect/token */
  add_fault(s, "{\"path\":\"^/connect/token$\",\"status\":503,\"retry_after\":\"1\",\"times\":1}");
  r = exchange(s, "POST", "/connect/token", NULL,
               "client_id=" TEST_CLIENT_ID "&client_secret=" TEST_API_KEY "&grant_type=client_credentials", NULL);
  check(r.status == 503 && strcmp(r.retry_after, "1") == 0, "token endpoint fault -> 503 Retry-After 1 (got %ld '%s')",
        r.status, r.retry_after);
  drop_reply(&r);
  check(xapi_status(s, TOKENS, t) == 200, "a failed token request leaves the live token alone");
  add_fault(s, "{\"path\":\"^/connect/token$\",\"drop\":true,\"times\":1}");
  r = exchange(s, "POST", "/connect/token", NULL,
               "client_id=" TEST_CLIENT_ID "&client_secret=" TEST_API_KEY "&grant_type=client_credentials", NULL);
  check(r.rc != CURLE_OK && r.status == 0, "token endpoint drop -> curl error (curl %d)", r.rc);
  drop_reply(&r);
  char *t2 = get_token(s, TEST_CLIENT_ID, TEST_API_KEY, NULL);
  check(t2 != NULL, "token endpoint normal after its faults");

  int64_t applied = sim_stat(s, "faults_applied");
  check(applied - applied0 >= 15, "stats faults_applied counts applied faults (%lld)", (long long)(applied - applied0));
  free(t);
  free(t2);
}

/* ---- recorder ---- */
static void test_recorder(const sim *s) {
  char *t = get_token(s, TEST_CLIENT_ID, TEST_API_KEY, NULL);
  char *out = NULL;
  check(sim_call(s, "GET", "/_sim/requests", NULL, &out) == 200, "GET /_sim/requests");
  long next = (long)jnum(out, "next");
  free(out);
  check(next >= 0, "recorder reports next");

  const char *targets[] = {
      TOKENS "?%24filter=Username%20eq%20%27O%27%27Brien%27&$top=2&$count=true",
      TOKENS "?$select=Id,Username&$orderby=Id%20desc&x=%2f%2F",
      "/xapi/v1/WebsiteLinks('team%20page')",
  };
  for (size_t i = 0; i < 3; ++i) xapi_status(s, targets[i], t);
  reply r = exchange(s, "PATCH", "/xapi/v1/WebsiteLinks('team%20page')", t, NULL, "{\"Name\":\"Renamed\"}");
  drop_reply(&r);

  char q[64];
  snprintf(q, sizeof q, "/_sim/requests?since=%ld", next);
  check(sim_call(s, "GET", q, NULL, &out) == 200, "GET %s", q);
  cJSON *j = cJSON_Parse(out);
  const cJSON *reqs = cJSON_GetObjectItem(j, "requests");
  check(cJSON_GetArraySize(reqs) == 4, "since=%ld returns exactly the 4 new requests (got %d)", next,
        cJSON_GetArraySize(reqs));
  int i = 0;
  for (const cJSON *e = reqs ? reqs->child : NULL; e; e = e->next, ++i) {
    const cJSON *target = cJSON_GetObjectItem(e, "target");
    const cJSON *seq = cJSON_GetObjectItem(e, "seq");
    const char *want = i < 3 ? targets[i] : "/xapi/v1/WebsiteLinks('team%20page')";
    check(cJSON_IsString(target) && strcmp(target->valuestring, want) == 0, "recorded target %d is raw: '%s' want '%s'",
          i, cJSON_IsString(target) ? target->valuestring : "?", want);
    check(cJSON_IsNumber(seq) && (long)seq->valuedouble == next + i, "seq %d is %ld", i, next + i);
    const cJSON *h = cJSON_GetObjectItem(e, "headers");
    int has_auth = 0;
    for (const cJSON *f = h ? h->child : NULL; f; f = f->next)
      if (strcasecmp(f->string, "Authorization") == 0) has_auth = 1;
    check(!has_auth, "recorded request %d has no Authorization header", i);
  }
  const cJSON *last = cJSON_GetArrayItem(reqs, 3);
  const cJSON *m = cJSON_GetObjectItem(last, "method");
  const cJSON *b = cJSON_GetObjectItem(last, "body");
  check(cJSON_IsString(m) && strcmp(m->valuestring, "PATCH") == 0, "recorded method PATCH");
  check(cJSON_IsString(b) && strcmp(b->valuestring, "{\"Name\":\"Renamed\"}") == 0, "recorded body");
  check(t && strstr(out, t) == NULL, "the access token appears nowhere in the recorder");
  cJSON_Delete(j);
  free(out);

  /* since beyond the end: nothing */
  snprintf(q, sizeof q, "/_sim/requests?since=%ld", next + 1000);
  sim_call(s, "GET", q, NULL, &out);
  j = cJSON_Parse(out);
  check(cJSON_GetArraySize(cJSON_GetObjectItem(j, "requests")) == 0, "since past the end -> no requests");
  cJSON_Delete(j);
  free(out);
  free(t);
}

/* ---- reset ---- */
static long count_of(const sim *s, const char *set, const char *token) {
  char target[256];
  snprintf(target, sizeof target, "/xapi/v1/%s?$count=true&$top=0", set);
  reply r = exchange(s, "GET", target, token, NULL, NULL);
  long n = r.status == 200 ? (long)jnum(r.body, "@odata.count") : -1;
  drop_reply(&r);
  return n;
}

static void test_reset(const sim *s) {
  check(sim_call(s, "POST", "/_sim/reset", "{}", NULL) == 200, "POST /_sim/reset");
  char *t = get_token(s, TEST_CLIENT_ID, TEST_API_KEY, NULL);
  long links0 = count_of(s, "WebsiteLinks", t), tokens0 = count_of(s, "SecurityTokens", t);
  check(links0 > 0 && tokens0 > 0, "seed has WebsiteLinks (%ld) and SecurityTokens (%ld)", links0, tokens0);
  reply r = exchange(s, "GET", "/xapi/v1/WebsiteLinks('team%20page')?$select=Name", t, NULL, NULL);
  char name0[128];
  snprintf(name0, sizeof name0, "%s", jstr(r.body, "Name", NULL));
  drop_reply(&r);

  /* change the data, the faults, the lifetime */
  r = exchange(s, "POST", "/xapi/v1/WebsiteLinks", t, NULL, "{\"Link\":\"reset-me\",\"Name\":\"Reset me\"}");
  check(r.status == 201, "create a WebsiteLink (got %ld %s)", r.status, r.body);
  drop_reply(&r);
  r = exchange(s, "PATCH", "/xapi/v1/WebsiteLinks('team%20page')", t, NULL, "{\"Name\":\"Changed\"}");
  check(r.status == 204, "patch a WebsiteLink (got %ld %s)", r.status, r.body);
  drop_reply(&r);
  check(count_of(s, "WebsiteLinks", t) == links0 + 1, "one more WebsiteLink");
  add_fault(s, "{\"path\":\"^/Defs\",\"status\":500}");
  sim_call(s, "POST", "/_sim/config", "{\"token_lifetime\":5}", NULL);

  check(sim_call(s, "POST", "/_sim/reset", "{}", NULL) == 200, "POST /_sim/reset again");
  char *t2 = get_token(s, TEST_CLIENT_ID, TEST_API_KEY, NULL);
  double exp = 0;
  free(t2);
  t2 = get_token(s, TEST_CLIENT_ID, TEST_API_KEY, &exp);
  check(t2 != NULL, "token after reset");
  check(count_of(s, "WebsiteLinks", t2) == links0, "reset restores the WebsiteLinks seed");
  check(count_of(s, "SecurityTokens", t2) == tokens0, "reset keeps the SecurityTokens seed");
  r = exchange(s, "GET", "/xapi/v1/WebsiteLinks('team%20page')?$select=Name", t2, NULL, NULL);
  check(strcmp(jstr(r.body, "Name", NULL), name0) == 0 && *name0, "reset restores a patched entity ('%s')", r.body);
  drop_reply(&r);
  check(xapi_status(s, "/xapi/v1/Defs?$select=Id", t2) == 200, "reset clears faults");
  check(exp == 3600, "reset restores the token lifetime (expires_in %g)", exp);
  check(sim_stat(s, "faults_applied") == 0, "reset zeroes the stats");
  free(t);
  free(t2);
}

/* ---- token request encodings: URL-encoded and multipart/form-data (3CX's
 * own sample client sends FormData); everything else refused ---- */
static void test_token_forms(const sim *s) {
  const char *good[] = {"client_id", TEST_CLIENT_ID, "client_secret", TEST_API_KEY, "grant_type", "client_credentials", NULL};
  reply r = exchange_full(s, "POST", "/connect/token", NULL, NULL, NULL, good, NULL);
  check(r.status == 200 && *jstr(r.body, "access_token", NULL), "multipart/form-data token request: 200 (got %ld %s)",
        r.status, r.body);
  char *t = strdup(jstr(r.body, "access_token", NULL));
  drop_reply(&r);
  check(xapi_status(s, TOKENS, t) == 200, "the multipart token works");
  free(t);
  struct {
    const char *what;
    const char *const *mime;
    const char *ctype, *data;
    const char *error;
  } bad[] = {
      {"multipart without client_secret",
       (const char *const[]){"client_id", TEST_CLIENT_ID, "grant_type", "client_credentials", NULL}, NULL, NULL,
       "invalid_request"},
      {"multipart without grant_type",
       (const char *const[]){"client_id", TEST_CLIENT_ID, "client_secret", TEST_API_KEY, NULL}, NULL, NULL,
       "invalid_request"},
      {"multipart with grant_type password",
       (const char *const[]){"client_id", TEST_CLIENT_ID, "client_secret", TEST_API_KEY, "grant_type", "password", NULL},
       NULL, NULL, "unsupported_grant_type"},
      {"multipart with a wrong secret",
       (const char *const[]){"client_id", TEST_CLIENT_ID, "client_secret", "wrong-5a4b", "grant_type",
                             "client_credentials", NULL},
       NULL, NULL, "invalid_client"},
      {"JSON body", NULL, "application/json",
       "{\"client_id\":\"" TEST_CLIENT_ID "\",\"client_secret\":\"" TEST_API_KEY "\",\"grant_type\":\"client_credentials\"}",
       "invalid_request"},
      {"text/plain with a form inside", NULL, "text/plain",
       "client_id=" TEST_CLIENT_ID "&client_secret=" TEST_API_KEY "&grant_type=client_credentials", "invalid_request"},
      {"no Content-Type", NULL, NULL,
       "client_id=" TEST_CLIENT_ID "&client_secret=" TEST_API_KEY "&grant_type=client_credentials", "invalid_request"},
      {"form with client_id twice", NULL, "application/x-www-form-urlencoded",
       "client_id=" TEST_CLIENT_ID "&client_id=" OTHER_ID "&client_secret=" TEST_API_KEY "&grant_type=client_credentials",
       "invalid_request"},
      {"form without grant_type", NULL, "application/x-www-form-urlencoded",
       "client_id=" TEST_CLIENT_ID "&client_secret=" TEST_API_KEY, "invalid_request"},
      {"form with an unknown grant_type", NULL, "application/x-www-form-urlencoded",
       "client_id=" TEST_CLIENT_ID "&client_secret=" TEST_API_KEY "&grant_type=magic", "unsupported_grant_type"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    r = exchange_full(s, "POST", "/connect/token", NULL, bad[i].ctype, bad[i].data, bad[i].mime, NULL);
    check(r.status == 400 && strcmp(jstr(r.body, "error", NULL), bad[i].error) == 0 &&
              *jstr(r.body, "error_description", NULL) && !strstr(r.body, TEST_API_KEY),
          "%s: 400 %s (got %ld %s)", bad[i].what, bad[i].error, r.status, r.body);
    drop_reply(&r);
  }
}

/* ---- DN numbers: unique across every kind of DN, fixed once created,
 * the next free one when none is given; ids never reused ---- */
static double create(const sim *s, const char *token, const char *set, const char *json, long *status, char *number,
                     size_t cap) {
  char target[128];
  snprintf(target, sizeof target, "/xapi/v1/%s", set);
  reply r = exchange(s, "POST", target, token, NULL, json);
  *status = r.status;
  double id = r.status == 201 ? jnum(r.body, "Id") : -1;
  if (number) snprintf(number, cap, "%s", r.status == 201 ? jstr(r.body, "Number", NULL) : "");
  if (r.status != 201 && r.status != 400) printf("note: POST %s %s -> %ld %s\n", set, json, r.status, r.body);
  drop_reply(&r);
  return id;
}

static void test_numbers(const sim *s) {
  char *t = get_token(s, TEST_CLIENT_ID, TEST_API_KEY, NULL);
  long st;
  char num[64], body[400], target[320];
  /* a number one DN has cannot go to another, of any kind */
  double uid = create(s, t, "Users", "{\"FirstName\":\"Nora\",\"LastName\":\"Num\",\"Number\":\"4711\"}", &st, num, sizeof num);
  check(st == 201 && strcmp(num, "4711") == 0, "create a user with Number 4711 (got %ld, '%s')", st, num);
  const char *kinds[] = {"Users", "Groups", "Queues", "RingGroups", "Parkings", "Receptionists", "Fax", "Trunks",
                         "ServicePrincipals", "CallFlowApps"};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; ++i) {
    snprintf(target, sizeof target, "/xapi/v1/%s", kinds[i]);
    reply r = exchange(s, "POST", target, t, NULL, "{\"Number\":\"4711\"}");
    check(r.status == 400 && is_odata_error(r.body, "WARNINGS.XAPI.ALREADY_IN_USE", NULL),
          "POST %s with the taken Number 4711: 400 ALREADY_IN_USE (got %ld %s)", kinds[i], r.status, r.body);
    drop_reply(&r);
  }
  /* a parking's number is taken for users too */
  create(s, t, "Parkings", "{\"Number\":\"SP4711\"}", &st, num, sizeof num);
  check(st == 201, "create a parking SP4711 (got %ld)", st);
  create(s, t, "Parkings", "{\"Number\":\"SP4711\"}", &st, NULL, 0);
  check(st == 400, "a second parking SP4711: 400 (got %ld)", st);
  create(s, t, "Users", "{\"Number\":\"SP4711\"}", &st, NULL, 0);
  check(st == 400, "a user with the parking's number SP4711: 400 (got %ld)", st);

  /* PATCH: the same number is fine, another is refused and changes nothing */
  snprintf(target, sizeof target, "/xapi/v1/Users(%.0f)", uid);
  reply r = exchange(s, "PATCH", target, t, NULL, "{\"Number\":\"4711\",\"LastName\":\"Same\"}");
  check(r.status == 204, "PATCH with the same Number: 204 (got %ld %s)", r.status, r.body);
  drop_reply(&r);
  r = exchange(s, "PATCH", target, t, NULL, "{\"Number\":\"4712\",\"LastName\":\"Moved\"}");
  check(r.status == 400 && is_odata_error(r.body, "WARNINGS.XAPI.NOT_SUPPORTED", NULL),
        "PATCH changing Number: 400 NOT_SUPPORTED (got %ld %s)", r.status, r.body);
  drop_reply(&r);
  r = exchange(s, "PATCH", "/xapi/v1/Users(1)", t, NULL, "{\"Number\":\"4711\"}");
  check(r.status == 400, "PATCH onto another user's number: 400 (got %ld)", r.status);
  drop_reply(&r);
  snprintf(body, sizeof body, "%s?$select=Number,LastName", target);
  r = exchange(s, "GET", body, t, NULL, NULL);
  check(strcmp(jstr(r.body, "Number", NULL), "4711") == 0 && strcmp(jstr(r.body, "LastName", NULL), "Same") == 0,
        "the refused PATCH changed nothing: %s", r.body);
  drop_reply(&r);
  r = exchange(s, "POST", "/xapi/v1/Users/Pbx.BulkUpdate", t, NULL, "{\"ids\":[1],\"user\":{\"Number\":\"4799\"}}");
  check(r.status == 400, "BulkUpdate changing Number: 400 (got %ld %s)", r.status, r.body);
  drop_reply(&r);

  /* no Number: the first available one, as GetFirstAvailableExtensionNumber says */
  r = exchange(s, "GET", "/xapi/v1/Users/Pbx.GetFirstAvailableExtensionNumber()", t, NULL, NULL);
  char next[64];
  snprintf(next, sizeof next, "%s", jstr(r.body, "Number", NULL));
  drop_reply(&r);
  create(s, t, "Users", "{\"FirstName\":\"Auto\"}", &st, num, sizeof num);
  check(st == 201 && *next && strcmp(num, next) == 0, "a user without Number gets %s (got %ld '%s')", next, st, num);
  create(s, t, "Users", "{\"FirstName\":\"Auto2\"}", &st, body, sizeof body);
  check(st == 201 && *body && strcmp(body, num) != 0, "the next one another (%s, then %s)", num, body);
  create(s, t, "Queues", "{\"Name\":\"Auto queue\"}", &st, body, sizeof body);
  check(st == 201 && *body, "a queue without Number gets one (%s)", body);
  snprintf(target, sizeof target, "/xapi/v1/Users?$filter=Number%%20eq%%20'%.64s'&$count=true&$top=0", body);
  r = exchange(s, "GET", target, t, NULL, NULL);
  check(jnum(r.body, "@odata.count") == 0, "the queue's number is no user's: %s", r.body);
  drop_reply(&r);

  /* ids: a deleted entity's id is never handed out again */
  const char *sets[] = {"Users", "Groups", "Queues"};
  for (size_t i = 0; i < 3; ++i) {
    double a = create(s, t, sets[i], "{}", &st, NULL, 0);
    snprintf(target, sizeof target, "/xapi/v1/%s(%.0f)", sets[i], a);
    r = exchange(s, "DELETE", target, t, NULL, NULL);
    check(a > 0 && r.status == 204, "create and delete %s(%.0f): %ld", sets[i], a, r.status);
    drop_reply(&r);
    double b = create(s, t, sets[i], "{}", &st, NULL, 0);
    check(b > a, "%s: the next id after deleting %.0f is %.0f (never reused)", sets[i], a, b);
  }
  free(t);
}

/* ---- @odata.context names the host and port the request came to ---- */
static void test_context(const sim *s) {
  char *t = get_token(s, TEST_CLIENT_ID, TEST_API_KEY, NULL);
  char want[256];
  snprintf(want, sizeof want, "%s/xapi/v1/$metadata#Users", s->base);
  reply r = exchange(s, "GET", "/xapi/v1/Users?$top=1", t, NULL, NULL);
  check(strcmp(jstr(r.body, "@odata.context", NULL), want) == 0, "@odata.context is %s (got %s)", want,
        jstr(r.body, "@odata.context", NULL));
  drop_reply(&r);
  snprintf(want, sizeof want, "%s://pbx.example.test:8443/xapi/v1/$metadata#Users", s->https ? "https" : "http");
  r = exchange_full(s, "GET", "/xapi/v1/Users?$top=1", t, NULL, NULL, NULL, "Host: pbx.example.test:8443");
  check(strcmp(jstr(r.body, "@odata.context", NULL), want) == 0, "with Host pbx.example.test:8443: %s (got %s)", want,
        jstr(r.body, "@odata.context", NULL));
  drop_reply(&r);
  free(t);
}

int main(void) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const char *clients[] = {"--client", OTHER_ID ":" OTHER_KEY ":SystemOwner", "--client",
                           LIMITED_ID ":" LIMITED_KEY ":User", "--client", PLUS_ID ":" PLUS_KEY, NULL};
  for (int https = 1; https >= 0; --https) {
    sim s;
    if (sim_start(&s, !https, clients)) {
      check(0, "start the simulator (%s)", https ? "https" : "http");
      continue;
    }
    printf("-- %s on %s\n", https ? "HTTPS" : "HTTP", s.domain);
    fflush(stdout);
    if (strncmp(s.domain, "127.0.0.1:", 10) != 0) check(0, "simulator on 127.0.0.1");
    test_tokens(&s);
    test_token_forms(&s);
    test_numbers(&s);
    test_context(&s);
    sim_call(&s, "POST", "/_sim/reset", "{}", NULL);
    test_faults(&s);
    sim_call(&s, "POST", "/_sim/reset", "{}", NULL);
    test_recorder(&s);
    test_reset(&s);
    sim_stop(&s);
  }
  test_lifetime();
  curl_global_cleanup();
  printf("%d passed, %d failed\n", g_pass, g_fail);
  return g_fail ? 1 : 0;
}
