#include "web/sqlite_connection.h"

#include <fmt/format.h>
#include <sqlite3.h>

namespace nimbus::web {

Result<std::unique_ptr<SqlConnection>> SqliteConnection::Open(
    const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::IOError(fmt::format("sqlite open {}: {}", path, msg));
  }
  std::unique_ptr<SqliteConnection> c(new SqliteConnection(db));
  sqlite3_busy_timeout(db, 10000);
  sqlite3_extended_result_codes(db, 1);
  // WAL: readers do not block the writer. synchronous=FULL: a committed
  // transaction survives a power cut (the metadata of acknowledged
  // uploads must not be lost).
  Status s = c->ExecScript(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
      "PRAGMA foreign_keys=ON;");
  if (!s.ok()) return s;
  return std::unique_ptr<SqlConnection>(std::move(c));
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Status SqliteConnection::Error(int rc, std::string_view what) const {
  std::string msg = fmt::format("sqlite {}: {}", what, sqlite3_errmsg(db_));
  int primary = rc & 0xff;
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return Status::AlreadyExists(msg);
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return Status::Busy(msg);
  }
  if (primary == SQLITE_FULL) return Status::NoSpace(msg);
  return Status::IOError(msg);
}

Result<sqlite3_stmt*> SqliteConnection::Prepare(
    std::string_view sql, const std::vector<SqlValue>& args) {
  sqlite3_stmt* stmt = nullptr;
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    stmt = it->second;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  } else {
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return Error(rc, "prepare");
    cache_.emplace(std::string(sql), stmt);
  }
  if (sqlite3_bind_parameter_count(stmt) != static_cast<int>(args.size())) {
    return Status::InvalidArgument(
        fmt::format("sql: {} arguments for {} parameters", args.size(),
                    sqlite3_bind_parameter_count(stmt)));
  }
  for (size_t i = 0; i < args.size(); ++i) {
    int idx = static_cast<int>(i + 1);
    int rc = SQLITE_OK;
    if (const auto* n = std::get_if<int64_t>(&args[i])) {
      rc = sqlite3_bind_int64(stmt, idx, *n);
    } else if (const auto* s = std::get_if<std::string>(&args[i])) {
      rc = sqlite3_bind_text64(stmt, idx, s->data(), s->size(),
                               SQLITE_TRANSIENT, SQLITE_UTF8);
    } else {
      rc = sqlite3_bind_null(stmt, idx);
    }
    if (rc != SQLITE_OK) return Error(rc, "bind");
  }
  return stmt;
}

Result<std::vector<SqlRow>> SqliteConnection::Query(
    std::string_view sql, const std::vector<SqlValue>& args, size_t max_rows) {
  NIMBUS_LET_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, args));
  std::vector<SqlRow> rows;
  for (;;) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      Status s = Error(rc, "step");
      sqlite3_reset(stmt);
      return s;
    }
    if (rows.size() >= max_rows) {
      sqlite3_reset(stmt);
      return Status::IOError("sql: too many rows");
    }
    int n = sqlite3_column_count(stmt);
    SqlRow row;
    row.reserve(n);
    for (int c = 0; c < n; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_NULL:
          row.emplace_back(nullptr);
          break;
        case SQLITE_INTEGER:
          row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
          break;
        default: {
          const auto* p =
              reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          row.emplace_back(
              std::string(p ? p : "", sqlite3_column_bytes(stmt, c)));
        }
      }
    }
    rows.push_back(std::move(row));
  }
  sqlite3_reset(stmt);
  return rows;
}

Result<SqlExecResult> SqliteConnection::Exec(
    std::string_view sql, const std::vector<SqlValue>& args) {
  NIMBUS_LET_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, args));
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) {
    Status s = Error(rc, "exec");
    sqlite3_reset(stmt);
    return s;
  }
  SqlExecResult r;
  r.changes = sqlite3_changes64(db_);
  r.last_insert_id = sqlite3_last_insert_rowid(db_);
  sqlite3_reset(stmt);
  return r;
}

Status SqliteConnection::ExecScript(const std::string& script) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, script.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    if ((rc & 0xff) == SQLITE_BUSY) return Status::Busy(msg);
    return Status::IOError("sqlite: " + msg);
  }
  return Status::OK();
}

Status SqliteConnection::Begin() { return ExecScript("BEGIN IMMEDIATE"); }
Status SqliteConnection::Commit() { return ExecScript("COMMIT"); }
void SqliteConnection::Rollback() {
  if (!sqlite3_get_autocommit(db_)) (void)ExecScript("ROLLBACK");
}

}  // namespace nimbus::web
