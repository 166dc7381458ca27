// Storage -> storage replication messages (FastDFS command numbers, Nimbus
// layouts; documented in docs/protocol.md). All integers big-endian.
//
//   SYNC_CREATE_FILE (16), streaming, prefix 40:
//     timestamp int64 | name_len int64 | file_size int64 | GROUP 16 |
//     name | content
//   SYNC_APPEND_FILE (25) / SYNC_MODIFY_FILE (35), streaming, prefix 48:
//     timestamp int64 | name_len int64 | offset int64 | length int64 |
//     GROUP 16 | name | content (written at offset)
//   SYNC_DELETE_FILE (17):   timestamp int64 | GROUP 16 | name
//   SYNC_UPDATE_FILE (18):   timestamp int64 | name_len int64 | GROUP 16 |
//                            name | packed metadata (replaces all)
//   SYNC_TRUNCATE_FILE (37): timestamp int64 | new_size int64 | GROUP 16 |
//                            name
//   SYNC_RENAME_FILE (40):   timestamp int64 | new_len int64 | GROUP 16 |
//                            new name | old name
// Replies are empty. Applying any of them twice is harmless.
#ifndef NIMBUS_PROTO_SYNC_MESSAGES_H_
#define NIMBUS_PROTO_SYNC_MESSAGES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace nimbus::proto {

enum SyncCmd : uint8_t {
  kSyncCreateFile = 16,
  kSyncDeleteFile = 17,
  kSyncUpdateFile = 18,
  kSyncAppendFile = 25,
  kSyncModifyFile = 35,
  kSyncTruncateFile = 37,
  kSyncRenameFile = 40,
  kStorageSyncReport = 89,  // storage -> tracker
  // storage -> tracker: "my full copy to <dest IP 16> is done"
  kStorageSyncNotify = 88,
};

struct SyncCreatePrefix {
  int64_t timestamp = 0;
  int64_t name_len = 0;
  int64_t file_size = 0;
  std::string group;
};
inline constexpr size_t kSyncCreatePrefixSize = 40;
std::string EncodeSyncCreatePrefix(const SyncCreatePrefix& p);
Result<SyncCreatePrefix> DecodeSyncCreatePrefix(std::string_view b,
                                                int64_t pkg_len);

struct SyncWritePrefix {  // append and modify
  int64_t timestamp = 0;
  int64_t name_len = 0;
  int64_t offset = 0;
  int64_t length = 0;
  std::string group;
};
inline constexpr size_t kSyncWritePrefixSize = 48;
std::string EncodeSyncWritePrefix(const SyncWritePrefix& p);
Result<SyncWritePrefix> DecodeSyncWritePrefix(std::string_view b,
                                              int64_t pkg_len);

struct SyncSimple {  // delete, truncate (value = new size), rename, metadata
  int64_t timestamp = 0;
  int64_t value = 0;
  std::string group;
  std::string name;
  std::string extra;  // rename: old name; metadata: packed metadata
};
std::string EncodeSyncDelete(const SyncSimple& m);
Result<SyncSimple> DecodeSyncDelete(std::string_view b);
std::string EncodeSyncTruncate(const SyncSimple& m);
Result<SyncSimple> DecodeSyncTruncate(std::string_view b);
std::string EncodeSyncRename(const SyncSimple& m);
Result<SyncSimple> DecodeSyncRename(std::string_view b);
std::string EncodeSyncMetadata(const SyncSimple& m);
Result<SyncSimple> DecodeSyncMetadata(std::string_view b);

// STORAGE_SYNC_REPORT (89): n x (peer IP 16 | synced_until int64): the
// reporting source's changes up to `synced_until` are all on that peer.
struct SyncProgress {
  std::string peer_ip;
  int64_t synced_until = 0;
};
std::string EncodeSyncReport(const std::vector<SyncProgress>& v);
Result<std::vector<SyncProgress>> DecodeSyncReport(std::string_view b);

}  // namespace nimbus::proto

#endif  // NIMBUS_PROTO_SYNC_MESSAGES_H_
