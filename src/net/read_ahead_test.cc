#include "net/read_ahead.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <string>
#include <thread>

namespace nimbus::net {
namespace {

using namespace std::chrono_literals;

class ReadAheadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    asio::ip::tcp::acceptor acceptor(io_,
                                     {asio::ip::make_address("127.0.0.1"), 0});
    client_.connect(acceptor.local_endpoint());
    server_ = acceptor.accept();
  }
  // Runs `reads` (sizes) through one ReadAhead on the server side and
  // returns what they got, concatenated; `*err` is the first error.
  std::string ReadAll(ReadAhead& ra, std::vector<size_t> reads,
                      std::error_code* err, Duration timeout = 2s) {
    std::string out;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          for (size_t n : reads) {
            std::string part(n, '\0');
            std::error_code ec =
                co_await ra.ReadExact(server_, asio::buffer(part), timeout);
            if (ec) {
              *err = ec;
              co_return;
            }
            out += part;
          }
        },
        asio::detached);
    io_.restart();
    io_.run();
    return out;
  }

  asio::io_context io_;
  asio::ip::tcp::socket client_{io_}, server_{io_};
};

TEST_F(ReadAheadTest, FieldsSentTogetherAreReadInOneGoAndHandedOutInOrder) {
  std::string sent;
  for (int i = 0; i < 100000; ++i) sent.push_back(static_cast<char>(i % 89));
  asio::write(client_, asio::buffer(sent));
  ReadAhead ra(4096);
  std::error_code ec;
  // Small reads come from the buffer; the 90,000-byte one goes past it.
  std::string got = ReadAll(ra, {10, 15, 4096, 1, 90000, 5878}, &ec);
  EXPECT_FALSE(ec) << ec.message();
  EXPECT_TRUE(got == sent);
  EXPECT_EQ(ra.buffered(), 0u);
}

TEST_F(ReadAheadTest, KeepsWhatFollowsForTheNextRead) {
  asio::write(client_, asio::buffer(std::string("0123456789abcdef")));
  ReadAhead ra(4096);
  std::error_code ec;
  EXPECT_EQ(ReadAll(ra, {10}, &ec), "0123456789");
  EXPECT_EQ(ra.buffered(), 6u);
  EXPECT_EQ(ReadAll(ra, {6}, &ec), "abcdef");
  EXPECT_FALSE(ec);
}

TEST_F(ReadAheadTest, ASilentPeerTimesOut) {
  asio::write(client_, asio::buffer(std::string("abc")));
  ReadAhead ra(4096);
  std::error_code ec;
  auto start = std::chrono::steady_clock::now();
  ReadAll(ra, {10}, &ec, 150ms);
  EXPECT_EQ(ec, asio::error::timed_out);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 140ms);
}

TEST_F(ReadAheadTest, PeerCloseIsAnError) {
  asio::write(client_, asio::buffer(std::string("abc")));
  client_.close();
  ReadAhead ra(4096);
  std::error_code ec;
  ReadAll(ra, {3, 1}, &ec);
  EXPECT_EQ(ec, asio::error::eof);
}

// FastDFS's C client keeps Nagle's algorithm on and sends a request's header
// and its content in two writes: the content leaves only once the header is
// acknowledged. A server that waits for the content without acknowledging
// the header lets Linux's delayed ACK hold every such request for 40 ms once
// the connection is in request/response (pingpong) mode. 100 such requests
// take about 4 ms here and 4 s with that stall; the bound is 2 s.
TEST_F(ReadAheadTest, ContentSentAfterItsHeaderWithNagleOnIsNotHeldBack) {
  constexpr int kRequests = 100;
  constexpr size_t kHead = 25, kContent = 4096, kReply = 50;
  server_.set_option(asio::ip::tcp::no_delay(true));  // as TcpServer does
  int off = 0;
  ASSERT_EQ(::setsockopt(client_.native_handle(), IPPROTO_TCP, TCP_NODELAY,
                         &off, sizeof off),
            0);
  std::error_code server_ec;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        ReadAhead ra(16 * 1024);
        std::string head(kHead, '\0'), content(kContent, '\0');
        const std::string reply(kReply, 'r');
        for (int i = 0; i < kRequests; ++i) {
          std::error_code ec =
              co_await ra.ReadNextFrame(server_, asio::buffer(head), 5s);
          if (!ec) {
            ec = co_await ra.ReadExact(server_, asio::buffer(content), 5s);
          }
          if (!ec) ec = co_await WriteAll(server_, asio::buffer(reply), 5s);
          if (ec) {
            server_ec = ec;
            co_return;
          }
        }
      },
      asio::detached);
  std::thread loop([this] { io_.run(); });
  const std::string head(kHead, 'h'), content(kContent, 'c');
  std::string reply(kReply, '\0');
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRequests; ++i) {
    // Two send() calls, as the C client makes them.
    ASSERT_EQ(::send(client_.native_handle(), head.data(), head.size(), 0),
              static_cast<ssize_t>(head.size()));
    ASSERT_EQ(
        ::send(client_.native_handle(), content.data(), content.size(), 0),
        static_cast<ssize_t>(content.size()));
    asio::read(client_, asio::buffer(reply));
  }
  const auto spent = std::chrono::steady_clock::now() - start;
  loop.join();
  EXPECT_FALSE(server_ec) << server_ec.message();
  EXPECT_LT(spent, 2s) << "a delayed ACK held the content back";
}

}  // namespace
}  // namespace nimbus::net
