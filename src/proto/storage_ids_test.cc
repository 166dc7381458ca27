#include "proto/storage_ids.h"

#include <gtest/gtest.h>

namespace nimbus::proto {
namespace {

// As FastDFS's sample storage_ids.conf writes it.
constexpr std::string_view kSample =
    "# <id>  <group_name>  <ip_or_hostname[:port]>\n"
    "100001   group1  192.168.0.196\n"
    "100002   group1  192.168.0.197\n"
    "\n"
    "100003\tgroup2 10.0.0.5,192.168.1.5:23001\r\n";

TEST(StorageIds, ParsesFastDfsSampleAndLooksUp) {
  auto t = StorageIds::Parse(kSample, true, "ids.conf");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->size(), 3u);
  const StorageIdEntry* e = t->ByAddress("group1", "192.168.0.197", 23000);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->id, "100002");
  EXPECT_EQ(t->ByAddress("group2", "192.168.0.197", 23000), nullptr);
  // Either address of a multi-address server, only on its port.
  e = t->ByAddress("group2", "192.168.1.5", 23001);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->id, "100003");
  EXPECT_EQ(e->ips, (std::vector<std::string>{"10.0.0.5", "192.168.1.5"}));
  EXPECT_EQ(t->ByAddress("group2", "10.0.0.5", 23000), nullptr);
  EXPECT_EQ(t->ById("100001")->ips[0], "192.168.0.196");
  EXPECT_EQ(t->ById("1000010"), nullptr);
  EXPECT_EQ(t->ByNumber(100003)->group, "group2");
  EXPECT_EQ(t->ByNumber(100004), nullptr);

  EXPECT_EQ(t->IdOrAddress("group1", "192.168.0.196", 23000), "100001");
  EXPECT_EQ(t->IdOrAddress("group1", "192.168.0.9", 23000), "192.168.0.9");
  auto none = [](const std::string&) { return false; };
  auto second = [](const std::string& ip) { return ip == "192.168.1.5"; };
  EXPECT_EQ(t->AddressOf("group2", "100003", second), "192.168.1.5");
  EXPECT_EQ(t->AddressOf("group2", "100003", none), "10.0.0.5");
  EXPECT_EQ(t->AddressOf("group1", "100003", none), "100003");
  EXPECT_EQ(t->AddressOf("group1", "10.1.1.1", none), "10.1.1.1");
}

TEST(StorageIds, BadTablesAreRefusedNamingTheLine) {
  struct Case {
    std::string text;
    bool numeric;
    std::string want;  // in the message
  };
  const Case cases[] = {
      {"100001 group1\n", true, ":1: expected"},
      {"100001 group1 1.2.3.4 extra\n", true, "expected"},
      {"# c\nabc group1 1.2.3.4\n", true, ":2: id abc is not a number"},
      {"0 group1 1.2.3.4\n", true, "not a number"},
      {"4294967296 group1 1.2.3.4\n", true, "not a number"},
      {"1234567890123456 group1 1.2.3.4\n", false, "longer than 15"},
      {"1 group/1 1.2.3.4\n", true, ""},
      {"1 group1 1.2.3\n", true, "not an IPv4 address"},
      {"1 group1 host.example.com\n", true, "not an IPv4 address"},
      {"1 group1 1.2.3.4:0\n", true, "bad port"},
      {"1 group1 1.2.3.4:65536\n", true, "bad port"},
      {"1 group1 1.2.3.4,1.2.3.5,1.2.3.6,1.2.3.7,1.2.3.8\n", true,
       "more than 4"},
      {"1 group1 1.2.3.4\n1 group2 1.2.3.5\n", true, "listed twice"},
      {"1 group1 1.2.3.4\n01 group2 1.2.3.5\n", true, "same number"},
      {"1 group1 1.2.3.4\n2 group2 1.2.3.4\n", true, "two ids"},
      {"1 group1 " + std::string(300, 'x') + "\n", true, "256"},
  };
  for (const Case& c : cases) {
    auto t = StorageIds::Parse(c.text, c.numeric, "ids.conf");
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_NE(t.status().message().find("ids.conf"), std::string::npos)
        << t.status().ToString();
    EXPECT_NE(t.status().message().find(c.want), std::string::npos)
        << c.text << " -> " << t.status().ToString();
  }
  // Names instead of numbers are fine when ids stay out of file names; the
  // same address on two ports is two servers.
  EXPECT_TRUE(StorageIds::Parse("s1 group1 1.2.3.4:23000\n"
                                "s2 group1 1.2.3.4:23001\n",
                                false, "ids.conf")
                  .ok());
  std::string many;
  for (int i = 1; i <= 4097; ++i) {
    many += std::to_string(i) + " g 10.0." + std::to_string(i / 256) + "." +
            std::to_string(i % 256) + "\n";
  }
  EXPECT_FALSE(StorageIds::Parse(many, true, "ids.conf").ok());
}

