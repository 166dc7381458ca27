// Bodies of the tracker's client-facing commands (fact sheet section 2).
// Encoders build exact bodies; decoders check every length before reading
// and never allocate more than the body they were given. Pure; thread-safe.
//
// Store reply (101/104), 40 bytes:
//   GROUP 16 | IP 15 | port int64 | store_path_index 1
// Fetch reply (102/103), 39 bytes:
//   GROUP 16 | IP 15 | port int64
// Group stat record (90/91), 113 bytes:
//   group_name 17 | 12 x int64 (see GroupStat, in order)
// Storage stat record (92), 487 bytes for IPv4:
//   status 1 | rw_mode 1 | id 16 | ip 16 | src_id 16 | version 8 |
//   10 x int64 | counters 348 (StorageCounters) | if_trunk_server 1
#ifndef NIMBUS_PROTO_TRACKER_MESSAGES_H_
#define NIMBUS_PROTO_TRACKER_MESSAGES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace nimbus::proto {

struct StoreTarget {
  std::string group;
  std::string ip;
  int64_t port = 0;
  uint8_t store_path_index = 0;
};
std::string EncodeStoreOne(const StoreTarget& t);
Result<StoreTarget> DecodeStoreOne(std::string_view body);

struct ServerAddr {
  std::string ip;
  int64_t port = 0;
};
struct StoreAll {
  std::string group;
  std::vector<ServerAddr> servers;
  uint8_t store_path_index = 0;
};
std::string EncodeStoreAll(const StoreAll& t);
Result<StoreAll> DecodeStoreAll(std::string_view body);

struct FetchTarget {
  std::string group;
  std::string ip;
  int64_t port = 0;
};
std::string EncodeFetchOne(const FetchTarget& t);
Result<FetchTarget> DecodeFetchOne(std::string_view body);

// 105: the first server with its port, then the other servers' IPs (same
// port; all storages of a group listen on one port).
struct FetchAll {
  std::string group;
  int64_t port = 0;
  std::vector<std::string> ips;
};
std::string EncodeFetchAll(const FetchAll& t);
Result<FetchAll> DecodeFetchAll(std::string_view body);

// Request bodies of the form GROUP 16 | filename (102, 103, 105 and the
// storage's delete / get-metadata / query-info).
std::string EncodeGroupAndName(std::string_view group, std::string_view name);
struct GroupAndName {
  std::string group;
  std::string name;
};
Result<GroupAndName> DecodeGroupAndName(std::string_view body);
// A body that is only a GROUP field (104, 107, 90).
std::string EncodeGroup(std::string_view group);
Result<std::string> DecodeGroup(std::string_view body);
// GROUP 16 | storage id without terminator: LIST_STORAGE (92, the id
// optional, up to an IPv6 address) and SERVER_DELETE_STORAGE (93, the id
// required, at most kStorageIdSize - 1 characters as in FastDFS).
std::string EncodeGroupAndStorageId(std::string_view group,
                                    std::string_view id);
struct GroupAndStorageId {
  std::string group;
  std::optional<std::string> id;  // nullopt: the body was only the group
};
Result<GroupAndStorageId> DecodeGroupAndStorageId(std::string_view body);

struct GroupStat {
  std::string group_name;
  int64_t total_mb = 0;
  int64_t free_mb = 0;
  int64_t reserved_mb = 0;
  int64_t trunk_free_mb = 0;
  int64_t storage_count = 0;
  int64_t storage_port = 0;
  int64_t readable_server_count = 0;
  int64_t writable_server_count = 0;
  int64_t current_write_server = 0;
  int64_t store_path_count = 0;
  int64_t subdir_count_per_path = 0;
  int64_t current_trunk_file_id = 0;
};
inline constexpr size_t kGroupStatSize = 17 + 12 * 8;
void AppendGroupStat(std::string* out, const GroupStat& g);
Result<std::vector<GroupStat>> DecodeGroupStats(std::string_view body);

// FDFSStorageStatBuff: three int32 connection counters, then 42 int64
// counters in this order.
enum Counter : size_t {
  kTotalUploadCount,
  kSuccessUploadCount,
  kTotalAppendCount,
  kSuccessAppendCount,
  kTotalModifyCount,
  kSuccessModifyCount,
  kTotalTruncateCount,
  kSuccessTruncateCount,
  kTotalSetMetaCount,
  kSuccessSetMetaCount,
  kTotalDeleteCount,
  kSuccessDeleteCount,
  kTotalDownloadCount,
  kSuccessDownloadCount,
  kTotalGetMetaCount,
  kSuccessGetMetaCount,
  kTotalCreateLinkCount,
  kSuccessCreateLinkCount,
  kTotalDeleteLinkCount,
  kSuccessDeleteLinkCount,
  kTotalUploadBytes,
  kSuccessUploadBytes,
  kTotalAppendBytes,
  kSuccessAppendBytes,
  kTotalModifyBytes,
  kSuccessModifyBytes,
  kTotalDownloadBytes,
  kSuccessDownloadBytes,
  kTotalSyncInBytes,
  kSuccessSyncInBytes,
  kTotalSyncOutBytes,
  kSuccessSyncOutBytes,
  kTotalFileOpenCount,
  kSuccessFileOpenCount,
  kTotalFileReadCount,
  kSuccessFileReadCount,
  kTotalFileWriteCount,
  kSuccessFileWriteCount,
  kLastSourceUpdate,
  kLastSyncUpdate,
  kLastSyncedTimestamp,
  kLastHeartBeatTime,
  kCounterCount,
};
struct StorageCounters {
  int32_t conn_alloc = 0;
  int32_t conn_current = 0;
  int32_t conn_max = 0;
  std::array<int64_t, kCounterCount> v{};
};
inline constexpr size_t kStorageCountersSize = 12 + kCounterCount * 8;
void AppendStorageCounters(std::string* out, const StorageCounters& c);
StorageCounters DecodeStorageCounters(const char* src);  // kStorageCountersSize

struct StorageStat {
  uint8_t status = 0;
  uint8_t rw_mode = 0;
  std::string id;
  std::string ip;
  std::string src_id;
  std::string version;
  int64_t join_time = 0;
  int64_t up_time = 0;
  int64_t total_mb = 0;
  int64_t free_mb = 0;
  int64_t reserved_mb = 0;
  int64_t upload_priority = 0;
  int64_t store_path_count = 0;
  int64_t subdir_count_per_path = 0;
  int64_t current_write_path = 0;
  int64_t storage_port = 0;
  StorageCounters counters;
  uint8_t if_trunk_server = 0;
};
inline constexpr size_t kStorageStatSize =
    1 + 1 + 16 + 16 + 16 + 8 + 10 * 8 + kStorageCountersSize + 1;
void AppendStorageStat(std::string* out, const StorageStat& s);
Result<std::vector<StorageStat>> DecodeStorageStats(std::string_view body);

}  // namespace nimbus::proto

#endif  // NIMBUS_PROTO_TRACKER_MESSAGES_H_
