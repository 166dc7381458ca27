// All cloud-disk metadata: users, the folder tree, blobs (stored content
// keyed by SHA-256 with exact reference counts), instant-upload
// challenges, the audit log; sessions, share links and resumable uploads
// through the SessionStore, ShareStore and UploadStore it owns.
//
// One implementation over SqlPool serves both databases (SQLite and
// MySQL/MariaDB): the SQL is portable and every statement is prepared with
// bound values. Each method is one transaction, so its checks and writes
// are atomic: a quota is never exceeded and a reference count never drifts,
// whatever runs concurrently.
//
// Ownership is part of every lookup: a node of another user is NotFound,
// exactly as a node that does not exist, so callers cannot probe IDs.
//
// Thread-safety: every method may be called from any thread.
#ifndef NIMBUS_WEB_REPOSITORY_H_
#define NIMBUS_WEB_REPOSITORY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "web/records.h"
#include "web/session_store.h"
#include "web/share_store.h"
#include "web/sql_pool.h"
#include "web/upload_store.h"

namespace nimbus::web {

class Repository {
 public:
  // Applies the schema migrations under deploy/sql/<dialect>/ that the
  // database has not seen yet (compiled in).
  static Result<std::unique_ptr<Repository>> Open(
      std::unique_ptr<SqlPool> pool);

  // --- users --------------------------------------------------------------
  // AlreadyExists when the name is taken.
  Result<User> CreateUser(const std::string& name, const std::string& hash,
                          int64_t quota_bytes, int64_t now);
  Result<User> FindUser(const std::string& name);
  Result<User> GetUser(int64_t id);
  Status SetPasswordHash(int64_t user_id, const std::string& hash);

  // --- the tree -------------------------------------------------------------
  // A node the user owns, in the tree or in the trash.
  Result<Node> GetNode(int64_t user_id, int64_t id);
  // A node the user owns that is in the tree (no trashed ancestor).
  Result<Node> GetLiveNode(int64_t user_id, int64_t id);
  Result<Node> CreateFolder(int64_t user_id, int64_t parent_id,
                            const std::string& name, int64_t now);
  Result<std::vector<Node>> ListChildren(int64_t user_id, int64_t parent_id,
                                         const ListQuery& q);
  // Files and folders in the tree whose name contains `needle`.
  Result<std::vector<Node>> Search(int64_t user_id, const std::string& needle,
                                   int limit);
  Status Rename(int64_t user_id, int64_t id, const std::string& name,
                int64_t now);
  // InvalidArgument when `new_parent` is the node or inside it.
  Status Move(int64_t user_id, int64_t id, int64_t new_parent, int64_t now);
  // Copies a file or a whole folder into `new_parent` without copying
  // bytes (blob reference counts go up); the copy counts against the quota.
  Result<Node> Copy(int64_t user_id, int64_t id, int64_t new_parent,
                    int64_t now);
  Status Trash(int64_t user_id, int64_t id, int64_t now);
  // Back to its folder, or to the root when that folder is gone.
  Status Restore(int64_t user_id, int64_t id, int64_t now);
  Result<std::vector<Node>> ListTrash(int64_t user_id);
  // Deletes a trashed node and everything under it; releases quota and
  // blob references. Returns the bytes released.
  Result<int64_t> Purge(int64_t user_id, int64_t id);
  Result<int64_t> EmptyTrash(int64_t user_id);

  // --- files and blobs -------------------------------------------------------
  Result<AddedFile> AddFile(const NewFile& f);
  Result<Blob> FindBlob(const std::string& sha256);
  Status CountDownload(int64_t user_id, int64_t id);
  // Blobs nobody references, oldest first.
  Result<std::vector<Blob>> OrphanBlobs(int limit);
  // Removes the blob row if it is still unreferenced; true when removed
  // (the caller then deletes the DFS file).
  Result<bool> DeleteBlobIfOrphan(int64_t blob_id);

  // --- instant upload challenges -------------------------------------------
  Status AddChallenge(const Challenge& c);
  // Removes and returns the user's challenge: each is answered at most
  // once, right or wrong. NotFound when unknown, used or expired.
  Result<Challenge> TakeChallenge(int64_t user_id, const std::string& id,
                                  int64_t now);
  Status DeleteExpiredChallenges(int64_t now);

  Status Audit(int64_t now, int64_t user_id, const std::string& action,
               const std::string& detail);

  // Sessions, share links and resumable uploads live in the same database.
  SessionStore& sessions() { return sessions_; }
  ShareStore& shares() { return shares_; }
  UploadStore& uploads() { return uploads_; }

  SqlPool& pool() { return *pool_; }

 private:
  explicit Repository(std::unique_ptr<SqlPool> pool)
      : pool_(std::move(pool)),
        sessions_(*pool_),
        shares_(*pool_),
        uploads_(*pool_) {}
  Status Migrate();

  std::unique_ptr<SqlPool> pool_;
  SessionStore sessions_;
  ShareStore shares_;
  UploadStore uploads_;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_REPOSITORY_H_
