#include "net/tcp_server.h"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "net/io_loop_pool.h"
#include "net/timed_io.h"

namespace nimbus::net {
namespace {

using namespace std::chrono_literals;

// A server on loopback with `loops` connection loops whose handler echoes
// one 4-byte request per round and records the thread it ran on.
class LoopServer {
 public:
  explicit LoopServer(int loops)
      : pool_(loops),
        server_(
            io_,
            [this](asio::ip::tcp::socket s) -> asio::awaitable<void> {
              {
                std::lock_guard<std::mutex> lock(mu_);
                threads_.insert(std::this_thread::get_id());
              }
              char buf[4];
              while (!co_await ReadExact(s, asio::buffer(buf), 5s)) {
                if (co_await WriteAll(s, asio::buffer(buf), 5s)) break;
              }
            },
            16, &pool_) {
    EXPECT_TRUE(server_.Listen("127.0.0.1", 0).ok());
    server_.Start();
    pool_.Start();
    main_ = std::thread([this] { io_.run(); });
  }
  ~LoopServer() {
    io_.stop();
    main_.join();
    pool_.Stop();
    pool_.Join();
  }
  uint16_t port() const { return server_.port(); }
  size_t distinct_threads() {
    std::lock_guard<std::mutex> lock(mu_);
    return threads_.size();
  }

 private:
  IoLoopPool pool_;
  asio::io_context io_;
  TcpServer server_;
  std::thread main_;
  std::mutex mu_;
  std::set<std::thread::id> threads_;
};

std::string RoundTrip(asio::ip::tcp::socket& c, const std::string& msg) {
  asio::write(c, asio::buffer(msg));
  std::string back(msg.size(), '\0');
  asio::read(c, asio::buffer(back));
  return back;
}

TEST(IoLoopPool, ConnectionsAreSpreadOverTheLoopsRoundRobin) {
  LoopServer server(3);
  asio::io_context client;
  std::vector<asio::ip::tcp::socket> conns;
  for (int i = 0; i < 6; ++i) {
    conns.emplace_back(client);
    conns.back().connect({asio::ip::make_address("127.0.0.1"), server.port()});
    EXPECT_EQ(RoundTrip(conns.back(), "ping"), "ping");
  }
  // Every connection is served, each loop by its own thread.
  EXPECT_EQ(server.distinct_threads(), 3u);
  for (auto& c : conns) EXPECT_EQ(RoundTrip(c, "pong"), "pong");
}

TEST(IoLoopPool, StopFromALoopThreadDoesNotWaitForItself) {
  IoLoopPool pool(2);
  pool.Start();
  asio::io_context& loop = pool.Next();
  std::promise<void> stopped;
  asio::post(loop, [&] {
    pool.Stop();
    pool.Join();  // skips the calling thread instead of deadlocking
    stopped.set_value();
  });
  EXPECT_EQ(stopped.get_future().wait_for(5s), std::future_status::ready);
  pool.Join();
}

// The immediate path of the timed I/O (data already there, room in the send
// buffer) and the waiting path (data arrives later, a reply larger than the
// socket buffers) give the same results.
TEST(TimedIo, ImmediateAndWaitingTransfersAgree) {
  asio::io_context io;
  asio::ip::tcp::acceptor acc(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket client(io);
  client.connect(acc.local_endpoint());
  asio::ip::tcp::socket server = acc.accept();

  const std::string big(8 << 20, 'x');
  std::string got_now(5, '\0'), got_later(6, '\0');
  std::error_code now_ec, later_ec, eof_ec, write_ec;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        // Already received: completes without waiting.
        now_ec = co_await ReadExact(server, asio::buffer(got_now), 5s);
        // Half now, half in 50 ms.
        later_ec = co_await ReadExact(server, asio::buffer(got_later), 5s);
        // A reply far larger than the socket buffers.
        write_ec = co_await WriteAll2(
            server, asio::buffer(big.data(), 10),
            asio::buffer(big.data() + 10, big.size() - 10), 5s);
        // The peer closes: end of file, not a hang.
        char c;
        eof_ec = co_await ReadExact(server, asio::buffer(&c, 1), 5s);
      },
      asio::detached);
  asio::write(client, asio::buffer(std::string("hello")));
  asio::write(client, asio::buffer(std::string("wor")));
  std::thread late([&] {
    std::this_thread::sleep_for(50ms);
    asio::write(client, asio::buffer(std::string("ld!")));
    std::string sink(big.size(), '\0');
    asio::read(client, asio::buffer(sink));
    EXPECT_TRUE(sink == big);
    client.close();
  });
  io.run();
  late.join();
  EXPECT_FALSE(now_ec);
  EXPECT_EQ(got_now, "hello");
  EXPECT_FALSE(later_ec);
  EXPECT_EQ(got_later, "world!");
  EXPECT_FALSE(write_ec);
  EXPECT_EQ(eof_ec, asio::error::eof);
}

TEST(TimedIo, AReadThatNeverCompletesTimesOut) {
  asio::io_context io;
  asio::ip::tcp::acceptor acc(io, {asio::ip::make_address("127.0.0.1"), 0});
  asio::ip::tcp::socket client(io);
  client.connect(acc.local_endpoint());
  asio::ip::tcp::socket server = acc.accept();
  asio::write(client, asio::buffer(std::string("ab")));
  std::error_code ec;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        char buf[4];
        ec = co_await ReadExact(server, asio::buffer(buf), 100ms);
      },
      asio::detached);
  io.run();
  EXPECT_EQ(ec, asio::error::timed_out);
}

}  // namespace
}  // namespace nimbus::net
