// threecx::Query (lib/request/query.cpp) and the threecx_query_* C API.
#include "unit.h"

#include "request/query.hpp"

using threecx::Query;

namespace {

void test_empty(void **) {
  Query q;
  assert_true(q.empty());
  assert_int_equal(q.mask(), 0);
  assert_std_string_equal(q.to_string(), "");
}

// Set in reverse order; emitted in the fixed order, extras last in call order.
void test_fixed_order(void **) {
  Query q;
  q.add_param("z", "1");
  q.set_skip(10);
  q.set_top(5);
  q.set_count(true);
  q.set_expand("Groups($select=Name;$top=5),Greetings");
  q.set_select("Id,Name");
  q.set_orderby("Name desc,Id");
  q.set_search("word");
  q.set_filter("Name eq 'O''Brien'");
  q.add_param("a", "2");
  assert_std_string_equal(q.to_string(),
                          "$filter=Name%20eq%20'O''Brien'"
                          "&$search=word"
                          "&$orderby=Name%20desc,Id"
                          "&$select=Id,Name"
                          "&$expand=Groups($select=Name;$top=5),Greetings"
                          "&$count=true"
                          "&$top=5"
                          "&$skip=10"
                          "&z=1&a=2");
  assert_int_equal(q.mask(), 0xff);
  assert_false(q.empty());
}

void test_each_option_alone(void **) {
  struct {
    void (*set)(Query &);
    const char *want;
  } cases[] = {
      {[](Query &q) { q.set_top(0); }, "$top=0"},
      {[](Query &q) { q.set_skip(0); }, "$skip=0"},
      {[](Query &q) { q.set_top(9223372036854775807LL); }, "$top=9223372036854775807"},
      {[](Query &q) { q.set_count(false); }, "$count=false"},
      {[](Query &q) { q.set_filter("a&b#c+d%e"); }, "$filter=a%26b%23c%2Bd%25e"},
      {[](Query &q) { q.set_orderby("Name"); }, "$orderby=Name"},
      {[](Query &q) { q.set_select("Id"); }, "$select=Id"},
      {[](Query &q) { q.set_expand("Client"); }, "$expand=Client"},
      {[](Query &q) { q.add_param("a b", "x&y z"); }, "a%20b=x%26y%20z"},
      {[](Query &q) { q.add_param("k", ""); }, "k="},
  };
  for (auto &c : cases) {
    Query q;
    c.set(q);
    assert_std_string_equal(q.to_string(), c.want);
  }
}

void test_search_quoting(void **) {
  // sent as written (an expression), each word/phrase percent-encoded
  struct {
    const char *in, *want;
  } cases[] = {
      {"word", "$search=word"},
      {"two words", "$search=two%20words"},
      {"\"two words\"", "$search=%22two%20words%22"},
      {"\"say \\\"hi\\\" now\"", "$search=%22say%20%5C%22hi%5C%22%20now%22"},
      {"\"a\\\\b c\"", "$search=%22a%5C%5Cb%20c%22"},
      {"a OR b", "$search=a%20OR%20b"},
      {"\"NOT\"", "$search=%22NOT%22"},
  };
  for (auto &c : cases) {
    Query q;
    q.set_search(c.in);
    assert_std_string_equal(q.to_string(), c.want);
  }
  Query q;
  assert_int_equal(unit::code_of([&] { q.set_search("NOT"); }), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(unit::code_of([&] { q.set_search("a;b"); }), THREECX_OK);
  assert_std_string_equal(q.to_string(), "$search=a%3Bb");
}

void test_repeated(void **) {
  void (*sets[])(Query &) = {
      [](Query &q) { q.set_top(1); },        [](Query &q) { q.set_skip(1); },
      [](Query &q) { q.set_search("x"); },   [](Query &q) { q.set_filter("x"); },
      [](Query &q) { q.set_count(true); },   [](Query &q) { q.set_orderby("x"); },
      [](Query &q) { q.set_select("x"); },   [](Query &q) { q.set_expand("x"); },
  };
  for (auto set : sets) {
    Query q;
    set(q);
    std::string before = q.to_string(), msg;
    assert_int_equal(unit::code_of([&] { set(q); }, &msg), THREECX_E_OPTION_REPEATED);
    assert_non_null(strstr(msg.c_str(), "already set"));
    assert_std_string_equal(q.to_string(), before);  // unchanged
  }
  // Extra parameters may repeat.
  Query q;
  q.add_param("k", "1");
  q.add_param("k", "2");
  assert_std_string_equal(q.to_string(), "k=1&k=2");
}

void test_refused_values(void **) {
  Query q;
  assert_int_equal(unit::code_of([&] { q.set_top(-1); }), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(unit::code_of([&] { q.set_skip(-1); }), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(unit::code_of([&] { q.set_filter(""); }), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(unit::code_of([&] { q.set_search(""); }), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(unit::code_of([&] { q.set_orderby(""); }), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(unit::code_of([&] { q.set_select(""); }), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(unit::code_of([&] { q.set_expand(""); }), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(unit::code_of([&] { q.set_filter("\xff"); }), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(unit::code_of([&] { q.add_param("$top", "1"); }), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(unit::code_of([&] { q.add_param("$custom", "1"); }), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(unit::code_of([&] { q.add_param("", "1"); }), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(unit::code_of([&] { q.add_param("k", "\xc3"); }), THREECX_E_INVALID_ARGUMENT);
  // A refused value does not occupy the slot.
  assert_true(q.empty());
  q.set_top(5);
  q.set_skip(0);
  assert_std_string_equal(q.to_string(), "$top=5&$skip=0");
}

// The same through the C API.
void test_c_api(void **) {
  threecx_query *q = nullptr;
  char *s = nullptr;
  assert_int_equal(threecx_query_new(&q), THREECX_OK);
  assert_non_null(q);
  assert_int_equal(threecx_query_to_string(q, &s), THREECX_OK);
  assert_string_equal(s, "");
  threecx_free(s);

  assert_int_equal(threecx_query_set_top(q, -5), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_last_error_code(), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_query_set_skip(q, -1), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_query_set_skip(q, 20), THREECX_OK);
  assert_int_equal(threecx_query_set_top(q, 10), THREECX_OK);
  assert_int_equal(threecx_query_set_top(q, 11), THREECX_E_OPTION_REPEATED);
  assert_int_equal(threecx_last_error_code(), THREECX_E_OPTION_REPEATED);
  assert_non_null(strstr(threecx_last_error(), "$top"));
  assert_int_equal(threecx_query_set_count(q, 7), THREECX_OK);  // any non-zero is true
  assert_int_equal(threecx_query_set_search(q, "Zo\xc3\xab Smith"), THREECX_OK);
  assert_int_equal(threecx_query_set_search(q, "x"), THREECX_E_OPTION_REPEATED);
  assert_int_equal(threecx_query_set_expand(q, "Groups($select=Name;$top=5)"), THREECX_OK);
  assert_int_equal(threecx_query_add_param(q, "$filter", "x"), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_query_add_param(q, "tag", "a+b"), THREECX_OK);
  assert_int_equal(threecx_query_set_filter(q, "Id gt 0"), THREECX_OK);
  assert_int_equal(threecx_query_set_orderby(q, "Username asc,Id desc"), THREECX_OK);
  assert_int_equal(threecx_query_set_select(q, "Id,Username"), THREECX_OK);
  assert_int_equal(threecx_query_set_select(q, "Id"), THREECX_E_OPTION_REPEATED);
  assert_int_equal(threecx_query_set_orderby(q, "Id"), THREECX_E_OPTION_REPEATED);
  assert_int_equal(threecx_query_set_filter(q, "Id gt 1"), THREECX_E_OPTION_REPEATED);
  assert_int_equal(threecx_query_set_expand(q, "Client"), THREECX_E_OPTION_REPEATED);
  assert_int_equal(threecx_query_set_count(q, 0), THREECX_E_OPTION_REPEATED);
  assert_int_equal(threecx_query_set_skip(q, 1), THREECX_E_OPTION_REPEATED);

  assert_int_equal(threecx_query_to_string(q, &s), THREECX_OK);
  assert_string_equal(s,
                      "$filter=Id%20gt%200"
                      "&$search=Zo%C3%AB%20Smith"
                      "&$orderby=Username%20asc,Id%20desc"
                      "&$select=Id,Username"
                      "&$expand=Groups($select=Name;$top=5)"
                      "&$count=true&$top=10&$skip=20&tag=a%2Bb");
  threecx_free(s);
  threecx_query_free(q);
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_empty),          cmocka_unit_test(test_fixed_order),
      cmocka_unit_test(test_each_option_alone), cmocka_unit_test(test_search_quoting),
      cmocka_unit_test(test_repeated),       cmocka_unit_test(test_refused_values),
      cmocka_unit_test(test_c_api),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr) == 0 ? 0 : 1;
}
