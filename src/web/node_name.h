// What a file, folder or user name may be.
//
// File and folder names: 1..255 bytes of valid UTF-8 (no overlong forms,
// no surrogates), no '/', no control characters (NUL included), not "."
// or "..". Anything else is allowed and stored literally, quotes and SQL
// included. User names: 3..32 characters of [A-Za-z0-9_.-].
#ifndef NIMBUS_WEB_NODE_NAME_H_
#define NIMBUS_WEB_NODE_NAME_H_

#include <string_view>

#include "common/status.h"

namespace nimbus::web {

class NodeName {
 public:
  static constexpr size_t kMaxBytes = 255;
  static Status Validate(std::string_view name);
  static Status ValidateUser(std::string_view name);
  static bool ValidUtf8(std::string_view s);
  // The extension handed to the DFS: the part after the last dot when it
  // is 1..6 characters of [A-Za-z0-9], else empty.
  static std::string_view DfsExtension(std::string_view name);
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_NODE_NAME_H_
