// StorageOptions: storage.conf parsed once at start-up, immutable afterwards.
// Key names and defaults follow FastDFS's storage.conf.
#ifndef NIMBUS_STORAGE_STORAGE_OPTIONS_H_
#define NIMBUS_STORAGE_STORAGE_OPTIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/config_file.h"
#include "common/host_port.h"
#include "common/log_rotation.h"
#include "common/result.h"
#include "metrics/metrics_options.h"
#include "net/host_allow_list.h"

namespace nimbus::storage {

// When a change is durable relative to its acknowledgement (Nimbus's own
// key `durability`; FastDFS always behaves as kNone).
enum class Durability {
  kNone,         // acknowledged once in the page cache
  kFsync,        // file, directory entry and binlog record fsynced first
  kGroupCommit,  // one syncfs per batch of concurrent changes, then acked
};

// What an upload does when fewer than sync_replicas peers can take it.
enum class SyncReplicasPolicy {
  kFail,     // refused (or rolled back) with an error: never under-replicated
  kDegrade,  // acknowledged with the replicas there are; counted and logged
};

struct StorageOptions {
  std::string group_name;
  std::string bind_addr;
  uint16_t port = 23000;
  std::string base_path;
  std::vector<std::string> store_paths;
  int subdir_count_per_path = 256;
  std::vector<HostPort> trackers;
  int64_t heart_beat_interval_s = 30;
  int64_t stat_report_interval_s = 60;
  int64_t connect_timeout_s = 10;
  int64_t network_timeout_s = 60;
  int64_t fsync_after_written_bytes = 0;  // 0 = never
  Durability durability = Durability::kNone;
  // Synchronous replication (Nimbus only): a new file is acknowledged only
  // once this many ACTIVE peers hold it; 0 = asynchronous (FastDFS).
  int sync_replicas = 0;
  SyncReplicasPolicy sync_replicas_policy = SyncReplicasPolicy::kFail;
  int64_t sync_replicas_timeout_ms = 10000;
  // Scrubber (Nimbus only): seconds between passes (0 = no passes; files a
  // download found damaged are still repaired) and its read rate limit
  // (0 = unlimited).
  int64_t scrub_interval_s = 7 * 86400;
  // Seconds between counts of the files stored (the nimbus_storage_files
  // metric); 0 = never count.
  int64_t file_count_interval_s = 60;
  int64_t scrub_bytes_per_second = 16 << 20;
  // Check size and CRC32 of a normal file while serving a whole-file
  // download; a damaged file is never sent as if intact.
  bool check_crc_on_download = true;
  int file_distribute_path_mode = 0;  // 0 round robin, 1 random
  int file_distribute_rotate_count = 100;
  int64_t upload_priority = 10;
  int work_threads = 4;
  int disk_reader_threads = 1;
  int disk_writer_threads = 1;
  int max_connections = 1024;
  // allow_hosts: who may connect to the protocol port (every host by
  // default).
  net::HostAllowList allow_hosts;
  // run_by_group / run_by_user: the account to switch to when started as
  // root (empty: as started).
  std::string run_by_group;
  std::string run_by_user;
  size_t buff_size = 1024 * 1024;
  // Inodes of deleted small files kept for new files, per store path
  // (SparePool; 0 = remove as FastDFS does), and how long each waits
  // before reuse (must exceed nginx's send_timeout).
  int64_t spare_inodes_max = 1000000;
  int64_t spare_quarantine_ms = 300000;
  // Files received whole (uploads, replicas, repairs) of at least this size
  // are written with O_DIRECT; 0 = never (the default: on a disk slower
  // than memory, e.g. an HDD, the page cache absorbs bursts far better).
  uint64_t direct_io_min_bytes = 0;
  // Replicas received whole from a peer of at least this size are written
  // with O_DIRECT (uploads still through the page cache); 0 = never. On by
  // default: a fresh file is read from its source (the source's copy stays
  // cached, and feeds the sync worker), and a replica filling new page-cache
  // pages took about a third of the CPU of a 1 MiB upload; below 1 MiB the
  // QD1 writes make replication lag (docs/performance.md section 14).
  uint64_t replica_direct_io_min_bytes = 1 << 20;
  int64_t sync_wait_msec = 50;  // sync worker poll interval when idle
  // sync_start_time / sync_end_time (FastDFS): replication to peers runs
  // only between these local times of day, in minutes since midnight, both
  // included (00:00 to 23:59: always; a start after the end spans
  // midnight). Outside, changes wait in the binlog.
  int sync_start_minute = 0;
  int sync_end_minute = 23 * 60 + 59;
  // sync_interval (FastDFS): a pause after each change sent to a peer, in
  // milliseconds (0: none), to spare the network.
  int64_t sync_interval_ms = 0;
  bool SyncAlways() const {
    return sync_start_minute == 0 && sync_end_minute == 23 * 60 + 59;
  }
  // Whether replication may run now (local time).
  bool SyncOpenNow() const;
  // Whether replication may run at `minute` of the day.
  bool InSyncWindow(int minute) const {
    return sync_start_minute <= sync_end_minute
               ? minute >= sync_start_minute && minute <= sync_end_minute
               : minute >= sync_start_minute || minute <= sync_end_minute;
  }
  int64_t binlog_max_bytes = int64_t{1} << 30;
  std::string log_level = "info";
  // rotate_error_log, error_log_rotate_time, rotate_error_log_size,
  // log_file_keep_days.
  LogRotation log_rotation;
  // use_access_log: base_path/logs/storage_access.log, one line per client
  // request (AccessLog), rotated per rotate_access_log,
  // access_log_rotate_time, rotate_access_log_size.
  bool use_access_log = false;
  LogRotation access_log_rotation;
  metrics::MetricsOptions metrics;
  // Nimbus keys: where this server answers HTTP GET/HEAD for packed files
  // (trunk files), which nginx cannot read from the store path itself; the
  // generated nginx config passes those requests here. `off` (the
  // default), `auto` (port written to base_path/data/nimbus-storage.
  // http_port) or a port; http_bind_addr defaults to bind_addr.
  int http_port = -1;
  std::string http_bind_addr;

  static Result<StorageOptions> FromConfig(ConfigFile& cf);
};

}  // namespace nimbus::storage

#endif  // NIMBUS_STORAGE_STORAGE_OPTIONS_H_
