#include "tracker/tracker_options.h"

#include <gtest/gtest.h>

namespace nimbus::tracker {
namespace {

Result<TrackerOptions> Parse(const std::string& text) {
  auto cf = ConfigFile::Parse(text, "tracker.conf");
  if (!cf.ok()) return cf.status();
  return TrackerOptions::FromConfig(*cf);
}

TEST(TrackerOptions, FastDfsKeysAndDefaults) {
  auto o = Parse(
      "base_path = /tmp/t\nport = 22123\nstore_lookup = 0\n"
      "reserved_storage_space = 10G\ncheck_active_interval = 2m\n"
      "http.server_port = 8080\n");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->port, 22123);
  EXPECT_EQ(o->store_lookup, StoreLookup::kRoundRobin);
  EXPECT_FALSE(o->reserved.is_ratio);
  EXPECT_EQ(o->reserved.mb, 10240);
  EXPECT_EQ(o->check_active_interval_s, 120);
  EXPECT_EQ(o->store_server, StoreServer::kRoundRobin);
}

TEST(TrackerOptions, InvalidValuesAreStartupErrors) {
  EXPECT_FALSE(Parse("port = 1\n").ok());  // no base_path
  EXPECT_FALSE(Parse("base_path=/t\nstore_lookup = 7\n").ok());
  EXPECT_FALSE(Parse("base_path=/t\nstore_lookup = 1\n").ok());
  EXPECT_FALSE(Parse("base_path=/t\nstore_path = 1\n").ok());
  EXPECT_FALSE(Parse("base_path=/t\nreserved_storage_space = lots\n").ok());
  EXPECT_FALSE(Parse("base_path=/t\nuse_storage_id = true\n").ok());
  EXPECT_FALSE(Parse("base_path=/t\nport = 99999\n").ok());
}

TEST(TrackerOptions, AllowHostsAsFastDfsWritesThem) {
  auto all = Parse("base_path=/t\nallow_hosts = *\n");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(all->allow_hosts.allows_all());
  auto some = Parse(
      "base_path=/t\nallow_hosts = 10.0.1.[1-15,20]\n"
      "allow_hosts = 192.168.5.64/26\nallow_hosts = localhost\n");
  ASSERT_TRUE(some.ok()) << some.status().ToString();
  EXPECT_FALSE(some->allow_hosts.allows_all());
  EXPECT_TRUE(some->allow_hosts.Allows(asio::ip::make_address("10.0.1.20")));
  EXPECT_TRUE(some->allow_hosts.Allows(asio::ip::make_address("127.0.0.1")));
  EXPECT_FALSE(some->allow_hosts.Allows(asio::ip::make_address("10.0.1.16")));
  // A list that cannot be read is a start-up error naming the file, not an
  // open server.
  auto bad = Parse("base_path=/t\nallow_hosts = 10.0.1.[1-\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("tracker.conf"), std::string::npos)
      << bad.status().ToString();
  EXPECT_NE(bad.status().message().find("10.0.1.[1-"), std::string::npos);
}

TEST(TrackerOptions, TrunkFileSettings) {
  auto off = Parse("base_path=/t\n");
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->use_trunk_file);
  EXPECT_EQ(off->slot_max_size, 1 << 20);
  EXPECT_EQ(off->trunk_file_size, 64 << 20);
  auto on = Parse(
      "base_path=/t\nuse_trunk_file = true\nslot_max_size = 256KB\n"
      "trunk_file_size = 16MB\n");
  ASSERT_TRUE(on.ok()) << on.status().ToString();
  EXPECT_TRUE(on->use_trunk_file);
  EXPECT_EQ(on->slot_max_size, 256 << 10);
  EXPECT_EQ(on->trunk_file_size, 16 << 20);
  for (const char* bad : {"slot_max_size = 1KB\n", "slot_max_size = 65MB\n",
                          "slot_max_size = big\n", "trunk_file_size = 1MB\n",
                          "trunk_file_size = 5GB\n",
                          "slot_max_size = 4MB\ntrunk_file_size = 4MB\n"}) {
    EXPECT_FALSE(Parse(std::string("base_path=/t\n") + bad).ok()) << bad;
  }
}

TEST(TrackerOptions, PeersSkipSelfAndNeedBindAddr) {
  auto o = Parse(
      "base_path=/b\nbind_addr=10.0.0.1\nport=22122\n"
      "tracker_server=10.0.0.1:22122\ntracker_server=10.0.0.2:22122\n");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  ASSERT_EQ(o->peers.size(), 1u);
  EXPECT_EQ(o->peers[0].host, "10.0.0.2");
  EXPECT_EQ(o->tracker_ping_interval_ms, 1000);
  auto no_bind = Parse("base_path=/b\ntracker_server=10.0.0.2:22122\n");
  ASSERT_FALSE(no_bind.ok());
  EXPECT_NE(no_bind.status().message().find("bind_addr"), std::string::npos);
  EXPECT_FALSE(Parse("base_path=/b\nbind_addr=a\ntracker_server=x\n").ok());
}

TEST(TrackerOptions, AnnotatedDeployExampleIsValid) {
  auto cf = ConfigFile::Load(NIMBUS_DEPLOY_CONF "/tracker.conf");
  ASSERT_TRUE(cf.ok()) << cf.status().ToString();
  auto o = TrackerOptions::FromConfig(*cf);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_TRUE(o->metrics.enabled());
  EXPECT_TRUE(cf->UnknownKeys().empty())
      << "deploy/conf/tracker.conf documents a key nobody reads: "
      << cf->UnknownKeys().front();
}

}  // namespace
}  // namespace nimbus::tracker
