// SessionStore: the server-side sessions of the cloud disk, by the SHA-256
// of their token (the token itself is never stored). Each method is one
// statement or one transaction. Thread-safety: any thread.
#ifndef NIMBUS_WEB_SESSION_STORE_H_
#define NIMBUS_WEB_SESSION_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "web/sql_pool.h"

namespace nimbus::web {

class SessionStore {
 public:
  explicit SessionStore(SqlPool& pool) : pool_(pool) {}

  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  Status Add(const std::string& token_hash, int64_t user_id, int64_t now,
             int64_t expires_at);
  // The session's user; NotFound when unknown or expired.
  // `expires_at` (optional) receives the session's expiry.
  Result<int64_t> Find(const std::string& token_hash, int64_t now,
                       int64_t* expires_at = nullptr);
  // The stored hashes of a user's sessions (to drop them from a cache).
  Result<std::vector<std::string>> Hashes(int64_t user_id);
  Status Delete(const std::string& token_hash);
  // Ends every session of the user but `keep_hash` (password change).
  Status DeleteOthers(int64_t user_id, const std::string& keep_hash);
  // Removes expired sessions; returns how many.
  Result<int64_t> DeleteExpired(int64_t now);

 private:
  SqlPool& pool_;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_SESSION_STORE_H_
