#include "net/send_now.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

namespace nimbus::net {
namespace {

class SendNowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds_), 0);
    int small = 4096;
    ASSERT_EQ(
        ::setsockopt(fds_[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
  }
  void TearDown() override {
    for (int fd : fds_) {
      if (fd >= 0) ::close(fd);
    }
  }
  // Everything the peer can read now, without waiting.
  std::string Drain() {
    std::string out;
    char buf[65536];
    for (;;) {
      ssize_t n = ::recv(fds_[1], buf, sizeof(buf), MSG_DONTWAIT);
      if (n <= 0) return out;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  // Fills the socket buffer until a send would block.
  void Fill() {
    while (::send(fds_[0], "f", 1, MSG_DONTWAIT | MSG_NOSIGNAL) == 1) {
    }
  }
  int fds_[2] = {-1, -1};
};

TEST_F(SendNowTest, EverythingGoesWhenThereIsRoom) {
  std::string rest = "untouched";
  EXPECT_TRUE(SendNowOrKeep(fds_[0], "HEAD", "body", &rest));
  EXPECT_EQ(Drain(), "HEADbody");
  EXPECT_EQ(rest, "untouched");
}

TEST_F(SendNowTest, WhatDoesNotFitIsKeptExactly) {
  // Whatever the buffer takes of a reply larger than it, the bytes that
  // went and the bytes kept are the reply, in order, split once.
  const std::string head(10, 'h');
  std::string body;
  for (int i = 0; body.size() < 300000; ++i) body += std::to_string(i) + ",";
  std::string rest;
  ASSERT_FALSE(SendNowOrKeep(fds_[0], head, body, &rest));
  std::string went = Drain();
  EXPECT_GT(went.size(), 0u) << "some of it should have gone";
  EXPECT_EQ(went + rest, head + body);
}

TEST_F(SendNowTest, TheSplitCanFallInsideTheHead) {
  const std::string head(300000, 'h');
  std::string rest;
  ASSERT_FALSE(SendNowOrKeep(fds_[0], head, "body", &rest));
  std::string went = Drain();
  EXPECT_GT(went.size(), 0u);
  EXPECT_LT(went.size(), head.size());
  EXPECT_EQ(went + rest, head + "body");
}

TEST_F(SendNowTest, AFullBufferKeepsAllOfIt) {
  Fill();
  std::string rest;
  ASSERT_FALSE(SendNowOrKeep(fds_[0], "HEAD", "body", &rest));
  EXPECT_EQ(rest, "HEADbody");
}

TEST_F(SendNowTest, AnErrorKeepsAllOfItForTheLoopToMeet) {
  ::close(fds_[1]);
  fds_[1] = -1;
  std::string rest;
  EXPECT_FALSE(SendNowOrKeep(fds_[0], "HEAD", "body", &rest));
  EXPECT_EQ(rest, "HEADbody");
}

}  // namespace
}  // namespace nimbus::net
