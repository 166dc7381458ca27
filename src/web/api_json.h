// The JSON side of nimbus-web's /api/v1: reading request fields with their
// limits, and the objects the API answers with (users, nodes, shares,
// listing cursors). Pure functions: no I/O, no state.
#ifndef NIMBUS_WEB_API_JSON_H_
#define NIMBUS_WEB_API_JSON_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "web/repository.h"

namespace nimbus::web {

// A JSON string field of at most `max` bytes; `*out` is untouched when the
// field is absent (or null) and not `required`.
Status StringField(const nlohmann::json& j, const char* key, size_t max,
                   bool required, std::string* out);
// A node ID: a positive integer, or for folders (`allow_root`) "root" / 0.
Result<int64_t> ParseId(std::string_view s, bool allow_root);
Result<int64_t> IdField(const nlohmann::json& j, const char* key,
                        bool allow_root);
// Keyset cursors: opaque base64url of the last item's sort key and ID.
std::string EncodeCursor(const Node& n, SortKey k);
Result<ListCursor> DecodeCursor(std::string_view s, SortKey k);
std::string LowerHex(const unsigned char* p, size_t n);

nlohmann::json UserJson(const User& u);
nlohmann::json NodeJson(const Node& n);
// `details`: also the file's name, size, type and SHA-256 (not shown before
// a share's password is given).
nlohmann::json ShareJson(const Share& s, bool details);

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_API_JSON_H_
