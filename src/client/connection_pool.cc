#include "client/connection_pool.h"

namespace nimbus::client {

namespace {
constexpr size_t kMaxIdlePerServer = 16;
}

ConnectionPool::ConnectionPool(std::chrono::milliseconds connect_timeout,
                               std::chrono::milliseconds network_timeout,
                               bool enabled, std::chrono::seconds max_idle)
    : connect_timeout_(connect_timeout),
      network_timeout_(network_timeout),
      enabled_(enabled),
      max_idle_(max_idle) {}

Result<ConnectionPool::Lease> ConnectionPool::Acquire(const HostPort& server) {
  if (enabled_) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& list = idle_[server.ToString()];
    auto now = std::chrono::steady_clock::now();
    while (!list.empty()) {
      std::unique_ptr<net::BlockingConnection> c = std::move(list.back());
      list.pop_back();
      if (now - c->last_used() < max_idle_ && c->LooksAlive())
        return Lease{std::move(c), true};
    }
  }
  auto c = net::BlockingConnection::Connect(server.host, server.port,
                                            connect_timeout_, network_timeout_);
  if (!c.ok()) return c.status();
  return Lease{std::move(*c), false};
}

void ConnectionPool::Release(std::unique_ptr<net::BlockingConnection> conn) {
  if (!enabled_ || conn == nullptr || conn->broken()) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto& list = idle_[conn->host() + ":" + std::to_string(conn->port())];
  if (list.size() < kMaxIdlePerServer) list.push_back(std::move(conn));
}

}  // namespace nimbus::client
