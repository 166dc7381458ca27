#include "web/node_name.h"

#include <cstdint>

namespace nimbus::web {

bool NodeName::ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<uint8_t>(s[i]);
    size_t len;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<uint8_t>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

Status NodeName::Validate(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("name: empty");
  if (name.size() > kMaxBytes) {
    return Status::InvalidArgument("name: longer than 255 bytes");
  }
  if (name == "." || name == "..") {
    return Status::InvalidArgument("name: . and .. are not names");
  }
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '/') return Status::InvalidArgument("name: contains '/'");
    if (c < 0x20 || c == 0x7F) {
      return Status::InvalidArgument("name: contains a control character");
    }
  }
  if (!ValidUtf8(name)) return Status::InvalidArgument("name: not UTF-8");
  return Status::OK();
}

Status NodeName::ValidateUser(std::string_view name) {
  if (name.size() < 3 || name.size() > 32) {
    return Status::InvalidArgument("user name: 3 to 32 characters");
  }
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) {
      return Status::InvalidArgument(
          "user name: letters, digits, '_', '.' and '-' only");
    }
  }
  return Status::OK();
}

std::string_view NodeName::DfsExtension(std::string_view name) {
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  std::string_view ext = name.substr(dot + 1);
  if (ext.empty() || ext.size() > 6) return {};
  for (char c : ext) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9');
    if (!ok) return {};
  }
  return ext;
}

}  // namespace nimbus::web
