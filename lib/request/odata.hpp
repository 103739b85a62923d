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

// $search: `expr` is a search expression as the caller writes it (words,
// AND / OR / NOT, parentheses, "phrases" with \" and \\ escaped); returns
// it as it goes on the wire, each word and phrase percent-encoded so that it
// matches the OData ABNF (searchWord / searchPhrase), runs of blanks as one
// %20. Throws THREECX_E_INVALID_ARGUMENT when `expr` is not a search
// expression (unbalanced parentheses or quotes, an empty phrase, an operator
// without operand, terms not separated by a blank, nested too deeply).
std::string search_encode(std::string_view expr);
// The search phrase matching `text` exactly: "text" with \ and " escaped
// (caller-level syntax, for search_encode). Throws for an empty text.
std::string search_phrase(std::string_view text);
// A $filter / $orderby / $select / $expand expression as it goes on the
// wire: query_encode() outside string literals; inside '...' only what the
// ABNF's string rule allows stays (unreserved, ! ( ) * , ; $ = : @ and the
// '' pairs), so / ? + & # % space and non-ASCII are percent-encoded.
std::string expr_encode(std::string_view expr);

// True when s is valid UTF-8 without NUL.
bool valid_utf8(std::string_view s) noexcept;

}  // namespace threecx::odata
