// Private: parsing JSON received from the server with cJSON, telling an
// allocation failure apart from malformed text.
#pragma once

#include <string_view>

struct cJSON;

namespace threecx {

// cJSON_ParseWithLength(text): the document (free with cJSON_Delete), or
// nullptr when `text` is not JSON that cJSON reads. Throws std::bad_alloc
// when cJSON failed on a text that is well-formed (checked without
// allocating), i.e. when one of its allocations failed.
cJSON *parse_json(std::string_view text);

// Where and why a text is not JSON (json_valid, scan_collection).
struct JsonError {
  size_t offset = 0;
  const char *why = nullptr;
};

// Whether `text` is exactly one JSON value (RFC 8259; blanks around it
// allowed, nothing else) that cJSON also reads (no unpaired UTF-16
// surrogate escape, no number over 63 characters) - checked in one pass,
// without allocating. With `utf8` strings must also be UTF-8; answers from
// a server are taken as sent.
bool json_valid(std::string_view text, bool utf8, JsonError *err = nullptr) noexcept;

// The end (one past the last byte) of the JSON value that starts at
// text[at] (blanks before it skipped), in a text json_valid accepted. It
// skips without checking; on any other text it stays within the buffer.
size_t json_skip_value(std::string_view text, size_t at) noexcept;

// One page of an OData collection, scanned in place: the text is
// validated as JSON (as json_valid without UTF-8) and the top-level
// "@odata.count" and "value" members located (the first of each name, as
// cJSON looks them up; names compared after unescaping).
struct CollectionScan {
  bool object = false;       // the text is a JSON object
  bool has_value = false;    // it has a "value" member that is an array
  size_t items = 0;          // elements of that array
  size_t first = 0;          // offset of its first element (valid if items)
  bool has_count = false;    // it has an "@odata.count" member
  std::string_view count;    // that member's value, as written
};
// false (and *err) when the text is not JSON.
bool scan_collection(std::string_view text, CollectionScan *out, JsonError *err) noexcept;

}  // namespace threecx
