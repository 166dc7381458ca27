#include "net/blocking_connection.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

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
  // From here on the socket is used with plain blocking system calls.
  c->sock_.native_non_blocking(false, ec);
  if (!ec) c->sock_.non_blocking(false, ec);
  if (ec) {
    return Status::IOError(
        fmt::format("cannot make the connection to {}:{} "
                    "blocking: {}",
                    host, port, ec.message()));
  }
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

namespace {

// Advances `*iov` past `n` transferred bytes, dropping finished entries.
void Consume(size_t n, iovec** iov, int* iovcnt) {
  while (n > 0 && *iovcnt > 0) {
    size_t take = std::min(n, (*iov)->iov_len);
    (*iov)->iov_base = static_cast<char*>((*iov)->iov_base) + take;
    (*iov)->iov_len -= take;
    n -= take;
    if ((*iov)->iov_len == 0) {
      ++*iov;
      --*iovcnt;
    }
  }
}

}  // namespace

bool BlockingConnection::Arm(bool reading, std::chrono::milliseconds timeout) {
  std::chrono::milliseconds& armed = armed_[reading ? 1 : 0];
  if (armed == timeout) return true;
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>(timeout.count() % 1000 * 1000);
  if (::setsockopt(sock_.native_handle(), SOL_SOCKET,
                   reading ? SO_RCVTIMEO : SO_SNDTIMEO, &tv, sizeof(tv)) != 0) {
    return false;
  }
  armed = timeout;
  return true;
}

Status BlockingConnection::TimedOut(const char* what) {
  Close();
  return Status::TimedOut(fmt::format("{} {}:{} timed out after {} ms", what,
                                      host_, port_, network_timeout_.count()));
}

Status BlockingConnection::Transfer(bool reading, iovec* iov, int iovcnt,
                                    const char* what) {
  if (broken_) return Status::Unavailable("connection already broken");
  const int fd = sock_.native_handle();
  if (reading) {
    // Buffered bytes first; whatever is still missing is read together with
    // anything that follows it, up to the buffer's size.
    while (iovcnt > 0 && rpos_ < rend_) {
      size_t take = std::min(iov->iov_len, rend_ - rpos_);
      std::memcpy(iov->iov_base, rbuf_.get() + rpos_, take);
      rpos_ += take;
      Consume(take, &iov, &iovcnt);
    }
    if (iovcnt == 0) return Status::OK();
    if (iovcnt != 1) return Status::InvalidArgument("one read buffer at most");
    if (!rbuf_) rbuf_ = std::make_unique<char[]>(kReadBuffer);
    rpos_ = rend_ = 0;
  }
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + network_timeout_;
  auto now = start;
  while (iovcnt > 0) {
    if (iov->iov_len == 0) {
      ++iov;
      --iovcnt;
      continue;
    }
    // The kernel timeout is the whole network timeout unless less than that
    // is left (a trickling peer); re-arming costs a system call, so only a
    // shortfall of over 100 ms is worth one.
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
    if (left.count() <= 0) return TimedOut(what);
    auto want = left + std::chrono::milliseconds(100) < network_timeout_
                    ? left
                    : network_timeout_;
    if (!Arm(reading, want)) return Fail(errno, what);
    ssize_t n;
    if (reading) {
      iovec both[2] = {*iov, {rbuf_.get(), kReadBuffer}};
      n = ::readv(fd, both, 2);
      if (n > static_cast<ssize_t>(iov->iov_len)) {
        rend_ = static_cast<size_t>(n) - iov->iov_len;
        n = static_cast<ssize_t>(iov->iov_len);
      }
    } else {
      msghdr msg{};
      msg.msg_iov = iov;
      msg.msg_iovlen = static_cast<size_t>(iovcnt);
      n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
    }
    if (n > 0) {
      Consume(static_cast<size_t>(n), &iov, &iovcnt);
      if (iovcnt > 0) now = std::chrono::steady_clock::now();
      continue;
    }
    if (n == 0 && reading) return Fail(0, what);
    if (errno == EINTR) {
      now = std::chrono::steady_clock::now();
      continue;
    }
    // A blocking socket reports an expired SO_RCVTIMEO/SO_SNDTIMEO so.
    if (errno == EAGAIN || errno == EWOULDBLOCK) return TimedOut(what);
    return Fail(errno, what);
  }
  last_used_ = now;
  return Status::OK();
}

void BlockingConnection::Close() {
  std::error_code ec;
  sock_.close(ec);
  broken_ = true;
}

bool BlockingConnection::LooksAlive() {
  if (broken_ || !sock_.is_open()) return false;
  if (rpos_ < rend_) return false;
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
