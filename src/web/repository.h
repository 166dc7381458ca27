// All cloud-disk metadata: users, sessions, the folder tree, blobs (stored
// content keyed by SHA-256 with exact reference counts) and the audit log.
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
#include <optional>
#include <string>
#include <vector>

#include "web/sql_pool.h"

namespace nimbus::web {

struct User {
  int64_t id = 0;
  std::string name;
  std::string pass_hash;
  int64_t quota_bytes = 0;
  int64_t used_bytes = 0;
  int64_t created_at = 0;
};

// A file or folder. parent_id 0 is the user's root.
struct Node {
  int64_t id = 0;
  int64_t user_id = 0;
  int64_t parent_id = 0;
  std::string name;
  bool is_dir = false;
  int64_t size = 0;
  int64_t downloads = 0;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t trashed_at = 0;  // 0: not the root of a trashed subtree
  int64_t blob_id = 0;
  std::string file_id;  // files only
  std::string sha256;   // files only
};

struct Blob {
  int64_t id = 0;
  std::string sha256;
  std::string file_id;
  int64_t size = 0;
  int64_t refcount = 0;
};

// A resumable (tus) upload; see deploy/sql/*/002_uploads.sql.
struct Upload {
  std::string id;
  int64_t user_id = 0;
  int64_t parent_id = 0;
  std::string name;
  int64_t length = 0;
  int64_t offset = 0;
  std::string file_id;
  std::string hash_state;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t node_id = 0;  // 0 until complete
  std::string lease_owner;
  int64_t lease_until = 0;
};

// An instant-upload challenge; see deploy/sql/*/003_challenges.sql.
struct Challenge {
  std::string id;
  int64_t user_id = 0;
  std::string sha256;
  int64_t size = 0;
  int64_t parent_id = 0;
  std::string name;
  std::string expected;
  int64_t expires_at = 0;
};

// A share link; see deploy/sql/*/004_shares.sql.
struct Share {
  std::string code;
  int64_t user_id = 0;
  int64_t node_id = 0;
  std::string pass_hash;  // empty: no password
  bool is_public = false;
  int64_t created_at = 0;
  int64_t expires_at = 0;     // 0: never
  int64_t max_downloads = 0;  // 0: no limit
  int64_t downloads = 0;
  int64_t revoked_at = 0;
  Node node;  // the shared file, when loaded with it
  std::string owner;
};

enum class SortKey { kName, kSize, kTime, kDownloads };

// Keyset pagination: the listing continues after the row the cursor
// names. Folders come before files in every order.
struct ListCursor {
  bool is_dir = false;
  SqlValue key;  // the sort column's value: text for kName, else integer
  int64_t id = 0;
};

struct ListQuery {
  SortKey sort = SortKey::kName;
  bool descending = false;
  int limit = 100;  // 1..1000
  std::optional<ListCursor> after;
};

struct NewFile {
  int64_t user_id = 0;
  int64_t parent_id = 0;
  std::string name;
  std::string sha256;
  int64_t size = 0;
  // The DFS file just stored with this content, or empty for an instant
  // upload (then the content must already be known).
  std::string file_id;
  int64_t now = 0;
};

struct AddedFile {
  Node node;
  // The content was already stored: `NewFile::file_id` is not referenced
  // and the caller deletes it from the DFS.
  bool deduplicated = false;
};

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

  // --- sessions (token hashes only) ---------------------------------------
  Status AddSession(const std::string& token_hash, int64_t user_id, int64_t now,
                    int64_t expires_at);
  // The session's user; NotFound when unknown or expired.
  // `expires_at` (optional) receives the session's expiry.
  Result<int64_t> FindSession(const std::string& token_hash, int64_t now,
                              int64_t* expires_at = nullptr);
  // The stored hashes of a user's sessions (to drop them from a cache).
  Result<std::vector<std::string>> SessionHashes(int64_t user_id);
  Status DeleteSession(const std::string& token_hash);
  // Ends every session of the user but `keep_hash` (password change).
  Status DeleteOtherSessions(int64_t user_id, const std::string& keep_hash);
  Result<int64_t> DeleteExpiredSessions(int64_t now);

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

  // --- resumable uploads ---------------------------------------------------
  // Records a new upload and charges its whole length to the quota
  // (NoSpace when it does not fit; InvalidArgument/NotFound for a bad
  // parent folder).
  Status CreateUpload(const Upload& u);
  Result<Upload> GetUpload(int64_t user_id, const std::string& id);
  // Takes the upload for `owner` until `until`; Busy while another owner's
  // lease runs.
  Status LeaseUpload(int64_t user_id, const std::string& id,
                     const std::string& owner, int64_t now, int64_t until);
  Status ReleaseUpload(int64_t user_id, const std::string& id,
                       const std::string& owner);
  // Moves the recorded offset from `from` to `to` with the matching hash
  // state; Busy when the upload is not at `from` or not leased by `owner`.
  Status AdvanceUpload(int64_t user_id, const std::string& id,
                       const std::string& owner, int64_t from, int64_t to,
                       const std::string& hash_state, int64_t expires_at);
  // Turns a fully received upload into a file (its quota was charged at
  // creation). When the name is taken in the folder the file is named
  // "name (2).ext", "name (3).ext", ...
  Result<AddedFile> CompleteUpload(int64_t user_id, const std::string& id,
                                   const std::string& owner, NewFile f);
  // Removes the upload. An incomplete one gives its quota back; the caller
  // deletes its DFS file (only when node_id is 0).
  Result<Upload> DeleteUpload(int64_t user_id, const std::string& id);
  // Uploads past their expiry and not leased, oldest first.
  Result<std::vector<Upload>> ExpiredUploads(int64_t now, int limit);
  // Drops every lease: at start-up of the only process using the database.
  Status ClearUploadLeases();

  // --- instant upload challenges -------------------------------------------
  Status AddChallenge(const Challenge& c);
  // Removes and returns the user's challenge: each is answered at most
  // once, right or wrong. NotFound when unknown, used or expired.
  Result<Challenge> TakeChallenge(int64_t user_id, const std::string& id,
                                  int64_t now);
  Status DeleteExpiredChallenges(int64_t now);

  // --- shares
  // ----------------------------------------------------------------- The node
  // must be a file of the user in the tree.
  Status CreateShare(const Share& s);
  Result<std::vector<Share>> ListShares(int64_t user_id);
  Status RevokeShare(int64_t user_id, const std::string& code, int64_t now);
  // A share that is not revoked and whose file is in the tree, with the
  // file and the owner's name; NotFound otherwise. Expiry and the download
  // limit are the caller's to check (or CountShareDownload's).
  Result<Share> GetShare(const std::string& code);
  // Counts one download if the share is live, under its limit and not
  // expired (atomically: a limit is never exceeded). NotFound otherwise.
  Status CountShareDownload(const std::string& code, int64_t now);
  // Public live shares, most downloaded first.
  Result<std::vector<Share>> ShareSquare(int64_t now, int limit);

  Status Audit(int64_t now, int64_t user_id, const std::string& action,
               const std::string& detail);

  SqlPool& pool() { return *pool_; }

  static constexpr int kMaxDepth = 64;

 private:
  explicit Repository(std::unique_ptr<SqlPool> pool) : pool_(std::move(pool)) {}
  Status Migrate();

  std::unique_ptr<SqlPool> pool_;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_REPOSITORY_H_
