// WebStack: a whole cloud-disk stack for system tests: tracker + storage
// (TestCluster), stock nginx with the configs `nimbus deploy nginx`
// generates (storage host, signed-URL front, web), and nimbus-web on SQLite
// or a private MariaDB. All on loopback with fresh ports; Stop() (or the
// destructor) takes it down.
#ifndef NIMBUS_TESTS_SYSTEM_WEB_STACK_H_
#define NIMBUS_TESTS_SYSTEM_WEB_STACK_H_

#include <sys/types.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "test_cluster.h"

namespace nimbus::test {

struct Reply {
  int status = 0;
  std::string body;
  nlohmann::json Json() const {
    return nlohmann::json::parse(body, nullptr, false);
  }
};

class WebStack {
 public:
  WebStack() = default;
  ~WebStack() { Stop(); }

  // `kind` is the database: "sqlite" or "mysql". Fails the current test
  // (gtest assertions) when a part does not come up.
  void Start(const std::string& kind);
  void Stop();

  void StartWeb();
  // SIGTERM expects a clean exit; other signals just stop the process.
  void StopWeb(int sig);
  int Cli(const std::string& args);
  // curl against `url`; `extra` are more curl options.
  Reply Curl(const std::string& url, const std::string& extra);
  // An API call through the web nginx.
  Reply Call(const std::string& method, const std::string& target,
             const std::string& token = "", const std::string& json_body = "",
             const std::string& more = "");
  Reply UploadFile(const std::string& token, const std::string& path,
                   const std::string& query);
  // Registers `name` (password "secret-<name>") and returns a session token.
  std::string SignIn(const std::string& name);
  std::string WriteRandom(const std::string& name, size_t n, uint32_t seed);
  std::string WebUrl() const;

  // nimbus-web's default_quota and max_upload_size; set before Start().
  std::string quota_ = "64M", max_upload_ = "64M";
  TestCluster cluster_{"web"};
  uint16_t http_port_ = 0, front_port_ = 0, web_port_ = 0, fcgi_port_ = 0;
  std::string dir_, secret_file_;
  NginxProcess nginx_;
  pid_t web_pid_ = -1;
};

}  // namespace nimbus::test

#endif  // NIMBUS_TESTS_SYSTEM_WEB_STACK_H_
