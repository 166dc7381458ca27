#include "net/blocking_connection.h"

#include <fmt/format.h>
#include <poll.h>

#include <array>

namespace nimbus::net {

BlockingConnection::BlockingConnection(std::string host, uint16_t port,
                                       std::chrono::milliseconds timeout)
    : sock_(io_),
      host_(std::move(host)),
      port_(port),
      network_timeout_(timeout),
      last_used_(std::chrono::steady_clock::now()) {}

template <typename Start>
Status BlockingConnection::Run(Start start, std::chrono::milliseconds timeout,
                               const char* what) {
  if (broken_) return Status::Unavailable("connection already broken");
  std::error_code result = asio::error::would_block;
  start([&result](std::error_code ec, auto&&...) { result = ec; });
  io_.restart();
  io_.run_for(timeout);
  if (result == asio::error::would_block) {
    std::error_code ignored;
    sock_.close(ignored);
    io_.restart();
    io_.run();
    broken_ = true;
    return Status::TimedOut(fmt::format("{} {}:{} timed out after {} ms", what,
                                        host_, port_, timeout.count()));
  }
  last_used_ = std::chrono::steady_clock::now();
  if (result) {
    broken_ = true;
    if (result == asio::error::eof || result == asio::error::connection_reset ||
        result == asio::error::connection_refused ||
        result == asio::error::broken_pipe) {
      return Status::Unavailable(
          fmt::format("{} {}:{}: {}", what, host_, port_, result.message()));
    }
    return Status::IOError(
        fmt::format("{} {}:{}: {}", what, host_, port_, result.message()));
  }
  return Status::OK();
}

Result<std::unique_ptr<BlockingConnection>> BlockingConnection::Connect(
    const std::string& host, uint16_t port,
    std::chrono::milliseconds connect_timeout,
    std::chrono::milliseconds network_timeout) {
  std::unique_ptr<BlockingConnection> c(
      new BlockingConnection(host, port, network_timeout));
  asio::ip::tcp::resolver resolver(c->io_);
  std::error_code ec;
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) {
    return Status::Unavailable(
        fmt::format("cannot resolve {}: {}", host, ec.message()));
  }
  Status s = c->Run(
      [&](auto handler) {
        asio::async_connect(
            c->sock_, endpoints,
            [h = std::move(handler)](std::error_code e, const auto&) mutable {
              h(e);
            });
      },
      connect_timeout, "connect to");
  if (!s.ok()) return s;
  c->sock_.set_option(asio::ip::tcp::no_delay(true), ec);
  return c;
}

Status BlockingConnection::Write(std::string_view data) {
  return Run(
      [&](auto handler) {
        asio::async_write(sock_, asio::buffer(data.data(), data.size()),
                          std::move(handler));
      },
      network_timeout_, "send to");
}

Status BlockingConnection::Write2(std::string_view a, std::string_view b) {
  std::array<asio::const_buffer, 2> bufs{asio::buffer(a.data(), a.size()),
                                         asio::buffer(b.data(), b.size())};
  return Run(
      [&](auto handler) { asio::async_write(sock_, bufs, std::move(handler)); },
      network_timeout_, "send to");
}

Status BlockingConnection::ReadExact(char* dst, size_t n) {
  return Run(
      [&](auto handler) {
        asio::async_read(sock_, asio::buffer(dst, n), std::move(handler));
      },
      network_timeout_, "receive from");
}

void BlockingConnection::Close() {
  std::error_code ec;
  sock_.close(ec);
  broken_ = true;
}

bool BlockingConnection::LooksAlive() {
  if (broken_ || !sock_.is_open()) return false;
  pollfd p{sock_.native_handle(), POLLIN, 0};
  int r = ::poll(&p, 1, 0);
  // Readable while idle means EOF, an error, or a stray byte: none is usable.
  return r == 0;
}

std::string BlockingConnection::LocalAddress() const {
  std::error_code ec;
  auto ep = sock_.local_endpoint(ec);
  return ec ? std::string() : ep.address().to_string();
}

}  // namespace nimbus::net
