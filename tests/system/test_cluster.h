// TestCluster: real nimbus-tracker and nimbus-storage processes on loopback
// with ephemeral ports and a private temp directory, for system tests.
// Each server writes its bound port to base_path/data/*.port; the harness
// waits for it. Destruction stops every process and removes the directory.
#ifndef NIMBUS_TESTS_SYSTEM_TEST_CLUSTER_H_
#define NIMBUS_TESTS_SYSTEM_TEST_CLUSTER_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "nimbus/client.h"

namespace nimbus::test {

struct Proc {
  pid_t pid = -1;
  std::string conf;
  std::string base;
  std::string binary;
  uint16_t port = 0;
};

// The whole file, or "" when it cannot be read.
std::string ReadAll(const std::string& path);
// `s` quoted for sh.
std::string Shell(const std::string& s);

// Stock nginx on the config `nimbus deploy nginx main` wrote to
// `prefix`/nginx.conf (with `prefix`/logs). When the tests run as root it
// runs as nobody, like a real deployment. Fails the test if it does not
// start; Stop() is a graceful SIGQUIT (then SIGKILL).
class NginxProcess {
 public:
  ~NginxProcess() { Stop(); }
  // `cluster_dir` is made traversable for nobody.
  void Start(const std::string& prefix, const std::string& cluster_dir);
  void Stop();
  bool running() const { return !prefix_.empty(); }

 private:
  std::string prefix_;
};

class TestCluster {
 public:
  explicit TestCluster(std::string name);
  ~TestCluster();

  // Extra lines are appended to the generated config.
  void StartTracker(const std::string& extra = "");
  // Returns the storage's index.
  size_t AddStorage(const std::string& group, const std::string& extra = "");
  void StopTracker(int sig = 15);
  void RestartTracker();
  void StopStorage(size_t i, int sig = 15);
  void RestartStorage(size_t i);
  // Sends `sig` (SIGSTOP, SIGCONT, ...) to storage `i` without waiting.
  void SignalStorage(size_t i, int sig);
  // Polls the tracker until `n` storages are ACTIVE (fails the test on
  // timeout).
  void WaitActive(size_t n);

  uint16_t tracker_port() const { return tracker_.port; }
  // A port free on 127.0.0.1, .2 and .3, for the members of one group
  // (they must share a port). Taken from below the kernel's ephemeral range,
  // so no port-0 bind or outgoing connection can grab it before the
  // servers start. A port is never handed out twice while its process
  // lives, in this process or any other, so servers may be restarted on it.
  static uint16_t SharedPort();
  // The /metrics ports (every server runs with metrics_port = auto).
  uint16_t tracker_metrics_port() const;
  uint16_t storage_metrics_port(size_t i) const;
  uint16_t storage_port(size_t i) const { return storages_[i].port; }
  const std::string& storage_base(size_t i) const { return storages_[i].base; }
  const std::string& dir() const { return dir_; }
  client::ClientOptions ClientOpts() const;
  // Runs the nimbus CLI against this cluster; returns the exit code and
  // fills `out` with stdout.
  int RunCli(const std::string& args, std::string* out);

 private:
  void Spawn(Proc& p);
  void Stop(Proc& p, int sig);
  uint16_t WaitPort(const std::string& port_file);

  std::string dir_;
  Proc tracker_;
  std::vector<Proc> storages_;
};

// Sends `request` to ip:port and returns everything the server sent before
// closing ("" on connection failure): for the servers' HTTP ports.
std::string HttpExchange(uint16_t port, const std::string& request,
                         const std::string& ip = "127.0.0.1");

}  // namespace nimbus::test

#endif  // NIMBUS_TESTS_SYSTEM_TEST_CLUSTER_H_
