#include <gtest/gtest.h>

#include "common/config_file.h"
#include "nimbus/client.h"

namespace nimbus::client {
namespace {

TEST(ClientOptions, AnnotatedDeployExampleIsValid) {
  auto cf = ConfigFile::Load(NIMBUS_DEPLOY_CONF "/client.conf");
  ASSERT_TRUE(cf.ok()) << cf.status().ToString();
  auto o = ClientOptions::FromConfig(*cf);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  ASSERT_EQ(o->trackers.size(), 1u);
  EXPECT_EQ(o->trackers[0].port, 22122);
  EXPECT_EQ(o->network_timeout, std::chrono::seconds(30));
  EXPECT_EQ(o->member_cache_ttl, std::chrono::seconds(5));
  EXPECT_EQ(o->upload_target_ttl, std::chrono::seconds(1));
  EXPECT_TRUE(cf->UnknownKeys().empty())
      << "deploy/conf/client.conf documents a key nobody reads: "
      << cf->UnknownKeys().front();
}

TEST(ClientOptions, BadValuesAreRefused) {
  auto parse = [](const char* text) {
    auto cf = ConfigFile::Parse(text, "t");
    EXPECT_TRUE(cf.ok());
    return ClientOptions::FromConfig(*cf);
  };
  EXPECT_FALSE(parse("tracker_server = nohost\n").ok());
  EXPECT_FALSE(parse("tracker_server = h:1\nnetwork_timeout = -1\n").ok());
  EXPECT_TRUE(parse("tracker_server = h:1\n").ok());
  EXPECT_FALSE(parse("tracker_server = h:1\nmember_cache_ttl = -1\n").ok());
  auto off = parse("tracker_server = h:1\nmember_cache_ttl = 0\n");
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off->member_cache_ttl.count(), 0);
  EXPECT_FALSE(parse("tracker_server = h:1\nupload_target_ttl = -1\n").ok());
  auto asks = parse("tracker_server = h:1\nupload_target_ttl = 0\n");
  ASSERT_TRUE(asks.ok());
  EXPECT_EQ(asks->upload_target_ttl.count(), 0);
  EXPECT_EQ(parse("tracker_server = h:1\n")->upload_target_ttl,
            std::chrono::seconds(1));
}

}  // namespace
}  // namespace nimbus::client
