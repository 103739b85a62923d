// The pager's in-place scan of a page (parse_page + take_item over
// scan_collection and json_skip_value) against cJSON, the parser it
// replaced: on awkward hand-written pages, on thousands of generated ones
// (random values, escapes, unicode, blanks everywhere, decoy "value"
// members) and on mutations of them. Whatever the scan accepts, cJSON
// reads the same way: same item count, same @odata.count, and every item
// span parses to the same value as cJSON's element. Pages that are not
// JSON, or have no "value" array, are refused with THREECX_E_PROTOCOL.
#include "unit.h"

#include <cjson/cJSON.h>

#include <cstring>
#include <string>
#include <vector>

#include "request/json.hpp"
#include "response/pager.hpp"

namespace {

int g_checks = 0;

struct Rng {
  uint64_t s;
  uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }
};

// The items of `page` as the pager hands them out; throws as parse_page.
std::vector<std::string> scan_items(const std::string &page, threecx::Page *out) {
  threecx::Page p = threecx::parse_page(page.data(), page.size());
  std::string text = page;
  std::vector<std::string> items;
  size_t cursor = p.first;
  for (int64_t k = 0; k < p.items; ++k) {
    std::string_view v = threecx::take_item(text, &cursor, k + 1 == p.items);
    // NUL-terminated in place
    assert_int_equal(v.data()[v.size()], '\0');
    items.emplace_back(v);
  }
  if (out) *out = p;
  return items;
}

// The scan and cJSON agree on `page` (which cJSON must read).
void agree(const std::string &page) {
  threecx::Page p;
  std::vector<std::string> items = scan_items(page, &p);
  cJSON *doc = cJSON_ParseWithLengthOpts(page.c_str(), page.size() + 1, nullptr, 1);
  if (!doc) fail_msg("the scan accepted what cJSON refuses: %.200s", page.c_str());
  cJSON *value = cJSON_GetObjectItemCaseSensitive(doc, "value");
  assert_true(cJSON_IsArray(value));
  assert_int_equal(cJSON_GetArraySize(value), p.items);
  const cJSON *count = cJSON_GetObjectItemCaseSensitive(doc, "@odata.count");
  if (count && !cJSON_IsNull(count)) {
    assert_true(p.count.has_value());
    assert_true(static_cast<double>(*p.count) == count->valuedouble);
  } else {
    assert_false(p.count.has_value());
  }
  int k = 0;
  for (const cJSON *e = value->child; e; e = e->next, ++k) {
    // compared as cJSON prints them (cJSON_Compare mishandles duplicate names)
    cJSON *mine = cJSON_ParseWithLengthOpts(items[k].c_str(), items[k].size() + 1, nullptr, 1);
    char *a = mine ? cJSON_PrintUnformatted(mine) : nullptr, *b = cJSON_PrintUnformatted(e);
    if (!a || !b || std::strcmp(a, b) != 0)
      fail_msg("item %d differs: '%s' in %.200s", k, items[k].c_str(), page.c_str());
    cJSON_free(a);
    cJSON_free(b);
    // the span is the element exactly: no blank, comma or bracket around it
    assert_false(items[k].empty());
    assert_true(std::strchr(" \t\r\n,", items[k].front()) == nullptr);
    assert_true(std::strchr(" \t\r\n,", items[k].back()) == nullptr);
    cJSON_Delete(mine);
    ++g_checks;
  }
  cJSON_Delete(doc);
}

int code_of(const std::string &page, std::string *msg = nullptr) {
  try {
    scan_items(page, nullptr);
  } catch (const threecx::Error &e) {
    if (msg) *msg = e.what();
    return e.code();
  }
  return THREECX_OK;
}

// ---- a generator of pages ----

std::string blanks(Rng &r) {
  static const char *kBlank[] = {"", "", "", " ", "\n", "\t", "\r\n  ", "  "};
  return kBlank[r.below(8)];
}

std::string gen_string(Rng &r) {
  static const char *kPieces[] = {"a", "Z", "0", " ", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u00e9", "\\u0022",
                                  "\\u005c", "\\ud83d\\ude00", "\xc3\xa9", "\xe2\x82\xac", "]", "}", "[", "{",
                                  ",", ":", "value", "@odata.count", "'"};
  std::string s = "\"";
  for (int n = r.below(8); n > 0; --n) s += kPieces[r.below(24)];
  return s + "\"";
}

