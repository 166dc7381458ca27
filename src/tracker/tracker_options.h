// TrackerOptions: tracker.conf parsed once at start-up, immutable afterwards.
// Key names and defaults follow FastDFS's tracker.conf.
#ifndef NIMBUS_TRACKER_TRACKER_OPTIONS_H_
#define NIMBUS_TRACKER_TRACKER_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/config_file.h"
#include "common/host_port.h"
#include "common/log_rotation.h"
#include "common/reserved_space.h"
#include "common/result.h"
#include "metrics/metrics_options.h"
#include "net/host_allow_list.h"
#include "proto/storage_ids.h"

namespace nimbus::tracker {

enum class StoreLookup {
  kRoundRobin = 0,
  kSpecifiedGroup = 1,
  kLoadBalance = 2
};
enum class StoreServer { kRoundRobin = 0, kFirstByIp = 1, kByPriority = 2 };
enum class StorePath { kRoundRobin = 0, kLoadBalance = 2 };
enum class DownloadServer { kRoundRobin = 0, kSourceFirst = 1 };

struct TrackerOptions {
  std::string bind_addr;
  uint16_t port = 22122;
  std::string base_path;
  int work_threads = 4;
  int max_connections = 1024;
  // allow_hosts: who may connect to the protocol port (every host by
  // default).
  net::HostAllowList allow_hosts;
  // run_by_group / run_by_user: the account to switch to when started as
  // root (empty: as started).
  std::string run_by_group;
  std::string run_by_user;
  int64_t connect_timeout_s = 10;
  int64_t network_timeout_s = 60;
  StoreLookup store_lookup = StoreLookup::kLoadBalance;
  std::string store_group;
  StoreServer store_server = StoreServer::kRoundRobin;
  StorePath store_path = StorePath::kRoundRobin;
  DownloadServer download_server = DownloadServer::kRoundRobin;
  ReservedSpace reserved{true, 0.20, 0};
  int64_t check_active_interval_s = 120;
  int64_t storage_sync_file_max_delay_s = 86400;
  bool storage_ip_changed_auto_adjust = true;
  // use_storage_id: storages are admitted only as listed in
  // storage_ids_filename and are listed by their id; with
  // id_type_in_filename = id (id_in_filename) new file names carry the
  // source's id instead of its address.
  bool use_storage_id = false;
  bool id_in_filename = false;
  proto::StorageIds storage_ids;
  // FastDFS's small-file packing, sent to the storages with their
  // parameters: files of 1 .. slot_max_size bytes are packed into trunk
  // files of trunk_file_size (each storage allocates in its own).
  bool use_trunk_file = false;
  int64_t slot_max_size = 1 << 20;
  int64_t trunk_file_size = 64 << 20;
  // The other trackers of the cluster (Nimbus's key, same syntax as in
  // storage.conf; an entry equal to bind_addr:port is this tracker and is
  // skipped). Needed for leader election; requires bind_addr.
  std::vector<HostPort> peers;
  int64_t tracker_ping_interval_ms = 1000;
  std::string log_level = "info";
  // rotate_error_log, error_log_rotate_time, rotate_error_log_size,
  // log_file_keep_days.
  LogRotation log_rotation;
  metrics::MetricsOptions metrics;

  // Reads every key this tracker implements from `cf`. Invalid values and
  // unsupported settings are errors naming the key.
  static Result<TrackerOptions> FromConfig(ConfigFile& cf);
};

}  // namespace nimbus::tracker

#endif  // NIMBUS_TRACKER_TRACKER_OPTIONS_H_
