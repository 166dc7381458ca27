#include "web/session_store.h"

namespace nimbus::web {

Status SessionStore::Add(const std::string& token_hash, int64_t user_id,
                         int64_t now, int64_t expires_at) {
  return pool_.InTransaction([&](SqlConnection& c) {
    return c
        .Exec(
            "INSERT INTO sessions (token_hash, user_id, created_at, "
            "expires_at) VALUES (?, ?, ?, ?)",
            {token_hash, user_id, now, expires_at})
        .status();
  });
}

Result<int64_t> SessionStore::Find(const std::string& token_hash, int64_t now,
                                   int64_t* expires_at) {
  NIMBUS_LET_OR_RETURN(SqlPool::Lease c, pool_.Take());
  NIMBUS_LET_OR_RETURN(
      auto rows, c->Query("SELECT user_id, expires_at FROM sessions WHERE "
                          "token_hash = ? AND expires_at > ?",
                          {token_hash, now}));
  if (rows.empty()) return Status::NotFound("no such session");
  if (expires_at) *expires_at = SqlInt(rows[0][1]);
  return SqlInt(rows[0][0]);
}

Result<std::vector<std::string>> SessionStore::Hashes(int64_t user_id) {
  NIMBUS_LET_OR_RETURN(SqlPool::Lease c, pool_.Take());
  NIMBUS_LET_OR_RETURN(
      auto rows,
      c->Query("SELECT token_hash FROM sessions WHERE user_id = ?", {user_id}));
  std::vector<std::string> out;
  for (const SqlRow& r : rows) out.push_back(SqlText(r[0]));
  return out;
}

Status SessionStore::Delete(const std::string& token_hash) {
  return pool_.InTransaction([&](SqlConnection& c) {
    return c.Exec("DELETE FROM sessions WHERE token_hash = ?", {token_hash})
        .status();
  });
}

Status SessionStore::DeleteOthers(int64_t user_id,
                                  const std::string& keep_hash) {
  return pool_.InTransaction([&](SqlConnection& c) {
    return c
        .Exec("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?",
              {user_id, keep_hash})
        .status();
  });
}

Result<int64_t> SessionStore::DeleteExpired(int64_t now) {
  int64_t n = 0;
  Status s = pool_.InTransaction([&](SqlConnection& c) -> Status {
    NIMBUS_LET_OR_RETURN(
        SqlExecResult r,
        c.Exec("DELETE FROM sessions WHERE expires_at <= ?", {now}));
    n = r.changes;
    return Status::OK();
  });
  if (!s.ok()) return s;
  return n;
}

}  // namespace nimbus::web
