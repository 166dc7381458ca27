#include "net/tcp_server.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <asio/experimental/as_tuple.hpp>
#include <thread>
#include <vector>

namespace nimbus::net {

using asio::experimental::as_tuple;

TcpServer::TcpServer(asio::io_context& io, Handler handler, int max_connections,
                     IoLoopPool* loops)
    : io_(io),
      loops_(loops),
      handler_(std::move(handler)),
      max_connections_(max_connections),
      acceptor_(io) {}

Status TcpServer::Listen(const std::string& bind_addr, uint16_t port) {
  std::error_code ec;
  asio::ip::address addr = asio::ip::address_v4::any();
  if (!bind_addr.empty()) {
    addr = asio::ip::make_address(bind_addr, ec);
    if (ec) return Status::InvalidArgument("bad bind_addr `" + bind_addr + "`");
  }
  asio::ip::tcp::endpoint ep(addr, port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::IOError("cannot listen on " + addr.to_string() + ":" +
                           std::to_string(port) + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint().port();
  return Status::OK();
}

void TcpServer::Start() { asio::co_spawn(io_, AcceptLoop(), asio::detached); }

void TcpServer::Stop() {
  std::error_code ec;
  acceptor_.close(ec);
}

asio::awaitable<void> TcpServer::AcceptLoop() {
  for (;;) {
    auto [ec, accepted] =
        co_await acceptor_.async_accept(as_tuple(asio::use_awaitable));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
        co_return;
      }
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    if (!allow_.allows_all()) {
      std::error_code peer_ec;
      auto peer = accepted.remote_endpoint(peer_ec);
      if (peer_ec || !allow_.Allows(peer.address())) {
        refused_.fetch_add(1);
        // A scan must not flood the log: a line at most every 10 s.
        auto now = std::chrono::steady_clock::now();
        if (now - last_refusal_log_ >= std::chrono::seconds(10)) {
          spdlog::warn(
              "refusing {}: not in allow_hosts ({} refused since the "
              "last such line)",
              peer_ec ? peer_ec.message() : peer.address().to_string(),
              refused_.load() - refused_logged_);
          refused_logged_ = refused_.load();
          last_refusal_log_ = now;
        }
        continue;  // the socket closes as it goes out of scope
      }
    }
    if (live_.load() >= max_connections_) {
      spdlog::warn("refusing connection: max_connections {} reached",
                   max_connections_);
      continue;  // the socket closes as it goes out of scope
    }
    // Accepted on io_ and then moved to its loop: an accept still pending
    // when the server is destroyed must not hold a socket of a loop that is
    // already gone.
    asio::io_context& loop = loops_ != nullptr ? loops_->Next() : io_;
    asio::ip::tcp::socket sock(loop);
    std::error_code opt_ec;
    if (&loop == &io_) {
      sock = std::move(accepted);
    } else {
      auto protocol = accepted.local_endpoint(opt_ec).protocol();
      if (!opt_ec) {
        auto fd = accepted.release(opt_ec);
        if (!opt_ec) sock.assign(protocol, fd, opt_ec);
      }
      if (opt_ec) {
        spdlog::warn("cannot hand a connection to its loop: {}",
                     opt_ec.message());
        continue;
      }
    }
    sock.set_option(asio::ip::tcp::no_delay(true), opt_ec);
    live_.fetch_add(1);
    asio::co_spawn(
        loop,
        [this, s = std::move(sock)]() mutable -> asio::awaitable<void> {
          co_await handler_(std::move(s));
        },
        [this](std::exception_ptr e) {
          live_.fetch_sub(1);
          if (e) {
            try {
              std::rethrow_exception(e);
            } catch (const std::exception& ex) {
              spdlog::error("connection handler threw: {}", ex.what());
            }
          }
        });
  }
}

Status WriteRuntimeFiles(Env* env, const std::string& data_dir,
                         const std::string& program, uint16_t port) {
  Status s = env->WriteFileAtomic(data_dir + "/" + program + ".port",
                                  std::to_string(port) + "\n");
  if (!s.ok()) return s;
  return env->WriteFileAtomic(data_dir + "/" + program + ".pid",
                              std::to_string(::getpid()) + "\n");
}

}  // namespace nimbus::net
