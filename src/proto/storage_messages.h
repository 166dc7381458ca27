// Bodies of the storage's client-facing commands (fact sheet section 3).
// Streaming commands are split into a fixed prefix (decoded here) and content
// that the server streams; the prefix's own fields are checked against the
// header's pkg_len by the Check* functions before any content is read.
// Pure; thread-safe.
//
//   UPLOAD (11, 23):  path_index 1 | file_size int64 | EXT 6 | content
//   SLAVE (21):       master_len int64 | file_size int64 | PREFIX 16 | EXT 6 |
//                     master name | content
//   DOWNLOAD (14):    offset int64 | bytes int64 | GROUP 16 | name
//   SET_META (13):    name_len int64 | meta_size int64 | op 1 | GROUP 16 |
//                     name | meta
//   APPEND (24):      name_len int64 | size int64 | name | content
//   MODIFY (34):      name_len int64 | offset int64 | size int64 | name |
//                     content
//   TRUNCATE (36):    name_len int64 | remain_size int64 | name
//   FILE_INFO reply:  size int64 | create_ts int64 | crc32 int64 | IP 16
#ifndef NIMBUS_PROTO_STORAGE_MESSAGES_H_
#define NIMBUS_PROTO_STORAGE_MESSAGES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace nimbus::proto {

struct UploadPrefix {
  uint8_t store_path_index = 0;
  int64_t file_size = 0;
  std::string ext;
};
inline constexpr size_t kUploadPrefixSize = 15;
std::string EncodeUploadPrefix(const UploadPrefix& p);
// `b` is exactly kUploadPrefixSize bytes; `pkg_len` is the frame's body size.
Result<UploadPrefix> DecodeUploadPrefix(std::string_view b, int64_t pkg_len);

struct SlavePrefix {
  int64_t master_len = 0;
  int64_t file_size = 0;
  std::string prefix;
  std::string ext;
};
inline constexpr size_t kSlavePrefixSize = 38;
std::string EncodeSlavePrefix(const SlavePrefix& p);
Result<SlavePrefix> DecodeSlavePrefix(std::string_view b, int64_t pkg_len);

struct DownloadRequest {
  int64_t offset = 0;
  int64_t bytes = 0;  // 0 = to the end
  std::string group;
  std::string name;
};
std::string EncodeDownloadRequest(const DownloadRequest& r);
Result<DownloadRequest> DecodeDownloadRequest(std::string_view b);

struct SetMetaRequest {
  char op = 'O';  // 'O' overwrite, 'M' merge
  std::string group;
  std::string name;
  std::string meta;
};
std::string EncodeSetMetaRequest(const SetMetaRequest& r);
Result<SetMetaRequest> DecodeSetMetaRequest(std::string_view b);

struct AppendPrefix {
  int64_t name_len = 0;
  int64_t size = 0;
};
inline constexpr size_t kAppendPrefixSize = 16;
Result<AppendPrefix> DecodeAppendPrefix(std::string_view b, int64_t pkg_len);

struct ModifyPrefix {
  int64_t name_len = 0;
  int64_t offset = 0;
  int64_t size = 0;
};
inline constexpr size_t kModifyPrefixSize = 24;
Result<ModifyPrefix> DecodeModifyPrefix(std::string_view b, int64_t pkg_len);

struct TruncateRequest {
  int64_t remain_size = 0;
  std::string name;
};
std::string EncodeTruncateRequest(const TruncateRequest& r);
Result<TruncateRequest> DecodeTruncateRequest(std::string_view b);

struct FileInfoReply {
  int64_t file_size = 0;
  int64_t create_time = 0;
  int64_t crc32 = 0;
  std::string source_ip;
};
inline constexpr size_t kFileInfoReplySize = 40;
std::string EncodeFileInfoReply(const FileInfoReply& r);
Result<FileInfoReply> DecodeFileInfoReply(std::string_view b);

}  // namespace nimbus::proto

#endif  // NIMBUS_PROTO_STORAGE_MESSAGES_H_