TEST(StorageIds, ReplyPagesThroughTheTable) {
  std::string text;
  for (int i = 1; i <= 50; ++i) {
    text += std::to_string(100000 + i) + " group1 10.0.0." + std::to_string(i) +
            (i % 2 ? ":23000" : "") + "\n";
  }
  auto t = StorageIds::Parse(text, true, "ids.conf");
  ASSERT_TRUE(t.ok());
  std::vector<StorageIdEntry> got;
  uint32_t total = 0;
  int replies = 0;
  do {
    auto r = t->EncodeReply(static_cast<int64_t>(got.size()), 300);
    ASSERT_TRUE(r.ok());
    ASSERT_LE(r->size(), 300u);
    auto n = StorageIds::DecodeReply(*r, true, &got);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    total = *n;
    ++replies;
  } while (got.size() < total);
  EXPECT_GT(replies, 3);
  auto back = StorageIds::FromEntries(got, true);
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 50u);
  EXPECT_EQ(back->ById("100007")->port, 23000);
  EXPECT_EQ(back->ById("100008")->port, 0);
  EXPECT_EQ(back->ById("100050")->ips[0], "10.0.0.50");

  EXPECT_FALSE(t->EncodeReply(50, 300).ok());
  EXPECT_FALSE(t->EncodeReply(-1, 300).ok());
  EXPECT_FALSE(StorageIds().EncodeReply(0, 300).ok());
}

TEST(StorageIds, MalformedRepliesAreRefused) {
  std::vector<StorageIdEntry> into;
  auto reply = [](uint32_t total, uint32_t count, std::string lines) {
    std::string b(8, '\0');
    for (int i = 0; i < 4; ++i) {
      b[i] = static_cast<char>(total >> (24 - 8 * i));
      b[4 + i] = static_cast<char>(count >> (24 - 8 * i));
    }
    return b + lines;
  };
  EXPECT_FALSE(StorageIds::DecodeReply("1234567", true, &into).ok());
  EXPECT_FALSE(
      StorageIds::DecodeReply(reply(5000, 1, "1 g 1.2.3.4\n"), true, &into)
          .ok());
  EXPECT_FALSE(
      StorageIds::DecodeReply(reply(1, 2, "1 g 1.2.3.4\n"), true, &into).ok());
  EXPECT_FALSE(
      StorageIds::DecodeReply(reply(2, 2, "1 g 1.2.3.4\n"), true, &into).ok());
  EXPECT_FALSE(StorageIds::DecodeReply(
                   reply(2, 1, "1 g 1.2.3.4\n2 g 1.2.3.5\n"), true, &into)
                   .ok());
  EXPECT_FALSE(
      StorageIds::DecodeReply(reply(1, 1, "x g 1.2.3.4\n"), true, &into).ok());
  into.clear();
  EXPECT_TRUE(
      StorageIds::DecodeReply(reply(1, 1, "7 g 1.2.3.4\n"), true, &into).ok());
  ASSERT_EQ(into.size(), 1u);
  EXPECT_EQ(into[0].id, "7");
}

}  // namespace
}  // namespace nimbus::proto
