// OData literals and URL encoding (lib/request/odata.cpp): golden tables.
#include "unit.h"

#include <cstdint>
#include <limits>

#include "request/odata.hpp"

using namespace threecx::odata;

namespace {

struct Golden {
  const char *in;
  const char *out;
};

void test_url_encode(void **) {
  static const Golden g[] = {
      {"", ""},
      {"abc", "abc"},
      {"AZaz09-._~", "AZaz09-._~"},
      {"a b", "a%20b"},  // space is %20, never '+'
      {"&#+%", "%26%23%2B%25"},
      {"/?=", "%2F%3F%3D"},
      {"'", "%27"},
      {"()", "%28%29"},
      {"\"\\", "%22%5C"},
      {"\x7f\x01", "%7F%01"},
      {"\xc3\xa9", "%C3%A9"},  // é, upper-case hex
      {"Zo\xc3\xab \xe6\x9d\xb1\xe4\xba\xac", "Zo%C3%AB%20%E6%9D%B1%E4%BA%AC"},
  };
  for (const auto &t : g) assert_std_string_equal(url_encode(t.in), t.out);
  // An embedded NUL is encoded, not a terminator.
  assert_std_string_equal(url_encode(std::string("a\0b", 3)), "a%00b");
}

void test_query_encode(void **) {
  static const Golden g[] = {
      {"", ""},
      {"(),':/@!*;$=", "(),':/@!*;$="},  // kept readable
      {"a b", "a%20b"},
      {"a&b", "a%26b"},
      {"a#b", "a%23b"},
      {"a+b", "a%2Bb"},
      {"100%", "100%25"},
      {"\"x\"", "%22x%22"},
      {"Name eq 'O''Brien'", "Name%20eq%20'O''Brien'"},
      {"Groups($select=Name;$top=5)", "Groups($select=Name;$top=5)"},
      {"\xc3\xa9", "%C3%A9"},
  };
  for (const auto &t : g) assert_std_string_equal(query_encode(t.in), t.out);
}

void test_quote_string(void **) {
  static const Golden g[] = {
      {"", "''"},
      {"abc", "'abc'"},
      {"O'Brien", "'O''Brien'"},
      {"''", "''''''"},
      {"a b/c", "'a b/c'"},  // not percent-encoded
  };
  for (const auto &t : g) assert_std_string_equal(quote_string(t.in), t.out);
}

void test_path_string(void **) {
  static const Golden g[] = {
      {"plain", "%27plain%27"},
      {"", "%27%27"},
      {"O'Brien", "%27O%27%27Brien%27"},
      {"''", "%27%27%27%27%27%27"},
      {"a/b", "%27a%2Fb%27"},
      {"a#b", "%27a%23b%27"},
      {"a?b", "%27a%3Fb%27"},
      {"50%", "%2750%25%27"},
      {"a b", "%27a%20b%27"},
      {"a+b", "%27a%2Bb%27"},
      {"a&b", "%27a%26b%27"},
      {"Zo\xc3\xab \xe6\x9d\xb1\xe4\xba\xac", "%27Zo%C3%AB%20%E6%9D%B1%E4%BA%AC%27"},
  };
  for (const auto &t : g) assert_std_string_equal(path_string(t.in), t.out);
}

void test_path_int(void **) {
  assert_std_string_equal(path_int(0), "0");
  assert_std_string_equal(path_int(1), "1");
  assert_std_string_equal(path_int(-42), "-42");
  assert_std_string_equal(path_int(std::numeric_limits<int32_t>::max()), "2147483647");
  assert_std_string_equal(path_int(std::numeric_limits<int32_t>::min()), "-2147483648");
  assert_std_string_equal(path_int(4294967296LL), "4294967296");
  assert_std_string_equal(path_int(std::numeric_limits<int64_t>::max()), "9223372036854775807");
  assert_std_string_equal(path_int(std::numeric_limits<int64_t>::min()), "-9223372036854775808");
}

void test_path_bool_null(void **) {
  assert_std_string_equal(path_bool(true), "true");
  assert_std_string_equal(path_bool(false), "false");
  assert_std_string_equal(path_null(), "null");
}

void test_guid_valid(void **) {
  static const char *ok[] = {
      "0f8fad5b-d9cb-469f-a165-70867728950e",
      "0F8FAD5B-D9CB-469F-A165-70867728950E",
      "00000000-0000-0000-0000-000000000000",
      "aBcDeF01-2345-6789-abCD-ef0123456789",
  };
  for (const char *s : ok) {
    assert_true(is_guid(s));
    assert_std_string_equal(path_guid(s), s);  // bare, unchanged
  }
}

void test_guid_invalid(void **) {
  static const char *bad[] = {
      "",
      "0f8fad5b-d9cb-469f-a165-70867728950",    // 35
      "0f8fad5b-d9cb-469f-a165-70867728950ee",  // 37
      "0f8fad5g-d9cb-469f-a165-70867728950e",   // g
      "0f8fad5bd-9cb-469f-a165-70867728950e",   // dash misplaced
      "0f8fad5b_d9cb_469f_a165_70867728950e",
      "{0f8fad5b-d9cb-469f-a165-70867728950e}",
      "0f8fad5b-d9cb-469f-a165-70867728950 ",
      "0f8fad5b-d9cb-469f-a165-7086772895'e",
      "0f8fad5bd9cb469fa16570867728950e",
  };
  for (const char *s : bad) {
    assert_false(is_guid(s));
    std::string msg;
    assert_int_equal(unit::code_of([&] { path_guid(s); }, &msg), THREECX_E_INVALID_ARGUMENT);
    assert_non_null(strstr(msg.c_str(), "GUID"));
  }
}

void test_datetime_valid(void **) {
  static const Golden g[] = {
      {"2026-01-31T08:00:00Z", "2026-01-31T08%3A00%3A00Z"},
      {"2026-01-31T09:00:00+01:00", "2026-01-31T09%3A00%3A00%2B01%3A00"},
      {"2026-01-31T03:00:00-05:00", "2026-01-31T03%3A00%3A00-05%3A00"},
      {"2026-01-31T08:00:00.5Z", "2026-01-31T08%3A00%3A00.5Z"},
      {"2026-01-31T08:00:00.123456789012Z", "2026-01-31T08%3A00%3A00.123456789012Z"},
      {"2026-01-31T08:00:00.123+14:00", "2026-01-31T08%3A00%3A00.123%2B14%3A00"},
      {"2026-12-31T23:59:59Z", "2026-12-31T23%3A59%3A59Z"},
      {"2028-02-29T12:00:00Z", "2028-02-29T12%3A00%3A00Z"},
      {"2000-02-29T12:00:00Z", "2000-02-29T12%3A00%3A00Z"},
      {"2026-01-01t00:00:00z", "2026-01-01t00%3A00%3A00z"},
  };
  for (const auto &t : g) {
    assert_true(is_datetime(t.in));
    assert_std_string_equal(path_datetime(t.in), t.out);
  }
}

void test_datetime_invalid(void **) {
  static const char *bad[] = {
      "",
      "2026-01-31",                           // date only
      "2026-01-31T08:00:00",                  // no offset
      "2026-01-31T08:00Z",                    // no seconds
      "2026-13-01T00:00:00Z",                 // month 13
      "2026-00-01T00:00:00Z",                 // month 0
      "2026-01-32T00:00:00Z",                 // day 32
      "2026-01-00T00:00:00Z",                 // day 0
      "2026-02-30T00:00:00Z",                 // no 30 February
      "2026-02-29T00:00:00Z",                 // 2026 is no leap year
      "2100-02-29T00:00:00Z",                 // nor is 2100
      "2026-04-31T00:00:00Z",                 // April has 30 days
      "2026-01-31T24:00:00Z",                 // hour 24
      "2026-01-31T08:60:00Z",                 // minute 60
      "2026-01-31T08:00:60Z",                 // second 60
      "2026-01-31T08:00:00.1234567890123Z",   // 13 fraction digits
      "2026-01-31T08:00:00.Z",                // empty fraction
      "2026-01-31 08:00:00Z",                 // space instead of T
      "2026-01-31T08:00:00+0100",             // offset without colon
      "2026-01-31T08:00:00+01",               // short offset
      "2026-01-31T08:00:00+24:00",            // offset hour 24
      "2026-01-31T08:00:00+01:60",            // offset minute 60
      "2026-01-31T08:00:00Z ",                // trailing space
      "2026-01-31T08:00:00ZZ",                // trailing garbage
      "26-01-31T08:00:00Z",                   // 2-digit year
      "2026/01/31T08:00:00Z",
  };
  for (const char *s : bad) {
    assert_false(is_datetime(s));
    std::string msg;
    assert_int_equal(unit::code_of([&] { path_datetime(s); }, &msg), THREECX_E_INVALID_ARGUMENT);
    assert_non_null(strstr(msg.c_str(), "ISO 8601"));
  }
}

void test_search_term(void **) {
  // search_phrase: caller-level phrase; search_encode: the wire form
  static const Golden g[] = {
      {"word", "\"word\""},
      {"two words", "\"two words\""},
      {"say \"hi\"", "\"say \\\"hi\\\"\""},
      {"back\\slash x", "\"back\\\\slash x\""},
      {"AND", "\"AND\""},
      {"Zo\xc3\xab", "\"Zo\xc3\xab\""},
  };
  for (const auto &t : g) {
    assert_std_string_equal(search_phrase(t.in), t.out);
    // a phrase always parses back as one search phrase
    std::string w = search_encode(search_phrase(t.in));
    assert_true(w.size() > 6 && w.compare(0, 3, "%22") == 0 && w.compare(w.size() - 3, 3, "%22") == 0);
  }
  assert_int_equal(unit::code_of([] { search_phrase(""); }), THREECX_E_INVALID_ARGUMENT);
  static const Golden e[] = {
      {"a b", "a%20b"},
      {"a\tOR\tb", "a%20OR%20b"},
      {"NOT (x)", "NOT%20(x)"},
      {"a&b", "a%26b"},
      {"and", "and"},
  };
  for (const auto &t : e) assert_std_string_equal(search_encode(t.in), t.out);
  std::string deep(200, '(');
  deep += "a" + std::string(200, ')');
  assert_int_equal(unit::code_of([&] { search_encode(deep); }), THREECX_E_INVALID_ARGUMENT);
  std::string many;
  for (int i = 0; i < 100000; ++i) many += "w OR ";
  many += "w";
  assert_true(search_encode(many).size() > many.size());  // no recursion per term
}

void test_valid_utf8(void **) {
  assert_true(valid_utf8(""));
  assert_true(valid_utf8("ascii"));
  assert_true(valid_utf8("Zo\xc3\xab \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x98\x80"));
  assert_false(valid_utf8(std::string("a\0b", 3)));      // NUL
  assert_false(valid_utf8("\xc3"));                       // truncated
  assert_false(valid_utf8("\xc0\xaf"));                   // overlong
  assert_false(valid_utf8("\xed\xa0\x80"));               // surrogate
  assert_false(valid_utf8("\xf4\x90\x80\x80"));           // > U+10FFFF
  assert_false(valid_utf8("\xff"));
  assert_false(valid_utf8("\xe6\x9d"));
}

// The public helpers render the same goldens.
void test_c_api_helpers(void **) {
  char *out = nullptr;
  assert_int_equal(threecx_odata_string("O'Brien", &out), THREECX_OK);
  assert_string_equal(out, "'O''Brien'");
  threecx_free(out);
  assert_int_equal(threecx_odata_string("", &out), THREECX_OK);
  assert_string_equal(out, "''");
  threecx_free(out);
  assert_int_equal(threecx_url_encode("a b&c#d+e%f/\xc3\xa9", &out), THREECX_OK);
  assert_string_equal(out, "a%20b%26c%23d%2Be%25f%2F%C3%A9");
  threecx_free(out);
  assert_int_equal(threecx_url_encode("", &out), THREECX_OK);
  assert_string_equal(out, "");
  threecx_free(out);
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_url_encode),     cmocka_unit_test(test_query_encode),
      cmocka_unit_test(test_quote_string),   cmocka_unit_test(test_path_string),
      cmocka_unit_test(test_path_int),       cmocka_unit_test(test_path_bool_null),
      cmocka_unit_test(test_guid_valid),     cmocka_unit_test(test_guid_invalid),
      cmocka_unit_test(test_datetime_valid), cmocka_unit_test(test_datetime_invalid),
      cmocka_unit_test(test_search_term),    cmocka_unit_test(test_valid_utf8),
      cmocka_unit_test(test_c_api_helpers),
  };
  return cmocka_run_group_tests(tests, nullptr, nullptr) == 0 ? 0 : 1;
}
