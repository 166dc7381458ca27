// Where file bytes go: the DFS in production (DfsBlobStore), memory in
// unit tests.
//
// Thread-safety: implementations are called from any worker thread.
#ifndef NIMBUS_WEB_BLOB_STORE_H_
#define NIMBUS_WEB_BLOB_STORE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace nimbus::web {

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Stores exactly `size` bytes delivered by `read` (which fills the whole
  // request or fails); returns the new file ID. `ext` is a DFS extension
  // (NodeName::DfsExtension) or empty.
  virtual Result<std::string> Put(
      int64_t size, const std::function<Status(char*, size_t)>& read,
      std::string_view ext) = 0;
  // NotFound when the file is already gone.
  virtual Status Delete(const std::string& file_id) = 0;
  // `length` bytes from `offset` (a range the caller knows exists).
  virtual Result<std::string> Read(const std::string& file_id, int64_t offset,
                                   int64_t length) = 0;

  // Appender files, for resumable uploads: created empty, appended to in
  // pieces (each append is all-or-nothing), truncated back after a
  // rejected piece.
  virtual Result<std::string> CreateAppender(std::string_view ext) = 0;
  virtual Status Append(const std::string& file_id, int64_t size,
                        const std::function<Status(char*, size_t)>& read) = 0;
  virtual Status Truncate(const std::string& file_id, int64_t size) = 0;
  // The size as the file's source server has it.
  virtual Result<int64_t> Size(const std::string& file_id) = 0;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_BLOB_STORE_H_
