#define _POSIX_C_SOURCE 200809L
/*
 * OData on the wire, checked against the OASIS OData ABNF (the rules in
 * tests/support/odata_abnf.h, written from the grammar): $search
 * expressions and phrases, string literals in $filter, and key values, for
 * awkward inputs, through the public C API only (no network).
 *
 * Also checks the checker: outputs the grammar rejects (the library's old
 * ones among them: $search=a;b, 'a/b' raw in a string, a null key) must be
 * rejected by it, so a pass means something.
 */
#include "unit.h"

#include <stdlib.h>
#include <string.h>

#include <threecx/catalog.h>

#include "odata_abnf.h"

#define BASE "https://pbx.example.com:5001/xapi/v1"

static threecx_client *g_client;

static int setup(void **state) {
  (void)state;
  return threecx_client_new("pbx.example.com:5001", "id", "key", &g_client) == THREECX_OK ? 0 : -1;
}
static int teardown(void **state) {
  (void)state;
  threecx_client_free(g_client);
  g_client = NULL;
  return 0;
}

/* The encoded value of the one option set on q, after "name=". */
static char *option_value(threecx_query *q, const char *name) {
  char *qs = NULL, *out;
  size_t l = strlen(name);
  assert_int_equal(threecx_query_to_string(q, &qs), THREECX_OK);
  if (strncmp(qs, name, l) != 0 || qs[l] != '=') fail_msg("query string %s does not start with %s=", qs, name);
  out = strdup(qs + l + 1);
  threecx_free(qs);
  return out;
}

static char *search_wire(const char *expr) {
  threecx_query *q = NULL;
  char *v;
  assert_int_equal(threecx_query_new(&q), THREECX_OK);
  if (threecx_query_set_search(q, expr) != THREECX_OK)
    fail_msg("set_search(%s): %s", expr, threecx_last_error());
  v = option_value(q, "$search");
  threecx_query_free(q);
  return v;
}

/* ---- the checker rejects what the grammar rejects ---- */

static void test_checker_rejects(void **state) {
  static const char *bad_search[] = {
      "a;b",          /* ';' is not a searchChar (the library used to send this) */
      "%22%22",       /* empty phrase */
      "(a",           "a)",          "a%20",     "%22a",   "'a", /* a word cannot start with ' */
      "a%20b%20(",    "(a))",        "a b",        /* raw space is not a URL character */
      "%22a%22b%22",
  };
  static const char *good_search[] = {"a", "a%20b", "a%20OR%20b", "NOT%20a", "(a%20OR%20b)%20AND%20c",
                                      "%22blue%20car%22", "%22a%5C%22b%22", "a%3Bb", "O'Brien"};
  static const char *bad_strings[] = {"'a/b'", "'a?b'", "'a'b'", "'a", "'a%27b'", "'a#b'", "'a b'"};
  static const char *good_strings[] = {"'a%2Fb'", "'O''Brien'", "%27O%27%27Brien%27", "''", "'a+b'", "'%C3%A9'"};
  size_t i;
  (void)state;
  for (i = 0; i < sizeof bad_search / sizeof *bad_search; ++i)
    if (abnf_search(bad_search[i], strlen(bad_search[i]))) fail_msg("checker accepted $search=%s", bad_search[i]);
  for (i = 0; i < sizeof good_search / sizeof *good_search; ++i)
    if (!abnf_search(good_search[i], strlen(good_search[i]))) fail_msg("checker refused $search=%s", good_search[i]);
  for (i = 0; i < sizeof bad_strings / sizeof *bad_strings; ++i)
    if (abnf_string(bad_strings[i], strlen(bad_strings[i]))) fail_msg("checker accepted string %s", bad_strings[i]);
  for (i = 0; i < sizeof good_strings / sizeof *good_strings; ++i)
    if (!abnf_string(good_strings[i], strlen(good_strings[i]))) fail_msg("checker refused string %s", good_strings[i]);
  assert_false(abnf_param_value("null", 4, ABNF_STRING, 1, 1)); /* a key is never null */
  assert_true(abnf_param_value("null", 4, ABNF_STRING, 0, 1));
  assert_false(abnf_param_value("null", 4, ABNF_STRING, 0, 0));
  assert_true(abnf_param_value("2024-05-01T10%3A20%3A30%2B02%3A00", 33, ABNF_DATETIME, 0, 0));
  assert_false(abnf_param_value("2024-05-01 10:20", 16, ABNF_DATETIME, 0, 0));
}

