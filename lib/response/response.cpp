#include "response/response.hpp"

#include <cjson/cJSON.h>

#include <memory>
#include <new>

#include "common/scrub.hpp"
#include "request/json.hpp"

namespace threecx {

std::optional<ODataError> parse_odata_error(const std::string &body) {
  if (body.empty()) return std::nullopt;
  // freed on every path, std::bad_alloc from a string copy included
  std::unique_ptr<cJSON, void (*)(cJSON *)> root(parse_json(body), cJSON_Delete);
  if (!root) return std::nullopt;
  std::optional<ODataError> out;
  const cJSON *err = cJSON_GetObjectItemCaseSensitive(root.get(), "error");
  if (cJSON_IsObject(err)) {
    ODataError e;
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(err, "code");
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(err, "message");
    const cJSON *det = cJSON_GetObjectItemCaseSensitive(err, "details");
    if (cJSON_IsString(code)) e.code = code->valuestring;
    if (cJSON_IsString(msg)) e.message = msg->valuestring;
    if (cJSON_IsArray(det)) {
      std::unique_ptr<char, void (*)(void *)> s(cJSON_PrintUnformatted(det), cJSON_free);
      if (!s) throw std::bad_alloc();
      e.details = s.get();
    }
    if (e.details.empty()) e.details = "[]";
    if (cJSON_IsString(code) || cJSON_IsString(msg)) out = std::move(e);
  }
  return out;
}

std::string Response::describe(const std::string &what) const {
  std::string s = what + ": HTTP " + std::to_string(http_.status);
  if (error_) {
    if (!error_->code.empty()) s += " " + error_->code;
    if (!error_->message.empty()) s += ": " + error_->message;
    if (error_->details != "[]") s += " " + error_->details;
  } else if (!http_.body.empty()) {
    s += ": " + body_excerpt(http_.body.data(), http_.body.size());
  }
  return s;
}

}  // namespace threecx
