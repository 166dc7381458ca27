// StorageServer: what it tells Prometheus (/metrics) and load balancers
// (/healthz). Split from storage_server.cc to keep each file to one concern;
// same class. Metric names and meanings are listed in docs/operations.md.
#include <ctime>

#include "metrics/exposition.h"
#include "proto/command.h"
#include "storage/storage_server.h"
#include "storage/sync_worker.h"

namespace nimbus::storage {

std::string StorageServer::RenderMetrics() {
  using metrics::Labels;
  metrics::Exposition e;
  const Labels base;
  requests_.Write(e, "nimbus_storage", base, [](uint8_t cmd) {
    return std::string(proto::CommandName(cmd));
  });
  proto::StorageCounters c = Counters();
  auto counter = [&](const char* name, const char* help, double v) {
    e.Family(name, "counter", help);
    e.Sample(name, base, v);
  };
  auto gauge = [&](const char* name, const char* help, double v) {
    e.Family(name, "gauge", help);
    e.Sample(name, base, v);
  };
  counter("nimbus_storage_upload_bytes_total",
          "Bytes of files uploaded successfully (normal, appender, slave).",
          static_cast<double>(c.v[proto::kSuccessUploadBytes]));
  counter("nimbus_storage_download_bytes_total",
          "Bytes sent to clients by whole or ranged downloads.",
          static_cast<double>(c.v[proto::kSuccessDownloadBytes]));
  counter("nimbus_storage_append_bytes_total", "Bytes appended.",
          static_cast<double>(c.v[proto::kSuccessAppendBytes]));
  counter("nimbus_storage_modify_bytes_total", "Bytes modified in place.",
          static_cast<double>(c.v[proto::kSuccessModifyBytes]));
  counter("nimbus_storage_sync_in_bytes_total",
          "Bytes of changes received from group peers.",
          static_cast<double>(c.v[proto::kSuccessSyncInBytes]));
  counter("nimbus_storage_sync_out_bytes_total",
          "Bytes of changes pushed to group peers.",
          static_cast<double>(c.v[proto::kSuccessSyncOutBytes]));
  gauge("nimbus_storage_connections", "Client and peer connections open now.",
        server_.live_connections());
  counter("nimbus_storage_connections_refused_total",
          "Connections closed at once: the peer is not in allow_hosts.",
          static_cast<double>(server_.refused()));
  gauge("nimbus_storage_start_time_seconds",
        "When this server started (unix time).",
        static_cast<double>(start_time_));

  // Space per store path.
  std::vector<proto::PathUsage> usage = store_.Usage();
  e.Family("nimbus_storage_path_total_bytes", "gauge",
           "Size of the file system holding each store path.");
  for (size_t i = 0; i < usage.size(); ++i) {
    e.Sample("nimbus_storage_path_total_bytes",
             {{"path", store_.path(i)}, {"index", std::to_string(i)}},
             static_cast<double>(usage[i].total_mb) * 1048576.0);
  }
  e.Family("nimbus_storage_path_free_bytes", "gauge",
           "Space left for files in each store path (before the reserve).");
  for (size_t i = 0; i < usage.size(); ++i) {
    e.Sample("nimbus_storage_path_free_bytes",
             {{"path", store_.path(i)}, {"index", std::to_string(i)}},
             static_cast<double>(usage[i].free_mb) * 1048576.0);
  }

  // Files stored, as of the last count.
  if (const FileCounter* fc = file_counter(); fc != nullptr) {
    std::vector<int64_t> counts = fc->counts();
    if (!counts.empty()) {
      e.Family("nimbus_storage_files", "gauge",
               "Files stored in each store path (metadata files not "
               "counted), as of the last count (file_count_interval).");
      for (size_t i = 0; i < counts.size(); ++i) {
        if (counts[i] < 0) continue;
        e.Sample("nimbus_storage_files",
                 {{"path", store_.path(i)}, {"index", std::to_string(i)}},
                 static_cast<double>(counts[i]));
      }
      e.Family("nimbus_storage_files_counted_timestamp_seconds", "gauge",
               "When the files were last counted (unix time).");
      e.Sample("nimbus_storage_files_counted_timestamp_seconds", {},
               static_cast<double>(fc->last_walk()));
    }
  }

  // Replication lag per peer.
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  struct Lag {
    std::string peer;
    int64_t seconds;
    int64_t bytes;
    uint8_t state;
  };
  std::vector<Lag> lags;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [ip, w] : workers_) {
      int64_t until = w->synced_until();
      lags.push_back({ip,
                      until > 0 ? std::max<int64_t>(0, now - 1 - until) : -1,
                      w->lag_bytes(), w->peer_state()});
    }
  }
  e.Family("nimbus_storage_sync_lag_seconds", "gauge",
           "How far each peer is behind the changes that originated here, in "
           "seconds (0 when caught up; -1 until known).");
  for (const Lag& l : lags) {
    e.Sample("nimbus_storage_sync_lag_seconds", {{"peer", l.peer}},
             static_cast<double>(l.seconds));
  }
  e.Family("nimbus_storage_sync_window_open", "gauge",
           "1 while sync_start_time .. sync_end_time let this server send "
           "changes to its peers, 0 outside (its peers' lag then grows).");
  e.Sample("nimbus_storage_sync_window_open", {},
           opts_.SyncOpenNow() ? 1.0 : 0.0);
  e.Family("nimbus_storage_sync_lag_bytes", "gauge",
           "Binlog bytes not yet pushed to each peer (-1 when it spans "
           "binlog files).");
  for (const Lag& l : lags) {
    e.Sample("nimbus_storage_sync_lag_bytes", {{"peer", l.peer}},
             static_cast<double>(l.bytes));
  }

  // Integrity.
  const ScrubCounters& sc = scrubber_->counters();
  counter("nimbus_storage_scrub_passes_total", "Completed scrub passes.",
          static_cast<double>(sc.passes.load()));
  counter("nimbus_storage_scrub_files_checked_total",
          "Files whose size and CRC32 the scrubber checked.",
          static_cast<double>(sc.files_checked.load()));
  counter("nimbus_storage_scrub_bytes_checked_total",
          "Bytes the scrubber read.",
          static_cast<double>(sc.bytes_checked.load()));
  counter("nimbus_storage_scrub_corrupt_found_total",
          "Files found damaged (scrub or download check).",
          static_cast<double>(sc.corrupt_found.load()));
  counter("nimbus_storage_scrub_missing_found_total",
          "Files the binlog lists that were missing from disk.",
          static_cast<double>(sc.missing_found.load()));
  counter("nimbus_storage_repaired_total",
          "Damaged or missing files fetched again from a peer.",
          static_cast<double>(sc.repaired.load()));
  counter("nimbus_storage_repair_failures_total",
          "Repairs that failed (retried later).",
          static_cast<double>(sc.repair_failed.load()));
  counter("nimbus_storage_download_refused_corrupt_total",
          "Downloads refused because the file did not match its CRC32.",
          static_cast<double>(download_crc_failures_.load()));
  counter("nimbus_storage_sync_replicas_degraded_total",
          "Uploads acknowledged with fewer than sync_replicas copies.",
          static_cast<double>(sync_degraded_.load()));
  counter("nimbus_storage_updates_forwarded_total",
          "Updates (append, modify, truncate, regenerate, set metadata) "
          "sent here and applied by the file's source storage instead.",
          static_cast<double>(updates_forwarded_.load()));
  if (committer_) {
    counter("nimbus_storage_group_commit_flushes_total",
            "syncfs flushes made by group commit.",
            static_cast<double>(committer_->flushes()));
    counter("nimbus_storage_group_commit_commits_total",
            "Changes made durable by group commit.",
            static_cast<double>(committer_->commits()));
  }
  return e.text();
}

Status StorageServer::Health() {
  if (stopped_.load()) return Status::Unavailable("stopping");
  return Status::OK();
}

}  // namespace nimbus::storage