/* ---- $search ---- */

static void test_search_expressions(void **state) {
  /* caller's expression -> what goes on the wire */
  static const struct {
    const char *in, *wire;
  } cases[] = {
      {"blue", "blue"},
      {"blue car", "blue%20car"}, /* both words, not the phrase */
      {"blue OR car", "blue%20OR%20car"},
      {"blue AND NOT car", "blue%20AND%20NOT%20car"},
      {"(blue OR red) car", "(blue%20OR%20red)%20car"},
      {"\"blue car\" OR bike", "%22blue%20car%22%20OR%20bike"},
      {"  spaced \t out  ", "spaced%20out"},
      {"a;b", "a%3Bb"},
      {"O'Brien", "O%27Brien"},
      {"'quoted'", "%27quoted%27"},
      {"100% a+b&c=d #1 x?y", "100%25%20a%2Bb%26c=d%20%231%20x%3Fy"},
      {"Zo\xc3\xab", "Zo%C3%AB"},
      {"\"say \\\"hi\\\" \\\\ now\"", "%22say%20%5C%22hi%5C%22%20%5C%5C%20now%22"},
      {"\"(a;b)\"", "%22(a;b)%22"},
      {"and or not", "and%20or%20not"}, /* lower case: words */
      {"NOTE ORB ANDY", "NOTE%20ORB%20ANDY"},
      {"((a))", "((a))"},
      {"( a OR b )", "(a%20OR%20b)"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof *cases; ++i) {
    char *v = search_wire(cases[i].in);
    if (strcmp(v, cases[i].wire) != 0) fail_msg("$search %s: sent %s, want %s", cases[i].in, v, cases[i].wire);
    if (!abnf_search(v, strlen(v))) fail_msg("$search %s: %s is not a searchExpr", cases[i].in, v);
    free(v);
  }
}

static void test_search_refused(void **state) {
  static const char *bad[] = {"\"unterminated", "(a", "a)", "a OR", "OR a", "AND", "NOT", "a AND", "()",
                              "\"\"", "a(b)", "\"a\"b", "x \"a\\q\"", "NOT(a)", "a OR  ", "   "};
  size_t i;
  (void)state;
  for (i = 0; i < sizeof bad / sizeof *bad; ++i) {
    threecx_query *q = NULL;
    int rc;
    assert_int_equal(threecx_query_new(&q), THREECX_OK);
    rc = threecx_query_set_search(q, bad[i]);
    if (rc != THREECX_E_INVALID_ARGUMENT)
      fail_msg("set_search(%s) = %s, want THREECX_E_INVALID_ARGUMENT", bad[i], threecx_error_name(rc));
    assert_non_null(strstr(threecx_last_error(), "$search"));
    /* refused means unset: a valid one may follow */
    assert_int_equal(threecx_query_set_search(q, "ok"), THREECX_OK);
    threecx_query_free(q);
  }
}

static void test_search_phrase(void **state) {
  static const struct {
    const char *text, *phrase, *wire;
  } cases[] = {
      {"blue car", "\"blue car\"", "%22blue%20car%22"},
      {"OR", "\"OR\"", "%22OR%22"},
      {"say \"hi\"", "\"say \\\"hi\\\"\"", "%22say%20%5C%22hi%5C%22%22"},
      {"a\\b", "\"a\\\\b\"", "%22a%5C%5Cb%22"},
      {"a;b & c", "\"a;b & c\"", "%22a;b%20%26%20c%22"},
      {"(x)", "\"(x)\"", "%22(x)%22"},
      {" ", "\" \"", "%22%20%22"},
      {"caf\xc3\xa9", "\"caf\xc3\xa9\"", "%22caf%C3%A9%22"},
  };
  size_t i;
  char *p = NULL;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof *cases; ++i) {
    char *v;
    assert_int_equal(threecx_search_phrase(cases[i].text, &p), THREECX_OK);
    assert_string_equal(p, cases[i].phrase);
    v = search_wire(p);
    if (strcmp(v, cases[i].wire) != 0) fail_msg("phrase %s: sent %s, want %s", cases[i].text, v, cases[i].wire);
    if (!abnf_search(v, strlen(v))) fail_msg("phrase %s: %s is not a searchPhrase", cases[i].text, v);
    free(v);
    threecx_free(p);
  }
  assert_int_equal(threecx_search_phrase("", &p), THREECX_E_INVALID_ARGUMENT);
  assert_null(p);
  assert_int_equal(threecx_search_phrase("\xff", &p), THREECX_E_INVALID_ARGUMENT);
  assert_null(p);
}

