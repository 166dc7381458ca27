#include "web/repository.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>

#include "web/node_rows.h"
#include "web/schema_sql.h"
#include "web/tree_sql.h"

namespace nimbus::web {
namespace {

User ToUser(const SqlRow& r) {
  User u;
  u.id = SqlInt(r[0]);
  u.name = SqlText(r[1]);
  u.pass_hash = SqlText(r[2]);
  u.quota_bytes = SqlInt(r[3]);
  u.used_bytes = SqlInt(r[4]);
  u.created_at = SqlInt(r[5]);
  return u;
}

constexpr char kUserColumns[] =
    "SELECT id, name, pass_hash, quota_bytes, used_bytes, created_at FROM "
    "users ";

// Every node under `root` (inclusive), parents before children.
Result<std::vector<Node>> Subtree(SqlConnection& c, const Node& root) {
  std::vector<Node> out{root};
  std::deque<std::pair<int64_t, int>> dirs;
  if (root.is_dir) dirs.emplace_back(root.id, 1);
  while (!dirs.empty()) {
    auto [dir, depth] = dirs.front();
    dirs.pop_front();
    if (depth > kMaxFolderDepth) {
      return Status::Corruption("folder tree too deep");
    }
    NIMBUS_LET_OR_RETURN(
        auto rows,
        c.Query(std::string(kNodeColumns) +
                    "WHERE n.user_id = ? AND n.parent_id = ? ORDER BY n.id",
                {root.user_id, dir}));
    for (const SqlRow& r : rows) {
      out.push_back(ToNode(r));
      if (out.back().is_dir) dirs.emplace_back(out.back().id, depth + 1);
    }
  }
  return out;
}

// Purges a trashed subtree inside the caller's transaction.
Result<int64_t> PurgeIn(SqlConnection& c, int64_t user_id, int64_t id) {
  NIMBUS_LET_OR_RETURN(Node n, LoadNode(c, user_id, id));
  if (n.trashed_at == 0) {
    return Status::InvalidArgument("only items in the trash can be purged");
  }
  NIMBUS_LET_OR_RETURN(std::vector<Node> all, Subtree(c, n));
  int64_t bytes = 0;
  // Children first, so a parent row never disappears under a child.
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (!it->is_dir) {
      bytes += it->size;
      Status s = AddBlobRef(c, it->blob_id, -1);
      if (!s.ok()) return s;
    }
    Status s = c.Exec("DELETE FROM nodes WHERE id = ? AND user_id = ?",
                      {it->id, user_id})
                   .status();
    if (!s.ok()) return s;
  }
  Status s = ReleaseQuota(c, user_id, bytes);
  if (!s.ok()) return s;
  return bytes;
}

std::string_view SortColumn(SortKey k) {
  switch (k) {
    case SortKey::kSize:
      return "n.size";
    case SortKey::kTime:
      return "n.updated_at";
    case SortKey::kDownloads:
      return "n.downloads";
    case SortKey::kName:
      break;
  }
  return "n.name";
}

}  // namespace

Result<std::unique_ptr<Repository>> Repository::Open(
    std::unique_ptr<SqlPool> pool) {
  std::unique_ptr<Repository> r(new Repository(std::move(pool)));
  Status s = r->Migrate();
  if (!s.ok()) return s;
  return r;
}

