// For tests: a private redis-server (Debian's) on a Unix socket in a
// temporary directory, no persistence, started once per test process and
// stopped at exit. Stop()/Start() let a test take Redis away and back.
#ifndef NIMBUS_WEB_REDIS_TEST_SERVER_H_
#define NIMBUS_WEB_REDIS_TEST_SERVER_H_

#include <string>

#include "common/result.h"
#include "web/test_process.h"

namespace nimbus::web {

class RedisTestServer {
 public:
  static Result<RedisTestServer*> Get();
  // "unix:/path", for RedisCache.
  std::string address() const { return "unix:" + socket_; }
  // Runs redis-cli with `args` against this server; returns its output.
  std::string Cli(const std::string& args) const;
  Status Start();
  void Stop();
  ~RedisTestServer();

 private:
  RedisTestServer() = default;
  std::string dir_;
  std::string socket_;
  TestProcess process_;
};

}  // namespace nimbus::web

#endif  // NIMBUS_WEB_REDIS_TEST_SERVER_H_
