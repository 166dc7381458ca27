#include "proto/sync_messages.h"

#include "common/coding.h"
#include "proto/constants.h"

namespace nimbus::proto {
namespace {

constexpr size_t kG = kGroupNameLen;

Status Bad(const char* what) { return Status::InvalidArgument(what); }

bool NameLenOk(int64_t n) {
  return n > 0 && n <= static_cast<int64_t>(kMaxLogicNameLen);
}

// timestamp | value | GROUP | name [| extra split by name_len in value]
std::string EncodeTvgn(int64_t ts, int64_t value, const std::string& group,
                       const std::string& tail) {
  std::string out;
  PutBE64(&out, ts);
  PutBE64(&out, value);
  PutFixedString(&out, group, kG);
  out += tail;
  return out;
}

}  // namespace

std::string EncodeSyncCreatePrefix(const SyncCreatePrefix& p) {
  std::string out;
  PutBE64(&out, p.timestamp);
  PutBE64(&out, p.name_len);
  PutBE64(&out, p.file_size);
  PutFixedString(&out, p.group, kG);
  return out;
}

Result<SyncCreatePrefix> DecodeSyncCreatePrefix(std::string_view b,
                                                int64_t pkg_len) {
  if (b.size() != kSyncCreatePrefixSize) return Bad("sync create prefix size");
  SyncCreatePrefix p;
  p.timestamp = DecodeBE64(b.data());
  p.name_len = DecodeBE64(b.data() + 8);
  p.file_size = DecodeBE64(b.data() + 16);
  p.group = std::string(GetFixedString(b.data() + 24, kG));
  if (!NameLenOk(p.name_len)) return Bad("sync create name length");
  if (p.file_size < 0 ||
      p.file_size !=
          pkg_len - static_cast<int64_t>(kSyncCreatePrefixSize) - p.name_len) {
    return Bad("sync create size does not match the package length");
  }
  return p;
}

std::string EncodeSyncWritePrefix(const SyncWritePrefix& p) {
  std::string out;
  PutBE64(&out, p.timestamp);
  PutBE64(&out, p.name_len);
  PutBE64(&out, p.offset);
  PutBE64(&out, p.length);
  PutFixedString(&out, p.group, kG);
  return out;
}

Result<SyncWritePrefix> DecodeSyncWritePrefix(std::string_view b,
                                              int64_t pkg_len) {
  if (b.size() != kSyncWritePrefixSize) return Bad("sync write prefix size");
  SyncWritePrefix p;
  p.timestamp = DecodeBE64(b.data());
  p.name_len = DecodeBE64(b.data() + 8);
  p.offset = DecodeBE64(b.data() + 16);
  p.length = DecodeBE64(b.data() + 24);
  p.group = std::string(GetFixedString(b.data() + 32, kG));
  if (!NameLenOk(p.name_len)) return Bad("sync write name length");
  if (p.offset < 0) return Bad("negative sync offset");
  if (p.length < 0 ||
      p.length !=
          pkg_len - static_cast<int64_t>(kSyncWritePrefixSize) - p.name_len) {
    return Bad("sync write length does not match the package length");
  }
  return p;
}

std::string EncodeSyncDelete(const SyncSimple& m) {
  std::string out;
  PutBE64(&out, m.timestamp);
  PutFixedString(&out, m.group, kG);
  out += m.name;
  return out;
}

Result<SyncSimple> DecodeSyncDelete(std::string_view b) {
  if (b.size() <= 8 + kG || b.size() > 8 + kG + kMaxLogicNameLen) {
    return Bad("sync delete size");
  }
  SyncSimple m;
  m.timestamp = DecodeBE64(b.data());
  m.group = std::string(GetFixedString(b.data() + 8, kG));
  m.name = std::string(b.substr(8 + kG));
  return m;
}

std::string EncodeSyncTruncate(const SyncSimple& m) {
  return EncodeTvgn(m.timestamp, m.value, m.group, m.name);
}

Result<SyncSimple> DecodeSyncTruncate(std::string_view b) {
  if (b.size() <= 16 + kG || b.size() > 16 + kG + kMaxLogicNameLen) {
    return Bad("sync truncate size");
  }
  SyncSimple m;
  m.timestamp = DecodeBE64(b.data());
  m.value = DecodeBE64(b.data() + 8);
  if (m.value < 0) return Bad("negative truncate size");
  m.group = std::string(GetFixedString(b.data() + 16, kG));
  m.name = std::string(b.substr(16 + kG));
  return m;
}

std::string EncodeSyncRename(const SyncSimple& m) {
  return EncodeTvgn(m.timestamp, static_cast<int64_t>(m.name.size()), m.group,
                    m.name + m.extra);
}

Result<SyncSimple> DecodeSyncRename(std::string_view b) {
  if (b.size() <= 16 + kG + 1 || b.size() > 16 + kG + 2 * kMaxLogicNameLen) {
    return Bad("sync rename size");
  }
  SyncSimple m;
  m.timestamp = DecodeBE64(b.data());
  int64_t new_len = DecodeBE64(b.data() + 8);
  size_t rest = b.size() - 16 - kG;
  if (!NameLenOk(new_len) || static_cast<size_t>(new_len) >= rest) {
    return Bad("sync rename name length");
  }
  m.group = std::string(GetFixedString(b.data() + 16, kG));
  m.name = std::string(b.substr(16 + kG, static_cast<size_t>(new_len)));
  m.extra = std::string(b.substr(16 + kG + static_cast<size_t>(new_len)));
  if (m.extra.size() > kMaxLogicNameLen) return Bad("sync rename old name");
  return m;
}

std::string EncodeSyncMetadata(const SyncSimple& m) {
  return EncodeTvgn(m.timestamp, static_cast<int64_t>(m.name.size()), m.group,
                    m.name + m.extra);
}

Result<SyncSimple> DecodeSyncMetadata(std::string_view b) {
  if (b.size() <= 16 + kG) return Bad("sync metadata size");
  SyncSimple m;
  m.timestamp = DecodeBE64(b.data());
  int64_t name_len = DecodeBE64(b.data() + 8);
  size_t rest = b.size() - 16 - kG;
  if (!NameLenOk(name_len) || static_cast<size_t>(name_len) > rest) {
    return Bad("sync metadata name length");
  }
  m.group = std::string(GetFixedString(b.data() + 16, kG));
  m.name = std::string(b.substr(16 + kG, static_cast<size_t>(name_len)));
  m.extra = std::string(b.substr(16 + kG + static_cast<size_t>(name_len)));
  if (m.extra.size() > kMaxMetaBytes) return Bad("sync metadata too large");
  return m;
}

std::string EncodeSyncReport(const std::vector<SyncProgress>& v) {
  std::string out;
  for (const auto& p : v) {
    PutFixedString(&out, p.peer_ip, kIpAddressSize);
    PutBE64(&out, p.synced_until);
  }
  return out;
}

Result<std::vector<SyncProgress>> DecodeSyncReport(std::string_view b) {
  constexpr size_t kRec = kIpAddressSize + 8;
  if (b.size() % kRec != 0) return Bad("sync report size");
  std::vector<SyncProgress> out;
  for (size_t off = 0; off < b.size(); off += kRec) {
    out.push_back({std::string(GetFixedString(b.data() + off, kIpAddressSize)),
                   DecodeBE64(b.data() + off + kIpAddressSize)});
  }
  return out;
}

}  // namespace nimbus::proto