Status Repository::Migrate() {
  NIMBUS_LET_OR_RETURN(SqlPool::Lease c, pool_->Take());
  const std::vector<Migration>& migrations =
      c->Dialect() == "mysql" ? MysqlMigrations() : SqliteMigrations();
  Status s = c->ExecScript(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT "
      "NULL PRIMARY KEY, applied_at BIGINT NOT NULL)");
  if (!s.ok()) return s;
  for (const Migration& m : migrations) {
    NIMBUS_LET_OR_RETURN(
        auto rows,
        c->Query("SELECT version FROM schema_migrations WHERE version = ?",
                 {int64_t{m.version}}));
    if (!rows.empty()) continue;
    s = c->Begin();
    if (s.ok()) s = c->ExecScript(m.sql);
    if (s.ok()) {
      s = c->Exec(
               "INSERT INTO schema_migrations (version, applied_at) "
               "VALUES (?, ?)",
               {int64_t{m.version}, int64_t{::time(nullptr)}})
              .status();
    }
    if (s.ok()) s = c->Commit();
    if (!s.ok()) {
      c->Rollback();
      return Status::IOError(
          fmt::format("schema migration {}: {}", m.version, s.ToString()));
    }
  }
  return Status::OK();
}

// --- users ------------------------------------------------------------------

Result<User> Repository::CreateUser(const std::string& name,
                                    const std::string& hash,
                                    int64_t quota_bytes, int64_t now) {
  User u;
  Status s = pool_->InTransaction([&](SqlConnection& c) -> Status {
    NIMBUS_LET_OR_RETURN(
        SqlExecResult r,
        c.Exec("INSERT INTO users (name, pass_hash, quota_bytes, used_bytes, "
               "created_at) VALUES (?, ?, ?, 0, ?)",
               {name, hash, quota_bytes, now}));
    u = User{r.last_insert_id, name, hash, quota_bytes, 0, now};
    return Status::OK();
  });
  if (s.code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists("that user name is taken");
  }
  if (!s.ok()) return s;
  return u;
}

Result<User> Repository::FindUser(const std::string& name) {
  NIMBUS_LET_OR_RETURN(SqlPool::Lease c, pool_->Take());
  NIMBUS_LET_OR_RETURN(
      auto rows,
      c->Query(std::string(kUserColumns) + "WHERE name = ?", {name}));
  if (rows.empty()) return Status::NotFound("no such user");
  return ToUser(rows[0]);
}

Result<User> Repository::GetUser(int64_t id) {
  NIMBUS_LET_OR_RETURN(SqlPool::Lease c, pool_->Take());
  NIMBUS_LET_OR_RETURN(
      auto rows, c->Query(std::string(kUserColumns) + "WHERE id = ?", {id}));
  if (rows.empty()) return Status::NotFound("no such user");
  return ToUser(rows[0]);
}

Status Repository::SetPasswordHash(int64_t user_id, const std::string& hash) {
  return pool_->InTransaction([&](SqlConnection& c) {
    return c
        .Exec("UPDATE users SET pass_hash = ? WHERE id = ?", {hash, user_id})
        .status();
  });
}

// --- the tree ---------------------------------------------------------------

Result<Node> Repository::GetNode(int64_t user_id, int64_t id) {
  NIMBUS_LET_OR_RETURN(SqlPool::Lease c, pool_->Take());
  return LoadNode(*c, user_id, id);
}

Result<Node> Repository::GetLiveNode(int64_t user_id, int64_t id) {
  NIMBUS_LET_OR_RETURN(SqlPool::Lease c, pool_->Take());
  return LoadLiveNode(*c, user_id, id);
}

Result<Node> Repository::CreateFolder(int64_t user_id, int64_t parent_id,
                                      const std::string& name, int64_t now) {
  Node n;
  Status s = pool_->InTransaction([&](SqlConnection& c) -> Status {
    NIMBUS_LET_OR_RETURN(int depth, CheckFolder(c, user_id, parent_id));
    if (depth >= kMaxFolderDepth) {
      return Status::InvalidArgument("folders are nested too deep");
    }
    NIMBUS_LET_OR_RETURN(
        SqlExecResult r,
        c.Exec("INSERT INTO nodes (user_id, parent_id, name, live_name, "
               "is_dir, size, downloads, created_at, updated_at) VALUES (?, "
               "?, ?, ?, 1, 0, 0, ?, ?)",
               {user_id, parent_id, name, name, now, now}));
    NIMBUS_ASSIGN_OR_RETURN(n, LoadNode(c, user_id, r.last_insert_id));
    return Status::OK();
  });
  if (s.code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists("an item with that name exists here");
  }
  if (!s.ok()) return s;
  return n;
}

