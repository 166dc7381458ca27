// ConnectionPool: idle BlockingConnections per server, reused across calls.
// Thread-safe. A connection is handed to one caller at a time; the caller
// returns it with Release() only if it is still usable.
#ifndef NIMBUS_CLIENT_CONNECTION_POOL_H_
#define NIMBUS_CLIENT_CONNECTION_POOL_H_

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/host_port.h"
#include "common/result.h"
#include "net/blocking_connection.h"

namespace nimbus::client {

class ConnectionPool {
 public:
  ConnectionPool(std::chrono::milliseconds connect_timeout,
                 std::chrono::milliseconds network_timeout, bool enabled,
                 std::chrono::seconds max_idle);

  struct Lease {
    std::unique_ptr<net::BlockingConnection> conn;
    bool reused = false;  // came from the pool, may have been closed by peer
  };
  Result<Lease> Acquire(const HostPort& server);
  // Keeps a healthy connection for reuse.
  void Release(std::unique_ptr<net::BlockingConnection> conn);

 private:
  const std::chrono::milliseconds connect_timeout_;
  const std::chrono::milliseconds network_timeout_;
  const bool enabled_;
  const std::chrono::seconds max_idle_;
  std::mutex mu_;
  std::map<std::string, std::vector<std::unique_ptr<net::BlockingConnection>>>
      idle_;  // guarded by mu_
};

}  // namespace nimbus::client

#endif  // NIMBUS_CLIENT_CONNECTION_POOL_H_
