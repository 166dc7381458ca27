#include "web/mysql_connection.h"

#include <errmsg.h>
#include <fmt/format.h>
#include <mysql.h>
#include <mysqld_error.h>

#include <charconv>
#include <cstring>

#include "web/http_message.h"

namespace nimbus::web {

Result<MysqlUrl> MysqlUrl::Parse(std::string_view url) {
  Status bad = Status::InvalidArgument(
      "database: expected mysql://user:password@host:port/database"
      "[?socket=/path]");
  constexpr std::string_view kScheme = "mysql://";
  if (url.substr(0, kScheme.size()) != kScheme) return bad;
  url.remove_prefix(kScheme.size());
  MysqlUrl u;
  size_t q = url.find('?');
  if (q != std::string_view::npos) {
    auto params = HttpRequest::ParseQuery(url.substr(q + 1));
    for (const auto& [k, v] : params) {
      if (k == "socket") {
        u.socket = v;
      } else {
        return Status::InvalidArgument("database: unknown parameter " + k);
      }
    }
    url = url.substr(0, q);
  }
  size_t at = url.rfind('@');
  if (at == std::string_view::npos) return bad;
  std::string_view cred = url.substr(0, at);
  std::string_view rest = url.substr(at + 1);
  size_t colon = cred.find(':');
  u.user = HttpRequest::PercentDecode(cred.substr(0, colon), false);
  if (colon != std::string_view::npos) {
    u.password = HttpRequest::PercentDecode(cred.substr(colon + 1), false);
  }
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 >= rest.size()) return bad;
  u.database = std::string(rest.substr(slash + 1));
  std::string_view hostport = rest.substr(0, slash);
  size_t pc = hostport.rfind(':');
  if (pc != std::string_view::npos) {
    std::string_view p = hostport.substr(pc + 1);
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), u.port);
    if (ec != std::errc() || end != p.data() + p.size() || u.port < 1 ||
        u.port > 65535) {
      return bad;
    }
    hostport = hostport.substr(0, pc);
  }
  if (!hostport.empty()) u.host = std::string(hostport);
  if (u.user.empty()) return bad;
  return u;
}

Status MysqlConnection::Error(unsigned err, const char* msg,
                              std::string_view what) const {
  std::string m = fmt::format("mysql {}: {} ({})", what, msg, err);
  switch (err) {
    case ER_DUP_ENTRY:
      return Status::AlreadyExists(m);
    case ER_LOCK_DEADLOCK:
    case ER_LOCK_WAIT_TIMEOUT:
      return Status::Busy(m);
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
      return Status::Unavailable(m);
    default:
      return Status::IOError(m);
  }
}

