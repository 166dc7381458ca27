#include "net/host_allow_list.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace nimbus::net {
namespace {

asio::ip::address A(const char* s) { return asio::ip::make_address(s); }

// Resolves names of the form "hostNN.test" to 10.9.0.NN; anything else
// fails.
Result<std::vector<uint32_t>> FakeResolver(const std::string& host) {
  const std::string head = "host", tail = ".test";
  if (host.size() > head.size() + tail.size() && host.starts_with(head) &&
      host.ends_with(tail)) {
    std::string digits =
        host.substr(head.size(), host.size() - head.size() - tail.size());
    if (std::all_of(digits.begin(), digits.end(), ::isdigit)) {
      return std::vector<uint32_t>{(10u << 24) | (9u << 16) |
                                   static_cast<uint32_t>(std::stoul(digits))};
    }
  }
  return Status::NotFound("unknown host");
}

TEST(HostAllowList, NoEntryOrAStarAllowsEveryHost) {
  auto none = HostAllowList::Parse({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->allows_all());
  EXPECT_TRUE(none->Allows(A("203.0.113.9")));
  for (const auto& entries : std::vector<std::vector<std::string>>{
           {"10.0.0.1", "*"}, {"*", "10.0.0.1"}, {"", " "}}) {
    auto l = HostAllowList::Parse(entries);
    ASSERT_TRUE(l.ok());
    EXPECT_TRUE(l->Allows(A("203.0.113.9")));
    EXPECT_TRUE(l->Allows(A("::1")));
  }
  EXPECT_TRUE(HostAllowList::Parse({"0.0.0.0"})->allows_all());
}

TEST(HostAllowList, AddressesBlocksAndRanges) {
  auto l = HostAllowList::Parse(
      {"127.0.0.1", " 192.168.5.64/26 ", "10.0.1.[1-3,20]"});
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_FALSE(l->allows_all());
  EXPECT_TRUE(l->Allows(A("127.0.0.1")));
  EXPECT_FALSE(l->Allows(A("127.0.0.2")));
  EXPECT_TRUE(l->Allows(A("192.168.5.64")));
  EXPECT_TRUE(l->Allows(A("192.168.5.127")));
  EXPECT_FALSE(l->Allows(A("192.168.5.128")));
  EXPECT_FALSE(l->Allows(A("192.168.5.63")));
  for (const char* ok : {"10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.20"}) {
    EXPECT_TRUE(l->Allows(A(ok))) << ok;
  }
  for (const char* no : {"10.0.1.0", "10.0.1.4", "10.0.1.19", "10.0.1.21"}) {
    EXPECT_FALSE(l->Allows(A(no))) << no;
  }
  // An IPv4 peer seen through an IPv6 socket is that IPv4 peer; others no.
  EXPECT_TRUE(l->Allows(A("::ffff:127.0.0.1")));
  EXPECT_FALSE(l->Allows(A("::1")));
  EXPECT_TRUE(HostAllowList::Parse({"0.0.0.0/0"})->Allows(A("8.8.8.8")));
}

TEST(HostAllowList, HostNamesResolveOnceWithTheirPaddedRanges) {
  std::vector<std::string> asked;
  auto resolver = [&](const std::string& h) {
    asked.push_back(h);
    return FakeResolver(h);
  };
  auto l = HostAllowList::Parse({"host[01-03,07].test"}, resolver);
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(asked, (std::vector<std::string>{"host01.test", "host02.test",
                                             "host03.test", "host07.test"}));
  EXPECT_TRUE(l->Allows(A("10.9.0.2")));
  EXPECT_TRUE(l->Allows(A("10.9.0.7")));
  EXPECT_FALSE(l->Allows(A("10.9.0.4")));
  auto missing = HostAllowList::Parse({"host01.test", "nosuch.test"}, resolver);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nosuch.test"), std::string::npos);
}

TEST(HostAllowList, MalformedEntriesAreNamed) {
  for (const char* bad :
       {"10.0.0.0/33", "10.0.0/8", "10.0.1.[3-1]", "10.0.1.[1-2", "10.0.1.]",
        "10.0.[1-2].[1-2]", "10.0.1.[]", "10.0.1.[a-b]", "bad host!",
        "10.[0-255].[0-255].1", "::1"}) {
    auto l = HostAllowList::Parse({bad}, FakeResolver);
    ASSERT_FALSE(l.ok()) << bad;
    EXPECT_EQ(l.status().code(), Status::Code::kInvalidArgument) << bad;
  }
  // The expansion is bounded before anything is resolved.
  auto big = HostAllowList::Parse({"h[0-999999].test"}, FakeResolver);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("more than"), std::string::npos);
}

TEST(HostAllowList, TheSystemResolverKnowsLocalhost) {
  auto ips = HostAllowList::SystemResolver("localhost");
  ASSERT_TRUE(ips.ok()) << ips.status().ToString();
  EXPECT_NE(std::find(ips->begin(), ips->end(), 0x7f000001u), ips->end());
}

}  // namespace
}  // namespace nimbus::net
