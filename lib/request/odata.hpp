// Private: OData literal rendering and URL encoding (pure functions).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace threecx::odata {

// Percent-encodes every byte except the unreserved A-Z a-z 0-9 - . _ ~
// (space becomes %20, never '+'). Upper-case hex.
std::string url_encode(std::string_view s);
// Same, but keeps the characters OData allows unencoded in a query option
// value and that carry no meaning there: ( ) , ' : / @ ! * ; $ =
// Still encodes & # + % space and non-ASCII.
std::string query_encode(std::string_view s);

// 'text' with every ' doubled (not percent-encoded).
std::string quote_string(std::string_view s);

// Literals as they appear in a path (already percent-encoded).
std::string path_string(std::string_view s);
std::string path_int(int64_t v);
std::string path_bool(bool v);
// Throws THREECX_E_INVALID_ARGUMENT unless 8-4-4-4-12 hex.
std::string path_guid(std::string_view s);
// Throws unless YYYY-MM-DDTHH:MM:SS[.f{1,12}](Z|+hh:mm|-hh:mm).
std::string path_datetime(std::string_view s);
std::string path_null();

bool is_guid(std::string_view s) noexcept;
bool is_datetime(std::string_view s) noexcept;

// $search value: quoted "..." (with \" and \\ escaped) when it holds a
// space, a double quote, a parenthesis or is an OData keyword (AND OR NOT).
std::string search_term(std::string_view s);

// True when s is valid UTF-8 without NUL.
bool valid_utf8(std::string_view s) noexcept;

}  // namespace threecx::odata
