#include "proto/server_messages.h"

#include "common/coding.h"
#include "proto/constants.h"
#include "proto/file_name.h"

namespace nimbus::proto {

std::string EncodeJoinRequest(const JoinRequest& r) {
  std::string out;
  out.reserve(kJoinRequestSize);
  PutFixedString(&out, r.group, kGroupNameLen + 1);
  for (int64_t v : {r.port, r.store_path_count, r.subdir_count_per_path,
                    r.upload_priority, r.join_time, r.up_time}) {
    PutBE64(&out, v);
  }
  PutFixedString(&out, r.version, kVersionSize);
  out.push_back(r.init_flag ? 1 : 0);
  out.push_back(static_cast<char>(r.status));
  PutFixedString(&out, r.tracker_ip, kIpAddressSize);
  PutBE64(&out, r.tracker_count);
  return out;
}

Result<JoinRequest> DecodeJoinRequest(std::string_view b) {
  if (b.size() != kJoinRequestSize) {
    return Status::InvalidArgument("join request has invalid length");
  }
  const char* p = b.data();
  JoinRequest r;
  r.group = std::string(GetFixedString(p, kGroupNameLen + 1));
  p += kGroupNameLen + 1;
  int64_t* fields[] = {&r.port,
                       &r.store_path_count,
                       &r.subdir_count_per_path,
                       &r.upload_priority,
                       &r.join_time,
                       &r.up_time};
  for (int64_t* f : fields) {
    *f = DecodeBE64(p);
    p += 8;
  }
  r.version = std::string(GetFixedString(p, kVersionSize));
  p += kVersionSize;
  r.init_flag = *p++ != 0;
  r.status = static_cast<uint8_t>(*p++);
  r.tracker_ip = std::string(GetFixedString(p, kIpAddressSize));
  p += kIpAddressSize;
  r.tracker_count = DecodeBE64(p);
  if (r.port <= 0 || r.port > 65535) {
    return Status::InvalidArgument("join request port out of range");
  }
  if (r.store_path_count < 1 || r.store_path_count > 256) {
    return Status::InvalidArgument(
        "join request store_path_count out of range");
  }
  if (r.subdir_count_per_path < 1 || r.subdir_count_per_path > 256) {
    return Status::InvalidArgument("join request subdir count out of range");
  }
  return r;
}

std::string EncodeJoinReply(const JoinReply& r) {
  std::string out;
  out.push_back(static_cast<char>(r.status));
  PutFixedString(&out, r.src_id, kStorageIdSize);
  return out;
}

Result<JoinReply> DecodeJoinReply(std::string_view b) {
  if (b.size() != kJoinReplySize) {
    return Status::Corruption("join reply has invalid length");
  }
  JoinReply r;
  r.status = static_cast<uint8_t>(b[0]);
  r.src_id = std::string(GetFixedString(b.data() + 1, kStorageIdSize));
  return r;
}

std::string EncodeTrackerStatus(const TrackerStatus& s) {
  std::string out;
  out.push_back(s.is_leader ? 1 : 0);
  PutBE64(&out, s.up_since);
  PutFixedString(&out, s.leader_ip, kIpAddressSize);
  PutBE64(&out, s.leader_port);
  PutBE64(&out, s.leader_since);
  return out;
}

Result<TrackerStatus> DecodeTrackerStatus(std::string_view b) {
  if (b.size() != 1 + 8 + kIpAddressSize + 8 + 8) {
    return Status::Corruption("tracker status has invalid length");
  }
  TrackerStatus s;
  s.is_leader = b[0] != 0;
  s.up_since = DecodeBE64(b.data() + 1);
  s.leader_ip = std::string(GetFixedString(b.data() + 9, kIpAddressSize));
  s.leader_port = DecodeBE64(b.data() + 9 + kIpAddressSize);
  s.leader_since = DecodeBE64(b.data() + 17 + kIpAddressSize);
  if (s.leader_port < 0 || s.leader_port > 65535) {
    return Status::Corruption("tracker status has an invalid port");
  }
  return s;
}

std::string EncodeLeader(const std::string& ip, int64_t port) {
  std::string out;
  PutFixedString(&out, ip, kIpAddressSize);
  PutBE64(&out, port);
  return out;
}

Result<std::pair<std::string, int64_t>> DecodeLeader(std::string_view b) {
  if (b.size() != kIpAddressSize + 8) {
    return Status::Corruption("leader reply has invalid length");
  }
  int64_t port = DecodeBE64(b.data() + kIpAddressSize);
  if (port <= 0 || port > 65535) {
    return Status::Corruption("leader reply has an invalid port");
  }
  return std::make_pair(std::string(GetFixedString(b.data(), kIpAddressSize)),
                        port);
}

std::string EncodeIpChange(const IpChange& c) {
  std::string out;
  PutFixedString(&out, c.group, kGroupNameLen);
  PutFixedString(&out, c.old_ip, kIpAddressSize);
  PutFixedString(&out, c.new_ip, kIpAddressSize);
  return out;
}

Result<IpChange> DecodeIpChange(std::string_view b) {
  if (b.size() != kGroupNameLen + 2 * kIpAddressSize) {
    return Status::Corruption("ip change has invalid length");
  }
  IpChange c;
  c.group = std::string(GetFixedString(b.data(), kGroupNameLen));
  c.old_ip =
      std::string(GetFixedString(b.data() + kGroupNameLen, kIpAddressSize));
  c.new_ip = std::string(GetFixedString(
      b.data() + kGroupNameLen + kIpAddressSize, kIpAddressSize));
  Status s = ValidateGroupName(c.group);
  if (!s.ok()) return s;
  if (c.old_ip.empty() || c.new_ip.empty() || c.old_ip == c.new_ip) {
    return Status::InvalidArgument("ip change needs two different addresses");
  }
  return c;
}

Result<std::vector<std::pair<std::string, std::string>>> DecodeChangelog(
    std::string_view b) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!b.empty()) {
    size_t nl = b.find('\n');
    if (nl == std::string_view::npos) {
      return Status::Corruption("changelog line without newline");
    }
    std::string_view line = b.substr(0, nl);
    b.remove_prefix(nl + 1);
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0 || sp + 1 >= line.size() ||
        line.size() > 2 * kIpAddressSize) {
      return Status::Corruption("bad changelog line");
    }
    out.emplace_back(std::string(line.substr(0, sp)),
                     std::string(line.substr(sp + 1)));
  }
  return out;
}