/* ---- string literals in $filter, $orderby, $select, $expand ---- */

static void test_filter_strings(void **state) {
  static const struct {
    const char *in, *wire;
    int literals;
  } cases[] = {
      {"Name eq 'a/b'", "Name%20eq%20'a%2Fb'", 1},
      {"Name eq 'x?y#z'", "Name%20eq%20'x%3Fy%23z'", 1},
      {"Name eq 'O''Brien & co'", "Name%20eq%20'O''Brien%20%26%20co'", 1},
      {"Name eq 'a+b=c;d:e@f!(g)*,$'", "Name%20eq%20'a%2Bb=c;d:e@f!(g)*,$'", 1},
      {"Name eq '100%' or Name eq ''", "Name%20eq%20'100%25'%20or%20Name%20eq%20''", 2},
      {"Address/City eq 'K\xc3\xb6ln/Ost'", "Address/City%20eq%20'K%C3%B6ln%2FOst'", 1},
      {"contains(Name,'\"q\"')", "contains(Name,'%22q%22')", 1},
      {"Id gt 5", "Id%20gt%205", 0},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof cases / sizeof *cases; ++i) {
    threecx_query *q = NULL;
    char *v;
    assert_int_equal(threecx_query_new(&q), THREECX_OK);
    assert_int_equal(threecx_query_set_filter(q, cases[i].in), THREECX_OK);
    v = option_value(q, "$filter");
    if (strcmp(v, cases[i].wire) != 0) fail_msg("$filter %s: sent %s, want %s", cases[i].in, v, cases[i].wire);
    if (abnf_expr_strings(v, strlen(v)) != cases[i].literals)
      fail_msg("$filter %s: %s: string literals do not match the ABNF", cases[i].in, v);
    free(v);
    threecx_query_free(q);
  }
  {
    threecx_query *q = NULL;
    char *v;
    assert_int_equal(threecx_query_new(&q), THREECX_OK);
    assert_int_equal(threecx_query_set_expand(q, "Groups($filter=Name eq 'a/b';$top=5)"), THREECX_OK);
    v = option_value(q, "$expand");
    assert_string_equal(v, "Groups($filter=Name%20eq%20'a%2Fb';$top=5)");
    assert_int_equal(abnf_expr_strings(v, strlen(v)), 1);
    free(v);
    threecx_query_free(q);
  }
}

/* ---- key values ---- */

