// Protocol constants shared by every FastDFS frame (see docs/protocol.md and
// ../shared/fastdfs-protocol.md). Values are protocol facts, not tunables.
#ifndef NIMBUS_PROTO_CONSTANTS_H_
#define NIMBUS_PROTO_CONSTANTS_H_

#include <cstddef>
#include <cstdint>

namespace nimbus::proto {

inline constexpr size_t kHeaderSize = 10;
inline constexpr size_t kGroupNameLen = 16;   // fixed field, no terminator
inline constexpr size_t kIpAddressSize = 16;  // IPv4 field in stat records
inline constexpr size_t kIpReplySize = 15;    // IPv4 field in query replies
inline constexpr size_t kStorageIdSize = 16;
inline constexpr size_t kVersionSize = 8;
inline constexpr size_t kExtNameLen = 6;
inline constexpr size_t kPrefixLen = 16;
inline constexpr size_t kFilenameBase64Len = 27;
inline constexpr size_t kLogicPathLen = 10;        // "M00/00/00/"
inline constexpr size_t kNormalNameLen = 34;       // base64 + 7
inline constexpr size_t kNormalLogicNameLen = 44;  // path + normal name
// A trunk file's name carries 16 more base64 characters: where in which
// trunk file its bytes are (TrunkSlot).
inline constexpr size_t kTrunkInfoLen = 16;
inline constexpr size_t kTrunkNameLen = 50;       // kNormalNameLen + 16
inline constexpr size_t kTrunkLogicNameLen = 60;  // path + trunk name
// Longest logical filename we accept: a slave name with the longest prefix
// and extension fits with room to spare; FastDFS clients cap at 128.
inline constexpr size_t kMaxLogicNameLen = 128;
inline constexpr size_t kMaxMetaNameLen = 64;
inline constexpr size_t kMaxMetaValueLen = 256;
// Whole packed metadata of one file. FastDFS has no explicit cap; 64 KiB is
// far above any real use and bounds the allocation per request.
inline constexpr size_t kMaxMetaBytes = 64 * 1024;
inline constexpr uint8_t kStatusOk = 0;
inline constexpr uint8_t kStorePathAny = 0xFF;  // storage picks the path

// Bits in the masked size field of a file name (see FileName).
inline constexpr int64_t kAppenderFlag = int64_t{1} << 58;  // 256 PiB
inline constexpr int64_t kTrunkFlag = int64_t{1} << 59;     // 512 PiB

// QUERY_FILE_INFO flags carried in the request header's status byte.
inline constexpr uint8_t kQueryInfoNoCrc = 1;
inline constexpr uint8_t kQueryInfoSilent = 2;

// Storage states (fact sheet section 5).
enum class StorageState : uint8_t {
  kInit = 0,
  kWaitSync = 1,
  kSyncing = 2,
  kIpChanged = 3,
  kDeleted = 4,
  kOffline = 5,
  kOnline = 6,
  kActive = 7,
  kRecovery = 9,
  kNone = 99,
};

const char* StorageStateName(StorageState s);

}  // namespace nimbus::proto

#endif  // NIMBUS_PROTO_CONSTANTS_H_
