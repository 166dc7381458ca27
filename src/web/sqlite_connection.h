// SqlConnection over SQLite 3, the embedded default for one box.
//
// The database runs in WAL mode with a busy timeout, so several
// connections (one per worker, from SqlPool) read concurrently while one
// writes.
#ifndef NIMBUS_WEB_SQLITE_CONNECTION_H_
#define NIMBUS_WEB_SQLITE_CONNECTION_H_

#include <map>
#include <memory>
#include <string>

#include "web/sql_connection.h"

struct sqlite3;
struct sqlite3_stmt;

namespace nimbus::web {

class SqliteConnection : public SqlConnection {
 public:
  // Opens (creating if needed) the database file at `path`.
  static Result<std::unique_ptr<SqlConnection>> Open(const std::string& path);
  ~SqliteConnection() override;

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& args,
                                    size_t max_rows) override;
  Result<SqlExecResult> Exec(std::string_view sql,
                             const std::vector<SqlValue>& args) override;
  Status ExecScript(const std::string& script) override;
  Status Begin() override;
  Status Commit() override;
  void Rollback() override;
  std::string_view Dialect() const override { return "sqlite"; }

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  Result<sqlite3_stmt*> Prepare(std::string_view sql,
                                const std::vector<SqlValue>& args);
  Status Error(int rc, std::string_view what) const;

  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_SQLITE_CONNECTION_H_