Result<std::unique_ptr<SqlConnection>> MysqlConnection::Open(
    const MysqlUrl& url) {
  MYSQL* db = mysql_init(nullptr);
  if (!db) return Status::IOError("mysql_init: out of memory");
  unsigned timeout = 5;
  mysql_options(db, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  unsigned rw_timeout = 30;
  mysql_options(db, MYSQL_OPT_READ_TIMEOUT, &rw_timeout);
  mysql_options(db, MYSQL_OPT_WRITE_TIMEOUT, &rw_timeout);
  mysql_options(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  // libmariadb uses the socket only for host "localhost".
  const std::string& host = url.socket.empty() ? url.host : "localhost";
  if (!mysql_real_connect(db, host.c_str(), url.user.c_str(),
                          url.password.c_str(), url.database.c_str(),
                          static_cast<unsigned>(url.port),
                          url.socket.empty() ? nullptr : url.socket.c_str(),
                          // "changes" must count matched rows, as SQLite
                          // does: an UPDATE that leaves a value as it was
                          // (quota + 0) still succeeded.
                          CLIENT_FOUND_ROWS)) {
    std::string msg =
        fmt::format("cannot connect to MySQL {}@{}/{}: {}", url.user,
                    url.socket.empty() ? url.host : url.socket, url.database,
                    mysql_error(db));
    mysql_close(db);
    return Status::Unavailable(msg);
  }
  std::unique_ptr<MysqlConnection> c(new MysqlConnection(db));
  Status s =
      c->Simple("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
  if (s.ok()) s = c->Simple("SET SESSION sql_mode = 'STRICT_ALL_TABLES'");
  if (!s.ok()) return s;
  return std::unique_ptr<SqlConnection>(std::move(c));
}

MysqlConnection::~MysqlConnection() {
  for (auto& [sql, stmt] : cache_) mysql_stmt_close(stmt);
  mysql_close(db_);
}

Status MysqlConnection::Simple(const std::string& sql) {
  if (mysql_real_query(db_, sql.data(), sql.size()) != 0) {
    return Error(mysql_errno(db_), mysql_error(db_), "query");
  }
  // Statements like these return no rows, but drain any to be safe.
  MYSQL_RES* res = mysql_store_result(db_);
  if (res) mysql_free_result(res);
  return Status::OK();
}

Result<MYSQL_STMT*> MysqlConnection::Run(std::string_view sql,
                                         const std::vector<SqlValue>& args) {
  MYSQL_STMT* stmt = nullptr;
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    stmt = it->second;
  } else {
    stmt = mysql_stmt_init(db_);
    if (!stmt) return Status::IOError("mysql_stmt_init: out of memory");
    if (mysql_stmt_prepare(stmt, sql.data(), sql.size()) != 0) {
      Status s =
          Error(mysql_stmt_errno(stmt), mysql_stmt_error(stmt), "prepare");
      mysql_stmt_close(stmt);
      return s;
    }
    cache_.emplace(std::string(sql), stmt);
  }
  if (mysql_stmt_param_count(stmt) != args.size()) {
    return Status::InvalidArgument(
        fmt::format("sql: {} arguments for {} parameters", args.size(),
                    mysql_stmt_param_count(stmt)));
  }
  std::vector<MYSQL_BIND> binds(args.size());
  std::vector<long long> ints(args.size());
  std::vector<unsigned long> lengths(args.size());
  std::vector<char> nulls(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    MYSQL_BIND& b = binds[i];
    std::memset(&b, 0, sizeof(b));
    if (const auto* n = std::get_if<int64_t>(&args[i])) {
      ints[i] = *n;
      b.buffer_type = MYSQL_TYPE_LONGLONG;
      b.buffer = &ints[i];
    } else if (const auto* s = std::get_if<std::string>(&args[i])) {
      b.buffer_type = MYSQL_TYPE_STRING;
      b.buffer = const_cast<char*>(s->data());
      lengths[i] = s->size();
      b.buffer_length = s->size();
      b.length = &lengths[i];
    } else {
      nulls[i] = 1;
      b.buffer_type = MYSQL_TYPE_NULL;
      b.is_null = reinterpret_cast<my_bool*>(&nulls[i]);
    }
  }
  if ((!binds.empty() && mysql_stmt_bind_param(stmt, binds.data()) != 0) ||
      mysql_stmt_execute(stmt) != 0) {
    unsigned err = mysql_stmt_errno(stmt);
    Status s = Error(err, mysql_stmt_error(stmt), "execute");
    if (err == CR_SERVER_GONE_ERROR || err == CR_SERVER_LOST) {
      // The statement handles died with the connection.
      mysql_stmt_close(stmt);
      cache_.erase(cache_.find(sql));
    }
    return s;
  }
  return stmt;
}

Result<std::vector<SqlRow>> MysqlConnection::Query(
    std::string_view sql, const std::vector<SqlValue>& args, size_t max_rows) {
  NIMBUS_LET_OR_RETURN(MYSQL_STMT * stmt, Run(sql, args));
  MYSQL_RES* meta = mysql_stmt_result_metadata(stmt);
  if (!meta) {
    mysql_stmt_free_result(stmt);
    return std::vector<SqlRow>{};
  }
  unsigned n = mysql_num_fields(meta);
  MYSQL_FIELD* fields = mysql_fetch_fields(meta);
  std::vector<MYSQL_BIND> binds(n);
  std::vector<long long> ints(n);
  std::vector<unsigned long> lengths(n);
  std::vector<my_bool> nulls(n), errors(n);
  std::vector<bool> is_int(n);
  for (unsigned c = 0; c < n; ++c) {
    MYSQL_BIND& b = binds[c];
    std::memset(&b, 0, sizeof(b));
    switch (fields[c].type) {
      case MYSQL_TYPE_TINY:
      case MYSQL_TYPE_SHORT:
      case MYSQL_TYPE_INT24:
      case MYSQL_TYPE_LONG:
      case MYSQL_TYPE_LONGLONG:
        is_int[c] = true;
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &ints[c];
        break;
      default:
        // Strings: length first (buffer_length 0), then fetched whole.
        b.buffer_type = MYSQL_TYPE_STRING;
        b.buffer = nullptr;
        b.buffer_length = 0;
    }
    b.length = &lengths[c];
    b.is_null = &nulls[c];
    b.error = &errors[c];
  }
  mysql_free_result(meta);
  if (mysql_stmt_bind_result(stmt, binds.data()) != 0 ||
      mysql_stmt_store_result(stmt) != 0) {
    Status s = Error(mysql_stmt_errno(stmt), mysql_stmt_error(stmt), "fetch");
    mysql_stmt_free_result(stmt);
    return s;
  }
  std::vector<SqlRow> rows;
  for (;;) {
    int rc = mysql_stmt_fetch(stmt);
    if (rc == MYSQL_NO_DATA) break;
    if (rc == 1) {
      Status s = Error(mysql_stmt_errno(stmt), mysql_stmt_error(stmt), "fetch");
      mysql_stmt_free_result(stmt);
      return s;
    }
    if (rows.size() >= max_rows) {
      mysql_stmt_free_result(stmt);
      return Status::IOError("sql: too many rows");
    }
    SqlRow row;
    row.reserve(n);
    for (unsigned c = 0; c < n; ++c) {
      if (nulls[c]) {
        row.emplace_back(nullptr);
      } else if (is_int[c]) {
        row.emplace_back(static_cast<int64_t>(ints[c]));
      } else {
        std::string s(lengths[c], '\0');
        if (lengths[c] > 0) {
          MYSQL_BIND col;
          std::memset(&col, 0, sizeof(col));
          unsigned long len = 0;
          col.buffer_type = MYSQL_TYPE_STRING;
          col.buffer = s.data();
          col.buffer_length = s.size();
          col.length = &len;
          if (mysql_stmt_fetch_column(stmt, &col, c, 0) != 0) {
            Status st = Error(mysql_stmt_errno(stmt), mysql_stmt_error(stmt),
                              "fetch column");
            mysql_stmt_free_result(stmt);
            return st;
          }
        }
        row.emplace_back(std::move(s));
      }
    }
    rows.push_back(std::move(row));
  }
  mysql_stmt_free_result(stmt);
  return rows;
}

Result<SqlExecResult> MysqlConnection::Exec(std::string_view sql,
                                            const std::vector<SqlValue>& args) {
  NIMBUS_LET_OR_RETURN(MYSQL_STMT * stmt, Run(sql, args));
  SqlExecResult r;
  r.changes = static_cast<int64_t>(mysql_stmt_affected_rows(stmt));
  r.last_insert_id = static_cast<int64_t>(mysql_stmt_insert_id(stmt));
  mysql_stmt_free_result(stmt);
  return r;
}

Status MysqlConnection::ExecScript(const std::string& script) {
  // The schema files put one statement per ';'-terminated line group and
  // comments on their own lines ("-- ..."); no ';' inside strings.
  std::string stmt;
  size_t pos = 0;
  while (pos < script.size()) {
    size_t eol = script.find('\n', pos);
    if (eol == std::string::npos) eol = script.size();
    std::string_view line(script.data() + pos, eol - pos);
    pos = eol + 1;
    size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line.substr(first, 2) == "--") {
      continue;
    }
    stmt.append(line);
    stmt += '\n';
    size_t last = line.find_last_not_of(" \t\r");
    if (line[last] == ';') {
      Status s = Simple(stmt);
      if (!s.ok()) return s;
      stmt.clear();
    }
  }
  size_t rest = stmt.find_first_not_of(" \t\r\n");
  if (rest != std::string::npos) return Simple(stmt);
  return Status::OK();
}

Status MysqlConnection::Begin() { return Simple("START TRANSACTION"); }
Status MysqlConnection::Commit() { return Simple("COMMIT"); }
void MysqlConnection::Rollback() { (void)Simple("ROLLBACK"); }

}  // namespace nimbus::web