Result<std::vector<Node>> Repository::ListChildren(int64_t user_id,
                                                   int64_t parent_id,
                                                   const ListQuery& q) {
  NIMBUS_LET_OR_RETURN(SqlPool::Lease c, pool_->Take());
  NIMBUS_LET_OR_RETURN(int depth, CheckFolder(*c, user_id, parent_id));
  (void)depth;
  // Only fixed fragments are spliced into the text; values are bound.
  std::string_view col = SortColumn(q.sort);
  std::string_view cmp = q.descending ? "<" : ">";
  std::string_view dir = q.descending ? "DESC" : "ASC";
  std::string sql = std::string(kNodeColumns) +
                    "WHERE n.user_id = ? AND n.parent_id = ? AND "
                    "n.trashed_at IS NULL ";
  std::vector<SqlValue> args{user_id, parent_id};
  if (q.after) {
    // (is_dir DESC, col dir, id dir) strictly after the cursor.
    sql += fmt::format(
        "AND (n.is_dir < ? OR (n.is_dir = ? AND ({0} {1} ? OR ({0} = ? AND "
        "n.id {1} ?)))) ",
        col, cmp);
    int64_t d = q.after->is_dir ? 1 : 0;
    args.insert(args.end(), {d, d, q.after->key, q.after->key, q.after->id});
  }
  sql += fmt::format("ORDER BY n.is_dir DESC, {0} {1}, n.id {1} LIMIT ?", col,
                     dir);
  args.emplace_back(int64_t{std::clamp(q.limit, 1, 1000)});
  NIMBUS_LET_OR_RETURN(auto rows, c->Query(sql, args));
  std::vector<Node> out;
  out.reserve(rows.size());
  for (const SqlRow& r : rows) out.push_back(ToNode(r));
  return out;
}

Result<std::vector<Node>> Repository::Search(int64_t user_id,
                                             const std::string& needle,
                                             int limit) {
  NIMBUS_LET_OR_RETURN(SqlPool::Lease c, pool_->Take());
  // instr() and LOCATE() differ between the dialects; a LIKE pattern with
  // the wildcards escaped works on both.
  std::string pattern = "%";
  for (char ch : needle) {
    if (ch == '%' || ch == '_' || ch == '!') pattern += '!';
    pattern += ch;
  }
  pattern += '%';
  NIMBUS_LET_OR_RETURN(
      auto rows,
      c->Query(std::string(kNodeColumns) +
                   "WHERE n.user_id = ? AND LOWER(n.live_name) LIKE LOWER(?) "
                   "ESCAPE '!' "
                   "ORDER BY n.name, n.id LIMIT ?",
               {user_id, pattern, int64_t{std::clamp(limit, 1, 1000)}}));
  std::vector<Node> out;
  for (const SqlRow& r : rows) {
    Node n = ToNode(r);
    // A match inside a trashed folder is not in the tree.
    if (LoadLiveNode(*c, user_id, n.id).ok()) out.push_back(std::move(n));
  }
  return out;
}

Status Repository::Rename(int64_t user_id, int64_t id, const std::string& name,
                          int64_t now) {
  Status s = pool_->InTransaction([&](SqlConnection& c) -> Status {
    NIMBUS_LET_OR_RETURN(Node n, LoadLiveNode(c, user_id, id));
    (void)n;
    return c
        .Exec(
            "UPDATE nodes SET name = ?, live_name = ?, updated_at = ? "
            "WHERE id = ? AND user_id = ?",
            {name, name, now, id, user_id})
        .status();
  });
  if (s.code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists("an item with that name exists here");
  }
  return s;
}

