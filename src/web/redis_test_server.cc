#include "web/redis_test_server.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

namespace nimbus::web {

Result<RedisTestServer*> RedisTestServer::Get() {
  // hiredis writes with write(2): a killed server must be an error value,
  // not a SIGPIPE (nimbus-web ignores SIGPIPE the same way).
  std::signal(SIGPIPE, SIG_IGN);
  static std::mutex mu;
  static RedisTestServer* server = nullptr;
  std::lock_guard lock(mu);
  if (server) return server;
  if (std::system("command -v redis-server >/dev/null && command -v "
                  "redis-cli >/dev/null") != 0) {
    return Status::NotFound(
        "redis-server is not installed (scripts/install-deps.sh installs it)");
  }
  auto* s = new RedisTestServer();
  s->dir_ = fmt::format("/tmp/nimbus-redis-{}", ::getpid());
  std::filesystem::remove_all(s->dir_);
  std::filesystem::create_directories(s->dir_);
  s->socket_ = s->dir_ + "/redis.sock";
  Status st = s->Start();
  if (!st.ok()) {
    delete s;
    return st;
  }
  server = s;
  std::atexit([] { delete server; });
  return server;
}

Status RedisTestServer::Start() {
  std::vector<std::string> args = {"redis-server",
                                   "--port",
                                   "0",
                                   "--unixsocket",
                                   socket_,
                                   "--save",
                                   "",
                                   "--appendonly",
                                   "no",
                                   "--dir",
                                   dir_,
                                   "--logfile",
                                   dir_ + "/redis.log"};
  if (Status s = process_.Spawn(std::move(args)); !s.ok()) return s;
  for (int i = 0; i < 100; ++i) {
    if (Cli("PING").find("PONG") != std::string::npos) return Status::OK();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status::TimedOut("redis-server did not answer; see " + dir_ +
                          "/redis.log");
}

void RedisTestServer::Stop() {
  if (!process_.running()) return;
  process_.Stop(SIGKILL, 0);
  std::filesystem::remove(socket_);
}

std::string RedisTestServer::Cli(const std::string& args) const {
  std::string cmd =
      fmt::format("redis-cli -s {} {} 2>/dev/null", socket_, args);
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) {
    out.append(buf.data(), n);
  }
  ::pclose(p);
  return out;
}

RedisTestServer::~RedisTestServer() {
  Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace nimbus::web
