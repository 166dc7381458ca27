#include "proto/command.h"

#include <array>

#include "proto/constants.h"

namespace nimbus::proto {
namespace {

constexpr int64_t kG = kGroupNameLen;
constexpr int64_t kName = kMaxLogicNameLen;
// STORAGE_JOIN body: group 17 + 6 int64 + version 8 + init 1 + status 1 +
// tracker ip 16 + tracker count 8 (see server_messages.h).
constexpr int64_t kJoinBody = 17 + 6 * 8 + 8 + 1 + 1 + 16 + 8;
constexpr int64_t kStatBlock = 12 + 42 * 8;
constexpr int64_t kMaxStorePaths = 256;

constexpr std::array<CommandSpec, 46> kCommands = {{
    {kQuit, "QUIT", 0, 0, false},
    {kActiveTest, "ACTIVE_TEST", 0, 0, false},
    {kQueryStoreWithoutGroupOne, "QUERY_STORE_WITHOUT_GROUP_ONE", 0, 0, false},
    {kQueryFetchOne, "QUERY_FETCH_ONE", kG + 1, kG + kName, false},
    {kQueryUpdate, "QUERY_UPDATE", kG + 1, kG + kName, false},
    {kQueryStoreWithGroupOne, "QUERY_STORE_WITH_GROUP_ONE", kG, kG, false},
    {kQueryFetchAll, "QUERY_FETCH_ALL", kG + 1, kG + kName, false},
    {kQueryStoreWithoutGroupAll, "QUERY_STORE_WITHOUT_GROUP_ALL", 0, 0, false},
    {kQueryStoreWithGroupAll, "QUERY_STORE_WITH_GROUP_ALL", kG, kG, false},
    {kListOneGroup, "LIST_ONE_GROUP", kG, kG, false},
    {kListAllGroups, "LIST_ALL_GROUPS", 0, 0, false},
    {kListStorage, "LIST_STORAGE", kG, kG + 46, false},
    {kServerDeleteStorage, "SERVER_DELETE_STORAGE", kG + 1,
     kG + static_cast<int64_t>(kStorageIdSize) - 1, false},
    {kServerSetTrunkServer, "SERVER_SET_TRUNK_SERVER", kG,
     kG + static_cast<int64_t>(kStorageIdSize) - 1, false},
    {kServerDeleteGroup, "SERVER_DELETE_GROUP", kG, kG, false},
    {kFetchStorageIds, "FETCH_STORAGE_IDS", 4, 4, false},
    {kStorageJoin, "STORAGE_JOIN", kJoinBody, kJoinBody, false},
    {kStorageBeat, "STORAGE_BEAT", 0, kStatBlock, false},
    {kStorageReportDiskUsage, "STORAGE_REPORT_DISK_USAGE", 16,
     16 * kMaxStorePaths, false},
    {kStorageParameterReq, "STORAGE_PARAMETER_REQ", 0, 0, false},
    {kUploadFile, "UPLOAD_FILE", 15, 15, true},
    {kDeleteFile, "DELETE_FILE", kG + 1, kG + kName, false},
    {kSetMetadata, "SET_METADATA", 8 + 8 + 1 + kG + 1,
     8 + 8 + 1 + kG + kName + static_cast<int64_t>(kMaxMetaBytes), false},
    {kDownloadFile, "DOWNLOAD_FILE", 16 + kG + 1, 16 + kG + kName, false},
    {kGetMetadata, "GET_METADATA", kG + 1, kG + kName, false},
    {kUploadSlaveFile, "UPLOAD_SLAVE_FILE", 8 + 8 + 16 + 6 + 1, 8 + 8 + 16 + 6,
     true},
    {kQueryFileInfo, "QUERY_FILE_INFO", kG + 1, kG + kName, false},
    {kUploadAppenderFile, "UPLOAD_APPENDER_FILE", 15, 15, true},
    {kAppendFile, "APPEND_FILE", 16 + 1, 16, true},
    {kModifyFile, "MODIFY_FILE", 24 + 1, 24, true},
    {kTruncateFile, "TRUNCATE_FILE", 16 + 1, 16 + kName, false},
    {kRegenerateAppenderFilename, "REGENERATE_APPENDER_FILENAME", 1, kName,
     false},
    {kResp, "RESP", 0, 0, false},
    // tracker -> tracker (server_messages.h)
    {64, "TRACKER_GET_STATUS", 0, 0, false},
    {78, "STORAGE_REPORT_IP_CHANGED", kG + 32, kG + 32, false},
    {77, "STORAGE_CHANGELOG_REQ", kG, kG, false},
    {95, "TRACKER_GET_LEADER", 0, 0, false},
    // storage -> storage replication (sync_messages.h)
    {16, "SYNC_CREATE_FILE", 40 + 1, 40, true},
    {17, "SYNC_DELETE_FILE", 8 + kG + 1, 8 + kG + kName, false},
    {18, "SYNC_UPDATE_FILE", 16 + kG + 1,
     16 + kG + kName + static_cast<int64_t>(kMaxMetaBytes), false},
    {25, "SYNC_APPEND_FILE", 48 + 1, 48, true},
    {35, "SYNC_MODIFY_FILE", 48 + 1, 48, true},
    {37, "SYNC_TRUNCATE_FILE", 16 + kG + 1, 16 + kG + kName, false},
    {40, "SYNC_RENAME_FILE", 16 + kG + 2, 16 + kG + 2 * kName, false},
    {89, "STORAGE_SYNC_REPORT", 0, 24 * 64, false},
    {88, "STORAGE_SYNC_NOTIFY", 16, 16, false},
}};

}  // namespace

std::optional<CommandSpec> FindCommand(uint8_t cmd) {
  for (const CommandSpec& spec : kCommands) {
    if (spec.cmd == cmd) return spec;
  }
  return std::nullopt;
}

const char* CommandName(uint8_t cmd) {
  for (const CommandSpec& spec : kCommands) {
    if (spec.cmd == cmd) return spec.name;
  }
  return "UNKNOWN";
}

}  // namespace nimbus::proto
