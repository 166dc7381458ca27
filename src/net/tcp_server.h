// TcpServer: accepts connections on one address and runs a coroutine per
// connection. The handler owns its socket for the connection's lifetime.
//
// Threading: the acceptor runs on the io_context given at construction. Each
// connection coroutine runs on the next loop of `loops` when one is given,
// else on that io_context too. The server keeps no per-connection state of
// its own except a live count.
#ifndef NIMBUS_NET_TCP_SERVER_H_
#define NIMBUS_NET_TCP_SERVER_H_

#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "common/env.h"
#include "common/status.h"
#include "net/host_allow_list.h"
#include "net/io_loop_pool.h"

namespace nimbus::net {

class TcpServer {
 public:
  using Handler = std::function<asio::awaitable<void>(asio::ip::tcp::socket)>;

  TcpServer(asio::io_context& io, Handler handler, int max_connections,
            IoLoopPool* loops = nullptr);

  // Binds and listens. `bind_addr` empty means all IPv4 addresses; port 0
  // picks an ephemeral port (see port()).
  Status Listen(const std::string& bind_addr, uint16_t port);
  // Peers the list does not allow are disconnected as soon as they are
  // accepted (allow_hosts). Call before Start(); the default allows all.
  void SetAllowList(HostAllowList list) { allow_ = std::move(list); }
  // Starts the accept loop; returns immediately.
  void Start();
  // Connections refused by the allow list so far.
  int64_t refused() const { return refused_.load(); }
  void Stop();
  uint16_t port() const { return port_; }
  int live_connections() const { return live_.load(); }

 private:
  asio::awaitable<void> AcceptLoop();

  asio::io_context& io_;
  IoLoopPool* const loops_;
  Handler handler_;
  const int max_connections_;
  asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<int> live_{0};
  HostAllowList allow_;
  std::atomic<int64_t> refused_{0};
  int64_t refused_logged_ = 0;  // accept loop only
  std::chrono::steady_clock::time_point last_refusal_log_{};
};

// Writes <data_dir>/<program>.port and .pid (atomically), so scripts and
// tests can find a server that was started with port 0.
Status WriteRuntimeFiles(Env* env, const std::string& data_dir,
                         const std::string& program, uint16_t port);

}  // namespace nimbus::net

#endif  // NIMBUS_NET_TCP_SERVER_H_
