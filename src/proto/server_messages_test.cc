#include "proto/server_messages.h"

#include <gtest/gtest.h>

namespace nimbus::proto {
namespace {

TEST(ServerMessages, TrackerStatusByteExact) {
  TrackerStatus s{true, 0x0102030405060708, "10.0.0.7", 22122, 0x10};
  std::string b = EncodeTrackerStatus(s);
  ASSERT_EQ(b.size(), 41u);
  EXPECT_EQ(b[0], 1);
  EXPECT_EQ(b.substr(1, 8), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(b.substr(9, 16), std::string("10.0.0.7\0\0\0\0\0\0\0\0", 16));
  EXPECT_EQ(b.substr(25, 8), std::string("\0\0\0\0\0\0\x56\x6a", 8));
  auto d = DecodeTrackerStatus(b);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->is_leader);
  EXPECT_EQ(d->up_since, s.up_since);
  EXPECT_EQ(d->leader_ip, "10.0.0.7");
  EXPECT_EQ(d->leader_port, 22122);
  EXPECT_EQ(d->leader_since, 0x10);
  EXPECT_FALSE(DecodeTrackerStatus(b.substr(1)).ok());
  b[25] = '\x7f';  // absurd port
  EXPECT_FALSE(DecodeTrackerStatus(b).ok());
}

TEST(ServerMessages, LeaderRoundTripAndLimits) {
  auto d = DecodeLeader(EncodeLeader("127.0.0.3", 22122));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->first, "127.0.0.3");
  EXPECT_EQ(d->second, 22122);
  EXPECT_FALSE(DecodeLeader(EncodeLeader("127.0.0.3", 0)).ok());
  EXPECT_FALSE(DecodeLeader("short").ok());
}

TEST(ServerMessages, IpChangeAndChangelog) {
  std::string b = EncodeIpChange({"group1", "10.0.0.5", "10.0.0.9"});
  ASSERT_EQ(b.size(), 16u + 32u);
  auto c = DecodeIpChange(b);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->group, "group1");
  EXPECT_EQ(c->old_ip, "10.0.0.5");
  EXPECT_EQ(c->new_ip, "10.0.0.9");
  EXPECT_FALSE(
      DecodeIpChange(EncodeIpChange({"g", "1.1.1.1", "1.1.1.1"})).ok());
  EXPECT_FALSE(
      DecodeIpChange(EncodeIpChange({"g/x", "1.1.1.1", "2.2.2.2"})).ok());
  auto log = DecodeChangelog("a b\nc d\n");
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[1].second, "d");
  EXPECT_FALSE(DecodeChangelog("a b").ok());
  EXPECT_FALSE(DecodeChangelog("ab\n").ok());
}

}  // namespace
}  // namespace nimbus::proto
