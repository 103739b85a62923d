// Private: memory for the API key and tokens. Kept out of core dumps
// (MADV_DONTDUMP), locked in RAM when the system allows it, and wiped
// before it is released.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace threecx {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string_view value) { assign(value); }
  ~Secret() { clear(); }
  Secret(const Secret &) = delete;
  Secret &operator=(const Secret &) = delete;
  Secret(Secret &&o) noexcept : p_(o.p_), cap_(o.cap_), len_(o.len_) {
    o.p_ = nullptr;
    o.cap_ = o.len_ = 0;
  }
  Secret &operator=(Secret &&o) noexcept;

  void assign(std::string_view value);
  void clear() noexcept;
  bool empty() const noexcept { return len_ == 0; }
  std::string_view view() const noexcept { return {p_ ? p_ : "", len_}; }
  bool operator==(std::string_view v) const noexcept { return view() == v; }

 private:
  char *p_ = nullptr;
  std::size_t cap_ = 0, len_ = 0;
};

// Overwrites a string's bytes before it is released.
void wipe(std::string &s) noexcept;

}  // namespace threecx
