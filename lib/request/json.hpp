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

}  // namespace threecx
