#include "request/query.hpp"

#include "common/error.hpp"
#include "request/odata.hpp"
#include "threecx/catalog.h"

namespace threecx {
namespace {
constexpr const char *kNames[Query::kSlotCount] = {
    "$filter", "$search", "$orderby", "$select",
    "$expand", "$count",  "$top",     "$skip"};
constexpr int kBits[Query::kSlotCount] = {
    THREECX_OPT_FILTER, THREECX_OPT_SEARCH, THREECX_OPT_ORDERBY,
    THREECX_OPT_SELECT, THREECX_OPT_EXPAND, THREECX_OPT_COUNT,
    THREECX_OPT_TOP,    THREECX_OPT_SKIP};

void check_text(const char *what, const std::string &v) {
  if (v.empty()) fail(THREECX_E_INVALID_ARGUMENT, std::string(what) + " is empty");
  if (!odata::valid_utf8(v))
    fail(THREECX_E_INVALID_ARGUMENT, std::string(what) + " is not valid UTF-8");
}
}  // namespace

const char *Query::slot_name(int slot) noexcept { return kNames[slot]; }
int Query::slot_bit(int slot) noexcept { return kBits[slot]; }

void Query::set_once(int slot, std::string value) {
  if (slots_[slot])
    fail(THREECX_E_OPTION_REPEATED,
         std::string(kNames[slot]) + " is already set on this query");
  slots_[slot] = std::move(value);
}

void Query::set_top(int64_t v) {
  if (v < 0) fail(THREECX_E_INVALID_ARGUMENT, "$top must be >= 0");
  set_once(kTop, std::to_string(v));
}
void Query::set_skip(int64_t v) {
  if (v < 0) fail(THREECX_E_INVALID_ARGUMENT, "$skip must be >= 0");
  set_once(kSkip, std::to_string(v));
}
void Query::set_search(const std::string &v) {
  check_text("$search", v);
  odata::search_encode(v);  // refuses what is not a search expression
  set_once(kSearch, v);
}
void Query::set_filter(const std::string &v) {
  check_text("$filter", v);
  set_once(kFilter, v);
}
void Query::set_count(bool v) { set_once(kCount, v ? "true" : "false"); }
void Query::set_orderby(const std::string &v) {
  check_text("$orderby", v);
  set_once(kOrderby, v);
}
void Query::set_select(const std::string &v) {
  check_text("$select", v);
  set_once(kSelect, v);
}
void Query::set_expand(const std::string &v) {
  check_text("$expand", v);
  set_once(kExpand, v);
}

void Query::add_param(const std::string &name, const std::string &value) {
  check_text("parameter name", name);
  if (name[0] == '$')
    fail(THREECX_E_INVALID_ARGUMENT,
         "'" + name + "': set OData options with their threecx_query_set_* function");
  if (!odata::valid_utf8(value))
    fail(THREECX_E_INVALID_ARGUMENT, "parameter value is not valid UTF-8");
  extra_.emplace_back(name, value);
}

int Query::mask() const noexcept {
  int m = 0;
  for (int i = 0; i < kSlotCount; ++i)
    if (slots_[i]) m |= kBits[i];
  return m;
}

bool Query::empty() const noexcept { return mask() == 0 && extra_.empty(); }

std::string Query::to_string() const {
  std::string out;
  auto add = [&out](const std::string &k, const std::string &encoded) {
    if (!out.empty()) out.push_back('&');
    out += k;
    out.push_back('=');
    out += encoded;
  };
  for (int i = 0; i < kSlotCount; ++i) {
    if (!slots_[i]) continue;
    const std::string &v = *slots_[i];
    switch (i) {
      case kSearch: add(kNames[i], odata::search_encode(v)); break;
      case kFilter: case kOrderby: case kSelect: case kExpand:
        add(kNames[i], odata::expr_encode(v));
        break;
      default: add(kNames[i], odata::query_encode(v));
    }
  }
  for (const auto &[k, v] : extra_) add(odata::url_encode(k), odata::query_encode(v));
  return out;
}

}  // namespace threecx
