#include "net_cluster.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace nimbus::test {

namespace fs = std::filesystem;

namespace {

constexpr uint16_t kTrackerPort = 22122;
constexpr uint16_t kStoragePort = 23000;
const char* const kNsPrefix = "nimbus-t";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

void NetCluster::RemoveStale() {
  // Names are nimbus-t<pid>-...; the owner is gone when /proc/<pid> is.
  FILE* f = ::popen("ip netns list 2>/dev/null", "r");
  if (f == nullptr) return;
  char line[256];
  std::vector<std::string> stale;
  while (std::fgets(line, sizeof(line), f) != nullptr) {
    std::string ns(line);
    ns = ns.substr(0, ns.find_first_of(" \n"));
    if (ns.rfind(kNsPrefix, 0) != 0) continue;
    int pid = std::atoi(ns.c_str() + std::strlen(kNsPrefix));
    if (pid > 0 && !fs::exists(fmt::format("/proc/{}", pid))) {
      stale.push_back(ns);
    }
  }
  ::pclose(f);
  for (const std::string& ns : stale) {
    std::system(("ip netns del " + ns + " 2>/dev/null").c_str());
  }
}

NetCluster::NetCluster(std::string name)
    : name_(std::move(name)),
      prefix_(fmt::format("{}{}-", kNsPrefix, ::getpid())) {
  RemoveStale();
  dir_ = (fs::temp_directory_path() /
          fmt::format("nimbus_net_{}_{}", name_, ::getpid()))
             .string();
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  const std::string sw = Ns("sw");
  available_ = Sh("ip netns add " + sw, false) &&
               Sh(fmt::format("ip -n {} link set lo up && "
                              "ip -n {} link add br0 type bridge && "
                              "ip -n {} addr add 10.77.0.1/24 dev br0 && "
                              "ip -n {} link set br0 up",
                              sw, sw, sw, sw),
                  false);
  if (!available_) why_ = "cannot create a network namespace with a bridge";
}

NetCluster::~NetCluster() {
  for (Proc& p : procs_) {
    int status = 0;
    if (p.pid > 0 && ::waitpid(p.pid, &status, WNOHANG) == p.pid) {
      // Nobody stopped it: it crashed or exited on its own.
      ADD_FAILURE() << p.binary << " (" << p.base << ") exited unexpectedly"
                    << " with status " << status << ":\n"
                    << ReadAll(p.log);
      p.pid = -1;
    }
    if (p.pid > 0) {
      ::kill(p.pid, SIGTERM);
      for (int i = 0; i < 250; ++i) {
        if (::waitpid(p.pid, nullptr, WNOHANG) == p.pid) {
          p.pid = -1;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      if (p.pid > 0) {
        ::kill(p.pid, SIGKILL);
        ::waitpid(p.pid, nullptr, 0);
      }
    }
  }
  for (const Proc& p : procs_) {
    // Sanitizer reports in a server's stderr fail the test that ran it.
    std::string text = ReadAll(p.log);
    for (const char* marker :
         {"AddressSanitizer", "LeakSanitizer",
          "runtime error:", "UndefinedBehaviorSanitizer"}) {
      if (text.find(marker) != std::string::npos) {
        ADD_FAILURE() << p.log << " reports " << marker << ":\n" << text;
        break;
      }
    }
  }
  for (const Proc& p : procs_) {
    if (!p.mount.empty()) Sh("umount -l " + p.mount + " 2>/dev/null", false);
  }
  for (size_t h = 0; h < hosts_; ++h) {
    Sh(fmt::format("ip netns del {}", Ns(fmt::format("h{}", h))), false);
  }
  Sh("ip netns del " + Ns("sw") + " 2>/dev/null", false);
  if (!::testing::Test::HasFailure()) fs::remove_all(dir_);
}

std::string NetCluster::Ns(const std::string& suffix) const {
  return prefix_ + suffix;
}

bool NetCluster::Sh(const std::string& cmd, bool must) {
  int rc = std::system(cmd.c_str());
  if (rc != 0 && must) ADD_FAILURE() << "`" << cmd << "` exited with " << rc;
  return rc == 0;
}

size_t NetCluster::AddHost() {
  size_t h = hosts_++;
  const std::string ns = Ns(fmt::format("h{}", h));
  const std::string sw = Ns("sw");
  // The veth pair is made inside the switch namespace; one end moves to the
  // host. Nothing touches the caller's namespace.
  Sh(fmt::format(
      "ip netns add {ns} && ip -n {ns} link set lo up && "
      "ip -n {sw} link add h{h} type veth peer name eth0 netns {ns} && "
      "ip -n {sw} link set h{h} master br0 && ip -n {sw} link set h{h} up && "
      "ip -n {ns} addr add {ip}/24 dev eth0 && ip -n {ns} link set eth0 up",
      fmt::arg("ns", ns), fmt::arg("sw", sw), fmt::arg("h", h),
      fmt::arg("ip", ip(h))));
  return h;
}

std::string NetCluster::ip(size_t host) const {
  if (auto it = moved_.find(host); it != moved_.end()) return it->second;
  return fmt::format("10.77.0.{}", 10 + host);
}

void NetCluster::ChangeIp(size_t host, const std::string& new_ip) {
  const std::string ns = Ns(fmt::format("h{}", host));
  Sh(
      fmt::format("ip -n {ns} addr flush dev eth0 && "
                  "ip -n {ns} addr add {ip}/24 dev eth0",
                  fmt::arg("ns", ns), fmt::arg("ip", new_ip)));
  moved_[host] = new_ip;
  for (const Proc& p : procs_) {
    // A later key overrides an earlier one.
    if (p.host == host)
      std::ofstream(p.conf, std::ios::app) << "bind_addr = " << new_ip << "\n";
  }
}

void NetCluster::Spawn(Proc& p) {
  std::string port_file =
      p.base + "/data/" +
      (p.binary == NIMBUS_TRACKER_BIN ? "nimbus-tracker.port"
                                      : "nimbus-storage.port");
  fs::remove(port_file);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, p.log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::string ipbin = "/usr/sbin/ip", netns = "netns", exec = "exec";
  std::string ns = Ns(fmt::format("h{}", p.host));
  std::vector<char*> argv = {ipbin.data(), netns.data(),    exec.data(),
                             ns.data(),    p.binary.data(), p.conf.data(),
                             nullptr};
  int rc =
      posix_spawn(&p.pid, ipbin.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ASSERT_EQ(rc, 0) << "spawn " << p.binary;
  for (int i = 0; i < 400; ++i) {
    std::ifstream in(port_file);
    int port = 0;
    if (in >> port && port > 0) return;
    if (::waitpid(p.pid, nullptr, WNOHANG) == p.pid) {
      p.pid = -1;
      FAIL() << p.binary << " exited at start-up:\n" << ReadAll(p.log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  FAIL() << p.binary << " did not start:\n" << ReadAll(p.log);
}

size_t NetCluster::StartTracker(size_t host, const std::string& extra) {
  Proc p;
  p.host = host;
  p.binary = NIMBUS_TRACKER_BIN;
  size_t i = procs_.size();
  p.base = fmt::format("{}/p{}-tracker", dir_, i);
  p.conf = p.base + ".conf";
  p.log = p.base + ".stderr";
  std::ofstream(p.conf) << fmt::format(
      "base_path = {}\nbind_addr = {}\nport = {}\n"
      "reserved_storage_space = 1M\ncheck_active_interval = 3\n"
      "log_level = debug\n{}\n",
      p.base, ip(host), kTrackerPort, extra);
  procs_.push_back(p);
  Spawn(procs_.back());
  return i;
}

size_t NetCluster::StartStorage(size_t host, const std::string& group,
                                const std::vector<size_t>& trackers,
                                const std::string& extra, int tmpfs_mb) {
  Proc p;
  p.host = host;
  p.binary = NIMBUS_STORAGE_BIN;
  size_t i = procs_.size();
  p.base = fmt::format("{}/p{}-storage", dir_, i);
  p.conf = p.base + ".conf";
  p.log = p.base + ".stderr";
  std::string store;
  if (tmpfs_mb > 0) {
    p.mount = p.base + "-store";
    fs::create_directories(p.mount);
    Sh(fmt::format("mount -t tmpfs -o size={}m nimbus-test {}", tmpfs_mb,
                   p.mount));
    store = "store_path0 = " + p.mount + "\n";
  }
  std::string tracker_lines;
  for (size_t t : trackers) {
    tracker_lines +=
        fmt::format("tracker_server = {}:{}\n", ip(t), kTrackerPort);
  }
  std::ofstream(p.conf) << fmt::format(
      "group_name = {}\nbase_path = {}\n{}bind_addr = {}\nport = {}\n{}"
      "heart_beat_interval = 1\nstat_report_interval = 1\n"
      "connect_timeout = 2\nnetwork_timeout = 10\n"
      "subdir_count_per_path = 4\nbuff_size = 64KB\nlog_level = debug\n{}\n",
      group, p.base, store, ip(host), kStoragePort, tracker_lines, extra);
  procs_.push_back(p);
  Spawn(procs_.back());
  return i;
}

void NetCluster::Kill(size_t proc, int sig) {
  Proc& p = procs_[proc];
  if (p.pid <= 0) return;
  ::kill(p.pid, sig);
  ::waitpid(p.pid, nullptr, 0);
  p.pid = -1;
}

void NetCluster::Restart(size_t proc) { Spawn(procs_[proc]); }

bool NetCluster::Running(size_t proc) {
  Proc& p = procs_[proc];
  return p.pid > 0 && ::waitpid(p.pid, nullptr, WNOHANG) == 0;
}

void NetCluster::Cut(size_t host) {
  Sh(fmt::format("ip -n {} link set h{} down", Ns("sw"), host));
}

void NetCluster::Heal(size_t host) {
  Sh(fmt::format("ip -n {} link set h{} up", Ns("sw"), host));
}

client::ClientOptions NetCluster::ClientOpts(
    const std::vector<size_t>& tracker_hosts) {
  client::ClientOptions o;
  for (size_t h : tracker_hosts) o.trackers.push_back({ip(h), kTrackerPort});
  o.connect_timeout = std::chrono::milliseconds(1000);
  o.network_timeout = std::chrono::milliseconds(5000);
  return o;
}

NetCluster::ClientScope::ClientScope(const NetCluster& c) {
  saved_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  int fd = ::open(fmt::format("/var/run/netns/{}", c.Ns("sw")).c_str(),
                  O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(::setns(fd, CLONE_NEWNET), 0) << "setns: " << std::strerror(errno);
  ::close(fd);
}

NetCluster::ClientScope::~ClientScope() {
  if (saved_ >= 0) {
    ::setns(saved_, CLONE_NEWNET);
    ::close(saved_);
  }
}

bool NetCluster::WaitActive(size_t tracker_host, size_t n, int timeout_s) {
  ClientScope in(*this);
  client::Client c(ClientOpts({tracker_host}));
  for (int i = 0; i < timeout_s * 10; ++i) {
    size_t active = 0;
    auto groups = c.ListGroups();
    if (groups.ok()) {
      for (const auto& g : *groups) {
        auto st = c.ListStorages(g.group_name);
        if (!st.ok()) continue;
        for (const auto& s : *st) active += s.status == 7;
      }
    }
    if (active >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string NetCluster::DataDir(size_t proc) const {
  const Proc& p = procs_[proc];
  return (p.mount.empty() ? p.base : p.mount) + "/data";
}

std::set<std::string> NetCluster::FileNames(size_t proc) const {
  const std::string root = DataDir(proc);
  std::set<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (!it->is_regular_file(ec)) continue;
    std::string rel = fs::relative(it->path(), root, ec).string();
    // Stored files live in HH/LL/; everything else is server state.
    if (rel.size() < 7 || rel[2] != '/' || rel[5] != '/') continue;
    out.insert(std::move(rel));
  }
  return out;
}

std::map<std::string, std::string> NetCluster::Files(size_t proc) const {
  const std::string root = DataDir(proc);
  std::map<std::string, std::string> out;
  for (const std::string& rel : FileNames(proc)) {
    out[rel] = ReadAll(root + "/" + rel);
  }
  return out;
}

}  // namespace nimbus::test
