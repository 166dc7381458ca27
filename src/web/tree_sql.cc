#include "web/tree_sql.h"

#include "web/node_rows.h"

namespace nimbus::web {

Result<int> CheckFolder(SqlConnection& c, int64_t user_id, int64_t id) {
  if (id == 0) return 0;
  NIMBUS_LET_OR_RETURN(Node n, LoadNode(c, user_id, id));
  if (!n.is_dir) return Status::InvalidArgument("not a folder");
  int depth = 1;
  for (Node cur = n;; ++depth) {
    if (cur.trashed_at != 0) {
      return Status::NotFound("the folder is in the trash");
    }
    if (cur.parent_id == 0) return depth;
    if (depth > kMaxFolderDepth) {
      return Status::Corruption("folder tree too deep");
    }
    NIMBUS_ASSIGN_OR_RETURN(cur, LoadNode(c, user_id, cur.parent_id));
  }
}

Status ChargeQuota(SqlConnection& c, int64_t user_id, int64_t bytes) {
  NIMBUS_LET_OR_RETURN(
      SqlExecResult r,
      c.Exec("UPDATE users SET used_bytes = used_bytes + ? WHERE id = ? AND "
             "used_bytes + ? <= quota_bytes",
             {bytes, user_id, bytes}));
  if (r.changes != 1) return Status::NoSpace("quota exceeded");
  return Status::OK();
}

Status ReleaseQuota(SqlConnection& c, int64_t user_id, int64_t bytes) {
  return c
      .Exec("UPDATE users SET used_bytes = used_bytes - ? WHERE id = ?",
            {bytes, user_id})
      .status();
}

Status AddBlobRef(SqlConnection& c, int64_t blob_id, int64_t n) {
  NIMBUS_LET_OR_RETURN(
      SqlExecResult r,
      c.Exec("UPDATE blobs SET refcount = refcount + ? WHERE id = ?",
             {n, blob_id}));
  if (r.changes != 1) return Status::Corruption("blob row missing");
  return Status::OK();
}

Status AddFileIn(SqlConnection& c, const NewFile& f, bool charge_quota,
                 AddedFile* out) {
  *out = AddedFile{};
  NIMBUS_LET_OR_RETURN(int depth, CheckFolder(c, f.user_id, f.parent_id));
  (void)depth;
  if (charge_quota) {
    Status q = ChargeQuota(c, f.user_id, f.size);
    if (!q.ok()) return q;
  }
  int64_t blob_id = 0;
  NIMBUS_LET_OR_RETURN(
      auto rows,
      c.Query("SELECT id, size FROM blobs WHERE sha256 = ?", {f.sha256}));
  if (!rows.empty()) {
    if (SqlInt(rows[0][1]) != f.size) {
      return Status::Corruption(
          "stored content with this SHA-256 differs in size");
    }
    blob_id = SqlInt(rows[0][0]);
    Status b = AddBlobRef(c, blob_id, 1);
    if (!b.ok()) return b;
    out->deduplicated = !f.file_id.empty();
  } else {
    if (f.file_id.empty()) return Status::NotFound("unknown content");
    // Two uploads of new content racing: the second INSERT hits the unique
    // key; Busy makes InTransaction run the body again, and it then takes
    // the branch above.
    Result<SqlExecResult> r = c.Exec(
        "INSERT INTO blobs (sha256, file_id, size, refcount, "
        "created_at) VALUES (?, ?, ?, 1, ?)",
        {f.sha256, f.file_id, f.size, f.now});
    if (!r.ok() && r.status().code() == Status::Code::kAlreadyExists) {
      return Status::Busy("the same content was stored concurrently");
    }
    if (!r.ok()) return r.status();
    blob_id = r->last_insert_id;
  }
  NIMBUS_LET_OR_RETURN(
      SqlExecResult r,
      c.Exec("INSERT INTO nodes (user_id, parent_id, name, live_name, "
             "is_dir, blob_id, size, downloads, created_at, updated_at) "
             "VALUES (?, ?, ?, ?, 0, ?, ?, 0, ?, ?)",
             {f.user_id, f.parent_id, f.name, f.name, blob_id, f.size, f.now,
              f.now}));
  NIMBUS_ASSIGN_OR_RETURN(out->node, LoadNode(c, f.user_id, r.last_insert_id));
  return Status::OK();
}

}  // namespace nimbus::web
