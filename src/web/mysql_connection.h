// SqlConnection over MySQL / MariaDB (libmariadb), for production.
//
// Every statement is a server-side prepared statement (mysql_stmt_*),
// cached per connection. Sessions run at READ COMMITTED (fewer gap locks,
// so fewer deadlocks; the repository's checks are conditional UPDATEs
// that read the latest committed rows anyway) with utf8mb4.
#ifndef NIMBUS_WEB_MYSQL_CONNECTION_H_
#define NIMBUS_WEB_MYSQL_CONNECTION_H_

#include <map>
#include <memory>
#include <string>

#include "web/sql_connection.h"

struct st_mysql;
struct st_mysql_stmt;

namespace nimbus::web {

// mysql://user:password@host:port/database[?socket=/path]
struct MysqlUrl {
  std::string user;
  std::string password;
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string database;
  std::string socket;

  static Result<MysqlUrl> Parse(std::string_view url);
};

class MysqlConnection : public SqlConnection {
 public:
  static Result<std::unique_ptr<SqlConnection>> Open(const MysqlUrl& url);
  ~MysqlConnection() override;

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& args,
                                    size_t max_rows) override;
  Result<SqlExecResult> Exec(std::string_view sql,
                             const std::vector<SqlValue>& args) override;
  Status ExecScript(const std::string& script) override;
  Status Begin() override;
  Status Commit() override;
  void Rollback() override;
  std::string_view Dialect() const override { return "mysql"; }

 private:
  explicit MysqlConnection(st_mysql* db) : db_(db) {}
  Result<st_mysql_stmt*> Run(std::string_view sql,
                             const std::vector<SqlValue>& args);
  Status Error(unsigned err, const char* msg, std::string_view what) const;
  Status Simple(const std::string& sql);

  st_mysql* db_;
  std::map<std::string, st_mysql_stmt*, std::less<>> cache_;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_MYSQL_CONNECTION_H_