Status Repository::Move(int64_t user_id, int64_t id, int64_t new_parent,
                        int64_t now) {
  Status s = pool_->InTransaction([&](SqlConnection& c) -> Status {
    NIMBUS_LET_OR_RETURN(Node n, LoadLiveNode(c, user_id, id));
    NIMBUS_LET_OR_RETURN(int depth, CheckFolder(c, user_id, new_parent));
    // The destination must not be the node or lie inside it.
    for (int64_t cur = new_parent; cur != 0;) {
      if (cur == id) {
        return Status::InvalidArgument("cannot move a folder into itself");
      }
      NIMBUS_LET_OR_RETURN(Node p, LoadNode(c, user_id, cur));
      cur = p.parent_id;
    }
    if (n.is_dir) {
      NIMBUS_LET_OR_RETURN(std::vector<Node> sub, Subtree(c, n));
      (void)sub;  // Subtree fails when the result would be too deep.
    }
    if (depth >= kMaxFolderDepth) {
      return Status::InvalidArgument("folders are nested too deep");
    }
    return c
        .Exec(
            "UPDATE nodes SET parent_id = ?, updated_at = ? WHERE id = ? "
            "AND user_id = ?",
            {new_parent, now, id, user_id})
        .status();
  });
  if (s.code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists("an item with that name exists there");
  }
  return s;
}

Result<Node> Repository::Copy(int64_t user_id, int64_t id, int64_t new_parent,
                              int64_t now) {
  Node result;
  Status s = pool_->InTransaction([&](SqlConnection& c) -> Status {
    NIMBUS_LET_OR_RETURN(Node n, LoadLiveNode(c, user_id, id));
    NIMBUS_LET_OR_RETURN(int depth, CheckFolder(c, user_id, new_parent));
    for (int64_t cur = new_parent; cur != 0;) {
      if (cur == id) {
        return Status::InvalidArgument("cannot copy a folder into itself");
      }
      NIMBUS_LET_OR_RETURN(Node p, LoadNode(c, user_id, cur));
      cur = p.parent_id;
    }
    (void)depth;
    NIMBUS_LET_OR_RETURN(std::vector<Node> all, Subtree(c, n));
    int64_t bytes = 0;
    for (const Node& x : all) bytes += x.is_dir ? 0 : x.size;
    Status q = ChargeQuota(c, user_id, bytes);
    if (!q.ok()) return q;
    std::map<int64_t, int64_t> new_id;  // old node id -> copy's id
    new_id[n.parent_id] = new_parent;
    for (const Node& x : all) {
      if (x.trashed_at != 0 && x.id != n.id) continue;  // trashed inside
      auto parent = new_id.find(x.parent_id);
      if (parent == new_id.end()) continue;  // under a trashed folder
      if (!x.is_dir) {
        Status b = AddBlobRef(c, x.blob_id, 1);
        if (!b.ok()) return b;
      }
      SqlValue blob = x.is_dir ? SqlValue(nullptr) : SqlValue(x.blob_id);
      NIMBUS_LET_OR_RETURN(
          SqlExecResult r,
          c.Exec("INSERT INTO nodes (user_id, parent_id, name, live_name, "
                 "is_dir, blob_id, size, downloads, created_at, updated_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
                 {user_id, parent->second, x.name, x.name,
                  int64_t{x.is_dir ? 1 : 0}, blob, x.size, now, now}));
      new_id[x.id] = r.last_insert_id;
    }
    // Trashed children were skipped: give their quota back.
    int64_t copied = 0;
    for (const Node& x : all) {
      if (!x.is_dir && new_id.count(x.id)) copied += x.size;
    }
    if (copied != bytes) {
      Status r = ReleaseQuota(c, user_id, bytes - copied);
      if (!r.ok()) return r;
    }
    NIMBUS_ASSIGN_OR_RETURN(result, LoadNode(c, user_id, new_id[n.id]));
    return Status::OK();
  });
  if (s.code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists("an item with that name exists there");
  }
  if (!s.ok()) return s;
  return result;
}

