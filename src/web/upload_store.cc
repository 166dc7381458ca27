#include "web/upload_store.h"

#include <fmt/format.h>

#include <algorithm>

#include "web/tree_sql.h"

namespace nimbus::web {
namespace {

// "a.txt" -> "a (n).txt"; "a" -> "a (n)"; kept within 255 bytes.
std::string NumberedName(const std::string& name, int n) {
  size_t dot = name.rfind('.');
  if (dot == 0 || dot == std::string::npos) dot = name.size();
  std::string suffix = fmt::format(" ({})", n);
  std::string stem = name.substr(0, dot);
  std::string ext = name.substr(dot);
  size_t room = 255 - suffix.size() - std::min<size_t>(ext.size(), 64);
  if (stem.size() > room) {
    stem.resize(room);
    // Do not cut a UTF-8 sequence in half.
    while (!stem.empty() &&
           (static_cast<unsigned char>(stem.back()) & 0xC0) == 0x80) {
      stem.pop_back();
    }
    if (!stem.empty() && static_cast<unsigned char>(stem.back()) >= 0xC0) {
      stem.pop_back();
    }
  }
  if (ext.size() > 64) ext.resize(0);
  return stem + suffix + ext;
}

Upload ToUpload(const SqlRow& r) {
  Upload u;
  u.id = SqlText(r[0]);
  u.user_id = SqlInt(r[1]);
  u.parent_id = SqlInt(r[2]);
  u.name = SqlText(r[3]);
  u.length = SqlInt(r[4]);
  u.offset = SqlInt(r[5]);
  u.file_id = SqlText(r[6]);
  u.hash_state = SqlText(r[7]);
  u.created_at = SqlInt(r[8]);
  u.expires_at = SqlInt(r[9]);
  u.node_id = SqlInt(r[10]);
  u.lease_owner = SqlText(r[11]);
  u.lease_until = SqlInt(r[12]);
  return u;
}

constexpr char kUploadColumns[] =
    "SELECT id, user_id, parent_id, name, length, upload_offset, file_id, "
    "hash_state, created_at, expires_at, node_id, lease_owner, lease_until "
    "FROM uploads ";

}  // namespace

Status UploadStore::Create(const Upload& u) {
  return pool_.InTransaction([&](SqlConnection& c) -> Status {
    NIMBUS_LET_OR_RETURN(int depth, CheckFolder(c, u.user_id, u.parent_id));
    (void)depth;
    Status q = ChargeQuota(c, u.user_id, u.length);
    if (!q.ok()) return q;
    return c
        .Exec(
            "INSERT INTO uploads (id, user_id, parent_id, name, length, "
            "upload_offset, file_id, hash_state, created_at, expires_at, "
            "lease_owner, lease_until) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, "
            "?, '', 0)",
            {u.id, u.user_id, u.parent_id, u.name, u.length, u.file_id,
             u.hash_state, u.created_at, u.expires_at})
        .status();
  });
}

Result<Upload> UploadStore::Get(int64_t user_id, const std::string& id) {
  NIMBUS_LET_OR_RETURN(SqlPool::Lease c, pool_.Take());
  NIMBUS_LET_OR_RETURN(auto rows, c->Query(std::string(kUploadColumns) +
                                               "WHERE id = ? AND user_id = ?",
                                           {id, user_id}));
  if (rows.empty()) return Status::NotFound("no such upload");
  return ToUpload(rows[0]);
}

Status UploadStore::Lease(int64_t user_id, const std::string& id,
                          const std::string& owner, int64_t now,
                          int64_t until) {
  return pool_.InTransaction([&](SqlConnection& c) -> Status {
    NIMBUS_LET_OR_RETURN(
        SqlExecResult r,
        c.Exec("UPDATE uploads SET lease_owner = ?, lease_until = ? WHERE id "
               "= ? AND user_id = ? AND (lease_until < ? OR lease_owner = ?)",
               {owner, until, id, user_id, now, owner}));
    if (r.changes == 1) return Status::OK();
    NIMBUS_LET_OR_RETURN(
        auto rows,
        c.Query("SELECT id FROM uploads WHERE id = ? AND user_id = ?",
                {id, user_id}));
    if (rows.empty()) return Status::NotFound("no such upload");
    return Status::Busy("the upload is being written by another request");
  });
}

Status UploadStore::Release(int64_t user_id, const std::string& id,
                            const std::string& owner) {
  return pool_.InTransaction([&](SqlConnection& c) {
    return c
        .Exec(
            "UPDATE uploads SET lease_owner = '', lease_until = 0 WHERE id "
            "= ? AND user_id = ? AND lease_owner = ?",
            {id, user_id, owner})
        .status();
  });
}

Status UploadStore::Advance(int64_t user_id, const std::string& id,
                            const std::string& owner, int64_t from, int64_t to,
                            const std::string& hash_state, int64_t expires_at) {
  return pool_.InTransaction([&](SqlConnection& c) -> Status {
    NIMBUS_LET_OR_RETURN(
        SqlExecResult r,
        c.Exec("UPDATE uploads SET upload_offset = ?, hash_state = ?, "
               "expires_at = ? WHERE id = ? AND user_id = ? AND "
               "upload_offset = ? AND lease_owner = ? AND node_id IS NULL",
               {to, hash_state, expires_at, id, user_id, from, owner}));
    if (r.changes != 1) return Status::Busy("the upload moved on");
    return Status::OK();
  });
}

Result<AddedFile> UploadStore::Complete(int64_t user_id, const std::string& id,
                                        const std::string& owner, NewFile f) {
  AddedFile out;
  const std::string base = f.name;
  Status s;
  for (int n = 1; n <= 100; ++n) {
    if (n > 1) f.name = NumberedName(base, n);
    s = pool_.InTransaction([&](SqlConnection& c) -> Status {
      NIMBUS_LET_OR_RETURN(
          auto rows,
          c.Query("SELECT upload_offset, length, node_id, lease_owner FROM "
                  "uploads WHERE id = ? AND user_id = ?",
                  {id, user_id}));
      if (rows.empty()) return Status::NotFound("no such upload");
      if (SqlInt(rows[0][0]) != SqlInt(rows[0][1]) || !SqlIsNull(rows[0][2]) ||
          SqlText(rows[0][3]) != owner) {
        return Status::InvalidArgument("the upload is not ready to complete");
      }
      Status a = AddFileIn(c, f, false, &out);
      if (!a.ok()) return a;
      return c
          .Exec("UPDATE uploads SET node_id = ? WHERE id = ? AND user_id = ?",
                {out.node.id, id, user_id})
          .status();
    });
    if (s.code() != Status::Code::kAlreadyExists) break;
  }
  if (!s.ok()) return s;
  return out;
}

Result<Upload> UploadStore::Delete(int64_t user_id, const std::string& id) {
  Upload u;
  Status s = pool_.InTransaction([&](SqlConnection& c) -> Status {
    NIMBUS_LET_OR_RETURN(auto rows, c.Query(std::string(kUploadColumns) +
                                                "WHERE id = ? AND user_id = ?",
                                            {id, user_id}));
    if (rows.empty()) return Status::NotFound("no such upload");
    u = ToUpload(rows[0]);
    Status d = c.Exec("DELETE FROM uploads WHERE id = ? AND user_id = ?",
                      {id, user_id})
                   .status();
    if (!d.ok()) return d;
    if (u.node_id == 0) return ReleaseQuota(c, user_id, u.length);
    return Status::OK();
  });
  if (!s.ok()) return s;
  return u;
}

Result<std::vector<Upload>> UploadStore::Expired(int64_t now, int limit) {
  NIMBUS_LET_OR_RETURN(SqlPool::Lease c, pool_.Take());
  NIMBUS_LET_OR_RETURN(auto rows,
                       c->Query(std::string(kUploadColumns) +
                                    "WHERE expires_at < ? AND lease_until < ? "
                                    "ORDER BY expires_at LIMIT ?",
                                {now, now, int64_t{limit}}));
  std::vector<Upload> out;
  for (const SqlRow& r : rows) out.push_back(ToUpload(r));
  return out;
}

Status UploadStore::ClearLeases() {
  return pool_.InTransaction([&](SqlConnection& c) {
    return c
        .Exec(
            "UPDATE uploads SET lease_owner = '', lease_until = 0 WHERE "
            "lease_until > ?",
            {int64_t{0}})
        .status();
  });
}

}  // namespace nimbus::web
