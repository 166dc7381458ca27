#include "net/blocking_connection.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

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
  iovec iov{const_cast<char*>(data.data()), data.size()};
  return Transfer(false, &iov, 1, "send to");
}

Status BlockingConnection::Write2(std::string_view a, std::string_view b) {
  iovec iov[2] = {{const_cast<char*>(a.data()), a.size()},
                  {const_cast<char*>(b.data()), b.size()}};
  return Transfer(false, iov, 2, "send to");
}

Status BlockingConnection::ReadExact(char* dst, size_t n) {
  iovec iov{dst, n};
  return Transfer(true, &iov, 1, "receive from");
}

// err 0 means the peer closed the connection.
Status BlockingConnection::Fail(int err, const char* what) {
  broken_ = true;
  std::string message =
      err == 0 ? "End of file"
               : std::error_code(err, std::generic_category()).message();
  if (err == 0 || err == ECONNRESET || err == EPIPE || err == ECONNREFUSED) {
    return Status::Unavailable(
        fmt::format("{} {}:{}: {}", what, host_, port_, message));
  }
  return Status::IOError(
      fmt::format("{} {}:{}: {}", what, host_, port_, message));
}

Status BlockingConnection::Transfer(bool reading, iovec* iov, int iovcnt,
                                    const char* what) {
  if (broken_) return Status::Unavailable("connection already broken");
  std::error_code ec;
  if (!sock_.non_blocking()) sock_.non_blocking(true, ec);
  if (ec) return Fail(ec.value(), what);
  const int fd = sock_.native_handle();
  const auto deadline = std::chrono::steady_clock::now() + network_timeout_;
  while (iovcnt > 0) {
    if (iov->iov_len == 0) {
      ++iov;
      --iovcnt;
      continue;
    }
    ssize_t n;
    if (reading) {
      n = ::readv(fd, iov, iovcnt);
    } else {
      msghdr msg{};
      msg.msg_iov = iov;
      msg.msg_iovlen = static_cast<size_t>(iovcnt);
      n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    }
    if (n > 0) {
      size_t left = static_cast<size_t>(n);
      while (left > 0) {
        size_t take = std::min(left, iov->iov_len);
        iov->iov_base = static_cast<char*>(iov->iov_base) + take;
        iov->iov_len -= take;
        left -= take;
        if (iov->iov_len == 0) {
          ++iov;
          --iovcnt;
        }
      }
      continue;
    }
    if (n == 0 && reading) return Fail(0, what);
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return Fail(errno, what);
    auto left = std::chrono::ceil<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, static_cast<short>(reading ? POLLIN : POLLOUT), 0};
    int r =
        left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Fail(errno, what);
    if (r == 0) {
      Close();
      return Status::TimedOut(fmt::format("{} {}:{} timed out after {} ms",
                                          what, host_, port_,
                                          network_timeout_.count()));
    }
  }
  last_used_ = std::chrono::steady_clock::now();
  return Status::OK();
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
