/* Answers the simulator cannot give, from a small loopback server in this
 * process (tests/support/rawsrv.c): numbers out of range in a token
 * response (finding 2 of issue 13) and in @odata.count (finding 3),
 * servers that echo the key and tokens back in bodies, headers and error
 * details (finding 4), non-JSON 2xx answers to JSON operations, and
 * answers that never come or trickle in (the stall detector). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <threecx/catalog.h>
#include <threecx/threecx.h>

#include "rawsrv.h"
#include "simproc.h"

/* Every secret contains SECRET, and nothing else the library prints does. */
#define KEY "KEY-SECRET-7/+&=x"

enum mode { OK_EMPTY, REDIRECT, ECHO_400, ECHO_502_TEXT, PAGE_COUNT, HTML_200, BADJSON_200, FILE_200, HOLD, TRICKLE };

typedef struct scenario {
  int token_status;        /* 0 = 200 */
  const char *token_body;  /* 200 body of /connect/token; NULL = numbered tokens */
  enum mode xapi;
  const char *count_text;  /* PAGE_COUNT: the @odata.count value */
  int unauthorized_first;  /* the first XAPI request gets a 401 */
  const char *redirect_to; /* REDIRECT (and the token request, if set): 307 there */
  int tokens;              /* tokens issued */
  int xapi_requests;
} scenario;

static scenario g_sc;
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
/* the server thread reads the scenario under g_mu: the test writes it so too */
#define LOCKED(stmt) do { pthread_mutex_lock(&g_mu); stmt; pthread_mutex_unlock(&g_mu); } while (0)

/* JSON string body of `s` (quotes, backslashes, control characters). */
static void json_escape(char *out, size_t cap, const char *s) {
  size_t n = 0;
  for (; *s && n + 7 < cap; ++s) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      out[n++] = '\\';
      out[n++] = (char)c;
    } else if (c < 0x20) {
      n += (size_t)snprintf(out + n, cap - n, "\\u%04x", c);
    } else {
      out[n++] = (char)c;
    }
  }
  out[n] = 0;
}

/* The request's Authorization value ("" if none). */
static void auth_of(const char *request, char *out, size_t cap) {
  out[0] = 0;
  const char *h = strstr(request, "Authorization: ");
  if (!h) h = strstr(request, "authorization: ");
  if (!h) return;
  h += 15;
  size_t n = strcspn(h, "\r\n");
  if (n >= cap) n = cap - 1;
  memcpy(out, h, n);
  out[n] = 0;
}

