#include "storage/storage_options.h"

#include <ctime>

#include "common/reserved_space.h"
#include "proto/file_name.h"

namespace nimbus::storage {

Result<StorageOptions> StorageOptions::FromConfig(ConfigFile& cf) {
  StorageOptions o;
  const std::string& src = cf.source();
  bool disabled = false;
  NIMBUS_ASSIGN_OR_RETURN(disabled, cf.GetBool("disabled", false));
  if (disabled) return Status::InvalidArgument("disabled = true in " + src);
  o.group_name = cf.GetString("group_name");
  Status s = proto::ValidateGroupName(o.group_name);
  if (!s.ok())
    return Status::InvalidArgument(src + ": group_name: " + s.message());
  o.bind_addr = cf.GetString("bind_addr");
  int64_t v = 0;
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetInt("port", 23000, 0, 65535));
  o.port = static_cast<uint16_t>(v);
  o.base_path = cf.GetString("base_path");
  if (o.base_path.empty()) {
    return Status::InvalidArgument(src + ": base_path is required");
  }
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetInt("store_path_count", 1, 1, 256));
  for (int64_t i = 0; i < v; ++i) {
    std::string key = "store_path" + std::to_string(i);
    std::string path = cf.GetString(key);
    if (path.empty()) {
      if (i == 0) {
        path = o.base_path;  // FastDFS: store_path0 defaults to base_path
      } else {
        return Status::InvalidArgument(
            src + ": " + key +
            " is required (store_path_count = " + std::to_string(v) + ")");
      }
    }
    o.store_paths.push_back(path);
  }
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetInt("subdir_count_per_path", 256, 1, 256));
  o.subdir_count_per_path = static_cast<int>(v);
  for (const std::string& t : cf.GetAll("tracker_server")) {
    auto hp = ParseHostPort(t);
    if (!hp.ok())
      return Status::InvalidArgument(
          src + ": tracker_server: " + hp.status().message());
    o.trackers.push_back(*hp);
  }
  if (o.trackers.empty()) {
    return Status::InvalidArgument(src +
                                   ": at least one tracker_server is required");
  }
  NIMBUS_ASSIGN_OR_RETURN(o.heart_beat_interval_s,
                          cf.GetSeconds("heart_beat_interval", 30, 1, 3600));
  NIMBUS_ASSIGN_OR_RETURN(o.stat_report_interval_s,
                          cf.GetSeconds("stat_report_interval", 60, 1, 86400));
  NIMBUS_ASSIGN_OR_RETURN(o.connect_timeout_s,
                          cf.GetSeconds("connect_timeout", 10, 1, 3600));
  NIMBUS_ASSIGN_OR_RETURN(o.network_timeout_s,
                          cf.GetSeconds("network_timeout", 60, 1, 3600));
  std::string fsync = cf.GetString("fsync_after_written_bytes", "0");
  auto fb = ParseByteSize(fsync);
  if (!fb.ok())
    return Status::InvalidArgument(
        src + ": fsync_after_written_bytes: " + fb.status().message());
  o.fsync_after_written_bytes = *fb;
  std::string durability = cf.GetString("durability", "none");
  if (durability == "none") {
    o.durability = Durability::kNone;
  } else if (durability == "fsync") {
    o.durability = Durability::kFsync;
  } else if (durability == "group-commit") {
    o.durability = Durability::kGroupCommit;
  } else {
    return Status::InvalidArgument(
        src + ": durability must be none, fsync or group-commit, not `" +
        durability + "`");
  }
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetInt("sync_replicas", 0, 0, 16));
  o.sync_replicas = static_cast<int>(v);
  std::string policy = cf.GetString("sync_replicas_policy", "fail");
  if (policy == "fail") {
    o.sync_replicas_policy = SyncReplicasPolicy::kFail;
  } else if (policy == "degrade") {
    o.sync_replicas_policy = SyncReplicasPolicy::kDegrade;
  } else {
    return Status::InvalidArgument(
        src + ": sync_replicas_policy must be fail or degrade, not `" + policy +
        "`");
  }
  NIMBUS_ASSIGN_OR_RETURN(
      o.sync_replicas_timeout_ms,
      cf.GetInt("sync_replicas_timeout_ms", 10000, 10, 3600000));
  NIMBUS_ASSIGN_OR_RETURN(o.file_count_interval_s,
                          cf.GetSeconds("file_count_interval", 60, 0, 86400));
  NIMBUS_ASSIGN_OR_RETURN(
      o.scrub_interval_s,
      cf.GetSeconds("scrub_interval", 7 * 86400, 0, 365 * 86400));
  auto rate = ParseByteSize(cf.GetString("scrub_bytes_per_second", "16M"));
  if (!rate.ok())
    return Status::InvalidArgument(
        src + ": scrub_bytes_per_second: " + rate.status().message());
  o.scrub_bytes_per_second = *rate;
  NIMBUS_ASSIGN_OR_RETURN(o.check_crc_on_download,
                          cf.GetBool("check_crc_on_download", true));
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetInt("file_distribute_path_mode", 0, 0, 1));
  o.file_distribute_path_mode = static_cast<int>(v);
  NIMBUS_ASSIGN_OR_RETURN(
      v, cf.GetInt("file_distribute_rotate_count", 100, 1, 100000000));
  o.file_distribute_rotate_count = static_cast<int>(v);
  NIMBUS_ASSIGN_OR_RETURN(o.upload_priority,
                          cf.GetInt("upload_priority", 10, -1000000, 1000000));
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetInt("work_threads", 4, 1, 256));
  o.work_threads = static_cast<int>(v);
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetInt("disk_reader_threads", 1, 0, 64));
  o.disk_reader_threads = static_cast<int>(v);
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetInt("disk_writer_threads", 1, 1, 64));
  o.disk_writer_threads = static_cast<int>(v);
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetInt("max_connections", 1024, 1, 1000000));
  o.max_connections = static_cast<int>(v);
  NIMBUS_ASSIGN_OR_RETURN(o.allow_hosts, net::HostAllowList::FromConfig(cf));
  o.run_by_group = cf.GetString("run_by_group");
  o.run_by_user = cf.GetString("run_by_user");
  std::string buff = cf.GetString("buff_size", "1MB");
  auto bs = ParseByteSize(buff);
  if (!bs.ok() || *bs < 4096 || *bs > (64 << 20)) {
    return Status::InvalidArgument(src +
                                   ": buff_size must be between 4KB and 64MB");
  }
  o.buff_size = static_cast<size_t>(*bs);
  // A size threshold: "8MB", or 0 for never.
  auto threshold = [&](const char* key, const char* dflt) -> Result<uint64_t> {
    auto n = ParseByteSize(cf.GetString(key, dflt));
    if (!n.ok() || *n < 0) {
      return Status::InvalidArgument(src + ": " + key +
                                     " must be a size such as 8MB, or 0");
    }
    return static_cast<uint64_t>(*n);
  };
  NIMBUS_ASSIGN_OR_RETURN(o.direct_io_min_bytes,
                          threshold("direct_io_min_size", "0"));
  NIMBUS_ASSIGN_OR_RETURN(o.replica_direct_io_min_bytes,
                          threshold("replica_direct_io_min_size", "1MB"));
  NIMBUS_ASSIGN_OR_RETURN(o.spare_inodes_max,
                          cf.GetInt("spare_inodes_max", 1000000, 0, 100000000));
  NIMBUS_ASSIGN_OR_RETURN(
      v, cf.GetSeconds("spare_inode_quarantine", 300, 0, 7 * 86400));
  o.spare_quarantine_ms = v * 1000;
  NIMBUS_ASSIGN_OR_RETURN(o.sync_wait_msec,
                          cf.GetInt("sync_wait_msec", 50, 1, 60000));
  NIMBUS_ASSIGN_OR_RETURN(o.sync_start_minute,
                          cf.GetTimeOfDay("sync_start_time", 0));
  NIMBUS_ASSIGN_OR_RETURN(o.sync_end_minute,
                          cf.GetTimeOfDay("sync_end_time", 23 * 60 + 59));
  if (o.sync_start_minute == o.sync_end_minute) {
    return Status::InvalidArgument(
        cf.source() +
        ": sync_start_time and sync_end_time are equal: replication would "
        "run one minute a day");
  }
  NIMBUS_ASSIGN_OR_RETURN(o.sync_interval_ms,
                          cf.GetInt("sync_interval", 0, 0, 60000));
  if (o.sync_replicas > 0 && !o.SyncAlways()) {
    return Status::InvalidArgument(
        cf.source() +
        ": sync_replicas waits for peers to hold each new file, which "
        "sync_start_time / sync_end_time forbid outside their hours; use "
        "one or the other");
  }
  o.log_level = cf.GetString("log_level", "info");
  NIMBUS_ASSIGN_OR_RETURN(o.log_rotation, LogRotation::FromConfig(cf));
  NIMBUS_ASSIGN_OR_RETURN(o.use_access_log,
                          cf.GetBool("use_access_log", false));
  NIMBUS_ASSIGN_OR_RETURN(o.access_log_rotation,
                          LogRotation::FromConfig(cf, true));
  NIMBUS_ASSIGN_OR_RETURN(o.metrics,
                          metrics::MetricsOptions::FromConfig(cf, o.bind_addr));
  NIMBUS_ASSIGN_OR_RETURN(o.http_port,
                          metrics::ParsePortSetting(cf, "http_port"));
  o.http_bind_addr = cf.GetString("http_bind_addr", o.bind_addr);
  return o;
}

bool StorageOptions::SyncOpenNow() const {
  if (SyncAlways()) return true;
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  return InSyncWindow(tm.tm_hour * 60 + tm.tm_min);
}

}  // namespace nimbus::storage
