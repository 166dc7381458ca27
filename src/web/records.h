// The cloud disk's records as the repositories read and write them.
#ifndef NIMBUS_WEB_RECORDS_H_
#define NIMBUS_WEB_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "web/sql_connection.h"

namespace nimbus::web {

// Folders nest at most this deep below a user's root.
constexpr int kMaxFolderDepth = 64;

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

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_RECORDS_H_
