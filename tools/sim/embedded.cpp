// The vendored XAPI specification compiled into threecx-sim (zlib-compressed
// by embed_spec at build time, inflated once at start).
#include "embedded.hpp"

#include <zlib.h>

#include <stdexcept>

extern "C" {
extern const size_t threecx_sim_spec_size;
extern const size_t threecx_sim_spec_zsize;
extern const unsigned char threecx_sim_spec_z[];
}

namespace sim {

std::string embedded_spec() {
  std::string text(threecx_sim_spec_size, '\0');
  uLongf len = static_cast<uLongf>(text.size());
  if (uncompress(reinterpret_cast<Bytef *>(&text[0]), &len, threecx_sim_spec_z,
                 static_cast<uLong>(threecx_sim_spec_zsize)) != Z_OK ||
      len != text.size())
    throw std::runtime_error("the built-in specification is corrupt");
  return text;
}

}  // namespace sim
