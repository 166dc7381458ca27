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

}  // namespace
}  // namespace nimbus::tracker
