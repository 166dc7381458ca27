#include "tracker/tracker_options.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

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

// storage_ids_filename is read relative to tracker.conf's directory.
TEST(TrackerOptions, StorageIdsAreLoadedBesideTheConfig) {
  const std::string dir =
      ::testing::TempDir() + "/ids_conf_" + std::to_string(::getpid());
  ASSERT_EQ(system(("rm -rf " + dir + " && mkdir -p " + dir).c_str()), 0);
  auto parse_at = [&](const std::string& text) {
    auto cf = ConfigFile::Parse(text, dir + "/tracker.conf");
    if (!cf.ok()) return Result<TrackerOptions>(cf.status());
    return TrackerOptions::FromConfig(*cf);
  };
  const std::string on = "base_path=/t\nuse_storage_id = true\n";
  // No table where it is looked for.
  auto missing = parse_at(on);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(dir + "/storage_ids.conf"),
            std::string::npos)
      << missing.status().ToString();

  std::ofstream(dir + "/storage_ids.conf") << "100001 group1 10.0.0.1\n"
                                              "server2 group1 10.0.0.2\n";
  // Ids that are not numbers are fine while names carry addresses...
  auto by_ip = parse_at(on);
  ASSERT_TRUE(by_ip.ok()) << by_ip.status().ToString();
  EXPECT_TRUE(by_ip->use_storage_id);
  EXPECT_FALSE(by_ip->id_in_filename);
  EXPECT_EQ(by_ip->storage_ids.size(), 2u);
  // ...but not when they go into file names.
  auto by_id = parse_at(on + "id_type_in_filename = id\n");
  ASSERT_FALSE(by_id.ok());
  EXPECT_NE(by_id.status().message().find("server2"), std::string::npos);
  EXPECT_FALSE(parse_at(on + "id_type_in_filename = name\n").ok());

  std::ofstream(dir + "/other.conf") << "7 group1 10.0.0.7\n";
  auto named = parse_at(on +
                        "storage_ids_filename = other.conf\n"
                        "id_type_in_filename = id\n");
  ASSERT_TRUE(named.ok()) << named.status().ToString();
  EXPECT_TRUE(named->id_in_filename);
  EXPECT_EQ(named->storage_ids.ById("7")->ips[0], "10.0.0.7");
  std::ofstream(dir + "/empty.conf") << "# nothing\n";
  EXPECT_FALSE(parse_at(on + "storage_ids_filename = empty.conf\n").ok());
  // Off, the table is not read at all.
  auto off = parse_at("base_path=/t\nstorage_ids_filename = nowhere.conf\n");
  ASSERT_TRUE(off.ok());
  EXPECT_TRUE(off->storage_ids.empty());
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
