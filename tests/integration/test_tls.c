/* TLS for embedded use and the TLS rows of the fault matrix: a CA bundle
 * from memory, public-key pinning, and servers whose certificate is
 * self-signed, for another host, or expired - each refused with
 * THREECX_E_TLS before the API key is sent (the simulator counts no token
 * request). Certificates: tests/support/make_tls_faults.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <threecx/threecx.h>

#include "simproc.h"

#ifndef THREECX_TEST_TLS_DIR
#error THREECX_TEST_TLS_DIR must be defined
#endif

/* The whole file, NUL-terminated; *size without the NUL. */
static char *slurp(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  assert_non_null(b);
  assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
  b[n] = 0;
  fclose(f);
  if (size) *size = (size_t)n;
  return b;
}

static char *tls_file(const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", THREECX_TEST_TLS_DIR, name);
  return slurp(path, NULL);
}

static threecx_client *bare_client(const sim *s) {
  threecx_client *c;
  assert_int_equal(threecx_client_new(s->domain, TEST_CLIENT_ID, TEST_API_KEY, &c), THREECX_OK);
  assert_int_equal(threecx_client_set_log(c, THREECX_LOG_TRACE, test_log_sink, NULL), THREECX_OK);
  return c;
}

static void test_ca_from_memory(void **state) {
  (void)state;
  char path[512];
  size_t n;
  snprintf(path, sizeof path, "%s/ca.pem", test_ca_dir());
  char *pem = slurp(path, &n);
  threecx_client *c = bare_client(&g_sim);
  assert_int_equal(threecx_client_set_ca_pem(c, pem, n), THREECX_OK);
  free(pem);  /* copied */
  assert_int_equal(sim_get(c, "/Defs", NULL, NULL, NULL), THREECX_OK);
  threecx_client_free(c);
  /* an unrelated CA in memory: refused */
  snprintf(path, sizeof path, "%s/other-ca.pem", test_ca_dir());
  pem = slurp(path, &n);
  c = bare_client(&g_sim);
  assert_int_equal(threecx_client_set_ca_pem(c, pem, n), THREECX_OK);
  free(pem);
  int64_t before = sim_stat(&g_sim, "token_requests");
  assert_int_equal(threecx_client_authenticate(c), THREECX_E_TLS);
  assert_int_equal(sim_stat(&g_sim, "token_requests"), before);
  threecx_client_free(c);
}

static void test_public_key_pinning(void **state) {
  (void)state;
  char *good = tls_file("server.pin"), *other = tls_file("other.pin");
  threecx_client *c;
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  assert_int_equal(threecx_client_set_pinned_public_key(c, good), THREECX_OK);
  assert_int_equal(sim_get(c, "/Defs", NULL, NULL, NULL), THREECX_OK);
  threecx_client_free(c);
  /* the right CA, the wrong key: refused before the key is sent */
  assert_int_equal(sim_client(&g_sim, &c), THREECX_OK);
  assert_int_equal(threecx_client_set_pinned_public_key(c, other), THREECX_OK);
  int64_t before = sim_stat(&g_sim, "token_requests");
  assert_int_equal(threecx_client_authenticate(c), THREECX_E_TLS);
  assert_non_null(strstr(threecx_last_error(), "pinned"));
  assert_int_equal(sim_stat(&g_sim, "token_requests"), before);
  /* several pins, one of them right: accepted */
  char both[256];
  snprintf(both, sizeof both, "%s;%s", other, good);
  assert_int_equal(threecx_client_set_pinned_public_key(c, both), THREECX_OK);
  assert_int_equal(threecx_client_authenticate(c), THREECX_OK);
  threecx_client_free(c);
  free(good);
  free(other);
}

/* Self-signed, another host's, expired: THREECX_E_TLS, no token request. */
static void test_bad_server_certificates(void **state) {
  (void)state;
  static const char *names[] = {"selfsigned", "wronghost", "expired"};
  for (size_t i = 0; i < 3; ++i) {
    char cert[512], key[512];
    snprintf(cert, sizeof cert, "%s/%s.pem", THREECX_TEST_TLS_DIR, names[i]);
    snprintf(key, sizeof key, "%s/%s.key", THREECX_TEST_TLS_DIR, names[i]);
    const char *args[] = {"--tls-cert", cert, "--tls-key", key, NULL};
    sim s;
    assert_int_equal(sim_start(&s, 0, args), 0);
    s.control_unverified = 1; /* the control API has the bad certificate too */
    threecx_client *c;
    assert_int_equal(sim_client(&s, &c), THREECX_OK); /* trusts the test CA */
    int rc = threecx_client_authenticate(c);
    if (rc != THREECX_E_TLS) fail_msg("%s: %d %s", names[i], rc, threecx_last_error());
    assert_int_equal(sim_stat(&s, "token_requests"), 0);
    threecx_client_free(c);
    sim_stop(&s);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ca_from_memory),
      cmocka_unit_test(test_public_key_pinning),
      cmocka_unit_test(test_bad_server_certificates),
  };
  return cmocka_run_group_tests_name("tls", tests, sim_group_setup, sim_group_teardown);
}
