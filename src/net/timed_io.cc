#include "net/timed_io.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>

namespace nimbus::net {
namespace {

using asio::experimental::as_tuple;
using namespace asio::experimental::awaitable_operators;
constexpr auto kUse = as_tuple(asio::use_awaitable);

// Completion condition: done once `need` bytes moved, each call offered
// the rest of the `cap`-byte buffer. asio's transfer_all moves at most
// 64 KiB per system call; this moves whatever the socket will take, so a
// 1 MiB chunk costs one or two calls rather than sixteen (and as many
// event-loop turns).
struct AtLeast {
  size_t need;
  size_t cap;
  size_t operator()(const std::error_code& ec, size_t done) const {
    return ec || done >= need ? 0 : cap - done;
  }
};
AtLeast WholeBuffer(size_t total) { return AtLeast{total, total}; }

// Runs `op` (a read or write) against a deadline; on expiry the operation
// is cancelled by the parallel group and timed_out is reported.
template <typename Op>
asio::awaitable<std::error_code> WithDeadline(Socket& sock, Op op,
                                              Duration timeout) {
  asio::steady_timer timer(sock.get_executor(), timeout);
  auto result = co_await (op() || timer.async_wait(kUse));
  if (result.index() == 1) co_return asio::error::timed_out;
  co_return std::get<0>(std::get<0>(result));
}

// The fast path: most requests and replies fit the socket buffers, so the
// transfer usually completes at once without arming a timer and a parallel
// group (which cost more than the I/O itself for a small request). Tries
// `op` once in non-blocking mode and returns the bytes it moved; `*ec` is
// set only for a real error (would_block is not one). `buf` is only used to
// skip empty transfers.
template <typename Buffer, typename Op>
size_t TryNow(Socket& sock, const Buffer& buf, std::error_code* ec, Op op) {
  if (buf.size() == 0) return 0;
  if (!sock.non_blocking()) {
    sock.non_blocking(true, *ec);
    if (*ec) return 0;
  }
  std::error_code e;
  size_t n = op(e);
  if (e && e != asio::error::would_block && e != asio::error::try_again) {
    *ec = e;
    return 0;
  }
  return e ? 0 : n;
}

size_t ReadNow(Socket& sock, asio::mutable_buffer buf, std::error_code* ec) {
  return TryNow(sock, buf, ec,
                [&](std::error_code& e) { return sock.read_some(buf, e); });
}

// Acknowledges what arrived, then reads once more before the caller waits:
// on loopback the acknowledgement goes out, reaches the peer and releases
// the bytes its Nagle held inside this same system call, so they are often
// here already and the event loop's wait and wake-up are skipped.
size_t AckAndReadNow(Socket& sock, asio::mutable_buffer buf,
                     std::error_code* ec) {
  AckReceived(sock);
  return ReadNow(sock, buf, ec);
}

}  // namespace

void AckReceived(Socket& sock) {
#ifdef TCP_QUICKACK
  // Linux clears the flag by itself once it has acknowledged, so it is set
  // again before every wait; a failure only costs the delay it would save.
  const int one = 1;
  ::setsockopt(sock.native_handle(), IPPROTO_TCP, TCP_QUICKACK, &one,
               sizeof one);
#else
  (void)sock;
#endif
}

asio::awaitable<std::error_code> ReadExact(Socket& sock,
                                           asio::mutable_buffer buf,
                                           Duration timeout) {
  std::error_code ec;
  buf += ReadNow(sock, buf, &ec);
  if (ec || buf.size() == 0) co_return ec;
  buf += AckAndReadNow(sock, buf, &ec);
  if (ec || buf.size() == 0) co_return ec;
  co_return co_await WithDeadline(
      sock,
      [&] {
        return asio::async_read(sock, buf, WholeBuffer(buf.size()), kUse);
      },
      timeout);
}

asio::awaitable<std::error_code> ReadAtLeast(Socket& sock,
                                             asio::mutable_buffer buf,
                                             size_t min, size_t* got,
                                             Duration timeout, Watchdog& dog,
                                             bool frame_begun) {
  std::error_code ec;
  *got = ReadNow(sock, buf, &ec);
  if (ec || *got >= min) co_return ec;
  if (frame_begun || *got > 0) {
    *got += AckAndReadNow(sock, buf + *got, &ec);
    if (ec || *got >= min) co_return ec;
  }
  const size_t before = *got;
  Watchdog::Wait wait(dog, sock, timeout);
  auto [rec, more] = co_await asio::async_read(
      sock, buf + before, AtLeast{min - before, buf.size() - before}, kUse);
  *got = before + more;
  if (wait.expired()) co_return asio::error::timed_out;
  co_return rec;
}

asio::awaitable<std::error_code> ReadUntil(Socket& sock, std::string& buf,
                                           std::string_view delim, size_t max,
                                           Duration timeout) {
  co_return co_await WithDeadline(
      sock,
      [&] {
        return asio::async_read_until(sock, asio::dynamic_buffer(buf, max),
                                      delim, kUse);
      },
      timeout);
}

asio::awaitable<std::error_code> WriteAll(Socket& sock, asio::const_buffer buf,
                                          Duration timeout) {
  std::error_code ec;
  buf += TryNow(sock, buf, &ec,
                [&](std::error_code& e) { return sock.write_some(buf, e); });
  if (ec || buf.size() == 0) co_return ec;
  co_return co_await WithDeadline(
      sock,
      [&] {
        return asio::async_write(sock, buf, WholeBuffer(buf.size()), kUse);
      },
      timeout);
}

asio::awaitable<std::error_code> WriteAll2(Socket& sock, asio::const_buffer a,
                                           asio::const_buffer b,
                                           Duration timeout) {
  std::array<asio::const_buffer, 2> bufs{a, b};
  std::error_code ec;
  size_t n =
      TryNow(sock, asio::buffer(a.data(), a.size() + b.size()), &ec,
             [&](std::error_code& e) { return sock.write_some(bufs, e); });
  if (ec) co_return ec;
  const size_t from_a = std::min(n, a.size());
  bufs = {a + from_a, b + (n - from_a)};
  if (asio::buffer_size(bufs) == 0) co_return ec;
  co_return co_await WithDeadline(
      sock,
      [&] {
        return asio::async_write(sock, bufs,
                                 WholeBuffer(asio::buffer_size(bufs)), kUse);
      },
      timeout);
}

asio::awaitable<std::error_code> Connect(Socket& sock, const std::string& host,
                                         uint16_t port, Duration timeout,
                                         const std::string& bind_ip) {
  asio::ip::tcp::resolver resolver(sock.get_executor());
  auto [rec, endpoints] =
      co_await resolver.async_resolve(host, std::to_string(port), kUse);
  if (rec) co_return rec;
  std::error_code ec = asio::error::host_not_found;
  for (const auto& entry : endpoints) {
    asio::ip::tcp::endpoint ep = entry.endpoint();
    sock.close(ec);
    sock.open(ep.protocol(), ec);
    if (ec) continue;
    if (!bind_ip.empty()) {
      asio::ip::address local = asio::ip::make_address(bind_ip, ec);
      if (!ec) sock.bind(asio::ip::tcp::endpoint(local, 0), ec);
      if (ec) co_return ec;
    }
    asio::steady_timer timer(sock.get_executor(), timeout);
    auto result =
        co_await (sock.async_connect(ep, kUse) || timer.async_wait(kUse));
    if (result.index() == 1) {
      ec = asio::error::timed_out;
      continue;
    }
    ec = std::get<0>(std::get<0>(result));
    if (!ec) {
      sock.set_option(asio::ip::tcp::no_delay(true), ec);
      co_return std::error_code();
    }
  }
  co_return ec;
}

}  // namespace nimbus::net
