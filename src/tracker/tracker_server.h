// TrackerServer: the nimbus-tracker process.
//
// Threading model:
//  - one io_context run by `work_threads` threads; each connection is a
//    coroutine that reads a request, answers from the Registry (memory only,
//    never disk) and loops;
//  - a maintenance coroutine on the same io_context marks silent storages
//    OFFLINE every second;
//  - one persister thread writes the Registry to base_path/data whenever it
//    changed, so disk latency never reaches a network thread.
// Start() and Stop() may be called from any thread; Run() blocks the caller
// as one of the network threads until Stop().
#ifndef NIMBUS_TRACKER_TRACKER_SERVER_H_
#define NIMBUS_TRACKER_TRACKER_SERVER_H_

#include <array>
#include <asio.hpp>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "common/env.h"
#include "metrics/request_stats.h"
#include "net/http_endpoint.h"
#include "net/tcp_server.h"
#include "proto/header.h"
#include "tracker/leader_election.h"
#include "tracker/registry.h"
#include "tracker/tracker_options.h"

namespace nimbus::tracker {

class TrackerServer {
 public:
  TrackerServer(TrackerOptions opts, Env* env);
  ~TrackerServer();

  // Creates base_path/{data,logs}, loads saved state, binds, writes
  // data/nimbus-tracker.port and .pid. Errors are fatal start-up errors.
  Status Start();
  void Run();
  void Stop();
  uint16_t port() const { return server_.port(); }
  uint16_t metrics_port() const { return http_ ? http_->port() : 0; }
  // Prometheus text for /metrics (tracker_metrics.cc).
  std::string RenderMetrics();
  Status Health();
  Registry& registry() { return registry_; }
  const LeaderElection& election() const { return election_; }

 private:
  // Per-connection state: a storage's connection remembers who it is.
  struct Conn {
    std::string peer_ip;
    std::string local_ip;
    std::string group;
    bool joined = false;
  };
  using Handler = Status (TrackerServer::*)(Conn&, std::string_view body,
                                            uint8_t cmd, std::string* reply);
  static const std::array<Handler, 256>& Handlers();

  asio::awaitable<void> Serve(asio::ip::tcp::socket sock);
  asio::awaitable<void> MaintenanceLoop();
  void PersistLoop();
  Status SaveState();

  Status HandleActiveTest(Conn&, std::string_view, uint8_t, std::string*);
  Status HandleQueryStore(Conn&, std::string_view, uint8_t, std::string*);
  Status HandleQueryFetch(Conn&, std::string_view, uint8_t, std::string*);
  Status HandleListGroups(Conn&, std::string_view, uint8_t, std::string*);
  Status HandleListStorage(Conn&, std::string_view, uint8_t, std::string*);
  Status HandleFetchStorageIds(Conn&, std::string_view, uint8_t, std::string*);
  Status HandleDeleteStorage(Conn&, std::string_view, uint8_t, std::string*);
  Status HandleDeleteGroup(Conn&, std::string_view, uint8_t, std::string*);
  Status HandleSetTrunkServer(Conn&, std::string_view, uint8_t, std::string*);
  Status HandleJoin(Conn&, std::string_view, uint8_t, std::string*);
  Status HandleBeat(Conn&, std::string_view, uint8_t, std::string*);
  Status HandleDiskUsage(Conn&, std::string_view, uint8_t, std::string*);
  Status HandleParameterReq(Conn&, std::string_view, uint8_t, std::string*);
  Status HandleSyncReport(Conn&, std::string_view, uint8_t, std::string*);
  Status HandleSyncNotify(Conn&, std::string_view, uint8_t, std::string*);
  Status HandleGetStatus(Conn&, std::string_view, uint8_t, std::string*);
  Status HandleReportIpChanged(Conn&, std::string_view, uint8_t, std::string*);
  Status HandleChangelog(Conn&, std::string_view, uint8_t, std::string*);
  Status HandleGetLeader(Conn&, std::string_view, uint8_t, std::string*);

  const TrackerOptions opts_;
  Env* const env_;
  Registry registry_;
  // Client and storage connections run on these loops (work_threads of
  // them); io_ runs the acceptor, the election and the maintenance timers.
  std::unique_ptr<net::IoLoopPool> loops_;
  asio::io_context io_;
  net::TcpServer server_;
  LeaderElection election_;
  metrics::RequestStats requests_;
  std::unique_ptr<net::HttpEndpoint> http_;  // /metrics, /healthz
  std::string state_path_;

  std::mutex persist_mu_;
  std::condition_variable persist_cv_;
  bool stopping_ = false;  // guarded by persist_mu_
  std::thread persister_;
  std::atomic<bool> stopped_{false};
};

}  // namespace nimbus::tracker

#endif  // NIMBUS_TRACKER_TRACKER_SERVER_H_
