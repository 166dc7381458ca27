#include "web/login_limiter.h"

#include <gtest/gtest.h>

namespace nimbus::web {
namespace {

TEST(LoginLimiter, BlocksANameAfterTooManyFailuresUntilTheyAgeOut) {
  LoginLimiter l(3, 100, 60);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(l.RetryAfter("alice", "1.1.1.1", 100 + i), 0);
    l.Failed("alice", "1.1.1.1", 100 + i);
  }
  EXPECT_EQ(l.RetryAfter("alice", "2.2.2.2", 110), 50);
  EXPECT_EQ(l.RetryAfter("bob", "1.1.1.1", 110), 0);
  EXPECT_EQ(l.RetryAfter("alice", "2.2.2.2", 160), 0);
}

TEST(LoginLimiter, BlocksAnAddressSprayingManyNames) {
  LoginLimiter l(100, 4, 60);
  for (int i = 0; i < 4; ++i)
    l.Failed("user" + std::to_string(i), "9.9.9.9", 10);
  EXPECT_GT(l.RetryAfter("someone", "9.9.9.9", 11), 0);
  EXPECT_EQ(l.RetryAfter("someone", "8.8.8.8", 11), 0);
}

TEST(LoginLimiter, SuccessClearsTheNameCount) {
  LoginLimiter l(2, 100, 60);
  l.Failed("alice", "a", 1);
  l.Succeeded("alice");
  l.Failed("alice", "a", 2);
  EXPECT_EQ(l.RetryAfter("alice", "a", 3), 0);
}

}  // namespace
}  // namespace nimbus::web