std::string EncodeDiskUsage(const std::vector<PathUsage>& paths) {
  std::string out;
  for (const PathUsage& u : paths) {
    PutBE64(&out, u.total_mb);
    PutBE64(&out, u.free_mb);
  }
  return out;
}

Result<std::vector<PathUsage>> DecodeDiskUsage(std::string_view b) {
  if (b.empty() || b.size() % 16 != 0) {
    return Status::InvalidArgument("disk usage report has invalid length");
  }
  std::vector<PathUsage> out;
  for (size_t off = 0; off < b.size(); off += 16) {
    PathUsage u{DecodeBE64(b.data() + off), DecodeBE64(b.data() + off + 8)};
    if (u.total_mb < 0 || u.free_mb < 0) {
      return Status::InvalidArgument("negative disk usage");
    }
    out.push_back(u);
  }
  return out;
}

std::string EncodeParameters(const Parameters& p) {
  std::string out;
  for (const auto& [k, v] : p) {
    out += k;
    out += '=';
    out += v;
    out += '\n';
  }
  return out;
}

Parameters DecodeParameters(std::string_view b) {
  Parameters out;
  size_t pos = 0;
  while (pos < b.size()) {
    size_t nl = b.find('\n', pos);
    if (nl == std::string_view::npos) nl = b.size();
    std::string_view line = b.substr(pos, nl - pos);
    pos = nl + 1;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    out[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
  }
  return out;
}

}  // namespace nimbus::proto
