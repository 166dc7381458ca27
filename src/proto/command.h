// The FastDFS command codes and, for each, the body sizes a server accepts.
//
// Servers dispatch through their own handler tables keyed by these codes; the
// limits here are protocol facts checked before a single body byte is read or
// allocated. "Streaming" commands carry file content after a fixed prefix:
// only the prefix is buffered and its own fields bound the rest.
#ifndef NIMBUS_PROTO_COMMAND_H_
#define NIMBUS_PROTO_COMMAND_H_

#include <cstdint>
#include <optional>

namespace nimbus::proto {

enum Cmd : uint8_t {
  kResp = 100,
  kQuit = 82,
  kActiveTest = 111,
  // tracker, client-facing
  kQueryStoreWithoutGroupOne = 101,
  kQueryFetchOne = 102,
  kQueryUpdate = 103,
  kQueryStoreWithGroupOne = 104,
  kQueryFetchAll = 105,
  kQueryStoreWithoutGroupAll = 106,
  kQueryStoreWithGroupAll = 107,
  kListOneGroup = 90,
  kListAllGroups = 91,
  kListStorage = 92,
  kServerDeleteStorage = 93,   // an admin removes an OFFLINE storage
  kServerSetTrunkServer = 94,  // answered EOPNOTSUPP: no trunk server here
  kServerDeleteGroup = 108,    // an admin removes a group with no members
  kFetchStorageIds = 69,       // storage_ids.conf, paged (use_storage_id)
  // storage -> tracker
  kStorageJoin = 81,
  kStorageBeat = 83,
  kStorageReportDiskUsage = 84,
  kStorageParameterReq = 75,
  // storage, client-facing
  kUploadFile = 11,
  kDeleteFile = 12,
  kSetMetadata = 13,
  kDownloadFile = 14,
  kGetMetadata = 15,
  kUploadSlaveFile = 21,
  kQueryFileInfo = 22,
  kUploadAppenderFile = 23,
  kAppendFile = 24,
  kModifyFile = 34,
  kTruncateFile = 36,
  kRegenerateAppenderFilename = 38,
};

struct CommandSpec {
  uint8_t cmd;
  const char* name;
  int64_t min_body;
  // Largest body for a buffered command; for a streaming command, the size
  // of the fixed prefix that is buffered before the content.
  int64_t max_body;
  bool streaming;
};

// The spec for `cmd`, or nullopt for a code this implementation does not know.
std::optional<CommandSpec> FindCommand(uint8_t cmd);

// "UPLOAD_FILE", or "CMD_<n>" for an unknown code.
const char* CommandName(uint8_t cmd);

}  // namespace nimbus::proto

#endif  // NIMBUS_PROTO_COMMAND_H_
