#include "storage/storage_options.h"

#include <gtest/gtest.h>

namespace nimbus::storage {
namespace {

Result<StorageOptions> Parse(const std::string& text) {
  auto cf = ConfigFile::Parse(text, "storage.conf");
  if (!cf.ok()) return cf.status();
  return StorageOptions::FromConfig(*cf);
}

TEST(StorageOptions, FastDfsConfig) {
  auto o = Parse(
      "group_name = group1\nport = 23000\nbase_path = /srv/fdfs\n"
      "store_path_count = 2\nstore_path0 = /d0\nstore_path1 = /d1\n"
      "tracker_server = 127.0.0.1:22122\ntracker_server = 10.0.0.9:22122\n"
      "heart_beat_interval = 5\nfsync_after_written_bytes = 1M\n");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->store_paths, (std::vector<std::string>{"/d0", "/d1"}));
  ASSERT_EQ(o->trackers.size(), 2u);
  EXPECT_EQ(o->trackers[1].host, "10.0.0.9");
  EXPECT_EQ(o->trackers[1].port, 22122);
  EXPECT_EQ(o->fsync_after_written_bytes, 1 << 20);
  EXPECT_EQ(o->heart_beat_interval_s, 5);
}

TEST(StorageOptions, StorePath0DefaultsToBasePath) {
  auto o = Parse("group_name=g\nbase_path=/b\ntracker_server=t:1\n");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->store_paths, (std::vector<std::string>{"/b"}));
}

TEST(StorageOptions, ClearErrors) {
  EXPECT_FALSE(Parse("base_path=/b\ntracker_server=t:1\n").ok());  // no group
  EXPECT_FALSE(
      Parse("group_name=g/x\nbase_path=/b\ntracker_server=t:1\n").ok());
  EXPECT_FALSE(Parse("group_name=g\nbase_path=/b\n").ok());  // no tracker
  EXPECT_FALSE(Parse("group_name=g\nbase_path=/b\ntracker_server=t\n").ok());
  EXPECT_FALSE(Parse("group_name=g\nbase_path=/b\ntracker_server=t:1\n"
                     "store_path_count=2\n")
                   .ok());
  EXPECT_FALSE(Parse("group_name=g\nbase_path=/b\ntracker_server=t:1\n"
                     "buff_size=12\n")
                   .ok());
}

TEST(StorageOptions, Durability) {
  const std::string base = "group_name=g\nbase_path=/b\ntracker_server=t:1\n";
  EXPECT_EQ(Parse(base)->durability, Durability::kNone);
  EXPECT_EQ(Parse(base + "durability = fsync\n")->durability,
            Durability::kFsync);
  EXPECT_EQ(Parse(base + "durability = group-commit\n")->durability,
            Durability::kGroupCommit);
  auto bad = Parse(base + "durability = always\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("durability"), std::string::npos);
}

TEST(StorageOptions, DirectIoMinSize) {
  const std::string base = "group_name=g\nbase_path=/b\ntracker_server=t:1\n";
  EXPECT_EQ(Parse(base)->direct_io_min_bytes, 0u);
  EXPECT_EQ(Parse(base + "direct_io_min_size = 8MB\n")->direct_io_min_bytes,
            uint64_t{8} << 20);
  auto bad = Parse(base + "direct_io_min_size = big\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("direct_io_min_size"),
            std::string::npos);
}

TEST(StorageOptions, ReplicaDirectIoMinSize) {
  const std::string base = "group_name=g\nbase_path=/b\ntracker_server=t:1\n";
  EXPECT_EQ(Parse(base)->replica_direct_io_min_bytes, uint64_t{1} << 20);
  EXPECT_EQ(Parse(base + "replica_direct_io_min_size = 0\n")
                ->replica_direct_io_min_bytes,
            0u);
  EXPECT_EQ(Parse(base + "replica_direct_io_min_size = 64MB\n")
                ->replica_direct_io_min_bytes,
            uint64_t{64} << 20);
  auto bad = Parse(base + "replica_direct_io_min_size = -1\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("replica_direct_io_min_size"),
            std::string::npos);
}

TEST(StorageOptions, HttpPortForPackedFiles) {
  const std::string base =
      "group_name=g\nbase_path=/b\ntracker_server=t:1\nbind_addr=10.0.0.5\n";
  EXPECT_EQ(Parse(base)->http_port, -1);
  EXPECT_EQ(Parse(base + "http_port = auto\n")->http_port, 0);
  auto o = Parse(base + "http_port = 8081\n");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->http_port, 8081);
  EXPECT_EQ(o->http_bind_addr, "10.0.0.5");
  EXPECT_EQ(Parse(base + "http_bind_addr = 127.0.0.1\n")->http_bind_addr,
            "127.0.0.1");
  auto bad = Parse(base + "http_port = 70000\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("http_port"), std::string::npos);
}

TEST(StorageOptions, SyncReplicas) {
  const std::string base = "group_name=g\nbase_path=/b\ntracker_server=t:1\n";
  EXPECT_EQ(Parse(base)->sync_replicas, 0);
  auto o = Parse(base +
                 "sync_replicas = 2\nsync_replicas_policy = degrade\n"
                 "sync_replicas_timeout_ms = 500\n");
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->sync_replicas, 2);
  EXPECT_EQ(o->sync_replicas_policy, SyncReplicasPolicy::kDegrade);
  EXPECT_EQ(o->sync_replicas_timeout_ms, 500);
  EXPECT_FALSE(Parse(base + "sync_replicas_policy = maybe\n").ok());
  EXPECT_FALSE(Parse(base + "sync_replicas = 99\n").ok());
}

