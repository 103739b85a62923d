// Private: the OData system query options of a request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace threecx {

class Query {
 public:
  // Option slots, in the order they are emitted.
  enum Slot { kFilter, kSearch, kOrderby, kSelect, kExpand, kCount, kTop,
              kSkip, kSlotCount };
  static const char *slot_name(int slot) noexcept;
  // The THREECX_OPT_* bit of a slot.
  static int slot_bit(int slot) noexcept;

  void set_top(int64_t v);
  void set_skip(int64_t v);
  void set_search(const std::string &v);
  void set_filter(const std::string &v);
  void set_count(bool v);
  void set_orderby(const std::string &v);
  void set_select(const std::string &v);
  void set_expand(const std::string &v);
  void add_param(const std::string &name, const std::string &value);

  // Replaces a slot without the repeat check (used by the pager).
  void put(int slot, std::string raw_value) { slots_[slot] = std::move(raw_value); }
  void erase(int slot) { slots_[slot].reset(); }
  const std::optional<std::string> &get(int slot) const { return slots_[slot]; }
  // THREECX_OPT_* mask of the slots that are set.
  int mask() const noexcept;
  bool empty() const noexcept;

  // Encoded "name=value&..." without '?'.
  std::string to_string() const;

 private:
  void set_once(int slot, std::string value);
  std::optional<std::string> slots_[kSlotCount];
  std::vector<std::pair<std::string, std::string>> extra_;
};

}  // namespace threecx
