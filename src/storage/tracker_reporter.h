// TrackerReporter: keeps one storage server known to one tracker.
//
// A coroutine on the storage's io_context: connect, STORAGE_JOIN, fetch the
// tracker's parameters (reserved_storage_space), report disk usage, then
// heartbeat every heart_beat_interval (with the counters) and report disk
// usage every stat_report_interval on the same connection. Any failure
// closes the connection and retries after a back-off, forever; the tracker
// marks the storage OFFLINE meanwhile. Disk statistics are gathered on the
// store path's DiskExecutor, not on the network thread.
#ifndef NIMBUS_STORAGE_TRACKER_REPORTER_H_
#define NIMBUS_STORAGE_TRACKER_REPORTER_H_

#include <asio.hpp>
#include <string>

#include "common/status.h"
#include "storage/storage_options.h"

namespace nimbus::storage {

class StorageServer;

class TrackerReporter {
 public:
  TrackerReporter(StorageServer* server, asio::io_context& io,
                  HostPort tracker);
  void Start();

 private:
  asio::awaitable<void> Loop();
  // One session: returns when the connection fails.
  asio::awaitable<Status> Session(asio::ip::tcp::socket& sock);
  asio::awaitable<Status> Call(asio::ip::tcp::socket& sock, uint8_t cmd,
                               const std::string& body, std::string* reply);

  StorageServer* const server_;
  asio::io_context& io_;
  const HostPort tracker_;
};

}  // namespace nimbus::storage

#endif  // NIMBUS_STORAGE_TRACKER_REPORTER_H_