static void handler(rawsrv *srv, void *ud, const char *path, const char *request, int fd) {
  scenario *sc = ud;
  static char esc[16384], body[20000], auth[512], hdr[1024], all_tokens[1024];
  pthread_mutex_lock(&g_mu);
  if (strcmp(path, "/connect/token") == 0) {
    if (sc->redirect_to) {
      snprintf(hdr, sizeof hdr, "Location: %s/connect/token\r\n", sc->redirect_to);
      rawsrv_reply(fd, 307, "text/plain", hdr, "moved");
    } else if (sc->token_status && sc->token_status != 200) {
      json_escape(esc, sizeof esc, request);
      snprintf(body, sizeof body, "{\"error\":\"invalid_client\",\"error_description\":\"you sent: %s\"}", esc);
      rawsrv_reply(fd, sc->token_status, "application/json", NULL, body);
    } else if (sc->token_body) {
      ++sc->tokens;
      rawsrv_reply(fd, 200, "application/json", NULL, sc->token_body);
    } else {
      ++sc->tokens;
      snprintf(body, sizeof body,
               "{\"access_token\":\"TOK-%d-SECRET-a1b2c3\",\"token_type\":\"Bearer\",\"expires_in\":3600}",
               sc->tokens);
      rawsrv_reply(fd, 200, "application/json", NULL, body);
    }
    pthread_mutex_unlock(&g_mu);
    return;
  }
  ++sc->xapi_requests;
  if (sc->unauthorized_first && sc->xapi_requests == 1) {
    pthread_mutex_unlock(&g_mu);
    rawsrv_reply(fd, 401, "application/json", "WWW-Authenticate: Bearer\r\n", "");
    return;
  }
  enum mode m = sc->xapi;
  auth_of(request, auth, sizeof auth);
  all_tokens[0] = 0;
  for (int i = 1; i <= sc->tokens; ++i) {
    size_t l = strlen(all_tokens);
    snprintf(all_tokens + l, sizeof all_tokens - l, " TOK-%d-SECRET-a1b2c3", i);
  }
  pthread_mutex_unlock(&g_mu);
  switch (m) {
    case OK_EMPTY:
      rawsrv_reply(fd, 200, "application/json; odata.metadata=minimal", NULL, "{\"value\":[]}");
      break;
    case REDIRECT:
      snprintf(hdr, sizeof hdr, "Location: %s/xapi/v1/Defs\r\n", sc->redirect_to);
      rawsrv_reply(fd, 302, "text/plain", hdr, "moved");
      break;
    case ECHO_400: {
      /* the request head in the message, the credentials alone in the
       * details and in a header, every token issued so far too */
      json_escape(esc, sizeof esc, request);
      char a[600];
      json_escape(a, sizeof a, auth);
      snprintf(body, sizeof body,
               "{\"error\":{\"code\":\"Echo\",\"message\":\"you sent: %s; tokens:%s; key " KEY "\","
               "\"details\":[{\"code\":\"auth\",\"message\":\"%s\"},{\"code\":\"raw\",\"message\":\"%s\"}]}}",
               esc, all_tokens, a, a + (strncmp(a, "Bearer ", 7) == 0 ? 7 : 0));
      snprintf(hdr, sizeof hdr, "X-Echo: %s\r\nX-Key: " KEY "\r\n", auth);
      rawsrv_reply(fd, 400, "application/json", hdr, body);
      break;
    }
    case ECHO_502_TEXT:
      snprintf(body, sizeof body, "proxy error; you sent:\n%s\nkey=" KEY, request);
      rawsrv_reply(fd, 502, "text/plain", NULL, body);
      break;
    case PAGE_COUNT:
      snprintf(body, sizeof body, "{\"@odata.count\":%s,\"value\":[{\"Id\":1}]}", g_sc.count_text);
      rawsrv_reply(fd, 200, "application/json", NULL, body);
      break;
    case HTML_200:
      rawsrv_reply(fd, 200, "text/html", NULL, "<html><body>Please sign in</body></html>");
      break;
    case BADJSON_200:
      rawsrv_reply(fd, 200, "application/json", NULL, "{\"value\":[{\"Id\":1,");
      break;
    case FILE_200:
      rawsrv_reply(fd, 200, "audio/wav", NULL, "RIFF....WAVEfmt <not json>");
      break;
    case HOLD:
      rawsrv_hold(srv, fd);
      break;
    case TRICKLE: {
      /* 30 chunks of 40 bytes, one every 100 ms: 3 s in all, longer than
       * the 2 s stall window, yet never more than 100 ms without data */
      const char *head = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1200\r\n"
                         "Connection: close\r\n\r\n";
      if (send(fd, head, strlen(head), MSG_NOSIGNAL) < 0) break;
      char chunk[40];
      memset(chunk, 'x', sizeof chunk);
      for (int i = 0; i < 30 && !rawsrv_stopping(srv); ++i) {
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
        if (send(fd, chunk, sizeof chunk, MSG_NOSIGNAL) < 0) break;
      }
      break;
    }
  }
}

/* Log lines of the client under test, kept for inspection. */
static char g_log[1 << 18];
static size_t g_log_len;
static void capture(void *ud, int32_t level, const char *message) {
  test_log_sink(ud, level, message);
  pthread_mutex_lock(&g_mu);
  size_t n = strlen(message);
  if (g_log_len + n + 2 < sizeof g_log) {
    memcpy(g_log + g_log_len, message, n);
    g_log_len += n;
    g_log[g_log_len++] = '\n';
    g_log[g_log_len] = 0;
  }
  pthread_mutex_unlock(&g_mu);
}

static rawsrv *g_srv;

static int setup(void **state) {
  (void)state;
  memset(&g_sc, 0, sizeof g_sc);
  g_log_len = 0;
  g_log[0] = 0;
  g_srv = rawsrv_start(handler, &g_sc);
  return g_srv ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  rawsrv_stop(g_srv);
  g_srv = NULL;
  return 0;
}

static threecx_client *client(void) {
  threecx_client *c;
  assert_int_equal(threecx_client_new(rawsrv_base(g_srv), "test", KEY, &c), THREECX_OK);
  assert_int_equal(threecx_client_allow_http(c, 1), THREECX_OK);
  assert_int_equal(threecx_client_set_log(c, THREECX_LOG_TRACE, capture, NULL), THREECX_OK);
  assert_int_equal(threecx_client_set_retry(c, 0, 0, 0, 0), THREECX_OK);
  return c;
}

