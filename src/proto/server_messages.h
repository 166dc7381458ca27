// Storage -> tracker messages. These follow FastDFS 6.x's command numbers and
// field vocabulary; the layouts are Nimbus's own (documented in
// docs/protocol.md) since only Nimbus storages talk to Nimbus trackers.
//
//   STORAGE_JOIN (81), 108 bytes:
//     group 17 | port int64 | store_path_count int64 | subdir_count int64 |
//     upload_priority int64 | join_time int64 | up_time int64 | version 8 |
//     init_flag 1 | status 1 | tracker_ip 16 | tracker_count int64
//   reply: status 1 | src_id 16
//   STORAGE_BEAT (83): StorageCounters (348 bytes) or empty; reply empty.
//   REPORT_DISK_USAGE (84): n x (total_mb int64 | free_mb int64); reply empty.
//   PARAMETER_REQ (75): empty; reply "key=value\n" text.
//
// Tracker -> tracker (leader election; Nimbus's own layouts):
//   TRACKER_GET_STATUS (64): empty; reply 41 bytes:
//     is_leader 1 | up_since int64 | leader_ip 16 | leader_port int64 |
//     leader_since int64
//   TRACKER_GET_LEADER (95): empty; reply leader_ip 16 | leader_port int64
//     (ENOENT when no leader is known yet).
//   STORAGE_REPORT_IP_CHANGED (78): group 16 | old_ip 16 | new_ip 16;
//     reply empty (EPERM when storage_ip_changed_auto_adjust is off).
//   STORAGE_CHANGELOG_REQ (77): group 16; reply "old_ip new_ip\n" lines.
#ifndef NIMBUS_PROTO_SERVER_MESSAGES_H_
#define NIMBUS_PROTO_SERVER_MESSAGES_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace nimbus::proto {

struct JoinRequest {
  std::string group;
  int64_t port = 0;
  int64_t store_path_count = 0;
  int64_t subdir_count_per_path = 0;
  int64_t upload_priority = 0;
  int64_t join_time = 0;
  int64_t up_time = 0;
  std::string version;
  bool init_flag = false;
  uint8_t status = 0;
  std::string tracker_ip;
  int64_t tracker_count = 0;
};
inline constexpr size_t kJoinRequestSize = 17 + 6 * 8 + 8 + 1 + 1 + 16 + 8;
std::string EncodeJoinRequest(const JoinRequest& r);
Result<JoinRequest> DecodeJoinRequest(std::string_view b);

struct JoinReply {
  uint8_t status = 0;
  std::string src_id;
};
inline constexpr size_t kJoinReplySize = 17;
std::string EncodeJoinReply(const JoinReply& r);
Result<JoinReply> DecodeJoinReply(std::string_view b);

inline constexpr uint8_t kStorageReportIpChanged = 78;
inline constexpr uint8_t kStorageChangelogReq = 77;
inline constexpr uint8_t kTrackerGetStatus = 64;
inline constexpr uint8_t kTrackerGetLeader = 95;

// What one tracker tells another about itself.
struct TrackerStatus {
  bool is_leader = false;
  int64_t up_since = 0;   // unix seconds when this tracker started
  std::string leader_ip;  // the leader it follows ("" if none yet)
  int64_t leader_port = 0;
  int64_t leader_since = 0;  // when it started following that leader
};
std::string EncodeTrackerStatus(const TrackerStatus& s);
Result<TrackerStatus> DecodeTrackerStatus(std::string_view b);
std::string EncodeLeader(const std::string& ip, int64_t port);
// Returns {ip, port}.
Result<std::pair<std::string, int64_t>> DecodeLeader(std::string_view b);

struct IpChange {
  std::string group;
  std::string old_ip;
  std::string new_ip;
};
std::string EncodeIpChange(const IpChange& c);
Result<IpChange> DecodeIpChange(std::string_view b);
// Parses CHANGELOG_REQ's reply; malformed lines are Corruption.
Result<std::vector<std::pair<std::string, std::string>>> DecodeChangelog(
    std::string_view b);

struct PathUsage {
  int64_t total_mb = 0;
  int64_t free_mb = 0;
};
std::string EncodeDiskUsage(const std::vector<PathUsage>& paths);
Result<std::vector<PathUsage>> DecodeDiskUsage(std::string_view b);

using Parameters = std::map<std::string, std::string>;
std::string EncodeParameters(const Parameters& p);
Parameters DecodeParameters(std::string_view b);

}  // namespace nimbus::proto

#endif  // NIMBUS_PROTO_SERVER_MESSAGES_H_
