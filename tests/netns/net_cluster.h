// NetCluster: a cluster of separate hosts on one machine, for fault tests.
//
// Each host is a network namespace with one veth link to a bridge that
// lives in a namespace of its own (the "switch"); host k has the address
// 10.77.0.(10+k)/24 and the switch 10.77.0.1, which is where the test's own
// client runs (ClientScope). Nothing is created in the caller's network
// namespace and no address outside these namespaces is used. Servers are
// real nimbus-tracker / nimbus-storage processes started with
// `ip netns exec`, on FastDFS's default ports.
//
// Faults: Kill (any signal, kill -9 by default) and Restart a process; Cut
// a host off (its link goes down on the switch side) and Heal it; give a
// storage a small tmpfs store path to fill; corrupt files directly on disk.
//
// Everything is undone by the destructor, also when the test failed
// (namespaces deleted, tmpfs unmounted, processes killed); namespaces left
// by a test process that died are removed by the next NetCluster.
#ifndef NIMBUS_TESTS_NETNS_NET_CLUSTER_H_
#define NIMBUS_TESTS_NETNS_NET_CLUSTER_H_

#include <sys/types.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "nimbus/client.h"

namespace nimbus::test {

class NetCluster {
 public:
  explicit NetCluster(std::string name);
  ~NetCluster();
  NetCluster(const NetCluster&) = delete;
  NetCluster& operator=(const NetCluster&) = delete;

  // False when namespaces cannot be made here (no root, no veth support);
  // why() says what failed.
  bool available() const { return available_; }
  const std::string& why() const { return why_; }

  // Returns the new host's index.
  size_t AddHost();
  std::string ip(size_t host) const;

  // Returns the process index. `extra` lines are appended to the config.
  size_t StartTracker(size_t host, const std::string& extra = "");
  // `trackers` are host indices. `tmpfs_mb` > 0 puts store_path0 on a tmpfs
  // of that size.
  size_t StartStorage(size_t host, const std::string& group,
                      const std::vector<size_t>& trackers,
                      const std::string& extra = "", int tmpfs_mb = 0);
  void Kill(size_t proc, int sig = 9);
  void Restart(size_t proc);
  bool Running(size_t proc);
  const std::string& base(size_t proc) const { return procs_[proc].base; }
  size_t host_of(size_t proc) const { return procs_[proc].host; }

  // Gives `host` a new address (10.77.0.x); servers on it restarted later
  // bind to the new one.
  void ChangeIp(size_t host, const std::string& new_ip);

  void Cut(size_t host);
  void Heal(size_t host);

  // Client options naming the trackers on `tracker_hosts`.
  client::ClientOptions ClientOpts(const std::vector<size_t>& tracker_hosts);

  // While alive, the calling thread (and the threads it starts) sits in
  // the switch namespace and can reach every host that is not cut off.
  class ClientScope {
   public:
    explicit ClientScope(const NetCluster& c);
    ~ClientScope();

   private:
    int saved_ = -1;
  };

  // Waits until `n` storages are ACTIVE according to the tracker on
  // `tracker_host`; false on timeout.
  bool WaitActive(size_t tracker_host, size_t n, int timeout_s = 30);

  // Relative path -> content of every file under a storage's data/ (sync
  // state excluded): what must be identical on all replicas of a group.
  std::map<std::string, std::string> Files(size_t proc) const;
  // The same files' names ("HH/LL/NAME"), without reading them.
  std::set<std::string> FileNames(size_t proc) const;

 private:
  std::string DataDir(size_t proc) const;

  struct Proc {
    pid_t pid = -1;
    size_t host = 0;
    std::string binary, conf, base, log, mount;
  };
  bool Sh(const std::string& cmd, bool must = true);
  void Spawn(Proc& p);
  std::string Ns(const std::string& suffix) const;
  static void RemoveStale();

  std::string name_;
  std::string prefix_;  // namespace name prefix, unique per test process
  std::string dir_;
  bool available_ = false;
  std::string why_;
  size_t hosts_ = 0;
  std::map<size_t, std::string> moved_;  // host -> address after ChangeIp
  std::vector<Proc> procs_;
};

}  // namespace nimbus::test

#endif  // NIMBUS_TESTS_NETNS_NET_CLUSTER_H_
