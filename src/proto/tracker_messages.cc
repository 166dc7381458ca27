#include "proto/tracker_messages.h"

#include "common/coding.h"
#include "proto/constants.h"

namespace nimbus::proto {
namespace {

constexpr size_t kG = kGroupNameLen;
constexpr size_t kIp = kIpReplySize;

Status BadLength(const char* what, size_t got) {
  return Status::Corruption(std::string(what) + " body has invalid length " +
                            std::to_string(got));
}

}  // namespace

std::string EncodeStoreOne(const StoreTarget& t) {
  std::string out;
  out.reserve(kG + kIp + 9);
  PutFixedString(&out, t.group, kG);
  PutFixedString(&out, t.ip, kIp);
  PutBE64(&out, t.port);
  out.push_back(static_cast<char>(t.store_path_index));
  return out;
}

Result<StoreTarget> DecodeStoreOne(std::string_view b) {
  if (b.size() != kG + kIp + 9) return BadLength("query store", b.size());
  StoreTarget t;
  t.group = std::string(GetFixedString(b.data(), kG));
  t.ip = std::string(GetFixedString(b.data() + kG, kIp));
  t.port = DecodeBE64(b.data() + kG + kIp);
  t.store_path_index = static_cast<uint8_t>(b[kG + kIp + 8]);
  return t;
}

std::string EncodeStoreAll(const StoreAll& t) {
  std::string out;
  PutFixedString(&out, t.group, kG);
  for (const ServerAddr& s : t.servers) {
    PutFixedString(&out, s.ip, kIp);
    PutBE64(&out, s.port);
  }
  out.push_back(static_cast<char>(t.store_path_index));
  return out;
}

Result<StoreAll> DecodeStoreAll(std::string_view b) {
  constexpr size_t kRec = kIp + 8;
  if (b.size() < kG + kRec + 1 || (b.size() - kG - 1) % kRec != 0) {
    return BadLength("query store all", b.size());
  }
  StoreAll t;
  t.group = std::string(GetFixedString(b.data(), kG));
  size_t n = (b.size() - kG - 1) / kRec;
  for (size_t i = 0; i < n; ++i) {
    const char* p = b.data() + kG + i * kRec;
    t.servers.push_back(
        ServerAddr{std::string(GetFixedString(p, kIp)), DecodeBE64(p + kIp)});
  }
  t.store_path_index = static_cast<uint8_t>(b.back());
  return t;
}

std::string EncodeFetchOne(const FetchTarget& t) {
  std::string out;
  out.reserve(kG + kIp + 8);
  PutFixedString(&out, t.group, kG);
  PutFixedString(&out, t.ip, kIp);
  PutBE64(&out, t.port);
  return out;
}

Result<FetchTarget> DecodeFetchOne(std::string_view b) {
  if (b.size() != kG + kIp + 8) return BadLength("query fetch", b.size());
  FetchTarget t;
  t.group = std::string(GetFixedString(b.data(), kG));
  t.ip = std::string(GetFixedString(b.data() + kG, kIp));
  t.port = DecodeBE64(b.data() + kG + kIp);
  return t;
}

std::string EncodeFetchAll(const FetchAll& t) {
  std::string out;
  PutFixedString(&out, t.group, kG);
  for (size_t i = 0; i < t.ips.size(); ++i) {
    PutFixedString(&out, t.ips[i], kIp);
    if (i == 0) PutBE64(&out, t.port);
  }
  return out;
}

Result<FetchAll> DecodeFetchAll(std::string_view b) {
  if (b.size() < kG + kIp + 8 || (b.size() - kG - kIp - 8) % kIp != 0) {
    return BadLength("query fetch all", b.size());
  }
  FetchAll t;
  t.group = std::string(GetFixedString(b.data(), kG));
  t.ips.emplace_back(GetFixedString(b.data() + kG, kIp));
  t.port = DecodeBE64(b.data() + kG + kIp);
  size_t n = (b.size() - kG - kIp - 8) / kIp;
  for (size_t i = 0; i < n; ++i) {
    t.ips.emplace_back(GetFixedString(b.data() + kG + kIp + 8 + i * kIp, kIp));
  }
  return t;
}

std::string EncodeGroupAndName(std::string_view group, std::string_view name) {
  std::string out;
  out.reserve(kG + name.size());
  PutFixedString(&out, group, kG);
  out.append(name);
  return out;
}

Result<GroupAndName> DecodeGroupAndName(std::string_view b) {
  if (b.size() <= kG || b.size() > kG + kMaxLogicNameLen) {
    return Status::InvalidArgument("group and file name body has length " +
                                   std::to_string(b.size()));
  }
  GroupAndName g;
  g.group = std::string(GetFixedString(b.data(), kG));
  g.name = std::string(b.substr(kG));
  return g;
}

std::string EncodeGroup(std::string_view group) {
  std::string out;
  PutFixedString(&out, group, kG);
  return out;
}

Result<std::string> DecodeGroup(std::string_view b) {
  if (b.size() != kG) return BadLength("group", b.size());
  return std::string(GetFixedString(b.data(), kG));
}

std::string EncodeGroupAndStorageId(std::string_view group,
                                    std::string_view id) {
  std::string out;
  PutFixedString(&out, group, kG);
  out.append(id);
  return out;
}

Result<GroupAndStorageId> DecodeGroupAndStorageId(std::string_view b) {
  // The longest id is an IPv6 address (45 characters and a terminator).
  if (b.size() < kG || b.size() > kG + 46) {
    return BadLength("group and storage id", b.size());
  }
  GroupAndStorageId out;
  out.group = std::string(GetFixedString(b.data(), kG));
  if (b.size() > kG) {
    out.id = std::string(GetFixedString(b.data() + kG, b.size() - kG));
  }
  return out;
}

void AppendGroupStat(std::string* out, const GroupStat& g) {
  PutFixedString(out, g.group_name, kG + 1);
  for (int64_t v :
       {g.total_mb, g.free_mb, g.reserved_mb, g.trunk_free_mb, g.storage_count,
        g.storage_port, g.readable_server_count, g.writable_server_count,
        g.current_write_server, g.store_path_count, g.subdir_count_per_path,
        g.current_trunk_file_id}) {
    PutBE64(out, v);
  }
}

Result<std::vector<GroupStat>> DecodeGroupStats(std::string_view b) {
  if (b.size() % kGroupStatSize != 0) return BadLength("group stat", b.size());
  std::vector<GroupStat> out;
  for (size_t off = 0; off < b.size(); off += kGroupStatSize) {
    const char* p = b.data() + off;
    GroupStat g;
    g.group_name = std::string(GetFixedString(p, kG + 1));
    p += kG + 1;
    int64_t* fields[] = {&g.total_mb,
                         &g.free_mb,
                         &g.reserved_mb,
                         &g.trunk_free_mb,
                         &g.storage_count,
                         &g.storage_port,
                         &g.readable_server_count,
                         &g.writable_server_count,
                         &g.current_write_server,
                         &g.store_path_count,
                         &g.subdir_count_per_path,
                         &g.current_trunk_file_id};
    for (int64_t* f : fields) {
      *f = DecodeBE64(p);
      p += 8;
    }
    out.push_back(std::move(g));
  }
  return out;
}

void AppendStorageCounters(std::string* out, const StorageCounters& c) {
  PutBE32(out, static_cast<uint32_t>(c.conn_alloc));
  PutBE32(out, static_cast<uint32_t>(c.conn_current));
  PutBE32(out, static_cast<uint32_t>(c.conn_max));
  for (int64_t v : c.v) PutBE64(out, v);
}

StorageCounters DecodeStorageCounters(const char* p) {
  StorageCounters c;
  c.conn_alloc = static_cast<int32_t>(DecodeBE32(p));
  c.conn_current = static_cast<int32_t>(DecodeBE32(p + 4));
  c.conn_max = static_cast<int32_t>(DecodeBE32(p + 8));
  p += 12;
  for (int64_t& v : c.v) {
    v = DecodeBE64(p);
    p += 8;
  }
  return c;
}

void AppendStorageStat(std::string* out, const StorageStat& s) {
  out->push_back(static_cast<char>(s.status));
  out->push_back(static_cast<char>(s.rw_mode));
  PutFixedString(out, s.id, kStorageIdSize);
  PutFixedString(out, s.ip, kIpAddressSize);
  PutFixedString(out, s.src_id, kStorageIdSize);
  // Clients strcpy() the version, so it must be NUL-terminated in 8 bytes.
  PutFixedString(out, s.version.substr(0, kVersionSize - 1), kVersionSize);
  for (int64_t v :
       {s.join_time, s.up_time, s.total_mb, s.free_mb, s.reserved_mb,
        s.upload_priority, s.store_path_count, s.subdir_count_per_path,
        s.current_write_path, s.storage_port}) {
    PutBE64(out, v);
  }
  AppendStorageCounters(out, s.counters);
  out->push_back(static_cast<char>(s.if_trunk_server));
}

Result<std::vector<StorageStat>> DecodeStorageStats(std::string_view b) {
  if (b.size() % kStorageStatSize != 0) {
    return BadLength("storage stat", b.size());
  }
  std::vector<StorageStat> out;
  for (size_t off = 0; off < b.size(); off += kStorageStatSize) {
    const char* p = b.data() + off;
    StorageStat s;
    s.status = static_cast<uint8_t>(p[0]);
    s.rw_mode = static_cast<uint8_t>(p[1]);
    p += 2;
    s.id = std::string(GetFixedString(p, kStorageIdSize));
    p += kStorageIdSize;
    s.ip = std::string(GetFixedString(p, kIpAddressSize));
    p += kIpAddressSize;
    s.src_id = std::string(GetFixedString(p, kStorageIdSize));
    p += kStorageIdSize;
    s.version = std::string(GetFixedString(p, kVersionSize));
    p += kVersionSize;
    int64_t* fields[] = {&s.join_time,          &s.up_time,
                         &s.total_mb,           &s.free_mb,
                         &s.reserved_mb,        &s.upload_priority,
                         &s.store_path_count,   &s.subdir_count_per_path,
                         &s.current_write_path, &s.storage_port};
    for (int64_t* f : fields) {
      *f = DecodeBE64(p);
      p += 8;
    }
    s.counters = DecodeStorageCounters(p);
    p += kStorageCountersSize;
    s.if_trunk_server = static_cast<uint8_t>(*p);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace nimbus::proto
