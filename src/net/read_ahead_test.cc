#include "net/read_ahead.h"

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace nimbus::net
