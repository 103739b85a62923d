#pragma once
#include <string>

namespace sim {

// The XAPI specification built into the binary (spec/xapi-*.json), as text.
std::string embedded_spec();

// Which document that is, for banners and --help.
constexpr const char *kEmbeddedSpecName = "XAPI 20.0.10 (built in)";

}  // namespace sim
