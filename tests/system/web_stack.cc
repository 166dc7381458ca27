#include "web_stack.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "web/mariadb_test_server.h"

extern char** environ;

namespace nimbus::test {

namespace fs = std::filesystem;
using nlohmann::json;

void WebStack::Start(const std::string& kind) {
  ASSERT_EQ(std::system("command -v nginx >/dev/null && command -v curl "
                        ">/dev/null"),
            0)
      << "nginx and curl are required (scripts/install-deps.sh)";
  cluster_.StartTracker();
  uint16_t port = TestCluster::SharedPort();
  cluster_.AddStorage("group1", fmt::format("port = {}\n", port));
  cluster_.WaitActive(1);
  http_port_ = TestCluster::SharedPort();
  front_port_ = TestCluster::SharedPort();
  web_port_ = TestCluster::SharedPort();
  fcgi_port_ = TestCluster::SharedPort();
  dir_ = cluster_.dir() + "/nginx";
  fs::create_directories(dir_ + "/logs");
  fs::create_directories(dir_ + "/tmp");
  secret_file_ = cluster_.dir() + "/http.secret";
  std::string out;
  ASSERT_EQ(Cli(fmt::format("deploy nginx secret --secret-file {} -o "
                            "{}/secret.conf",
                            secret_file_, dir_)),
            0);
  ASSERT_EQ(Cli(fmt::format("deploy nginx storage --port {} "
                            "--secret-include {}/secret.conf "
                            "--storage-conf {}/storage0.conf -o "
                            "{}/storage-hosts.conf",
                            http_port_, dir_, cluster_.dir(), dir_)),
            0);
  ASSERT_EQ(Cli(fmt::format("deploy nginx front --listen 127.0.0.1:{} "
                            "--member group1=127.0.0.1:{} "
                            "--secret-include {}/secret.conf -o "
                            "{}/front.conf",
                            front_port_, http_port_, dir_, dir_)),
            0);
  ASSERT_EQ(Cli(fmt::format("deploy nginx web --listen 127.0.0.1:{} "
                            "--fastcgi 127.0.0.1:{} -o {}/web.conf",
                            web_port_, fcgi_port_, dir_)),
            0);
  ASSERT_EQ(Cli(fmt::format("deploy nginx main --prefix {0} --include "
                            "{0}/storage-hosts.conf --include "
                            "{0}/front.conf --include {0}/web.conf -o "
                            "{0}/nginx.conf",
                            dir_)),
            0);
  nginx_.Start(dir_, cluster_.dir());
  if (::testing::Test::HasFatalFailure()) return;

  std::ofstream(cluster_.dir() + "/client.conf") << fmt::format(
      "tracker_server = 127.0.0.1:{}\n", cluster_.tracker_port());
  fs::create_directories(cluster_.dir() + "/web");
  std::string database = "sqlite:nimbus-web.db";
  if (kind == "mysql") {
    auto server = web::MariadbTestServer::Get();
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    auto db = (*server)->NewDatabase();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    database = *db;
  }
  std::ofstream(cluster_.dir() + "/web.conf")
      << fmt::format("database = {}\n", database)
      << fmt::format(
             "listen = 127.0.0.1:{}\nworkers = 4\nbase_path = {}/web\n"
             "client_conf = {}/client.conf\nhttp_url_base = "
             "http://127.0.0.1:{}\nhttp_secret_file = {}\ndefault_quota = "
             "{}\n"
             "max_upload_size = {}\nupload_lease = 5s\nlog_level = info\n"
             // Cheap password hashing: the tests sign in often, under ASan.
             "argon2_ops = 1\nargon2_memory = 1M\n",
             fcgi_port_, cluster_.dir(), cluster_.dir(), front_port_,
             secret_file_, quota_, max_upload_);
  StartWeb();
}

void WebStack::Stop() {
  StopWeb(SIGTERM);
  nginx_.Stop();
}

void WebStack::StartWeb() {
  std::string conf = cluster_.dir() + "/web.conf";
  std::vector<std::string> args{NIMBUS_WEB_BIN, conf};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ASSERT_EQ(posix_spawn(&web_pid_, NIMBUS_WEB_BIN, nullptr, nullptr,
                        argv.data(), environ),
            0);
  // Ready when nginx gets an answer from it (401 for /me without token).
  for (int i = 0; i < 200; ++i) {
    if (Call("GET", "/api/v1/me").status == 401) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL() << "nimbus-web did not come up\n"
         << ReadAll(cluster_.dir() + "/web/logs/nimbus-web.log");
}

void WebStack::StopWeb(int sig) {
  if (web_pid_ <= 0) return;
  ::kill(web_pid_, sig);
  int st = 0;
  ::waitpid(web_pid_, &st, 0);
  if (sig == SIGTERM) {
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
        << ReadAll(cluster_.dir() + "/web/logs/nimbus-web.log");
  }
  web_pid_ = -1;
}

int WebStack::Cli(const std::string& args) {
  std::string out;
  return cluster_.RunCli(args, &out);
}

Reply WebStack::Curl(const std::string& url, const std::string& extra) {
  std::string body = cluster_.dir() + "/curl.body";
  std::string code = cluster_.dir() + "/curl.code";
  fs::remove(body);
  std::string cmd = fmt::format(
      "curl -s --max-time 60 --path-as-is {} -o {} -w '%{{http_code}}' {} "
      "> {}",
      extra, body, Shell(url), code);
  Reply r;
  if (std::system(cmd.c_str()) != 0 && ReadAll(code).empty()) return r;
  r.status = std::atoi(ReadAll(code).c_str());
  r.body = ReadAll(body);
  return r;
}

Reply WebStack::Call(const std::string& method, const std::string& target,
                     const std::string& token, const std::string& json_body,
                     const std::string& more) {
  // curl -X HEAD would wait for a body that never comes.
  std::string extra =
      (method == "HEAD" ? std::string("-I") : "-X " + method) + " " + more;
  if (!token.empty()) extra += " -H " + Shell("Authorization: Bearer " + token);
  if (!json_body.empty()) {
    std::string f = cluster_.dir() + "/req.json";
    std::ofstream(f, std::ios::binary) << json_body;
    extra += " -H 'Content-Type: application/json' --data-binary @" + f;
  }
  return Curl(fmt::format("http://127.0.0.1:{}{}", web_port_, target), extra);
}

Reply WebStack::UploadFile(const std::string& token, const std::string& path,
                           const std::string& query) {
  return Curl(
      fmt::format("http://127.0.0.1:{}/api/v1/files?{}", web_port_, query),
      "-X POST -H " + Shell("Authorization: Bearer " + token) +
          " -H 'Content-Type: application/octet-stream' --data-binary @" +
          path);
}

std::string WebStack::SignIn(const std::string& name) {
  json cred = {{"name", name}, {"password", "secret-" + name}};
  Reply r = Call("POST", "/api/v1/auth/register", "", cred.dump());
  EXPECT_EQ(r.status, 201) << r.body;
  r = Call("POST", "/api/v1/auth/login", "", cred.dump());
  EXPECT_EQ(r.status, 200) << r.body;
  return r.Json().value("token", "");
}

std::string WebStack::WriteRandom(const std::string& name, size_t n,
                                  uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  std::string path = cluster_.dir() + "/" + name;
  std::ofstream(path, std::ios::binary) << s;
  return path;
}

std::string WebStack::WebUrl() const {
  return fmt::format("http://127.0.0.1:{}", web_port_);
}

}  // namespace nimbus::test