static int get(threecx_client *c, const char *path) {
  threecx_request *r;
  threecx_response *resp = NULL;
  assert_int_equal(threecx_request_new(c, "GET", path, &r), THREECX_OK);
  int rc = threecx_request_send(r, &resp);
  threecx_response_free(resp);
  threecx_request_free(r);
  return rc;
}

/* ---- finding 2: expires_in ---- */

static void test_expires_in_out_of_range(void **state) {
  (void)state;
  static const struct {
    const char *value, *shown;
  } bad[] = {{"1e300", "1e+300"}, {"1e10", "10000000000"}, {"0", "0"},         {"-5", "-5"},
             {"\"3600\"", "\"3600\""}, {"12.5", "12.5"},      {"true", "true"}, {"{}", "{}"}};
  static char body[256];
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    snprintf(body, sizeof body,
             "{\"access_token\":\"TOK-X-SECRET\",\"token_type\":\"Bearer\",\"expires_in\":%s}", bad[i].value);
    LOCKED(g_sc.token_body = body);
    threecx_client *c = client();
    assert_int_equal(threecx_client_authenticate(c), THREECX_E_PROTOCOL);
    const char *msg = threecx_last_error();
    assert_non_null(strstr(msg, "expires_in"));
    assert_non_null(strstr(msg, bad[i].shown));
    assert_null(strstr(msg, "SECRET"));
    /* no token was taken: a request fails the same way, nothing reaches the XAPI */
    assert_int_equal(get(c, "/Defs"), THREECX_E_PROTOCOL);
    threecx_client_free(c);
  }
  assert_int_equal(g_sc.xapi_requests, 0);
}

/* A sane lifetime is used as given; an absent one is the documented,
 * logged fallback (3600 s): one token for many requests either way. */
static void test_expires_in_valid_or_absent(void **state) {
  (void)state;
  const char *bodies[] = {
      "{\"access_token\":\"TOK-V-SECRET\",\"token_type\":\"Bearer\",\"expires_in\":3600}",
      "{\"access_token\":\"TOK-V-SECRET\",\"token_type\":\"Bearer\"}",
      "{\"access_token\":\"TOK-V-SECRET\",\"token_type\":\"Bearer\",\"expires_in\":null}",
  };
  for (int i = 0; i < 3; ++i) {
    LOCKED(g_sc.token_body = bodies[i]);
    LOCKED(g_sc.tokens = 0);
    LOCKED(g_sc.xapi = OK_EMPTY);
    threecx_client *c = client();
    for (int k = 0; k < 5; ++k) assert_int_equal(get(c, "/Defs"), THREECX_OK);
    int64_t n = 0;
    assert_int_equal(threecx_client_token_requests(c, &n), THREECX_OK);
    assert_int_equal(n, 1);
    assert_int_equal(g_sc.tokens, 1);
    assert_true((i == 0) == (strstr(g_log, "assuming 3600 s") == NULL));
    threecx_client_free(c);
  }
}

/* ---- finding 3: @odata.count ---- */

/* A pager over /SecurityTokens (5 a page) and its first page's status. */
static int first_page(threecx_client *c, threecx_pager **p, char **page) {
  threecx_request *r;
  assert_int_equal(threecx_request_new(c, "GET", "/SecurityTokens", &r), THREECX_OK);
  assert_int_equal(threecx_pager_new(r, 5, p), THREECX_OK);
  threecx_request_free(r); /* the pager keeps a copy */
  return threecx_pager_next_page(*p, page);
}

static void test_odata_count_out_of_range(void **state) {
  (void)state;
  const char *bad[] = {"1e300", "-1", "2.5", "\"7\"", "9007199254740993", "[]"};
  LOCKED(g_sc.xapi = PAGE_COUNT);
  threecx_client *c = client();
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
    LOCKED(g_sc.count_text = bad[i]);
    threecx_pager *p;
    char *page = NULL;
    assert_int_equal(first_page(c, &p, &page), THREECX_E_PROTOCOL);
    assert_null(page);
    assert_non_null(strstr(threecx_last_error(), "@odata.count"));
    threecx_pager_free(p);
  }
  /* a sane count is taken as given */
  LOCKED(g_sc.count_text = "1");
  threecx_pager *p;
  char *page = NULL;
  int64_t total = 0;
  assert_int_equal(first_page(c, &p, &page), THREECX_OK);
  threecx_free(page);
  assert_int_equal(threecx_pager_total(p, &total), THREECX_OK);
  assert_int_equal(total, 1);
  threecx_pager_free(p);
  threecx_client_free(c);
}

/* ---- finding 4: no secret in any text ---- */

