#include "cli/monitor.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/constants.h"

namespace nimbus::cli {
namespace {

std::string Ago(int64_t t, int64_t now) {
  if (t <= 0) return "never";
  int64_t d = std::max<int64_t>(0, now - t);
  if (d < 120) return fmt::format("{}s ago", d);
  if (d < 7200) return fmt::format("{}m ago", d / 60);
  if (d < 172800) return fmt::format("{}h ago", d / 3600);
  return fmt::format("{}d ago", d / 86400);
}

std::string StateName(uint8_t s) {
  return proto::StorageStateName(static_cast<proto::StorageState>(s));
}

bool Deleted(const proto::StorageStat& s) {
  return s.status == static_cast<uint8_t>(proto::StorageState::kDeleted);
}

// fdfs_monitor's "delay": how far `s` is behind the newest change that
// originated on another member of its group (deleted ones send nothing
// more). nullopt when a member with changes has never reported syncing to
// it.
std::optional<int64_t> SyncDelay(const proto::StorageStat& s,
                                 const std::vector<proto::StorageStat>& all) {
  int64_t newest = 0;
  for (const auto& o : all) {
    if (o.ip != s.ip && !Deleted(o)) {
      newest = std::max(newest, o.counters.v[proto::kLastSourceUpdate]);
    }
  }
  if (newest <= 0) return 0;  // nothing to receive
  int64_t synced = s.counters.v[proto::kLastSyncedTimestamp];
  if (synced <= 0) return std::nullopt;
  return std::max<int64_t>(0, newest - synced);
}

}  // namespace

Status PrintMonitor(client::Client& c, bool json, std::ostream& out) {
  auto groups = c.ListGroups();
  if (!groups.ok()) return groups.status();
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  nlohmann::json jtrackers = nlohmann::json::array();
  std::string tracker_lines;
  for (const auto& t : c.TrackerLeaders()) {
    std::string where = fmt::format("{}:{}", t.tracker.host, t.tracker.port);
    if (json) {
      nlohmann::json jt = {{"tracker", where}, {"reachable", t.status.ok()}};
      if (t.status.ok()) {
        jt["leader"] = fmt::format("{}:{}", t.leader.host, t.leader.port);
      } else {
        jt["error"] = t.status.ToString();
      }
      jtrackers.push_back(jt);
    } else if (t.status.ok()) {
      tracker_lines += fmt::format("  {:<22} up, leader {}:{}\n", where,
                                   t.leader.host, t.leader.port);
    } else {
      tracker_lines += fmt::format("  {:<22} {}\n", where, t.status.ToString());
    }
  }
  nlohmann::json jgroups = nlohmann::json::array();
  if (!json) {
    out << "trackers:\n" << tracker_lines;
    out << fmt::format("group count: {}\n", groups->size());
  }
  for (const auto& g : *groups) {
    auto storages = c.ListStorages(g.group_name);
    if (!storages.ok()) return storages.status();
    if (json) {
      nlohmann::json jg = {{"group", g.group_name},
                           {"total_mb", g.total_mb},
                           {"free_mb", g.free_mb},
                           {"reserved_mb", g.reserved_mb},
                           {"storage_count", g.storage_count},
                           {"readable_count", g.readable_server_count},
                           {"writable_count", g.writable_server_count},
                           {"port", g.storage_port},
                           {"store_path_count", g.store_path_count},
                           {"storages", nlohmann::json::array()}};
      for (const auto& s : *storages) {
        auto delay = Deleted(s) ? std::nullopt : SyncDelay(s, *storages);
        jg["storages"].push_back(
            {{"id", s.id},
             {"ip", s.ip},
             {"state", StateName(s.status)},
             {"sync_src", s.src_id},
             {"version", s.version},
             {"total_mb", s.total_mb},
             {"free_mb", s.free_mb},
             {"upload_priority", s.upload_priority},
             {"join_time", s.join_time},
             {"up_time", s.up_time},
             {"last_heart_beat_time", s.counters.v[proto::kLastHeartBeatTime]},
             {"last_source_update", s.counters.v[proto::kLastSourceUpdate]},
             {"last_synced_timestamp",
              s.counters.v[proto::kLastSyncedTimestamp]},
             {"sync_delay_s",
              delay ? nlohmann::json(*delay) : nlohmann::json(nullptr)},
             {"success_upload_count", s.counters.v[proto::kSuccessUploadCount]},
             {"success_download_count",
              s.counters.v[proto::kSuccessDownloadCount]},
             {"success_delete_count", s.counters.v[proto::kSuccessDeleteCount]},
             {"current_connections", s.counters.conn_current}});
      }
      jgroups.push_back(jg);
      continue;
    }
    out << fmt::format(
        "\nGroup {}: port {}, {} storage(s), {} readable, {} writable\n"
        "  space: {} MB total, {} MB free, {} MB reserved\n",
        g.group_name, g.storage_port, g.storage_count, g.readable_server_count,
        g.writable_server_count, g.total_mb, g.free_mb, g.reserved_mb);
    const auto members =
        std::count_if(storages->begin(), storages->end(),
                      [](const proto::StorageStat& s) { return !Deleted(s); });
    // The first two columns are as wide as their longest entry: a storage
    // id beside the address, "SYNCING from <source>".
    struct Row {
      std::string storage, state, delay;
      const proto::StorageStat* s;
    };
    std::vector<Row> rows;
    size_t storage_w = std::string_view("STORAGE").size();
    size_t state_w = std::string_view("STATE").size();
    for (const auto& s : *storages) {
      Row r{s.ip, StateName(s.status), "-", &s};
      if (!s.id.empty() && s.id != s.ip) r.storage += " (" + s.id + ")";
      if (members > 1 && !Deleted(s)) {
        auto d = SyncDelay(s, *storages);
        r.delay = d ? fmt::format("{}s", *d) : "unknown";
      }
      if (!s.src_id.empty() &&
          (s.status == static_cast<uint8_t>(proto::StorageState::kWaitSync) ||
           s.status == static_cast<uint8_t>(proto::StorageState::kSyncing))) {
        r.state += " from " + s.src_id;
      }
      storage_w = std::max(storage_w, r.storage.size());
      state_w = std::max(state_w, r.state.size());
      rows.push_back(std::move(r));
    }
    out << fmt::format(
        "  {:<{}} {:<{}} {:>10} {:>10} {:<11} {:>10} {:>8} {:>8}\n", "STORAGE",
        storage_w, "STATE", state_w, "TOTAL MB", "FREE MB", "HEARTBEAT",
        "SYNC DELAY", "UPLOADS", "DOWNLDS");
    for (const Row& r : rows) {
      const proto::StorageStat& s = *r.s;
      out << fmt::format(
          "  {:<{}} {:<{}} {:>10} {:>10} {:<11} {:>10} {:>8} {:>8}\n",
          r.storage, storage_w, r.state, state_w, s.total_mb, s.free_mb,
          Ago(s.counters.v[proto::kLastHeartBeatTime], now), r.delay,
          s.counters.v[proto::kSuccessUploadCount],
          s.counters.v[proto::kSuccessDownloadCount]);
    }
  }
  if (json) {
    out << nlohmann::json{{"trackers", jtrackers}, {"groups", jgroups}}.dump(2)
        << "\n";
  }
  return Status::OK();
}

}  // namespace nimbus::cli
