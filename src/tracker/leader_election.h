// LeaderElection: the trackers of a cluster agree on one leader.
//
// Every tracker asks each peer named by tracker_server for its status
// (TRACKER_GET_STATUS) once per `tracker_ping_interval`. Among the trackers
// that answered, itself included, the leader is the one running longest
// (smallest up_since; ties go to the smaller "ip:port"). All trackers that
// see the same peers therefore pick the same leader; a tracker that restarts
// becomes the youngest and does not take the lead back; when the leader
// stops answering, the next oldest takes over within one interval plus the
// connect timeout. As in FastDFS there is no quorum: trackers cut off from
// each other each follow their own leader until the network heals, which is
// safe because the leader's decisions (below) are only ever adopted, never
// required, by storages.
//
// Leader-only decision: which ACTIVE member a joining storage copies from.
// A follower adopts the leader's choice for every member of its registry
// still in WAIT_SYNC or SYNCING (Registry::AdoptSyncSource), so all trackers
// name one source and the new member gets one full copy.
//
// Every tracker, leader or not, also adopts the deletions its peers made of
// storages that are OFFLINE here (Registry::AdoptDeletions), so a storage
// removed through one tracker is removed on all that can reach it.
//
// Runs as a coroutine on the tracker's io_context; status() and leader()
// are safe from any thread.
#ifndef NIMBUS_TRACKER_LEADER_ELECTION_H_
#define NIMBUS_TRACKER_LEADER_ELECTION_H_

#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "common/host_port.h"
#include "common/result.h"
#include "proto/server_messages.h"

namespace nimbus::tracker {

class Registry;

class LeaderElection {
 public:
  // `self` is this tracker's bind_addr:port; `peers` the other trackers.
  LeaderElection(asio::io_context& io, HostPort self,
                 std::vector<HostPort> peers, int64_t up_since,
                 std::chrono::milliseconds interval,
                 std::chrono::milliseconds timeout, Registry* registry);

  void Start();
  // This tracker's answer to TRACKER_GET_STATUS.
  proto::TrackerStatus status() const;
  // The current leader; empty host while none is known. A tracker without
  // peers is its own leader.
  HostPort leader() const;
  bool is_leader() const;

 private:
  asio::awaitable<void> Loop();
  asio::awaitable<Result<std::string>> Ask(const HostPort& peer, uint8_t cmd,
                                           const std::string& body);
  asio::awaitable<void> AdoptSyncSources(const HostPort& leader);
  // Deletions `peer` made that this tracker missed (Registry::AdoptDeletions).
  asio::awaitable<void> AdoptDeletions(const HostPort& peer);
  void SetLeader(const HostPort& l);

  asio::io_context& io_;
  const HostPort self_;
  const std::vector<HostPort> peers_;
  const int64_t up_since_;
  const std::chrono::milliseconds interval_;
  const std::chrono::milliseconds timeout_;
  Registry* const registry_;

  mutable std::mutex mu_;
  HostPort leader_;           // guarded by mu_
  int64_t leader_since_ = 0;  // guarded by mu_
};

}  // namespace nimbus::tracker

#endif  // NIMBUS_TRACKER_LEADER_ELECTION_H_
