#include "web/share_store.h"

#include <algorithm>
#include <string>

#include "web/node_rows.h"

namespace nimbus::web {

namespace {

constexpr char kShareColumns[] =
    "SELECT s.code, s.user_id, s.node_id, s.pass_hash, s.is_public, "
    "s.created_at, s.expires_at, s.max_downloads, s.downloads, s.revoked_at, "
    "u.name FROM shares s JOIN users u ON u.id = s.user_id ";

Share ToShare(const SqlRow& r) {
  Share s;
  s.code = SqlText(r[0]);
  s.user_id = SqlInt(r[1]);
  s.node_id = SqlInt(r[2]);
  s.pass_hash = SqlText(r[3]);
  s.is_public = SqlInt(r[4]) != 0;
  s.created_at = SqlInt(r[5]);
  s.expires_at = SqlInt(r[6]);
  s.max_downloads = SqlInt(r[7]);
  s.downloads = SqlInt(r[8]);
  s.revoked_at = SqlInt(r[9]);
  s.owner = SqlText(r[10]);
  return s;
}

}  // namespace

Status ShareStore::Create(const Share& sh) {
  return pool_.InTransaction([&](SqlConnection& c) -> Status {
    NIMBUS_LET_OR_RETURN(Node n, LoadLiveNode(c, sh.user_id, sh.node_id));
    if (n.is_dir) {
      return Status::InvalidArgument("only files can be shared");
    }
    return c
        .Exec(
            "INSERT INTO shares (code, user_id, node_id, pass_hash, "
            "is_public, created_at, expires_at, max_downloads, downloads) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
            {sh.code, sh.user_id, sh.node_id,
             sh.pass_hash.empty() ? SqlValue(nullptr) : SqlValue(sh.pass_hash),
             int64_t{sh.is_public ? 1 : 0}, sh.created_at, sh.expires_at,
             sh.max_downloads})
        .status();
  });
}

Result<std::vector<Share>> ShareStore::List(int64_t user_id) {
  NIMBUS_LET_OR_RETURN(SqlPool::Lease c, pool_.Take());
  NIMBUS_LET_OR_RETURN(
      auto rows, c->Query(std::string(kShareColumns) +
                              "WHERE s.user_id = ? AND s.revoked_at IS NULL "
                              "ORDER BY s.created_at DESC, s.code",
                          {user_id}));
  std::vector<Share> out;
  for (const SqlRow& r : rows) {
    Share s = ToShare(r);
    Result<Node> n = LoadNode(*c, user_id, s.node_id);
    if (n.ok()) s.node = *n;
    out.push_back(std::move(s));
  }
  return out;
}

Status ShareStore::Revoke(int64_t user_id, const std::string& code,
                          int64_t now) {
  return pool_.InTransaction([&](SqlConnection& c) -> Status {
    NIMBUS_LET_OR_RETURN(
        SqlExecResult r,
        c.Exec("UPDATE shares SET revoked_at = ? WHERE code = ? AND user_id "
               "= ? AND revoked_at IS NULL",
               {now, code, user_id}));
    if (r.changes != 1) return Status::NotFound("no such share");
    return Status::OK();
  });
}

Result<Share> ShareStore::Get(const std::string& code) {
  NIMBUS_LET_OR_RETURN(SqlPool::Lease c, pool_.Take());
  NIMBUS_LET_OR_RETURN(auto rows,
                       c->Query(std::string(kShareColumns) +
                                    "WHERE s.code = ? AND s.revoked_at IS NULL",
                                {code}));
  if (rows.empty()) return Status::NotFound("no such share");
  Share s = ToShare(rows[0]);
  Result<Node> n = LoadLiveNode(*c, s.user_id, s.node_id);
  if (!n.ok()) return Status::NotFound("the shared file is gone");
  s.node = *n;
  return s;
}

Status ShareStore::CountDownload(const std::string& code, int64_t now) {
  return pool_.InTransaction([&](SqlConnection& c) -> Status {
    NIMBUS_LET_OR_RETURN(
        SqlExecResult r,
        c.Exec("UPDATE shares SET downloads = downloads + 1 WHERE code = ? "
               "AND revoked_at IS NULL AND (expires_at = 0 OR expires_at > "
               "?) AND (max_downloads = 0 OR downloads < max_downloads)",
               {code, now}));
    if (r.changes != 1) {
      return Status::NotFound("the share expired or reached its limit");
    }
    return Status::OK();
  });
}

Result<std::vector<Share>> ShareStore::Square(int64_t now, int limit) {
  NIMBUS_LET_OR_RETURN(SqlPool::Lease c, pool_.Take());
  NIMBUS_LET_OR_RETURN(
      auto rows,
      c->Query(std::string(kShareColumns) +
                   "WHERE s.is_public = 1 AND s.revoked_at IS NULL AND "
                   "(s.expires_at = 0 OR s.expires_at > ?) AND "
                   "(s.max_downloads = 0 OR s.downloads < s.max_downloads) "
                   "ORDER BY s.downloads DESC, s.created_at DESC LIMIT ?",
               {now, int64_t{std::clamp(limit, 1, 1000)}}));
  std::vector<Share> out;
  for (const SqlRow& r : rows) {
    Share s = ToShare(r);
    Result<Node> n = LoadLiveNode(*c, s.user_id, s.node_id);
    if (!n.ok()) continue;  // file gone from the tree
    s.node = *n;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace nimbus::web