Status Repository::Trash(int64_t user_id, int64_t id, int64_t now) {
  return pool_->InTransaction([&](SqlConnection& c) -> Status {
    NIMBUS_LET_OR_RETURN(Node n, LoadLiveNode(c, user_id, id));
    (void)n;
    return c
        .Exec(
            "UPDATE nodes SET trashed_at = ?, live_name = NULL WHERE id = "
            "? AND user_id = ?",
            {now, id, user_id})
        .status();
  });
}

Status Repository::Restore(int64_t user_id, int64_t id, int64_t now) {
  Status s = pool_->InTransaction([&](SqlConnection& c) -> Status {
    NIMBUS_LET_OR_RETURN(Node n, LoadNode(c, user_id, id));
    if (n.trashed_at == 0) return Status::InvalidArgument("not in the trash");
    int64_t parent = n.parent_id;
    if (!CheckFolder(c, user_id, parent).ok()) parent = 0;
    return c
        .Exec(
            "UPDATE nodes SET trashed_at = NULL, live_name = name, "
            "parent_id = ?, updated_at = ? WHERE id = ? AND user_id = ?",
            {parent, now, id, user_id})
        .status();
  });
  if (s.code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists(
        "an item with that name exists where it was; rename it first");
  }
  return s;
}

Result<std::vector<Node>> Repository::ListTrash(int64_t user_id) {
  NIMBUS_LET_OR_RETURN(SqlPool::Lease c, pool_->Take());
  NIMBUS_LET_OR_RETURN(
      auto rows, c->Query(std::string(kNodeColumns) +
                              "WHERE n.user_id = ? AND n.trashed_at IS NOT "
                              "NULL ORDER BY n.trashed_at DESC, n.id DESC",
                          {user_id}));
  std::vector<Node> out;
  for (const SqlRow& r : rows) out.push_back(ToNode(r));
  return out;
}

Result<int64_t> Repository::Purge(int64_t user_id, int64_t id) {
  int64_t bytes = 0;
  Status s = pool_->InTransaction([&](SqlConnection& c) -> Status {
    NIMBUS_ASSIGN_OR_RETURN(bytes, PurgeIn(c, user_id, id));
    return Status::OK();
  });
  if (!s.ok()) return s;
  return bytes;
}

Result<int64_t> Repository::EmptyTrash(int64_t user_id) {
  NIMBUS_LET_OR_RETURN(std::vector<Node> roots, ListTrash(user_id));
  int64_t total = 0;
  for (const Node& n : roots) {
    Result<int64_t> r = Purge(user_id, n.id);
    // Already gone with a trashed ancestor purged just before.
    if (!r.ok() && r.status().IsNotFound()) continue;
    if (!r.ok()) return r.status();
    total += *r;
  }
  return total;
}

// --- files and blobs
// ----------------------------------------------------------

namespace {}  // namespace

Result<AddedFile> Repository::AddFile(const NewFile& f) {
  AddedFile out;
  Status s = pool_->InTransaction(
      [&](SqlConnection& c) { return AddFileIn(c, f, true, &out); });
  if (s.code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists("an item with that name exists here");
  }
  if (!s.ok()) return s;
  return out;
}

Status Repository::AddChallenge(const Challenge& ch) {
  return pool_->InTransaction([&](SqlConnection& c) {
    return c
        .Exec(
            "INSERT INTO challenges (id, user_id, sha256, size, parent_id, "
            "name, expected, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            {ch.id, ch.user_id, ch.sha256, ch.size, ch.parent_id, ch.name,
             ch.expected, ch.expires_at})
        .status();
  });
}