std::string gen_value(Rng &r, int depth) {
  int k = r.below(depth > 3 ? 6 : 9);
  switch (k) {
    case 0: return "null";
    case 1: return r.below(2) ? "true" : "false";
    case 2: {
      static const char *kNum[] = {"0", "-1", "42", "3.25", "-0.5e-3", "1E+2", "9007199254740991", "12345678901234"};
      return kNum[r.below(8)];
    }
    case 3:
    case 4:
    case 5: return gen_string(r);
    case 6:
    case 7: {  // object; sometimes with decoy "value" / "@odata.count" members
      std::string s = "{" + blanks(r);
      int n = r.below(4);
      for (int i = 0; i < n; ++i) {
        if (i) s += "," + blanks(r);
        std::string name = r.below(4) == 0 ? (r.below(2) ? "\"value\"" : "\"@odata.count\"") : gen_string(r);
        s += name + blanks(r) + ":" + blanks(r) + gen_value(r, depth + 1) + blanks(r);
      }
      return s + "}";
    }
    default: {
      std::string s = "[" + blanks(r);
      int n = r.below(4);
      for (int i = 0; i < n; ++i) s += (i ? "," + blanks(r) : std::string()) + gen_value(r, depth + 1) + blanks(r);
      return s + "]";
    }
  }
}

std::string gen_page(Rng &r) {
  std::vector<std::string> members;
  std::string items = "[" + blanks(r);
  int n = r.below(6);
  for (int i = 0; i < n; ++i) items += (i ? "," + blanks(r) : std::string()) + gen_value(r, 1) + blanks(r);
  items += "]";
  members.push_back("\"value\"" + blanks(r) + ":" + blanks(r) + items);
  if (r.below(3)) members.push_back("\"@odata.count\":" + blanks(r) + std::to_string(r.below(100000)));
  if (r.below(2)) members.push_back("\"@odata.context\":" + gen_string(r));
  if (r.below(3) == 0) members.push_back("\"other\":" + gen_value(r, 1));
  for (size_t i = members.size(); i > 1; --i) std::swap(members[i - 1], members[r.below(static_cast<int>(i))]);
  std::string s = blanks(r) + "{" + blanks(r);
  for (size_t i = 0; i < members.size(); ++i) s += (i ? "," + blanks(r) : std::string()) + members[i] + blanks(r);
  return s + "}" + blanks(r);
}

// ---- tests ----

void test_awkward_pages(void **) {
  for (const char *page : {
           "{\"value\":[]}",
           " \n{ \"value\" : [ ] } \n",
           "{\"@odata.count\":3,\"value\":[{\"a\":\"x\\\"y\"},{\"b\":[1,[2,[3]],{\"c\":{}}]},\"s\"]}",
           "{\"value\":[ {\"Name\":\"O\\\"Brien \\\\ \\/ \\u00e9\\ud83d\\ude00\"} ,\n\t{\"n\":null} ]}",
           "{\"value\":[1,-2.5e3,true,false,null,\"]\",\"}\",\",\",[],{}]}",
           "{\"x\":{\"value\":5},\"value\":[{\"value\":[9,9]}],\"y\":[\"value\"]}",
           "{\"val\\u0075e\":[1,2],\"value\":[3]}",        // the first "value", as written escaped
           "{\"value\":[1],\"value\":{}}",                 // duplicate: the first counts
           "{\"@odata.count\":5.0,\"value\":[]}",         // a whole number written as a fraction
           "{\"@odata.count\":null,\"value\":[0]}",
           "{\"@odata.count\":1,\"@odata.count\":\"x\",\"value\":[0]}",
           "{\"value\":[\"\xc3\xa9 \xe2\x82\xac\"]}",
       }) {
    agree(page);
  }
}

void test_generated_pages(void **) {
  Rng r{0x9e3779b97f4a7c15ULL};
  for (int i = 0; i < 3000; ++i) agree(gen_page(r));
}

