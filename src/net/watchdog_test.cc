#include "net/watchdog.h"

#include <gtest/gtest.h>

#include <string>

#include "net/timed_io.h"

namespace nimbus::net {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A connected pair of sockets on loopback, server side on io_.
struct Pair {
  explicit Pair(asio::io_context& io) : client(io), server(io) {
    asio::ip::tcp::acceptor acceptor(io,
                                     {asio::ip::make_address("127.0.0.1"), 0});
    client.connect(acceptor.local_endpoint());
    server = acceptor.accept();
  }
  asio::ip::tcp::socket client, server;
};

// Starts a watched read of at least `min` bytes on `p.server`; sets `*ec`
// and `*when` once it completes.
void StartRead(asio::io_context& io, Pair& p, size_t min, Duration timeout,
               std::error_code* ec, Clock::time_point* when,
               std::string* got = nullptr) {
  asio::co_spawn(
      io,
      [&p, min, timeout, ec, when, got]() -> asio::awaitable<void> {
        std::string buf(64, '\0');
        size_t n = 0;
        *ec = co_await ReadAtLeast(p.server, asio::buffer(buf), min, &n,
                                   timeout, Watchdog::Of(p.server));
        *when = Clock::now();
        if (got != nullptr) *got = buf.substr(0, n);
      },
      asio::detached);
}

TEST(WatchdogTest, ASilentPeerTimesOutNearTheDeadline) {
  asio::io_context io;
  Pair p(io);
  asio::write(p.client, asio::buffer(std::string("ab")));
  std::error_code ec;
  Clock::time_point when;
  const Clock::time_point start = Clock::now();
  StartRead(io, p, 5, 200ms, &ec, &when);
  io.run();
  EXPECT_EQ(ec, asio::error::timed_out);
  EXPECT_GE(when - start, 200ms);
  EXPECT_LT(when - start, 200ms + 200ms);  // an eighth (25 ms), and slack
  EXPECT_EQ(Watchdog::Of(p.server).waiting(), 0u);
}

TEST(WatchdogTest, AReadThatCompletesInTimeIsLeftAlone) {
  asio::io_context io;
  Pair p(io);
  std::error_code ec = asio::error::fault;
  Clock::time_point when;
  std::string got;
  StartRead(io, p, 4, 300ms, &ec, &when, &got);
  asio::steady_timer later(io, 100ms);
  later.async_wait(
      [&](std::error_code) { asio::write(p.client, asio::buffer("abcd", 4)); });
  const Clock::time_point start = Clock::now();
  io.run();
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_EQ(got, "abcd");
  // Nothing is left to watch: the sweep stops and run() returns within
  // one interval (300 ms / 8) of the read.
  EXPECT_LT(Clock::now() - when, 200ms);
  EXPECT_LT(Clock::now() - start, 290ms);
  // And the connection still works after the sweeps it saw.
  ec = asio::error::fault;
  StartRead(io, p, 2, 300ms, &ec, &when, &got);
  asio::write(p.client, asio::buffer("xy", 2));
  io.restart();
  io.run();
  EXPECT_FALSE(ec);
  EXPECT_EQ(got, "xy");
}

TEST(WatchdogTest, AShortTimeoutIsHonouredWhileALongWaitIsPending) {
  asio::io_context io;
  Pair slow(io), fast(io);
  std::error_code slow_ec = asio::error::fault, fast_ec;
  Clock::time_point slow_when, fast_when;
  const Clock::time_point start = Clock::now();
  StartRead(io, slow, 1, 30s, &slow_ec, &slow_when);  // sweeps every 1 s
  StartRead(io, fast, 1, 200ms, &fast_ec, &fast_when);
  asio::steady_timer later(io, 600ms);
  later.async_wait([&](std::error_code) {
    EXPECT_EQ(slow_ec, asio::error::fault);  // still waiting, not expired
    asio::write(slow.client, asio::buffer("z", 1));
  });
  io.run();
  EXPECT_EQ(fast_ec, asio::error::timed_out);
  EXPECT_LT(fast_when - start, 500ms);
  EXPECT_FALSE(slow_ec);
}

}  // namespace
}  // namespace nimbus::net
