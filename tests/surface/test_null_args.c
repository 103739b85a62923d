/*
 * Contract rule 4: every function of threecx.h and catalog.h refuses a NULL
 * handle, NULL out-pointer or NULL required string with
 * THREECX_E_INVALID_ARGUMENT (and a message), resets its out-parameters to
 * NULL / 0, and never crashes; every *_free accepts NULL.
 *
 * api_names.h is extracted from the headers by CMake at configure time;
 * test_every_function_is_covered fails when a declared function has no
 * checker below (add one) or a checker names a function no longer declared.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <threecx/catalog.h>
#include <threecx/threecx.h>

static const char *const k_declared[] = {
#include "api_names.h"
};
#define N_DECLARED (sizeof k_declared / sizeof k_declared[0])

/* Valid handles, so that each argument can be NULL on its own. */
static threecx_client *C;
static threecx_query *Q;
static threecx_request *R;
static threecx_pager *P;
static const threecx_operation *OP;

/* A non-NULL value that a failing call must overwrite with NULL. */
static int sentinel_storage;
#define SENTINEL(T) ((T)(void *)&sentinel_storage)
#define GUID "0f8fad5b-d9cb-469f-a165-70867728950e"
#define DATETIME "2026-01-31T08:00:00Z"

#define EXPECT_INVALID(call)                                                        \
  do {                                                                              \
    int rc_;                                                                        \
    threecx_clear_error();                                                          \
    rc_ = (call);                                                                   \
    if (rc_ != THREECX_E_INVALID_ARGUMENT)                                          \
      fail_msg("%s returned %d (%s), expected THREECX_E_INVALID_ARGUMENT", #call,  \
               rc_, threecx_error_name(rc_) ? threecx_error_name(rc_) : "?");       \
    if (threecx_last_error_code() != THREECX_E_INVALID_ARGUMENT)                    \
      fail_msg("%s: threecx_last_error_code() is %d", #call, threecx_last_error_code()); \
    if (threecx_last_error()[0] == '\0') fail_msg("%s: no threecx_last_error()", #call); \
    /* the message names the function called: "threecx_x: arg is NULL" */     \
    if (strncmp(threecx_last_error(), #call, strcspn(#call, "(")) != 0 ||          \
        threecx_last_error()[strcspn(#call, "(")] != ':')                          \
      fail_msg("%s: message does not start with the function: %s", #call,         \
               threecx_last_error());                                              \
  } while (0)

/* out-parameter variants: preset to a sentinel, must come back NULL / 0. */
#define EXPECT_INVALID_PTR_OUT(T, var, call) \
  do {                                       \
    var = SENTINEL(T);                       \
    EXPECT_INVALID(call);                    \
    if (var != NULL) fail_msg("%s: out-parameter not reset to NULL", #call); \
  } while (0)
#define EXPECT_INVALID_NUM_OUT(var, call)    \
  do {                                       \
    var = 77;                                \
    EXPECT_INVALID(call);                    \
    if (var != 0) fail_msg("%s: out-parameter not reset to 0", #call); \
  } while (0)

#define EXPECT_OK(call)                                                                      \
  do {                                                                                       \
    int rc_ = (call);                                                                        \
    if (rc_ != THREECX_OK) fail_msg("%s returned %d: %s", #call, rc_, threecx_last_error()); \
  } while (0)

static int32_t write_cb(void *ud, const unsigned char *d, size_t n) {
  (void)ud;
  (void)d;
  (void)n;
  return 0;
}
static void log_cb(void *ud, int32_t level, const char *m) {
  (void)ud;
  (void)level;
  (void)m;
}

/* ---- threecx.h ---------------------------------------------------------- */

#define CHECK(name) static void chk_##name(void **state)

CHECK(threecx_strerror) {
  assert_non_null(threecx_strerror(-1));
  assert_non_null(threecx_strerror(0));
}
CHECK(threecx_error_name) {
  assert_null(threecx_error_name(-1));
  assert_string_equal(threecx_error_name(THREECX_E_INVALID_ARGUMENT), "THREECX_E_INVALID_ARGUMENT");
}
CHECK(threecx_error_last) { assert_int_equal(threecx_error_last(), THREECX_E__LAST); }
CHECK(threecx_last_error) {
  threecx_clear_error();
  assert_non_null(threecx_last_error()); /* never NULL */
}
CHECK(threecx_last_error_code) {
  threecx_clear_error();
  assert_int_equal(threecx_last_error_code(), THREECX_OK);
}
CHECK(threecx_clear_error) { threecx_clear_error(); }
CHECK(threecx_free) { threecx_free(NULL); }
CHECK(threecx_version) { assert_non_null(threecx_version()); }
CHECK(threecx_version_number) { assert_int_equal(threecx_version_number(), THREECX_VERSION_NUMBER); }
CHECK(threecx_abi_version) { assert_int_equal(threecx_abi_version(), THREECX_ABI_VERSION); }
CHECK(threecx_xapi_version) { assert_non_null(threecx_xapi_version()); }

CHECK(threecx_client_new) {
  threecx_client *c;
  EXPECT_INVALID_PTR_OUT(threecx_client *, c, threecx_client_new(NULL, "id", "key", &c));
  EXPECT_INVALID_PTR_OUT(threecx_client *, c, threecx_client_new("pbx", NULL, "key", &c));
  EXPECT_INVALID_PTR_OUT(threecx_client *, c, threecx_client_new("pbx", "id", NULL, &c));
  EXPECT_INVALID(threecx_client_new("pbx", "id", "key", NULL));
  EXPECT_INVALID(threecx_client_new(NULL, NULL, NULL, NULL));
}
CHECK(threecx_client_new_from_env) {
  threecx_client *c;
  EXPECT_INVALID(threecx_client_new_from_env(NULL));
  unsetenv("THREECX_DOMAIN");
  EXPECT_INVALID_PTR_OUT(threecx_client *, c, threecx_client_new_from_env(&c));
  assert_non_null(strstr(threecx_last_error(), "THREECX_DOMAIN"));
}
CHECK(threecx_client_free) { threecx_client_free(NULL); }
CHECK(threecx_client_set_ca_file) {
  EXPECT_INVALID(threecx_client_set_ca_file(NULL, "/x.pem"));
  EXPECT_OK(threecx_client_set_ca_file(C, NULL)); /* NULL restores the default */
}
CHECK(threecx_client_set_ca_path) {
  EXPECT_INVALID(threecx_client_set_ca_path(NULL, "/etc/ssl/certs"));
  EXPECT_OK(threecx_client_set_ca_path(C, NULL));
}
CHECK(threecx_client_set_connect_timeout_ms) { EXPECT_INVALID(threecx_client_set_connect_timeout_ms(NULL, 1000)); }
CHECK(threecx_client_set_timeout_ms) {
  EXPECT_INVALID(threecx_client_set_timeout_ms(NULL, 1000));
  EXPECT_INVALID(threecx_client_set_timeout_ms(C, (int64_t)INT32_MAX + 1)); /* beyond a 32-bit long */
  EXPECT_INVALID(threecx_client_set_connect_timeout_ms(C, -1));
  EXPECT_OK(threecx_client_set_timeout_ms(C, 0));
}
CHECK(threecx_constant) {
  int64_t v;
  EXPECT_INVALID_NUM_OUT(v, threecx_constant(NULL, &v));
  EXPECT_INVALID(threecx_constant("THREECX_OK", NULL));
}
CHECK(threecx_client_set_max_response_bytes) {
  EXPECT_INVALID(threecx_client_set_max_response_bytes(NULL, 1 << 20));
  EXPECT_INVALID(threecx_client_set_max_response_bytes(C, -1));
  EXPECT_OK(threecx_client_set_max_response_bytes(C, 0));
}
CHECK(threecx_client_set_user_agent) {
  EXPECT_INVALID(threecx_client_set_user_agent(NULL, "ua"));
  EXPECT_OK(threecx_client_set_user_agent(C, NULL));
}
CHECK(threecx_client_allow_http) { EXPECT_INVALID(threecx_client_allow_http(NULL, 1)); }
CHECK(threecx_client_set_http_version) {
  EXPECT_INVALID(threecx_client_set_http_version(NULL, THREECX_HTTP_2));
  EXPECT_INVALID(threecx_client_set_http_version(C, 3)); /* not a version */
  EXPECT_OK(threecx_client_set_http_version(C, THREECX_HTTP_1_1));
}
CHECK(threecx_client_set_insecure_skip_tls_verify) { EXPECT_INVALID(threecx_client_set_insecure_skip_tls_verify(NULL, 1)); }
CHECK(threecx_client_set_log) {
  EXPECT_INVALID(threecx_client_set_log(NULL, THREECX_LOG_DEBUG, log_cb, NULL));
  EXPECT_OK(threecx_client_set_log(C, THREECX_LOG_DEBUG, NULL, NULL)); /* fn NULL: logs off */
}
CHECK(threecx_client_set_refresh_margin) { EXPECT_INVALID(threecx_client_set_refresh_margin(NULL, 30)); }
CHECK(threecx_client_set_ca_pem) {
  EXPECT_INVALID(threecx_client_set_ca_pem(NULL, "x", 1));
  EXPECT_INVALID(threecx_client_set_ca_pem(C, "not a certificate", 17));
  EXPECT_OK(threecx_client_set_ca_pem(C, NULL, 5)); /* NULL removes it */
}
CHECK(threecx_client_set_pinned_public_key) {
  EXPECT_INVALID(threecx_client_set_pinned_public_key(NULL, NULL));
  EXPECT_INVALID(threecx_client_set_pinned_public_key(C, "sha256//short="));
  EXPECT_INVALID(threecx_client_set_pinned_public_key(C, "/etc/key.pem"));
  EXPECT_OK(threecx_client_set_pinned_public_key(C, "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
  EXPECT_OK(threecx_client_set_pinned_public_key(C, NULL));
}
CHECK(threecx_client_set_stall_timeout) {
  EXPECT_INVALID(threecx_client_set_stall_timeout(NULL, 1, 60));
  EXPECT_INVALID(threecx_client_set_stall_timeout(C, -1, 60));
  EXPECT_INVALID(threecx_client_set_stall_timeout(C, 1, -1));
  EXPECT_INVALID(threecx_client_set_stall_timeout(C, 1, INT64_MAX));
  EXPECT_OK(threecx_client_set_stall_timeout(C, 0, 0));
  EXPECT_OK(threecx_client_set_stall_timeout(C, 1, 60));
}
CHECK(threecx_client_set_retry_budget) {
  EXPECT_INVALID(threecx_client_set_retry_budget(NULL, 500));
  EXPECT_INVALID(threecx_client_set_retry_budget(C, -1));
  EXPECT_INVALID(threecx_client_set_retry_budget(C, INT64_MAX));
  EXPECT_OK(threecx_client_set_retry_budget(C, 0));
  EXPECT_OK(threecx_client_set_retry_budget(C, 500));
}
CHECK(threecx_client_set_retry) {
  EXPECT_INVALID(threecx_client_set_retry(NULL, 3, 250, 30000, 120000));
  /* out-of-range values are refused, not overflowed into "no retries" */
  EXPECT_INVALID(threecx_client_set_retry(C, 3, 250, 30000, INT64_MAX));
  EXPECT_INVALID(threecx_client_set_retry(C, 3, -1, 30000, 120000));
  EXPECT_INVALID(threecx_client_set_retry(C, 101, 250, 30000, 120000));
  EXPECT_OK(threecx_client_set_retry(C, 3, 250, 30000, INT32_MAX));
  EXPECT_OK(threecx_client_set_retry(C, 0, 250, 30000, 120000));
}
CHECK(threecx_client_authenticate) { EXPECT_INVALID(threecx_client_authenticate(NULL)); }
CHECK(threecx_client_invalidate_token) { EXPECT_INVALID(threecx_client_invalidate_token(NULL)); }
CHECK(threecx_client_token_requests) {
  int64_t n;
  EXPECT_INVALID_NUM_OUT(n, threecx_client_token_requests(NULL, &n));
  EXPECT_INVALID(threecx_client_token_requests(C, NULL));
}
CHECK(threecx_client_base_url) {
  char *s;
  EXPECT_INVALID_PTR_OUT(char *, s, threecx_client_base_url(NULL, &s));
  EXPECT_INVALID(threecx_client_base_url(C, NULL));
}

CHECK(threecx_odata_string) {
  char *s;
  EXPECT_INVALID_PTR_OUT(char *, s, threecx_odata_string(NULL, &s));
  EXPECT_INVALID(threecx_odata_string("x", NULL));
}
CHECK(threecx_search_phrase) {
  char *s;
  EXPECT_INVALID_PTR_OUT(char *, s, threecx_search_phrase(NULL, &s));
  EXPECT_INVALID(threecx_search_phrase("x", NULL));
}
CHECK(threecx_url_encode) {
  char *s;
  EXPECT_INVALID_PTR_OUT(char *, s, threecx_url_encode(NULL, &s));
  EXPECT_INVALID(threecx_url_encode("x", NULL));
}

CHECK(threecx_query_new) { EXPECT_INVALID(threecx_query_new(NULL)); }
CHECK(threecx_query_free) { threecx_query_free(NULL); }
CHECK(threecx_query_set_top) { EXPECT_INVALID(threecx_query_set_top(NULL, 1)); }
CHECK(threecx_query_set_skip) { EXPECT_INVALID(threecx_query_set_skip(NULL, 1)); }
CHECK(threecx_query_set_search) {
  EXPECT_INVALID(threecx_query_set_search(NULL, "x"));
  EXPECT_INVALID(threecx_query_set_search(Q, NULL));
}
CHECK(threecx_query_set_filter) {
  EXPECT_INVALID(threecx_query_set_filter(NULL, "Id gt 0"));
  EXPECT_INVALID(threecx_query_set_filter(Q, NULL));
}
CHECK(threecx_query_set_count) { EXPECT_INVALID(threecx_query_set_count(NULL, 1)); }
CHECK(threecx_query_set_orderby) {
  EXPECT_INVALID(threecx_query_set_orderby(NULL, "Id"));
  EXPECT_INVALID(threecx_query_set_orderby(Q, NULL));
}
CHECK(threecx_query_set_select) {
  EXPECT_INVALID(threecx_query_set_select(NULL, "Id"));
  EXPECT_INVALID(threecx_query_set_select(Q, NULL));
}
CHECK(threecx_query_set_expand) {
  EXPECT_INVALID(threecx_query_set_expand(NULL, "Groups"));
  EXPECT_INVALID(threecx_query_set_expand(Q, NULL));
}
CHECK(threecx_query_add_param) {
  EXPECT_INVALID(threecx_query_add_param(NULL, "a", "b"));
  EXPECT_INVALID(threecx_query_add_param(Q, NULL, "b"));
  EXPECT_INVALID(threecx_query_add_param(Q, "a", NULL));
}
CHECK(threecx_query_to_string) {
  char *s;
  EXPECT_INVALID_PTR_OUT(char *, s, threecx_query_to_string(NULL, &s));
  EXPECT_INVALID(threecx_query_to_string(Q, NULL));
}

CHECK(threecx_request_new) {
  threecx_request *r;
  EXPECT_INVALID_PTR_OUT(threecx_request *, r, threecx_request_new(NULL, "GET", "/Users", &r));
  EXPECT_INVALID_PTR_OUT(threecx_request *, r, threecx_request_new(C, NULL, "/Users", &r));
  EXPECT_INVALID_PTR_OUT(threecx_request *, r, threecx_request_new(C, "GET", NULL, &r));
  EXPECT_INVALID(threecx_request_new(C, "GET", "/Users", NULL));
}
CHECK(threecx_request_free) { threecx_request_free(NULL); }
CHECK(threecx_request_set_param_string) {
  EXPECT_INVALID(threecx_request_set_param_string(NULL, "Id", "v"));
  EXPECT_INVALID(threecx_request_set_param_string(R, NULL, "v"));
  EXPECT_INVALID(threecx_request_set_param_string(R, "Id", NULL));
}
CHECK(threecx_request_set_param_int) {
  EXPECT_INVALID(threecx_request_set_param_int(NULL, "Id", 1));
  EXPECT_INVALID(threecx_request_set_param_int(R, NULL, 1));
}
CHECK(threecx_request_set_param_bool) {
  EXPECT_INVALID(threecx_request_set_param_bool(NULL, "Id", 1));
  EXPECT_INVALID(threecx_request_set_param_bool(R, NULL, 1));
}
CHECK(threecx_request_set_param_guid) {
  EXPECT_INVALID(threecx_request_set_param_guid(NULL, "Id", GUID));
  EXPECT_INVALID(threecx_request_set_param_guid(R, NULL, GUID));
  EXPECT_INVALID(threecx_request_set_param_guid(R, "Id", NULL));
}
CHECK(threecx_request_set_param_datetime) {
  EXPECT_INVALID(threecx_request_set_param_datetime(NULL, "Id", DATETIME));
  EXPECT_INVALID(threecx_request_set_param_datetime(R, NULL, DATETIME));
  EXPECT_INVALID(threecx_request_set_param_datetime(R, "Id", NULL));
}
CHECK(threecx_request_set_param_null) {
  EXPECT_INVALID(threecx_request_set_param_null(NULL, "Id"));
  EXPECT_INVALID(threecx_request_set_param_null(R, NULL));
}
CHECK(threecx_request_set_query) {
  EXPECT_INVALID(threecx_request_set_query(NULL, Q));
  EXPECT_INVALID(threecx_request_set_query(R, NULL));
}
CHECK(threecx_request_add_header) {
  EXPECT_INVALID(threecx_request_add_header(NULL, "If-Match", "*"));
  EXPECT_INVALID(threecx_request_add_header(R, NULL, "*"));
  EXPECT_INVALID(threecx_request_add_header(R, "If-Match", NULL));
}
CHECK(threecx_request_set_body) {
  EXPECT_INVALID(threecx_request_set_body(NULL, "{}"));
  EXPECT_OK(threecx_request_set_body(R, NULL)); /* NULL removes the body */
}
CHECK(threecx_request_set_idempotent) {
  EXPECT_INVALID(threecx_request_set_idempotent(NULL, 1));
  EXPECT_INVALID(threecx_request_set_idempotent(R, 2));
  EXPECT_INVALID(threecx_request_set_idempotent(R, -2));
  EXPECT_OK(threecx_request_set_idempotent(R, 1));
  EXPECT_OK(threecx_request_set_idempotent(R, -1));
}
CHECK(threecx_request_url) {
  char *s;
  EXPECT_INVALID_PTR_OUT(char *, s, threecx_request_url(NULL, &s));
  EXPECT_INVALID(threecx_request_url(R, NULL));
}
CHECK(threecx_cancel_new) { EXPECT_INVALID(threecx_cancel_new(NULL)); }
CHECK(threecx_cancel_free) { threecx_cancel_free(NULL); }
CHECK(threecx_cancel_trigger) { EXPECT_INVALID(threecx_cancel_trigger(NULL)); }
CHECK(threecx_cancel_is_triggered) {
  threecx_cancel *k;
  int32_t v;
  EXPECT_INVALID_NUM_OUT(v, threecx_cancel_is_triggered(NULL, &v));
  EXPECT_OK(threecx_cancel_new(&k));
  EXPECT_INVALID(threecx_cancel_is_triggered(k, NULL));
  threecx_cancel_free(k);
}
CHECK(threecx_request_set_cancel) {
  threecx_cancel *k;
  EXPECT_OK(threecx_cancel_new(&k));
  EXPECT_INVALID(threecx_request_set_cancel(NULL, k));
  EXPECT_OK(threecx_request_set_cancel(R, k));
  EXPECT_OK(threecx_request_set_cancel(R, NULL)); /* NULL detaches */
  threecx_cancel_free(k);
}
static void null_progress(void *u, int64_t received, int64_t total) {
  (void)u;
  (void)received;
  (void)total;
}
CHECK(threecx_request_set_progress) {
  EXPECT_INVALID(threecx_request_set_progress(NULL, null_progress, NULL));
  EXPECT_OK(threecx_request_set_progress(R, null_progress, NULL));
  EXPECT_OK(threecx_request_set_progress(R, NULL, NULL));
}
CHECK(threecx_request_set_deadline_ms) {
  EXPECT_INVALID(threecx_request_set_deadline_ms(NULL, 100));
  EXPECT_INVALID(threecx_request_set_deadline_ms(R, -1));
  EXPECT_INVALID(threecx_request_set_deadline_ms(R, INT64_C(2147483648)));
  EXPECT_OK(threecx_request_set_deadline_ms(R, 0));
}
CHECK(threecx_request_send) {
  threecx_response *o;
  EXPECT_INVALID_PTR_OUT(threecx_response *, o, threecx_request_send(NULL, &o));
  EXPECT_INVALID(threecx_request_send(R, NULL)); /* refused before any traffic */
}

CHECK(threecx_response_free) { threecx_response_free(NULL); }
CHECK(threecx_response_status) {
  int32_t v;
  EXPECT_INVALID_NUM_OUT(v, threecx_response_status(NULL, &v));
  EXPECT_INVALID(threecx_response_status(NULL, NULL));
}
CHECK(threecx_response_body) {
  char *s;
  EXPECT_INVALID_PTR_OUT(char *, s, threecx_response_body(NULL, &s));
  EXPECT_INVALID(threecx_response_body(NULL, NULL));
}
CHECK(threecx_response_body_size) {
  size_t n;
  EXPECT_INVALID_NUM_OUT(n, threecx_response_body_size(NULL, &n));
  EXPECT_INVALID(threecx_response_body_size(NULL, NULL));
}
CHECK(threecx_response_body_view) {
  const char *d;
  size_t n;
  d = SENTINEL(const char *);
  n = 7;
  EXPECT_INVALID(threecx_response_body_view(NULL, &d, &n));
  assert_null(d);
  assert_int_equal(n, 0);
  EXPECT_INVALID(threecx_response_body_view(NULL, NULL, &n));
  EXPECT_INVALID(threecx_response_body_view(NULL, &d, NULL));
}
CHECK(threecx_response_header) {
  char *s;
  EXPECT_INVALID_PTR_OUT(char *, s, threecx_response_header(NULL, "ETag", &s));
  EXPECT_INVALID_PTR_OUT(char *, s, threecx_response_header(NULL, NULL, &s));
  EXPECT_INVALID(threecx_response_header(NULL, "ETag", NULL));
}
CHECK(threecx_response_header_count) {
  size_t n;
  EXPECT_INVALID_NUM_OUT(n, threecx_response_header_count(NULL, &n));
  EXPECT_INVALID(threecx_response_header_count(NULL, NULL));
}
CHECK(threecx_response_header_at) {
  const char *name = "x", *value = "y";
  EXPECT_INVALID(threecx_response_header_at(NULL, 0, &name, &value));
  assert_null(name);
  assert_null(value);
  EXPECT_INVALID(threecx_response_header_at(NULL, 0, NULL, NULL));
}
CHECK(threecx_response_header_view) {
  const char *value = "y";
  size_t n = 7;
  EXPECT_INVALID(threecx_response_header_view(NULL, "ETag", &value, &n));
  assert_null(value);
  assert_int_equal(n, 0);
  EXPECT_INVALID(threecx_response_header_view(NULL, NULL, NULL, NULL));
}
CHECK(threecx_response_retry_after_ms) {
  int64_t v;
  EXPECT_INVALID_NUM_OUT(v, threecx_response_retry_after_ms(NULL, &v));
  EXPECT_INVALID(threecx_response_retry_after_ms(NULL, NULL));
}
CHECK(threecx_response_error_code) {
  char *s;
  EXPECT_INVALID_PTR_OUT(char *, s, threecx_response_error_code(NULL, &s));
  EXPECT_INVALID(threecx_response_error_code(NULL, NULL));
}
CHECK(threecx_response_error_message) {
  char *s;
  EXPECT_INVALID_PTR_OUT(char *, s, threecx_response_error_message(NULL, &s));
  EXPECT_INVALID(threecx_response_error_message(NULL, NULL));
}
CHECK(threecx_response_error_details) {
  char *s;
  EXPECT_INVALID_PTR_OUT(char *, s, threecx_response_error_details(NULL, &s));
  EXPECT_INVALID(threecx_response_error_details(NULL, NULL));
}

CHECK(threecx_pager_new) {
  threecx_pager *p;
  EXPECT_INVALID_PTR_OUT(threecx_pager *, p, threecx_pager_new(NULL, 10, &p));
  EXPECT_INVALID(threecx_pager_new(R, 10, NULL));
  EXPECT_INVALID_PTR_OUT(threecx_pager *, p, threecx_pager_new(R, 0, &p)); /* page_size > 0 */
}
CHECK(threecx_pager_free) { threecx_pager_free(NULL); }
CHECK(threecx_pager_next_page) {
  char *s;
  EXPECT_INVALID_PTR_OUT(char *, s, threecx_pager_next_page(NULL, &s));
  EXPECT_INVALID(threecx_pager_next_page(P, NULL));
}
CHECK(threecx_pager_next_item) {
  char *s;
  EXPECT_INVALID_PTR_OUT(char *, s, threecx_pager_next_item(NULL, &s));
  EXPECT_INVALID(threecx_pager_next_item(P, NULL));
}
CHECK(threecx_pager_next_item_view) {
  const char *d;
  size_t n;
  d = SENTINEL(const char *);
  n = 7;
  EXPECT_INVALID(threecx_pager_next_item_view(NULL, &d, &n));
  assert_null(d);
  assert_int_equal(n, 0);
  EXPECT_INVALID(threecx_pager_next_item_view(P, NULL, &n));
  d = SENTINEL(const char *);
  EXPECT_INVALID(threecx_pager_next_item_view(P, &d, NULL));
  assert_null(d);
}
CHECK(threecx_pager_set_prefetch) {
  EXPECT_INVALID(threecx_pager_set_prefetch(NULL, 1));
  EXPECT_OK(threecx_pager_set_prefetch(P, 1));
  EXPECT_OK(threecx_pager_set_prefetch(P, 0));
}
CHECK(threecx_pager_total) {
  int64_t n;
  EXPECT_INVALID_NUM_OUT(n, threecx_pager_total(NULL, &n));
  EXPECT_INVALID(threecx_pager_total(P, NULL));
}
CHECK(threecx_pager_set_cancel) {
  threecx_cancel *k;
  EXPECT_OK(threecx_cancel_new(&k));
  EXPECT_INVALID(threecx_pager_set_cancel(NULL, k));
  EXPECT_OK(threecx_pager_set_cancel(P, k));
  EXPECT_OK(threecx_pager_set_cancel(P, NULL)); /* NULL detaches */
  threecx_cancel_free(k);
}
CHECK(threecx_pager_last_response) {
  threecx_response *o;
  EXPECT_INVALID_PTR_OUT(threecx_response *, o, threecx_pager_last_response(NULL, &o));
  EXPECT_INVALID(threecx_pager_last_response(P, NULL));
}

/* ---- catalog.h ---------------------------------------------------------- */

CHECK(threecx_operation_count) { EXPECT_INVALID(threecx_operation_count(NULL)); }
CHECK(threecx_operation_at) {
  const threecx_operation *op;
  size_t n = 0;
  EXPECT_INVALID(threecx_operation_at(0, NULL));
  EXPECT_OK(threecx_operation_count(&n));
  op = SENTINEL(const threecx_operation *);
  assert_int_not_equal(threecx_operation_at(n, &op), THREECX_OK); /* out of range */
  assert_null(op);
}
CHECK(threecx_operation_find) {
  const threecx_operation *op;
  EXPECT_INVALID_PTR_OUT(const threecx_operation *, op, threecx_operation_find(NULL, &op));
  EXPECT_INVALID(threecx_operation_find("ListSecurityRefreshToken", NULL));
}
#define OP_STRING_CHECK(name)                                                       \
  CHECK(name) {                                                                     \
    const char *s;                                                                  \
    EXPECT_INVALID_PTR_OUT(const char *, s, name(NULL, &s));                        \
    EXPECT_INVALID(name(OP, NULL));                                                 \
  }
OP_STRING_CHECK(threecx_operation_id)
OP_STRING_CHECK(threecx_operation_method)
OP_STRING_CHECK(threecx_operation_path)
OP_STRING_CHECK(threecx_operation_tag)
OP_STRING_CHECK(threecx_operation_summary)
OP_STRING_CHECK(threecx_operation_function)
CHECK(threecx_operation_param_count) {
  size_t n;
  EXPECT_INVALID_NUM_OUT(n, threecx_operation_param_count(NULL, &n));
  EXPECT_INVALID(threecx_operation_param_count(OP, NULL));
}
CHECK(threecx_operation_param_name) {
  const char *s;
  EXPECT_INVALID_PTR_OUT(const char *, s, threecx_operation_param_name(NULL, 0, &s));
  EXPECT_INVALID(threecx_operation_param_name(OP, 0, NULL));
  EXPECT_INVALID_PTR_OUT(const char *, s, threecx_operation_param_name(OP, 100000, &s));
}
#define OP_INDEXED_INT_CHECK(name)                                                  \
  CHECK(name) {                                                                     \
    int32_t v;                                                                      \
    EXPECT_INVALID_NUM_OUT(v, name(NULL, 0, &v));                                   \
    EXPECT_INVALID(name(OP, 0, NULL));                                              \
    EXPECT_INVALID_NUM_OUT(v, name(OP, 100000, &v));                                \
  }
OP_INDEXED_INT_CHECK(threecx_operation_param_type)
OP_INDEXED_INT_CHECK(threecx_operation_param_nullable)
#define OP_INT_CHECK(name)                                                          \
  CHECK(name) {                                                                     \
    int32_t v;                                                                      \
    EXPECT_INVALID_NUM_OUT(v, name(NULL, &v));                                      \
    EXPECT_INVALID(name(OP, NULL));                                                 \
  }
OP_INT_CHECK(threecx_operation_options)
OP_INT_CHECK(threecx_operation_has_body)
OP_INT_CHECK(threecx_operation_has_if_match)
OP_INT_CHECK(threecx_operation_response_kind)

CHECK(threecx_request_new_op) {
  threecx_request *r;
  EXPECT_INVALID_PTR_OUT(threecx_request *, r, threecx_request_new_op(NULL, "ListSecurityRefreshToken", &r));
  EXPECT_INVALID_PTR_OUT(threecx_request *, r, threecx_request_new_op(C, NULL, &r));
  EXPECT_INVALID(threecx_request_new_op(C, "ListSecurityRefreshToken", NULL));
}
CHECK(threecx_response_body_bytes) {
  unsigned char *b;
  size_t n;
  n = 5;
  EXPECT_INVALID_PTR_OUT(unsigned char *, b, threecx_response_body_bytes(NULL, &b, &n));
  assert_int_equal(n, 0);
  EXPECT_INVALID_NUM_OUT(n, threecx_response_body_bytes(NULL, NULL, &n));
  EXPECT_INVALID_PTR_OUT(unsigned char *, b, threecx_response_body_bytes(NULL, &b, NULL));
}
CHECK(threecx_request_send_to_callback) {
  threecx_response *o;
  EXPECT_INVALID_PTR_OUT(threecx_response *, o, threecx_request_send_to_callback(NULL, write_cb, NULL, &o));
  EXPECT_INVALID_PTR_OUT(threecx_response *, o, threecx_request_send_to_callback(R, NULL, NULL, &o));
  EXPECT_INVALID(threecx_request_send_to_callback(R, write_cb, NULL, NULL));
}
CHECK(threecx_request_send_to_file) {
  threecx_response *o;
  const char *path = "threecx_null_args_must_not_exist.bin";
  EXPECT_INVALID_PTR_OUT(threecx_response *, o, threecx_request_send_to_file(NULL, path, &o));
  EXPECT_INVALID_PTR_OUT(threecx_response *, o, threecx_request_send_to_file(R, NULL, &o));
  EXPECT_INVALID(threecx_request_send_to_file(R, path, NULL));
  /* nothing was created */
  assert_null(fopen(path, "rb"));
}

/* ---- asynchronous API (no network: nothing is left to send on perform) ---- */

static threecx_async *new_async(void) {
  threecx_async *a = NULL;
  EXPECT_OK(threecx_async_new(C, &a));
  return a;
}
CHECK(threecx_async_new) {
  threecx_async *a;
  EXPECT_INVALID_PTR_OUT(threecx_async *, a, threecx_async_new(NULL, &a));
  EXPECT_INVALID(threecx_async_new(C, NULL));
}
CHECK(threecx_async_free) { threecx_async_free(NULL); }
CHECK(threecx_async_set_max_concurrent) {
  threecx_async *a = new_async();
  EXPECT_INVALID(threecx_async_set_max_concurrent(NULL, 4));
  EXPECT_INVALID(threecx_async_set_max_concurrent(a, 0));
  EXPECT_OK(threecx_async_set_max_concurrent(a, 4));
  threecx_async_free(a);
}
CHECK(threecx_async_submit) {
  threecx_async *a = new_async();
  int64_t id;
  EXPECT_INVALID_NUM_OUT(id, threecx_async_submit(NULL, R, NULL, NULL, &id));
  EXPECT_INVALID_NUM_OUT(id, threecx_async_submit(a, NULL, NULL, NULL, &id));
  EXPECT_OK(threecx_async_submit(a, R, NULL, NULL, NULL)); /* the id is optional */
  threecx_async_free(a); /* frees what is pending, nothing sent */
}
CHECK(threecx_async_perform) {
  threecx_async *a = new_async();
  int32_t n = 5;
  EXPECT_INVALID(threecx_async_perform(NULL, &n));
  EXPECT_OK(threecx_async_perform(a, NULL));
  EXPECT_OK(threecx_async_perform(a, &n));
  assert_int_equal(n, 0);
  threecx_async_free(a);
}
CHECK(threecx_async_wait) {
  threecx_async *a = new_async();
  int32_t n = 5;
  EXPECT_INVALID(threecx_async_wait(NULL, 0, &n));
  EXPECT_INVALID(threecx_async_wait(a, -1, &n));
  EXPECT_OK(threecx_async_wakeup(a));
  EXPECT_OK(threecx_async_wait(a, 0, NULL));
  threecx_async_free(a);
}
CHECK(threecx_async_wakeup) { EXPECT_INVALID(threecx_async_wakeup(NULL)); }
CHECK(threecx_async_next) {
  threecx_async *a = new_async();
  threecx_completion *c;
  int64_t id = 0, cid = 0;
  int32_t code = 0;
  char *msg = NULL;
  EXPECT_INVALID_PTR_OUT(threecx_completion *, c, threecx_async_next(NULL, &c));
  EXPECT_INVALID(threecx_async_next(a, NULL));
  assert_int_equal(threecx_async_next(a, &c), THREECX_DONE);
  assert_null(c);
  /* a cancelled request completes without any network traffic */
  EXPECT_OK(threecx_async_submit(a, R, NULL, NULL, &id));
  EXPECT_OK(threecx_async_cancel(a, id));
  EXPECT_OK(threecx_async_perform(a, NULL));
  EXPECT_OK(threecx_async_next(a, &c));
  EXPECT_OK(threecx_completion_id(c, &cid));
  assert_int_equal(cid, id);
  EXPECT_OK(threecx_completion_code(c, &code));
  assert_int_equal(code, THREECX_E_CANCELLED);
  EXPECT_OK(threecx_completion_message(c, &msg));
  assert_non_null(strstr(msg, "cancelled"));
  threecx_free(msg);
  threecx_completion_free(c);
  threecx_async_free(a);
}
CHECK(threecx_async_cancel) {
  threecx_async *a = new_async();
  EXPECT_INVALID(threecx_async_cancel(NULL, 1));
  assert_int_equal(threecx_async_cancel(a, 12345), THREECX_E_NOT_FOUND);
  threecx_async_free(a);
}
CHECK(threecx_async_cancel_all) {
  threecx_async *a = new_async();
  EXPECT_INVALID(threecx_async_cancel_all(NULL));
  EXPECT_OK(threecx_async_cancel_all(a));
  threecx_async_free(a);
}
CHECK(threecx_async_fds) {
  threecx_async *a = new_async();
  threecx_pollfd fds[4];
  size_t n;
  EXPECT_INVALID_NUM_OUT(n, threecx_async_fds(NULL, fds, 4, &n));
  EXPECT_INVALID(threecx_async_fds(a, fds, 4, NULL));
  EXPECT_INVALID_NUM_OUT(n, threecx_async_fds(a, NULL, 4, &n));
  EXPECT_OK(threecx_async_fds(a, NULL, 0, &n)); /* the count only */
  assert_int_equal(n, 1);                      /* the wakeup descriptor */
  threecx_async_free(a);
}
CHECK(threecx_async_timeout_ms) {
  threecx_async *a = new_async();
  int64_t t;
  EXPECT_INVALID_NUM_OUT(t, threecx_async_timeout_ms(NULL, &t));
  EXPECT_INVALID(threecx_async_timeout_ms(a, NULL));
  EXPECT_OK(threecx_async_timeout_ms(a, &t));
  assert_int_equal(t, -1); /* nothing pending */
  threecx_async_free(a);
}
CHECK(threecx_completion_id) {
  int64_t v;
  EXPECT_INVALID_NUM_OUT(v, threecx_completion_id(NULL, &v));
}
CHECK(threecx_completion_code) {
  int32_t v;
  EXPECT_INVALID_NUM_OUT(v, threecx_completion_code(NULL, &v));
}
CHECK(threecx_completion_message) {
  char *m;
  EXPECT_INVALID_PTR_OUT(char *, m, threecx_completion_message(NULL, &m));
}
CHECK(threecx_completion_take_response) {
  threecx_response *r;
  EXPECT_INVALID_PTR_OUT(threecx_response *, r, threecx_completion_take_response(NULL, &r));
}
CHECK(threecx_completion_free) { threecx_completion_free(NULL); }

/* ---- the table ---------------------------------------------------------- */

#define E(name) {#name, chk_##name}
static const struct {
  const char *name;
  CMUnitTestFunction fn;
} k_checks[] = {
    E(threecx_strerror), E(threecx_error_name), E(threecx_error_last), E(threecx_last_error),
    E(threecx_last_error_code), E(threecx_clear_error), E(threecx_free), E(threecx_version),
    E(threecx_version_number), E(threecx_abi_version), E(threecx_xapi_version),
    E(threecx_client_new), E(threecx_client_new_from_env), E(threecx_client_free),
    E(threecx_client_set_ca_file), E(threecx_client_set_ca_path),
    E(threecx_client_set_connect_timeout_ms), E(threecx_client_set_timeout_ms),
    E(threecx_client_set_user_agent), E(threecx_client_allow_http), E(threecx_client_set_http_version),
    E(threecx_client_set_insecure_skip_tls_verify), E(threecx_client_set_log),
    E(threecx_client_set_refresh_margin), E(threecx_client_set_retry), E(threecx_client_authenticate),
    E(threecx_client_invalidate_token), E(threecx_client_token_requests),
    E(threecx_client_base_url), E(threecx_odata_string), E(threecx_url_encode),
    E(threecx_search_phrase),
    E(threecx_query_new), E(threecx_query_free), E(threecx_query_set_top),
    E(threecx_query_set_skip), E(threecx_query_set_search), E(threecx_query_set_filter),
    E(threecx_query_set_count), E(threecx_query_set_orderby), E(threecx_query_set_select),
    E(threecx_query_set_expand), E(threecx_query_add_param), E(threecx_query_to_string),
    E(threecx_request_new), E(threecx_request_free), E(threecx_request_set_param_string),
    E(threecx_request_set_param_int), E(threecx_request_set_param_bool),
    E(threecx_request_set_param_guid), E(threecx_request_set_param_datetime),
    E(threecx_request_set_param_null), E(threecx_request_set_query),
    E(threecx_request_add_header), E(threecx_request_set_body), E(threecx_request_url),
    E(threecx_request_send), E(threecx_response_free), E(threecx_response_status),
    E(threecx_response_body), E(threecx_response_body_size), E(threecx_response_header),
    E(threecx_response_error_code), E(threecx_response_error_message),
    E(threecx_response_error_details), E(threecx_pager_new), E(threecx_pager_free),
    E(threecx_pager_next_page), E(threecx_pager_next_item), E(threecx_pager_total),
    E(threecx_pager_last_response), E(threecx_client_set_max_response_bytes), E(threecx_constant),
    E(threecx_cancel_new), E(threecx_cancel_free), E(threecx_cancel_trigger),
    E(threecx_cancel_is_triggered), E(threecx_request_set_cancel),
    E(threecx_request_set_deadline_ms), E(threecx_pager_set_cancel),
    E(threecx_request_set_idempotent), E(threecx_response_retry_after_ms),
    E(threecx_response_header_count), E(threecx_response_header_at), E(threecx_response_header_view), E(threecx_request_set_progress),
    E(threecx_client_set_stall_timeout), E(threecx_client_set_retry_budget),
    E(threecx_client_set_ca_pem), E(threecx_client_set_pinned_public_key),
    E(threecx_response_body_view), E(threecx_pager_next_item_view), E(threecx_pager_set_prefetch),
    /* catalog.h */
    E(threecx_operation_count), E(threecx_operation_at), E(threecx_operation_find),
    E(threecx_operation_id), E(threecx_operation_method), E(threecx_operation_path),
    E(threecx_operation_tag), E(threecx_operation_summary), E(threecx_operation_function),
    E(threecx_operation_param_count), E(threecx_operation_param_name),
    E(threecx_operation_param_type), E(threecx_operation_param_nullable),
    E(threecx_operation_options), E(threecx_operation_has_body),
    E(threecx_operation_has_if_match), E(threecx_operation_response_kind),
    E(threecx_request_new_op), E(threecx_response_body_bytes),
    E(threecx_request_send_to_callback), E(threecx_request_send_to_file),
    E(threecx_async_new), E(threecx_async_free), E(threecx_async_set_max_concurrent),
    E(threecx_async_submit), E(threecx_async_perform), E(threecx_async_wait),
    E(threecx_async_wakeup), E(threecx_async_next), E(threecx_async_cancel),
    E(threecx_async_cancel_all), E(threecx_async_fds), E(threecx_async_timeout_ms),
    E(threecx_completion_id), E(threecx_completion_code), E(threecx_completion_message),
    E(threecx_completion_take_response), E(threecx_completion_free),
};
#define N_CHECKS (sizeof k_checks / sizeof k_checks[0])

static void test_every_function_is_covered(void **state) {
  size_t i, j, missing = 0, stale = 0;
  (void)state;
  for (i = 0; i < N_DECLARED; ++i) {
    for (j = 0; j < N_CHECKS && strcmp(k_declared[i], k_checks[j].name) != 0; ++j) {
    }
    if (j == N_CHECKS) {
      print_error("declared in a public header but has no NULL-argument checker: %s\n", k_declared[i]);
      ++missing;
    }
  }
  for (j = 0; j < N_CHECKS; ++j) {
    for (i = 0; i < N_DECLARED && strcmp(k_declared[i], k_checks[j].name) != 0; ++i) {
    }
    if (i == N_DECLARED) {
      print_error("checker for a function that is not declared any more: %s\n", k_checks[j].name);
      ++stale;
    }
  }
  print_message("%u functions declared, %u checkers\n", (unsigned)N_DECLARED, (unsigned)N_CHECKS);
  assert_int_equal(missing, 0);
  assert_int_equal(stale, 0);
}

static int setup(void **state) {
  (void)state;
  if (threecx_client_new("pbx.example.com:5001", "id", "key", &C) != THREECX_OK) return -1;
  if (threecx_query_new(&Q) != THREECX_OK) return -1;
  if (threecx_request_new(C, "GET", "/Users({Id})", &R) != THREECX_OK) return -1;
  if (threecx_request_set_param_int(R, "Id", 1) != THREECX_OK) return -1;
  if (threecx_pager_new(R, 10, &P) != THREECX_OK) return -1;
  if (threecx_operation_at(0, &OP) != THREECX_OK) return -1;
  return 0;
}
static int teardown(void **state) {
  (void)state;
  threecx_pager_free(P);
  threecx_request_free(R);
  threecx_query_free(Q);
  threecx_client_free(C);
  return 0;
}

int main(void) {
  struct CMUnitTest *tests = calloc(N_CHECKS + 1, sizeof *tests);
  size_t i;
  int failed;
  if (!tests) return 1;
  tests[0].name = "every_function_is_covered";
  tests[0].test_func = test_every_function_is_covered;
  for (i = 0; i < N_CHECKS; ++i) {
    tests[i + 1].name = k_checks[i].name;
    tests[i + 1].test_func = k_checks[i].fn;
  }
  failed = _cmocka_run_group_tests("null_args", tests, N_CHECKS + 1, setup, teardown);
  free(tests);
  return failed == 0 ? 0 : 1;
}