// Single-byte mutations of generated pages: whatever the scan accepts,
// cJSON reads the same way; every refusal is THREECX_E_PROTOCOL.
void test_mutations(void **) {
  Rng r{12345};
  static const char kBytes[] = "{}[]\",:\\ 0-.eEtfnu\x01x";
  int refused = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string page = gen_page(r);
    size_t at = static_cast<size_t>(r.below(static_cast<int>(page.size())));
    if (r.below(3) == 0)
      page.erase(at, 1);
    else
      page[at] = kBytes[r.below(static_cast<int>(sizeof kBytes - 1))];
    int rc = code_of(page);
    if (rc == THREECX_OK)
      agree(page);
    else
      ++refused;
    assert_true(rc == THREECX_OK || rc == THREECX_E_PROTOCOL);
  }
  assert_true(refused > 100);  // the mutations did break pages
}

void test_bad_pages_refused(void **) {
  std::string msg;
  // every strict prefix of a page is not JSON
  std::string page = "{\"@odata.count\":2,\"value\":[{\"a\":\"b\\\"c\"},[1,{\"d\":null}]]}";
  for (size_t n = 0; n < page.size(); ++n) {
    assert_int_equal(code_of(page.substr(0, n), &msg), THREECX_E_PROTOCOL);
    assert_non_null(std::strstr(msg.c_str(), "pager: the page is not JSON"));
  }
  for (const char *bad : {"{\"value\":[]} x", "{\"value\":[]}{}", "{\"value\":[1,]}", "{\"value\":[01]}",
                          "{\"value\":[\"a\tb\"]}", "{'value':[]}", "{\"value\":[1]", "{\"value\":[\"\\x\"]}",
                          "<html>sign in</html>", ""}) {
    assert_int_equal(code_of(bad, &msg), THREECX_E_PROTOCOL);
    assert_non_null(std::strstr(msg.c_str(), "pager: the page is not JSON"));
  }
  assert_int_equal(code_of(std::string("{\"value\":[]}\0", 13), &msg), THREECX_E_PROTOCOL);
  for (const char *bad : {"{}", "[]", "{\"value\":{}}", "{\"value\":null}", "{\"Value\":[]}", "{\"x\":{\"value\":[]}}",
                          "\"value\"", "{\"value\":{},\"value\":[]}"}) {
    assert_int_equal(code_of(bad, &msg), THREECX_E_PROTOCOL);
    assert_non_null(std::strstr(msg.c_str(), "no \"value\" array"));
  }
  for (const char *v : {"1e300", "-1", "2.5", "\"7\"", "9007199254740993", "true", "[]", "{}", "1e400"}) {
    assert_int_equal(code_of(std::string("{\"@odata.count\":") + v + ",\"value\":[]}", &msg), THREECX_E_PROTOCOL);
    assert_non_null(std::strstr(msg.c_str(), "@odata.count"));
  }
}

void test_json_valid(void **) {
  threecx::JsonError err;
  assert_true(threecx::json_valid(" {\"a\":[1,2,{\"b\":\"\\u00e9\"}]} ", true, &err));
  assert_false(threecx::json_valid("{\"a\":1} x", false, &err));
  assert_non_null(err.why);
  assert_int_equal(err.offset, 8);
  // answers are taken as sent (no UTF-8 check); request bodies are checked
  assert_true(threecx::json_valid("\"\xff\"", false, nullptr));
  assert_false(threecx::json_valid("\"\xff\"", true, nullptr));
  // what cJSON cannot read is refused too
  assert_false(threecx::json_valid("\"\\ude00\"", false, nullptr));
  assert_false(threecx::json_valid(std::string(64, '1'), false, nullptr));
  assert_true(threecx::json_valid(std::string(63, '1'), false, nullptr));
  // json_skip_value on valid text
  std::string t = "[ {\"a\":\"]}\\\"\"} , 12 ]";
  assert_int_equal(threecx::json_skip_value(t, 1), 14);
  assert_int_equal(threecx::json_skip_value(t, 16), 19);
}

}  // namespace

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_awkward_pages),   cmocka_unit_test(test_generated_pages),
      cmocka_unit_test(test_mutations),       cmocka_unit_test(test_bad_pages_refused),
      cmocka_unit_test(test_json_valid),
  };
  int failed = cmocka_run_group_tests_name("page_scan", tests, nullptr, nullptr);
  std::printf("%d items compared with cJSON\n", g_checks);
  return failed;
}
