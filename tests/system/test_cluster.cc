#include "test_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

extern char** environ;

namespace nimbus::test {

namespace fs = std::filesystem;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Shell(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void NginxProcess::Start(const std::string& prefix,
                         const std::string& cluster_dir) {
  std::string as_user;
  if (::geteuid() == 0) {
    fs::permissions(cluster_dir, fs::perms(0755));
    ASSERT_EQ(std::system(("chown -R nobody:nogroup " + prefix).c_str()), 0);
    as_user = "setpriv --reuid=nobody --regid=nogroup --clear-groups ";
  }
  std::string cmd =
      fmt::format("{0}nginx -p {1} -c {1}/nginx.conf -e {1}/logs/error.log",
                  as_user, prefix);
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd << "\n"
                                         << ReadAll(prefix + "/logs/error.log");
  prefix_ = prefix;
}

void NginxProcess::Stop() {
  if (prefix_.empty()) return;
  std::string pid = ReadAll(prefix_ + "/nginx.pid");
  if (!pid.empty()) {
    pid_t p = std::stoi(pid);
    ::kill(p, SIGQUIT);
    for (int i = 0; i < 100 && ::kill(p, 0) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(p, SIGKILL);
  }
  prefix_.clear();
}

TestCluster::TestCluster(std::string name) {
  dir_ = (fs::temp_directory_path() /
          fmt::format("nimbus_sys_{}_{}", name, ::getpid()))
             .string();
  fs::remove_all(dir_);
  fs::create_directories(dir_);
}

TestCluster::~TestCluster() {
  // A server that is gone before the test stops it crashed or gave up.
  std::vector<Proc*> all{&tracker_};
  for (auto& s : storages_) all.push_back(&s);
  for (Proc* p : all) {
    int status = 0;
    if (p->pid > 0 && ::waitpid(p->pid, &status, WNOHANG) == p->pid) {
      ADD_FAILURE() << p->binary << " (" << p->base
                    << ") exited unexpectedly with status " << status;
      p->pid = -1;
    }
  }
  // A graceful stop runs the shutdown paths (and LeakSanitizer) too.
  for (auto& s : storages_) Stop(s, SIGTERM);
  Stop(tracker_, SIGTERM);
  // Sanitizer reports in a server's stderr fail the test that ran it.
  for (const auto& e : fs::directory_iterator(dir_)) {
    if (e.path().extension() != ".stderr") continue;
    std::ifstream in(e.path());
    std::string text((std::istreambuf_iterator<char>(in)), {});
    for (const char* marker :
         {"AddressSanitizer", "LeakSanitizer",
          "runtime error:", "UndefinedBehaviorSanitizer"}) {
      if (text.find(marker) != std::string::npos) {
        ADD_FAILURE() << e.path() << " reports " << marker << ":\n" << text;
        break;
      }
    }
  }
  if (!::testing::Test::HasFailure()) fs::remove_all(dir_);
}

void TestCluster::Spawn(Proc& p) {
  std::string port_file =
      p.base + "/data/" +
      (p.binary == NIMBUS_TRACKER_BIN ? "nimbus-tracker.port"
                                      : "nimbus-storage.port");
  fs::remove(port_file);
  std::string log = p.base + ".stderr";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::vector<char*> argv = {p.binary.data(), p.conf.data(), nullptr};
  int rc =
      posix_spawn(&p.pid, p.binary.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ASSERT_EQ(rc, 0) << "spawn " << p.binary;
  p.port = WaitPort(port_file);
}

uint16_t TestCluster::WaitPort(const std::string& port_file) {
  for (int i = 0; i < 200; ++i) {
    std::ifstream in(port_file);
    int port = 0;
    if (in >> port && port > 0) return static_cast<uint16_t>(port);
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ADD_FAILURE() << "server did not write " << port_file;
  return 0;
}

void TestCluster::Stop(Proc& p, int sig) {
  if (p.pid <= 0) return;
  ::kill(p.pid, sig);
  int status = 0;
  for (int i = 0; i < 500; ++i) {  // up to 10 s for a graceful stop
    if (::waitpid(p.pid, &status, WNOHANG) == p.pid) {
      p.pid = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << p.binary << " did not stop on signal " << sig;
  ::kill(p.pid, SIGKILL);
  ::waitpid(p.pid, &status, 0);
  p.pid = -1;
}

void TestCluster::StartTracker(const std::string& extra) {
  tracker_.binary = NIMBUS_TRACKER_BIN;
  tracker_.base = dir_ + "/tracker";
  tracker_.conf = dir_ + "/tracker.conf";
  std::ofstream(tracker_.conf) << fmt::format(
      "base_path = {}\nbind_addr = 127.0.0.1\nport = 0\n"
      "reserved_storage_space = 64M\ncheck_active_interval = 5\n"
      "metrics_port = auto\nlog_level = debug\n{}\n",
      tracker_.base, extra);
  Spawn(tracker_);
}

void TestCluster::RestartTracker() {
  // Keep the port: storages and clients were configured with it.
  std::ofstream(tracker_.conf, std::ios::app)
      << fmt::format("port = {}\n", tracker_.port);
  Spawn(tracker_);
}

size_t TestCluster::AddStorage(const std::string& group,
                               const std::string& extra) {
  Proc p;
  size_t i = storages_.size();
  p.binary = NIMBUS_STORAGE_BIN;
  p.base = fmt::format("{}/storage{}", dir_, i);
  p.conf = fmt::format("{}/storage{}.conf", dir_, i);
  std::ofstream(p.conf) << fmt::format(
      "group_name = {}\nbase_path = {}\nbind_addr = 127.0.0.1\nport = 0\n"
      "tracker_server = 127.0.0.1:{}\nheart_beat_interval = 1\n"
      "stat_report_interval = 1\nsubdir_count_per_path = 16\n"
      "buff_size = 64KB\nmetrics_port = auto\nlog_level = debug\n{}\n",
      group, p.base, tracker_.port, extra);
  storages_.push_back(p);
  Spawn(storages_.back());
  return i;
}

uint16_t TestCluster::SharedPort() {
  // Test processes run side by side and restart servers on the same port, so
  // a port that is merely free now is not enough: each one handed out is
  // also locked (flock on a file named after it) for the rest of this
  // process's life. The descriptor is left open on purpose; the kernel drops
  // the lock when the process exits, however it exits.
  const fs::path lock_dir = fs::temp_directory_path() / "nimbus-test-ports";
  std::error_code ec;
  fs::create_directories(lock_dir, ec);
  std::random_device rd;
  std::mt19937 rng(rd());
  for (int attempt = 0; attempt < 500; ++attempt) {
    uint16_t port = static_cast<uint16_t>(20000 + rng() % 10000);
    int lock = ::open((lock_dir / std::to_string(port)).c_str(),
                      O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (lock < 0) continue;
    if (::flock(lock, LOCK_EX | LOCK_NB) != 0) {
      ::close(lock);
      continue;
    }
    bool free = true;
    for (const char* ip : {"127.0.0.1", "127.0.0.2", "127.0.0.3"}) {
      int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(port);
      ::inet_pton(AF_INET, ip, &a.sin_addr);
      free = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
      ::close(fd);
      if (!free) break;
    }
    if (free) return port;  // `lock` stays held until the process exits.
    ::close(lock);
  }
  ADD_FAILURE() << "no port free on 127.0.0.1-3 in 20000-29999";
  return 0;
}

namespace {
uint16_t ReadPortFile(const std::string& path) {
  std::ifstream in(path);
  int port = 0;
  in >> port;
  return static_cast<uint16_t>(port);
}
}  // namespace

uint16_t TestCluster::tracker_metrics_port() const {
  return ReadPortFile(tracker_.base + "/data/nimbus-tracker.metrics_port");
}

uint16_t TestCluster::storage_metrics_port(size_t i) const {
  return ReadPortFile(storages_[i].base + "/data/nimbus-storage.metrics_port");
}

void TestCluster::StopTracker(int sig) { Stop(tracker_, sig); }

void TestCluster::StopStorage(size_t i, int sig) { Stop(storages_[i], sig); }

void TestCluster::SignalStorage(size_t i, int sig) {
  if (storages_[i].pid > 0) ::kill(storages_[i].pid, sig);
}

void TestCluster::RestartStorage(size_t i) {
  Proc& p = storages_[i];
  std::ofstream(p.conf, std::ios::app) << fmt::format("port = {}\n", p.port);
  Spawn(p);
}

void TestCluster::WaitActive(size_t n) {
  client::Client c(ClientOpts());
  size_t active = 0;
  for (int i = 0; i < 200; ++i) {
    active = 0;
    auto groups = c.ListGroups();
    if (groups.ok()) {
      for (const auto& g : *groups) {
        active += static_cast<size_t>(g.writable_server_count);
      }
    }
    if (active >= n) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL() << "only " << active << " of " << n << " storages became active";
}

client::ClientOptions TestCluster::ClientOpts() const {
  client::ClientOptions o;
  o.trackers.push_back({"127.0.0.1", tracker_.port});
  o.connect_timeout = std::chrono::milliseconds(2000);
  o.network_timeout = std::chrono::milliseconds(20000);
  return o;
}

int TestCluster::RunCli(const std::string& args, std::string* out) {
  std::string cmd = fmt::format("{} --tracker 127.0.0.1:{} {}", NIMBUS_CLI_BIN,
                                tracker_.port, args);
  FILE* f = ::popen(cmd.c_str(), "r");
  if (f == nullptr) return -1;
  std::string data;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) data.append(buf, n);
  int status = ::pclose(f);
  if (out != nullptr) *out = data;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string HttpExchange(uint16_t port, const std::string& request,
                         const std::string& ip) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (::inet_pton(AF_INET, ip.c_str(), &a.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    ::close(fd);
    return "";
  }
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[65536];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof(buf), 0)) > 0;) {
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

}  // namespace nimbus::test