static void no_secret(const char *text, const char *where) {
  if (strstr(text, "SECRET")) fail_msg("a secret in %s: %s", where, text);
  /* "Bearer " followed by a credential, other than the redaction */
  for (const char *b = strstr(text, "Bearer "); b; b = strstr(b + 1, "Bearer ")) {
    if (strncmp(b + 7, "[REDACTED]", 10) != 0 && b[7] != '\0' && b[7] != '"' && b[7] != '\\')
      fail_msg("a bearer value in %s: %s", where, text);
  }
}

static void test_echoed_secrets_scrubbed(void **state) {
  (void)state;
  threecx_client *c = client();
  /* XAPI error whose message, details and headers echo the request */
  LOCKED(g_sc.xapi = ECHO_400);
  LOCKED(g_sc.unauthorized_first = 1); /* token 1 is refused: token 2 is the current one */
  assert_int_equal(get(c, "/Defs"), THREECX_E_HTTP);
  assert_int_equal(g_sc.tokens, 2);
  assert_non_null(strstr(threecx_last_error(), "HTTP 400"));
  assert_non_null(strstr(threecx_last_error(), "[REDACTED]"));
  no_secret(threecx_last_error(), "last_error (XAPI 400 echo)");
  /* the OData error handed out by the response is error text too */
  {
    threecx_request *r;
    threecx_response *resp = NULL;
    char *code = NULL, *msg = NULL, *details = NULL;
    assert_int_equal(threecx_request_new(c, "GET", "/Defs", &r), THREECX_OK);
    assert_int_equal(threecx_request_send(r, &resp), THREECX_E_HTTP);
    assert_int_equal(threecx_response_error_code(resp, &code), THREECX_OK);
    assert_int_equal(threecx_response_error_message(resp, &msg), THREECX_OK);
    assert_int_equal(threecx_response_error_details(resp, &details), THREECX_OK);
    assert_non_null(strstr(msg, "you sent:"));
    assert_non_null(strstr(msg, "[REDACTED]"));
    no_secret(code, "error_code (XAPI 400 echo)");
    no_secret(msg, "error_message (XAPI 400 echo)");
    no_secret(details, "error_details (XAPI 400 echo)");
    threecx_free(code);
    threecx_free(msg);
    threecx_free(details);
    threecx_response_free(resp);
    threecx_request_free(r);
  }
  /* the same through a pager */
  threecx_pager *p;
  char *page = NULL;
  assert_int_equal(first_page(c, &p, &page), THREECX_E_HTTP);
  no_secret(threecx_last_error(), "last_error (pager 400 echo)");
  threecx_pager_free(p);
  /* a text/plain proxy error that quotes the raw request */
  LOCKED(g_sc.xapi = ECHO_502_TEXT);
  assert_int_equal(get(c, "/Defs"), THREECX_E_HTTP);
  assert_non_null(strstr(threecx_last_error(), "HTTP 502"));
  no_secret(threecx_last_error(), "last_error (502 text echo)");
  threecx_client_free(c);
  /* the token endpoint echoing the form (client_secret=...) */
  c = client();
  LOCKED(g_sc.token_status = 400);
  assert_int_equal(threecx_client_authenticate(c), THREECX_E_AUTH);
  assert_non_null(strstr(threecx_last_error(), "invalid_client"));
  no_secret(threecx_last_error(), "last_error (token 400 echo)");
  threecx_client_free(c);
  /* and the TRACE log of it all (response headers included) */
  assert_true(g_log_len > 0);
  no_secret(g_log, "the log");
}

/* ---- redirects: never followed, so the token never goes elsewhere ---- */

static void thief(rawsrv *srv, void *ud, const char *path, const char *request, int fd) {
  (void)srv, (void)ud, (void)path, (void)request;
  rawsrv_reply(fd, 200, "application/json", NULL, "{\"access_token\":\"x\",\"expires_in\":60}");
}

static void test_redirect_not_followed(void **state) {
  (void)state;
  rawsrv *other = rawsrv_start(thief, NULL);
  assert_non_null(other);
  threecx_client *c = client();
  assert_int_equal(threecx_client_authenticate(c), THREECX_OK);
  /* an XAPI answer pointing elsewhere: returned as it is (E_HTTP 302) */
  LOCKED(g_sc.xapi = REDIRECT);
  LOCKED(g_sc.redirect_to = rawsrv_base(other));
  threecx_request *r;
  threecx_response *resp = NULL;
  assert_int_equal(threecx_request_new(c, "GET", "/Defs", &r), THREECX_OK);
  assert_int_equal(threecx_request_send(r, &resp), THREECX_E_HTTP);
  int32_t st = 0;
  assert_int_equal(threecx_response_status(resp, &st), THREECX_OK);
  assert_int_equal(st, 302);
  threecx_response_free(resp);
  threecx_request_free(r);
  /* the token request redirected: refused, the key not sent there */
  assert_int_equal(threecx_client_authenticate(c), THREECX_E_AUTH);
  assert_non_null(strstr(threecx_last_error(), "HTTP 307"));
  assert_int_equal(rawsrv_count(other), 0);
  threecx_client_free(c);
  rawsrv_stop(other);
}

