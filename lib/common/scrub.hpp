// Private: scrubbing of text that came from a server (or carries request
// data) before it lands in an error message or a log line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace threecx {

// Replaces credentials recognisable by their shape with "[REDACTED]":
// "Bearer <credentials>" in any case, the value of "access_token" (a JSON
// member or a form/query field), "client_secret", "refresh_token" and
// "id_token" fields. Exact secrets (the key, tokens) are the Logger's job;
// this catches what it cannot know, such as a token the server echoes that
// the client never saw.
void scrub_patterns(std::string &text);

// The start of a body for an error message: at most `max` bytes, control
// characters and non-UTF-8 bytes shown as '?', "..." when cut. Not
// scrubbed: pass the result through the client's scrubber.
std::string body_excerpt(const char *body, size_t size, size_t max = 200);

}  // namespace threecx
