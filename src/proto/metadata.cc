#include "proto/metadata.h"

#include <set>

#include "proto/constants.h"

namespace nimbus::proto {

Result<Metadata> UnpackMetadata(std::string_view packed) {
  Metadata out;
  if (packed.size() > kMaxMetaBytes) {
    return Status::InvalidArgument("metadata larger than 64 KiB");
  }
  if (packed.empty()) return out;
  std::set<std::string_view> seen;
  size_t pos = 0;
  while (pos <= packed.size()) {
    size_t end = packed.find(kMetaRecordSep, pos);
    if (end == std::string_view::npos) end = packed.size();
    std::string_view rec = packed.substr(pos, end - pos);
    pos = end + 1;
    size_t sep = rec.find(kMetaFieldSep);
    if (sep == std::string_view::npos) {
      return Status::InvalidArgument("metadata record without 0x02 separator");
    }
    std::string_view key = rec.substr(0, sep);
    std::string_view value = rec.substr(sep + 1);
    if (key.empty() || key.size() > kMaxMetaNameLen) {
      return Status::InvalidArgument("metadata key must be 1..64 bytes");
    }
    if (value.size() > kMaxMetaValueLen ||
        value.find(kMetaFieldSep) != std::string_view::npos) {
      return Status::InvalidArgument("metadata value must be 0..256 bytes");
    }
    if (!seen.insert(key).second) {
      return Status::InvalidArgument("duplicate metadata key " +
                                     std::string(key));
    }
    out.emplace_back(std::string(key), std::string(value));
  }
  return out;
}

std::string PackMetadata(const Metadata& meta) {
  std::string out;
  for (size_t i = 0; i < meta.size(); ++i) {
    if (i > 0) out += kMetaRecordSep;
    out += meta[i].first;
    out += kMetaFieldSep;
    out += meta[i].second;
  }
  return out;
}

Metadata MergeMetadata(const Metadata& base, const Metadata& update) {
  Metadata out = base;
  for (const auto& [k, v] : update) {
    bool replaced = false;
    for (auto& [bk, bv] : out) {
      if (bk == k) {
        bv = v;
        replaced = true;
        break;
      }
    }
    if (!replaced) out.emplace_back(k, v);
  }
  return out;
}

}  // namespace nimbus::proto
