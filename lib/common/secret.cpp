#include "common/secret.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <new>

namespace threecx {

void wipe(std::string &s) noexcept {
  volatile char *p = s.data();
  for (size_t i = 0; i < s.size(); ++i) p[i] = 0;
  s.clear();
}

static void wipe_bytes(char *p, size_t n) noexcept {
  volatile char *v = p;
  for (size_t i = 0; i < n; ++i) v[i] = 0;
}

Secret &Secret::operator=(Secret &&o) noexcept {
  if (this != &o) {
    clear();
    p_ = o.p_;
    cap_ = o.cap_;
    len_ = o.len_;
    o.p_ = nullptr;
    o.cap_ = o.len_ = 0;
  }
  return *this;
}

void Secret::assign(std::string_view value) {
  if (value.size() + 1 > cap_) {
    long page = sysconf(_SC_PAGESIZE);
    size_t ps = page > 0 ? static_cast<size_t>(page) : 4096;
    size_t cap = (value.size() + 1 + ps - 1) / ps * ps;
    void *m = mmap(nullptr, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) throw std::bad_alloc();
#ifdef MADV_DONTDUMP
    madvise(m, cap, MADV_DONTDUMP);
#endif
    (void)mlock(m, cap);  // best effort: never swapped out if permitted
    clear();
    p_ = static_cast<char *>(m);
    cap_ = cap;
  }
  if (!value.empty()) std::memcpy(p_, value.data(), value.size());
  wipe_bytes(p_ + value.size(), cap_ - value.size());
  len_ = value.size();
}

void Secret::clear() noexcept {
  if (!p_) return;
  wipe_bytes(p_, cap_);
  munlock(p_, cap_);
  munmap(p_, cap_);
  p_ = nullptr;
  cap_ = len_ = 0;
}

}  // namespace threecx
