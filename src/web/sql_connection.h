// One connection to a SQL database (SQLite or MySQL/MariaDB), used through
// prepared statements only: values are always bound, never formatted into
// the SQL text. Statements are prepared once per connection and cached by
// their text.
//
// Thread-safety: a connection is used by one thread at a time (SqlPool
// hands it out); it is not safe to share.
#ifndef NIMBUS_WEB_SQL_CONNECTION_H_
#define NIMBUS_WEB_SQL_CONNECTION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace nimbus::web {

// NULL, an integer or text (bytes).
using SqlValue = std::variant<std::nullptr_t, int64_t, std::string>;
using SqlRow = std::vector<SqlValue>;

inline int64_t SqlInt(const SqlValue& v) {
  const int64_t* i = std::get_if<int64_t>(&v);
  return i ? *i : 0;
}
inline std::string SqlText(const SqlValue& v) {
  const std::string* s = std::get_if<std::string>(&v);
  return s ? *s : std::string();
}
inline bool SqlIsNull(const SqlValue& v) {
  return std::holds_alternative<std::nullptr_t>(v);
}

struct SqlExecResult {
  int64_t changes = 0;         // rows inserted, updated or deleted
  int64_t last_insert_id = 0;  // for an INSERT into an auto-increment table
};

// Errors: AlreadyExists for a unique-key violation, Busy for a lock
// timeout or deadlock (the transaction should be retried), Unavailable when
// the server cannot be reached, IOError for the rest.
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  virtual Result<std::vector<SqlRow>> Query(std::string_view sql,
                                            const std::vector<SqlValue>& args,
                                            size_t max_rows = 100000) = 0;
  virtual Result<SqlExecResult> Exec(std::string_view sql,
                                     const std::vector<SqlValue>& args) = 0;
  // Runs a script of several statements without arguments (schema
  // migrations only).
  virtual Status ExecScript(const std::string& script) = 0;

  // A write transaction: takes the write lock up front where the database
  // has one (SQLite BEGIN IMMEDIATE), so two writers never deadlock on an
  // upgrade.
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;

  // "sqlite" or "mysql": selects the schema directory.
  virtual std::string_view Dialect() const = 0;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_SQL_CONNECTION_H_
