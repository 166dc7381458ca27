// For tests: a private MariaDB server (Debian's mariadbd) bootstrapped into
// a temporary directory and reachable only through a Unix socket there
// (--skip-networking), started once per test process and stopped at exit.
// Each test takes a fresh database from NewDatabase().
#ifndef NIMBUS_WEB_MARIADB_TEST_SERVER_H_
#define NIMBUS_WEB_MARIADB_TEST_SERVER_H_

#include <string>

#include "common/result.h"
#include "web/test_process.h"

namespace nimbus::web {

class MariadbTestServer {
 public:
  // The process-wide server, started on first use; an error when mariadbd
  // is missing or does not start (the message says why).
  static Result<MariadbTestServer*> Get();

  // Creates an empty database and returns its mysql:// URL.
  Result<std::string> NewDatabase();
  const std::string& socket() const { return socket_; }
  ~MariadbTestServer();

 private:
  MariadbTestServer() = default;
  Status Start();

  std::string dir_;
  std::string socket_;
  TestProcess process_;
  int next_db_ = 0;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_MARIADB_TEST_SERVER_H_
