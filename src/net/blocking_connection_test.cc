#include "net/blocking_connection.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

namespace nimbus::net {
namespace {

using namespace std::chrono_literals;

class BlockingConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    acceptor_.open(asio::ip::tcp::v4());
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen();
  }
  std::unique_ptr<BlockingConnection> Connect(
      std::chrono::milliseconds timeout = 2000ms) {
    auto c = BlockingConnection::Connect(
        "127.0.0.1", acceptor_.local_endpoint().port(), 1000ms, timeout);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    peer_ = acceptor_.accept();
    return std::move(*c);
  }

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_{io_};
  asio::ip::tcp::socket peer_{io_};
};

TEST_F(BlockingConnectionTest, ReadsWhatArrivesInPiecesAndWritesMoreThanFits) {
  auto c = Connect();
  const std::string big(16 << 20, 'b');
  std::string echoed;
  std::thread peer([&] {
    std::string got(big.size() + 3, '\0');
    asio::read(peer_, asio::buffer(got));
    echoed = got;
    asio::write(peer_, asio::buffer(std::string("ab")));
    std::this_thread::sleep_for(50ms);
    asio::write(peer_, asio::buffer(std::string("cd")));
  });
  ASSERT_TRUE(c->Write2("hdr", big).ok());
  char buf[4];
  ASSERT_TRUE(c->ReadExact(buf, 4).ok());
  peer.join();
  EXPECT_EQ(std::string(buf, 4), "abcd");
  EXPECT_TRUE(echoed == "hdr" + big);
  EXPECT_FALSE(c->broken());
}

TEST_F(BlockingConnectionTest, PeerCloseIsUnavailableAndBreaksTheConnection) {
  auto c = Connect();
  peer_.close();
  char buf[1];
  Status s = c->ReadExact(buf, 1);
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  EXPECT_TRUE(c->broken());
  EXPECT_EQ(c->Write("x").code(), Status::Code::kUnavailable);
}

TEST_F(BlockingConnectionTest, ASilentPeerTimesOut) {
  auto c = Connect(150ms);
  char buf[8];
  auto start = std::chrono::steady_clock::now();
  Status s = c->ReadExact(buf, 8);
  EXPECT_EQ(s.code(), Status::Code::kTimedOut) << s.ToString();
  EXPECT_GE(std::chrono::steady_clock::now() - start, 140ms);
  EXPECT_TRUE(c->broken());
}

TEST_F(BlockingConnectionTest, BytesReadAheadAreHandedOutInOrder) {
  auto c = Connect();
  std::string sent;
  for (int i = 0; i < 40000; ++i)
    sent.push_back(static_cast<char>('a' + i % 26));
  asio::write(peer_, asio::buffer(sent));
  // Small reads are served from the read-ahead, large ones go past it.
  std::string got;
  for (size_t n : {3u, 7u, 1u, 20000u, 5u, 19984u}) {
    std::string part(n, '\0');
    ASSERT_TRUE(c->ReadExact(part.data(), n).ok());
    got += part;
  }
  EXPECT_EQ(got, sent);
  EXPECT_TRUE(c->LooksAlive());
}

TEST_F(BlockingConnectionTest,
       UnreadBufferedBytesMeanTheConnectionIsNotReusable) {
  auto c = Connect();
  asio::write(peer_, asio::buffer(std::string("hello world")));
  char buf[5];
  ASSERT_TRUE(c->ReadExact(buf, 5).ok());
  EXPECT_EQ(std::string(buf, 5), "hello");
  EXPECT_FALSE(c->LooksAlive());
}

TEST_F(BlockingConnectionTest, ATricklingPeerStillMeetsTheDeadline) {
  auto c = Connect(300ms);
  std::atomic<bool> stop{false};
  std::thread peer([&] {
    while (!stop) {
      std::error_code ec;
      asio::write(peer_, asio::buffer("x", 1), ec);
      if (ec) return;
      std::this_thread::sleep_for(20ms);
    }
  });
  char buf[1000];
  auto start = std::chrono::steady_clock::now();
  Status s = c->ReadExact(buf, sizeof(buf));
  auto took = std::chrono::steady_clock::now() - start;
  stop = true;
  peer.join();
  EXPECT_EQ(s.code(), Status::Code::kTimedOut) << s.ToString();
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 500ms);
  EXPECT_TRUE(c->broken());
}

}  // namespace
}  // namespace nimbus::net