TEST(StorageOptions, SyncWindowAndInterval) {
  const std::string base = "group_name=g\nbase_path=/b\ntracker_server=t:1\n";
  auto all_day = Parse(base);
  ASSERT_TRUE(all_day.ok());
  EXPECT_TRUE(all_day->SyncAlways());
  EXPECT_EQ(all_day->sync_interval_ms, 0);
  auto night = Parse(base +
                     "sync_start_time = 22:30\nsync_end_time = 6:00\n"
                     "sync_interval = 20\n");
  ASSERT_TRUE(night.ok()) << night.status().ToString();
  EXPECT_FALSE(night->SyncAlways());
  EXPECT_EQ(night->sync_interval_ms, 20);
  EXPECT_TRUE(night->InSyncWindow(22 * 60 + 30));
  EXPECT_TRUE(night->InSyncWindow(0));
  EXPECT_TRUE(night->InSyncWindow(6 * 60));
  EXPECT_FALSE(night->InSyncWindow(6 * 60 + 1));
  EXPECT_FALSE(night->InSyncWindow(22 * 60 + 29));
  auto day = Parse(base + "sync_start_time = 09:00\nsync_end_time = 17:00\n");
  ASSERT_TRUE(day.ok());
  EXPECT_TRUE(day->InSyncWindow(12 * 60));
  EXPECT_FALSE(day->InSyncWindow(17 * 60 + 1));
  EXPECT_FALSE(day->InSyncWindow(0));
  EXPECT_FALSE(Parse(base + "sync_start_time = 25:00\n").ok());
  EXPECT_FALSE(Parse(base + "sync_end_time = noon\n").ok());
  EXPECT_FALSE(
      Parse(base + "sync_start_time = 01:00\nsync_end_time = 01:00\n").ok());
  EXPECT_FALSE(Parse(base + "sync_interval = -1\n").ok());
  // sync_replicas needs replication at all hours.
  auto both = Parse(base + "sync_replicas = 1\nsync_start_time = 01:00\n");
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.status().message().find("sync_replicas"), std::string::npos);
}

TEST(StorageOptions, AnnotatedDeployExampleIsValid) {
  auto cf = ConfigFile::Load(NIMBUS_DEPLOY_CONF "/storage.conf");
  ASSERT_TRUE(cf.ok()) << cf.status().ToString();
  auto o = StorageOptions::FromConfig(*cf);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_TRUE(o->metrics.enabled());
  EXPECT_TRUE(cf->UnknownKeys().empty())
      << "deploy/conf/storage.conf documents a key nobody reads: "
      << cf->UnknownKeys().front();
}

}  // namespace
}  // namespace nimbus::storage