/* ---- response shape ---- */

static int send_op(threecx_client *c, const char *op, threecx_response **resp) {
  threecx_request *r;
  assert_int_equal(threecx_request_new_op(c, op, &r), THREECX_OK);
  int rc = threecx_request_send(r, resp);
  threecx_request_free(r);
  return rc;
}

static void test_non_json_2xx_refused(void **state) {
  (void)state;
  threecx_client *c = client();
  threecx_response *resp = (threecx_response *)(void *)&resp;
  LOCKED(g_sc.xapi = HTML_200);
  assert_int_equal(send_op(c, "ListSecurityRefreshToken", &resp), THREECX_E_PROTOCOL);
  assert_null(resp);
  assert_non_null(strstr(threecx_last_error(), "text/html"));
  assert_non_null(strstr(threecx_last_error(), "Please sign in"));
  /* a raw request by path whose JSON operation the catalog knows */
  assert_int_equal(get(c, "/SecurityTokens"), THREECX_E_PROTOCOL);
  /* a raw request by path the catalog does not know: HTML is refused too */
  assert_int_equal(get(c, "/NoSuchThing"), THREECX_E_PROTOCOL);
  LOCKED(g_sc.xapi = BADJSON_200);
  assert_int_equal(send_op(c, "ListSecurityRefreshToken", &resp), THREECX_E_PROTOCOL);
  assert_non_null(strstr(threecx_last_error(), "not valid JSON"));
  assert_non_null(strstr(threecx_last_error(), "{\"value\":[{\"Id\":1,"));
  assert_int_equal(get(c, "/NoSuchThing"), THREECX_E_PROTOCOL);
  /* file operations are exempt: any bytes with any content type */
  LOCKED(g_sc.xapi = FILE_200);
  threecx_request *r;
  assert_int_equal(threecx_request_new_op(c, "DownloadRecording", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_param_int(r, "recId", 7), THREECX_OK);
  assert_int_equal(threecx_request_send(r, &resp), THREECX_OK);
  threecx_response_free(resp);
  threecx_request_free(r);
  /* and so is a raw path with a non-JSON, non-HTML type */
  assert_int_equal(get(c, "/NoSuchThing"), THREECX_OK);
  threecx_client_free(c);
}

/* ---- stall detector ---- */

static void test_stall_detected_trickle_unaffected(void **state) {
  (void)state;
  threecx_client *c = client();
  assert_int_equal(threecx_client_set_stall_timeout(c, 1, 2), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_OK);
  /* accepted, read, never answered: given up by the stall detector */
  LOCKED(g_sc.xapi = HOLD);
  assert_int_equal(get(c, "/Defs"), THREECX_E_TIMEOUT);
  assert_non_null(strstr(threecx_last_error(), "stall"));
  /* a slow but steady download lasting longer than the window goes through */
  LOCKED(g_sc.xapi = TRICKLE);
  threecx_request *r;
  threecx_response *resp = NULL;
  assert_int_equal(threecx_request_new_op(c, "DownloadRecording", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_param_int(r, "recId", 7), THREECX_OK);
  assert_int_equal(threecx_request_send(r, &resp), THREECX_OK);
  size_t size = 0;
  assert_int_equal(threecx_response_body_size(resp, &size), THREECX_OK);
  assert_int_equal(size, 1200);
  threecx_response_free(resp);
  threecx_request_free(r);
  threecx_client_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_expires_in_out_of_range, setup, teardown),
      cmocka_unit_test_setup_teardown(test_expires_in_valid_or_absent, setup, teardown),
      cmocka_unit_test_setup_teardown(test_odata_count_out_of_range, setup, teardown),
      cmocka_unit_test_setup_teardown(test_echoed_secrets_scrubbed, setup, teardown),
      cmocka_unit_test_setup_teardown(test_redirect_not_followed, setup, teardown),
      cmocka_unit_test_setup_teardown(test_non_json_2xx_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_stall_detected_trickle_unaffected, setup, teardown),
  };
  return cmocka_run_group_tests_name("server_answers", tests, NULL, NULL);
}
