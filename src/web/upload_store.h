// UploadStore: resumable (tus) uploads in progress: their offset, the
// SHA-256 state of the bytes so far, and a lease so that only one request
// at a time writes an upload. The whole length is charged to the quota
// when an upload is created. Each method is one statement or one
// transaction. Thread-safety: any thread.
#ifndef NIMBUS_WEB_UPLOAD_STORE_H_
#define NIMBUS_WEB_UPLOAD_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "web/records.h"
#include "web/sql_pool.h"

namespace nimbus::web {

class UploadStore {
 public:
  explicit UploadStore(SqlPool& pool) : pool_(pool) {}

  UploadStore(const UploadStore&) = delete;
  UploadStore& operator=(const UploadStore&) = delete;

  // Records a new upload and charges its whole length to the quota
  // (NoSpace when it does not fit; InvalidArgument/NotFound for a bad
  // parent folder).
  Status Create(const Upload& u);
  Result<Upload> Get(int64_t user_id, const std::string& id);
  // Takes the upload for `owner` until `until`; Busy while another owner's
  // lease runs.
  Status Lease(int64_t user_id, const std::string& id, const std::string& owner,
               int64_t now, int64_t until);
  Status Release(int64_t user_id, const std::string& id,
                 const std::string& owner);
  // Moves the recorded offset from `from` to `to` with the matching hash
  // state; Busy when the upload is not at `from` or not leased by `owner`.
  Status Advance(int64_t user_id, const std::string& id,
                 const std::string& owner, int64_t from, int64_t to,
                 const std::string& hash_state, int64_t expires_at);
  // Turns a fully received upload into a file (its quota was charged at
  // creation). When the name is taken in the folder the file is named
  // "name (2).ext", "name (3).ext", ...
  Result<AddedFile> Complete(int64_t user_id, const std::string& id,
                             const std::string& owner, NewFile f);
  // Removes the upload. An incomplete one gives its quota back; the caller
  // deletes its DFS file (only when node_id is 0).
  Result<Upload> Delete(int64_t user_id, const std::string& id);
  // Uploads past their expiry and not leased, oldest first.
  Result<std::vector<Upload>> Expired(int64_t now, int limit);
  // Drops every lease: at start-up of the only process using the database.
  Status ClearLeases();

 private:
  SqlPool& pool_;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_UPLOAD_STORE_H_
