/* Status codes, their texts and names, and the per-thread last error. */
#include "unit.h"

#include <pthread.h>

static const char *const k_names[] = {
    "THREECX_OK", "THREECX_DONE", "THREECX_E_INVALID_ARGUMENT", "THREECX_E_NO_MEMORY",
    "THREECX_E_INVALID_JSON", "THREECX_E_INVALID_DOMAIN", "THREECX_E_OPTION_REPEATED",
    "THREECX_E_UNKNOWN_PARAMETER", "THREECX_E_MISSING_PARAMETER", "THREECX_E_INSECURE",
    "THREECX_E_NETWORK", "THREECX_E_TLS", "THREECX_E_TIMEOUT", "THREECX_E_AUTH",
    "THREECX_E_HTTP", "THREECX_E_PROTOCOL", "THREECX_E_NOT_FOUND", "THREECX_E_UNSUPPORTED",
    "THREECX_E_STATE", "THREECX_E_IO", "THREECX_E_ABORTED", "THREECX_E_INTERNAL",
    "THREECX_E_UNCERTAIN", "THREECX_E_RETRY_LATER", "THREECX_E_CANCELLED",
};

static void test_codes_are_stable(void **state) {
  (void)state;
  /* The numbers are part of the ABI. */
  assert_int_equal(THREECX_OK, 0);
  assert_int_equal(THREECX_DONE, 1);
  assert_int_equal(THREECX_E_INVALID_ARGUMENT, 2);
  assert_int_equal(THREECX_E_HTTP, 14);
  assert_int_equal(THREECX_E_INTERNAL, 21);
  assert_int_equal(THREECX_E_UNCERTAIN, 22);
  assert_int_equal(THREECX_E_RETRY_LATER, 23);
  assert_int_equal(THREECX_E_CANCELLED, 24);
  assert_int_equal(threecx_error_last(), THREECX_E__LAST);
  assert_true(threecx_error_last() >= (int)(sizeof k_names / sizeof k_names[0]) - 1);
}

static void test_every_code(void **state) {
  int code, other;
  (void)state;
  for (code = 0; code <= threecx_error_last(); ++code) {
    const char *text = threecx_strerror(code), *name = threecx_error_name(code);
    assert_non_null(text);
    assert_non_null(name);
    assert_true(strlen(text) > 0);
    assert_string_not_equal(text, "unknown status code");
    assert_true(strncmp(name, "THREECX_", 8) == 0);
    if (code < (int)(sizeof k_names / sizeof k_names[0])) assert_string_equal(name, k_names[code]);
    /* static: same pointer every time */
    assert_ptr_equal(text, threecx_strerror(code));
    assert_ptr_equal(name, threecx_error_name(code));
    for (other = 0; other < code; ++other) {
      assert_string_not_equal(name, threecx_error_name(other));
      assert_string_not_equal(text, threecx_strerror(other));
    }
  }
}

static void test_unknown_codes(void **state) {
  int bad[5];
  size_t i;
  (void)state;
  bad[0] = -1;
  bad[1] = threecx_error_last() + 1;
  bad[2] = 1000;
  bad[3] = INT32_MIN;
  bad[4] = INT32_MAX;
  for (i = 0; i < 5; ++i) {
    assert_string_equal(threecx_strerror(bad[i]), "unknown status code");
    assert_null(threecx_error_name(bad[i]));
  }
}

static void test_last_error(void **state) {
  char *out = NULL;
  (void)state;
  threecx_clear_error();
  assert_string_equal(threecx_last_error(), "");
  assert_int_equal(threecx_last_error_code(), THREECX_OK);
  assert_int_equal(threecx_url_encode(NULL, &out), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_last_error_code(), THREECX_E_INVALID_ARGUMENT);
  assert_true(strlen(threecx_last_error()) > 0);
  /* a successful call does not clear it */
  assert_int_equal(threecx_url_encode("x", &out), THREECX_OK);
  threecx_free(out);
  assert_int_equal(threecx_last_error_code(), THREECX_E_INVALID_ARGUMENT);
  assert_true(strlen(threecx_last_error()) > 0);
  threecx_clear_error();
  assert_string_equal(threecx_last_error(), "");
  assert_int_equal(threecx_last_error_code(), THREECX_OK);
}

static void *other_thread(void *arg) {
  threecx_query *q = NULL;
  int *rc = (int *)arg;
  /* this thread starts clean */
  rc[0] = threecx_last_error_code();
  threecx_query_new(&q);
  threecx_query_set_top(q, 1);
  rc[1] = threecx_query_set_top(q, 2); /* OPTION_REPEATED here */
  rc[2] = threecx_last_error_code();
  threecx_query_free(q);
  return NULL;
}

static void test_last_error_per_thread(void **state) {
  pthread_t t;
  int rc[3] = {-1, -1, -1};
  char before[256];
  (void)state;
  threecx_clear_error();
  assert_int_equal(threecx_client_new("ftp://x", "id", "key", &(threecx_client *){NULL}), THREECX_E_INVALID_DOMAIN);
  snprintf(before, sizeof before, "%s", threecx_last_error());
  assert_int_equal(pthread_create(&t, NULL, other_thread, rc), 0);
  assert_int_equal(pthread_join(t, NULL), 0);
  assert_int_equal(rc[0], THREECX_OK);
  assert_int_equal(rc[1], THREECX_E_OPTION_REPEATED);
  assert_int_equal(rc[2], THREECX_E_OPTION_REPEATED);
  /* ours is untouched */
  assert_int_equal(threecx_last_error_code(), THREECX_E_INVALID_DOMAIN);
  assert_string_equal(threecx_last_error(), before);
}

static void test_version(void **state) {
  (void)state;
  assert_string_equal(threecx_version(), THREECX_VERSION);
  assert_int_equal(threecx_version_number(), THREECX_VERSION_NUMBER);
  assert_int_equal(threecx_abi_version(), THREECX_ABI_VERSION);
  assert_non_null(threecx_xapi_version());
  assert_true(strlen(threecx_xapi_version()) > 0);
  threecx_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_codes_are_stable),
      cmocka_unit_test(test_every_code),
      cmocka_unit_test(test_unknown_codes),
      cmocka_unit_test(test_last_error),
      cmocka_unit_test(test_last_error_per_thread),
      cmocka_unit_test(test_version),
  };
  return cmocka_run_group_tests(tests, NULL, NULL) == 0 ? 0 : 1;
}
