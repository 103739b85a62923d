// threecx::Logger (lib/common/log.cpp): levels and secret scrubbing.
#include "unit.h"

#include <vector>

#include "common/log.hpp"

namespace {

struct Sink {
  std::vector<std::pair<int, std::string>> lines;
};

void sink(void *ud, int32_t level, const char *message) {
  static_cast<Sink *>(ud)->lines.emplace_back(level, message);
}

void test_levels(void **) {
  threecx::Logger log;
  Sink s;
  assert_false(log.enabled(THREECX_LOG_ERROR));
  log.log(THREECX_LOG_ERROR, "dropped: no sink");
  log.set(THREECX_LOG_WARN, sink, &s);
  assert_true(log.enabled(THREECX_LOG_ERROR));
  assert_true(log.enabled(THREECX_LOG_WARN));
  assert_false(log.enabled(THREECX_LOG_INFO));
  log.log(THREECX_LOG_ERROR, "e");
  log.log(THREECX_LOG_WARN, "w");
  log.log(THREECX_LOG_DEBUG, "d");
  assert_int_equal(s.lines.size(), 2);
  assert_int_equal(s.lines[0].first, THREECX_LOG_ERROR);
  assert_std_string_equal(s.lines[1].second, "w");
  log.set(THREECX_LOG_TRACE, nullptr, nullptr);  // NULL fn turns logs off
  assert_false(log.enabled(THREECX_LOG_ERROR));
  log.log(THREECX_LOG_ERROR, "e2");
  assert_int_equal(s.lines.size(), 2);
}

void test_scrubbing(void **) {
  threecx::Logger log;
  Sink s;
  const std::string key = "k3y-S3cr3t/+=";
  const std::string token = "eyJhbGciOiJIUzI1NiJ9.payload.sig";
  log.set(THREECX_LOG_TRACE, sink, &s);
  log.add_secret(key);
  log.add_secret(token);
  log.add_secret("");  // ignored: must not blank everything
  log.log(THREECX_LOG_DEBUG, "client_secret=" + key + "&x=" + key + key);
  log.log(THREECX_LOG_TRACE, "Authorization: Bearer " + token);
  log.log(THREECX_LOG_INFO, "nothing secret here");
  log.log(THREECX_LOG_INFO, key.substr(0, 5) + "|" + key.substr(5));  // split: not the secret
  assert_int_equal(s.lines.size(), 4);
  for (const auto &l : s.lines) {
    assert_null(strstr(l.second.c_str(), key.c_str()));
    assert_null(strstr(l.second.c_str(), token.c_str()));
  }
  assert_std_string_equal(s.lines[0].second,
                          "client_secret=[REDACTED]&x=[REDACTED][REDACTED]");
  assert_std_string_equal(s.lines[1].second, "Authorization: Bearer [REDACTED]");
  assert_std_string_equal(s.lines[2].second, "nothing secret here");
  assert_std_string_equal(log.scrub("err: " + token), "err: [REDACTED]");

  // A removed secret is no longer scrubbed (token rotated away).
  log.remove_secret(token);
  log.log(THREECX_LOG_INFO, token);
  assert_std_string_equal(s.lines.back().second, token);
}

// A secret that contains the replacement text must not loop forever.
void test_scrub_self_similar(void **) {
  threecx::Logger log;
  Sink s;
  log.set(THREECX_LOG_TRACE, sink, &s);
  log.add_secret("[REDACTED]");
  log.add_secret("RED");
  log.log(THREECX_LOG_INFO, "a [REDACTED] RED b");
  assert_int_equal(s.lines.size(), 1);
  assert_null(strstr(s.lines[0].second.c_str(), "RED b"));
}

// Through the public API: the API key never reaches the sink.
void test_client_log(void **) {
  threecx_client *c = nullptr;
  Sink s;
  const char *key = "VerySecretApiKey123";
  assert_int_equal(threecx_client_new("http://pbx.local", "id", key, &c), THREECX_OK);
  assert_int_equal(threecx_client_set_log(c, THREECX_LOG_TRACE, sink, &s), THREECX_OK);
  assert_int_equal(threecx_client_set_log(c, 99, sink, &s), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_client_set_log(c, -1, sink, &s), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_client_authenticate(c), THREECX_E_INSECURE);  // no traffic
  assert_null(strstr(threecx_last_error(), key));
  for (const auto &l : s.lines) assert_null(strstr(l.second.c_str(), key));
  threecx_client_free(c);
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_levels),
      cmocka_unit_test(test_scrubbing),
      cmocka_unit_test(test_scrub_self_similar),
      cmocka_unit_test(test_client_log),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr) == 0 ? 0 : 1;
}
