#include "web/mariadb_test_server.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "web/mysql_connection.h"

namespace nimbus::web {

Result<MariadbTestServer*> MariadbTestServer::Get() {
  static std::mutex mu;
  static MariadbTestServer* server = nullptr;
  static Status failed;
  std::lock_guard lock(mu);
  if (server) return server;
  if (!failed.ok()) return failed;
  auto* s = new MariadbTestServer();
  Status st = s->Start();
  if (!st.ok()) {
    delete s;
    failed = st;
    return st;
  }
  server = s;
  // Stopped when the test process exits.
  std::atexit([] { delete server; });
  return server;
}

Status MariadbTestServer::Start() {
  if (std::system("command -v mariadbd >/dev/null && command -v "
                  "mariadb-install-db >/dev/null") != 0) {
    return Status::NotFound(
        "mariadbd is not installed (scripts/install-deps.sh installs "
        "mariadb-server)");
  }
  dir_ = fmt::format("/tmp/nimbus-mariadb-{}", ::getpid());
  std::filesystem::remove_all(dir_);
  // A private tmpdir: two bootstraps sharing /tmp collide on their
  // temporary tables (ctest runs test processes in parallel).
  std::filesystem::create_directories(dir_ + "/tmp");
  std::string user = ::geteuid() == 0 ? "--user=root" : "";
  std::string cmd = fmt::format(
      "mariadb-install-db --no-defaults --datadir={0}/data --tmpdir={0}/tmp "
      "{1} --auth-root-authentication-method=normal --skip-test-db "
      ">{0}/install.log 2>&1",
      dir_, user);
  if (std::system(cmd.c_str()) != 0) {
    std::string log;
    std::ifstream in(dir_ + "/install.log");
    std::string line;
    while (std::getline(in, line)) {
      if (line.find("ERROR") != std::string::npos) log += line + "; ";
    }
    return Status::IOError("mariadb-install-db failed: " + log);
  }
  socket_ = dir_ + "/mysqld.sock";
  std::vector<std::string> args = {
      "mariadbd",
      "--no-defaults",
      "--datadir=" + dir_ + "/data",
      "--tmpdir=" + dir_ + "/tmp",
      "--socket=" + socket_,
      "--skip-networking",
      "--innodb-buffer-pool-size=32M",
      "--innodb-log-file-size=16M",
      // Tests do not need crash safety of the server itself; the
      // repository's transactions are exercised all the same.
      "--innodb-flush-log-at-trx-commit=2",
      "--pid-file=" + dir_ + "/mysqld.pid",
      "--log-error=" + dir_ + "/error.log",
  };
  if (!user.empty()) args.push_back(user);
  if (Status s = process_.Spawn(std::move(args)); !s.ok()) return s;
  MysqlUrl root;
  root.user = "root";
  root.socket = socket_;
  root.database = "mysql";
  for (int i = 0; i < 300; ++i) {
    if (MysqlConnection::Open(root).ok()) return Status::OK();
    if (process_.Exited()) {
      return Status::IOError("mariadbd exited; see " + dir_ + "/error.log");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status::TimedOut("mariadbd did not accept connections in 30 s");
}

Result<std::string> MariadbTestServer::NewDatabase() {
  MysqlUrl root;
  root.user = "root";
  root.socket = socket_;
  root.database = "mysql";
  NIMBUS_LET_OR_RETURN(auto c, MysqlConnection::Open(root));
  std::string name = fmt::format("t{}_{}", ::getpid(), next_db_++);
  // The name is ours (digits and '_'), not input.
  Status s = c->ExecScript("CREATE DATABASE " + name +
                           " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;");
  if (!s.ok()) return s;
  return fmt::format("mysql://root@localhost/{}?socket={}", name, socket_);
}

MariadbTestServer::~MariadbTestServer() {
  process_.Stop(SIGTERM, 10000);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace nimbus::web