Result<Challenge> Repository::TakeChallenge(int64_t user_id,
                                            const std::string& id,
                                            int64_t now) {
  Challenge ch;
  Status s = pool_->InTransaction([&](SqlConnection& c) -> Status {
    NIMBUS_LET_OR_RETURN(
        auto rows,
        c.Query("SELECT id, user_id, sha256, size, parent_id, name, "
                "expected, expires_at FROM challenges WHERE id = ? AND "
                "user_id = ?",
                {id, user_id}));
    if (rows.empty()) return Status::NotFound("no such challenge");
    // Deleting is what makes it single-use: of two concurrent answers only
    // the one whose DELETE removed the row goes on.
    NIMBUS_LET_OR_RETURN(
        SqlExecResult r,
        c.Exec("DELETE FROM challenges WHERE id = ? AND user_id = ?",
               {id, user_id}));
    if (r.changes != 1) return Status::NotFound("no such challenge");
    const SqlRow& row = rows[0];
    ch = Challenge{SqlText(row[0]), SqlInt(row[1]), SqlText(row[2]),
                   SqlInt(row[3]),  SqlInt(row[4]), SqlText(row[5]),
                   SqlText(row[6]), SqlInt(row[7])};
    return Status::OK();
  });
  if (!s.ok()) return s;
  if (ch.expires_at <= now) return Status::NotFound("the challenge expired");
  return ch;
}

Status Repository::DeleteExpiredChallenges(int64_t now) {
  return pool_->InTransaction([&](SqlConnection& c) {
    return c.Exec("DELETE FROM challenges WHERE expires_at <= ?", {now})
        .status();
  });
}

Result<Blob> Repository::FindBlob(const std::string& sha256) {
  NIMBUS_LET_OR_RETURN(SqlPool::Lease c, pool_->Take());
  NIMBUS_LET_OR_RETURN(
      auto rows, c->Query("SELECT id, sha256, file_id, size, refcount FROM "
                          "blobs WHERE sha256 = ?",
                          {sha256}));
  if (rows.empty()) return Status::NotFound("unknown content");
  return Blob{SqlInt(rows[0][0]), SqlText(rows[0][1]), SqlText(rows[0][2]),
              SqlInt(rows[0][3]), SqlInt(rows[0][4])};
}

Status Repository::CountDownload(int64_t user_id, int64_t id) {
  return pool_->InTransaction([&](SqlConnection& c) {
    return c
        .Exec(
            "UPDATE nodes SET downloads = downloads + 1 WHERE id = ? AND "
            "user_id = ?",
            {id, user_id})
        .status();
  });
}

Result<std::vector<Blob>> Repository::OrphanBlobs(int limit) {
  NIMBUS_LET_OR_RETURN(SqlPool::Lease c, pool_->Take());
  NIMBUS_LET_OR_RETURN(
      auto rows, c->Query("SELECT id, sha256, file_id, size, refcount FROM "
                          "blobs WHERE refcount <= 0 ORDER BY id LIMIT ?",
                          {int64_t{limit}}));
  std::vector<Blob> out;
  for (const SqlRow& r : rows) {
    out.push_back(Blob{SqlInt(r[0]), SqlText(r[1]), SqlText(r[2]), SqlInt(r[3]),
                       SqlInt(r[4])});
  }
  return out;
}

Result<bool> Repository::DeleteBlobIfOrphan(int64_t blob_id) {
  bool removed = false;
  Status s = pool_->InTransaction([&](SqlConnection& c) -> Status {
    NIMBUS_LET_OR_RETURN(
        SqlExecResult r,
        c.Exec("DELETE FROM blobs WHERE id = ? AND refcount <= 0", {blob_id}));
    removed = r.changes == 1;
    return Status::OK();
  });
  if (!s.ok()) return s;
  return removed;
}

Status Repository::Audit(int64_t now, int64_t user_id,
                         const std::string& action, const std::string& detail) {
  return pool_->InTransaction([&](SqlConnection& c) {
    return c
        .Exec(
            "INSERT INTO audit_log (at, user_id, action, detail) VALUES (?, "
            "?, ?, ?)",
            {now, user_id ? SqlValue(user_id) : SqlValue(nullptr), action,
             detail})
        .status();
  });
}

}  // namespace nimbus::web