static void test_keys_never_null(void **state) {
  static const char *key_paths[] = {"/Users({Id})", "/Users(Number={Number})", "/Fax(Number={Number})",
                                    "/Users({Id})/Pbx.GetPhoneSecret()", "/Things(A={A},B={B})"};
  threecx_request *r = NULL;
  const threecx_operation *op = NULL;
  char *url = NULL;
  size_t i;
  (void)state;
  for (i = 0; i < sizeof key_paths / sizeof *key_paths; ++i) {
    const char *name = strstr(key_paths[i], "Number") ? "Number" : strstr(key_paths[i], "{A}") ? "A" : "Id";
    assert_int_equal(threecx_request_new(g_client, "GET", key_paths[i], &r), THREECX_OK);
    if (threecx_request_set_param_null(r, name) != THREECX_E_INVALID_ARGUMENT)
      fail_msg("%s: null accepted for key %s", key_paths[i], name);
    assert_non_null(strstr(threecx_last_error(), "key"));
    threecx_request_free(r);
  }
  /* the catalog's alternate-key operations refuse null too */
  assert_int_equal(threecx_operation_find("GetUserByNumber", &op), THREECX_OK);
  {
    int32_t nullable = -1;
    assert_int_equal(threecx_operation_param_nullable(op, 0, &nullable), THREECX_OK);
    assert_int_equal(nullable, 0);
  }
  assert_int_equal(threecx_request_new_op(g_client, "GetUserByNumber", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_param_null(r, "Number"), THREECX_E_INVALID_ARGUMENT);
  assert_int_equal(threecx_request_set_param_string(r, "Number", "10/1"), THREECX_OK);
  assert_int_equal(threecx_request_url(r, &url), THREECX_OK);
  assert_string_equal(url, BASE "/Users(Number=%2710%2F1%27)");
  {
    const char *v = strstr(url, "Number=") + 7;
    assert_true(abnf_param_value(v, strlen(v) - 1, ABNF_STRING, 1, 0));
  }
  threecx_free(url);
  threecx_request_free(r);
  /* function parameters may still be null: bound functions and the
   * catalog's function imports */
  assert_int_equal(threecx_request_new(g_client, "GET", "/Users/Pbx.GetByNumber(number={number})", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_param_null(r, "number"), THREECX_OK);
  assert_int_equal(threecx_request_url(r, &url), THREECX_OK);
  assert_string_equal(url, BASE "/Users/Pbx.GetByNumber(number=null)");
  threecx_free(url);
  threecx_request_free(r);
  assert_int_equal(threecx_request_new_op(g_client, "GetLogs", &r), THREECX_OK);
  assert_int_equal(threecx_request_set_param_null(r, "extension"), THREECX_OK);
  threecx_request_free(r);
}

static void test_key_strings(void **state) {
  static const char *vals[] = {"O'Brien", "a/b#c?d", "100% sure", "caf\xc3\xa9", "it''s \"q\"", "", "a+b&c=d",
                               "(x)", "x'", "'"};
  size_t i;
  (void)state;
  for (i = 0; i < sizeof vals / sizeof *vals; ++i) {
    threecx_request *r = NULL;
    char *url = NULL;
    const char *v;
    size_t n;
    assert_int_equal(threecx_request_new(g_client, "GET", "/WebsiteLinks({Link})", &r), THREECX_OK);
    assert_int_equal(threecx_request_set_param_string(r, "Link", vals[i]), THREECX_OK);
    assert_int_equal(threecx_request_url(r, &url), THREECX_OK);
    v = url + strlen(BASE "/WebsiteLinks(");
    n = strlen(v) - 1;
    if (!abnf_url_chars(url + 8, strlen(url + 8)) || !abnf_param_value(v, n, ABNF_STRING, 1, 0))
      fail_msg("key %s: %s is not a string literal", vals[i], url);
    threecx_free(url);
    threecx_request_free(r);
  }
}

/* A path template holds only what RFC 3986 allows in a path (found by
 * fuzz_builders: a backtick went out raw). */
static void test_path_template_chars(void **state) {
  static const char *bad[] = {"/Us`ers", "/a|b", "/a^b", "/[x]", "/a<b>", "/a%zz", "/a%2", "/a{b", "/a}b", "/a b"};
  static const char *good[] = {"/a%20b", "/Users(Number='1')/Pbx.F()", "/x!$&'()*+,;=:@-._~"};
  size_t i;
  threecx_request *r = NULL;
  (void)state;
  for (i = 0; i < sizeof bad / sizeof *bad; ++i) {
    if (threecx_request_new(g_client, "GET", bad[i], &r) != THREECX_E_INVALID_ARGUMENT)
      fail_msg("template %s accepted", bad[i]);
    assert_null(r);
  }
  for (i = 0; i < sizeof good / sizeof *good; ++i) {
    char *url = NULL;
    if (threecx_request_new(g_client, "GET", good[i], &r) != THREECX_OK)
      fail_msg("template %s refused: %s", good[i], threecx_last_error());
    assert_int_equal(threecx_request_url(r, &url), THREECX_OK);
    assert_true(abnf_url_chars(url + 8, strlen(url + 8)));
    threecx_free(url);
    threecx_request_free(r);
    r = NULL;
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_checker_rejects),   cmocka_unit_test(test_search_expressions),
      cmocka_unit_test(test_search_refused),    cmocka_unit_test(test_search_phrase),
      cmocka_unit_test(test_filter_strings),    cmocka_unit_test(test_keys_never_null),
      cmocka_unit_test(test_key_strings),       cmocka_unit_test(test_path_template_chars),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
