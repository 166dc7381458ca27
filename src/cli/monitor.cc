#include "cli/monitor.h"

#include <fmt/format.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "proto/constants.h"

namespace nimbus::cli {
namespace {

std::string FormatTime(int64_t t) {
  if (t <= 0) return "-";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string StateName(uint8_t s) {
  return proto::StorageStateName(static_cast<proto::StorageState>(s));
}

}  // namespace

Status PrintMonitor(client::Client& c, bool json, std::ostream& out) {
  auto groups = c.ListGroups();
  if (!groups.ok()) return groups.status();
  nlohmann::json jgroups = nlohmann::json::array();
  if (!json) out << fmt::format("group count: {}\n", groups->size());
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
        jg["storages"].push_back(
            {{"id", s.id},
             {"ip", s.ip},
             {"state", StateName(s.status)},
             {"version", s.version},
             {"total_mb", s.total_mb},
             {"free_mb", s.free_mb},
             {"upload_priority", s.upload_priority},
             {"join_time", s.join_time},
             {"up_time", s.up_time},
             {"last_heart_beat_time", s.counters.v[proto::kLastHeartBeatTime]},
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
    out << fmt::format("  {:<16} {:<10} {:>10} {:>10} {:<19} {:>8} {:>8}\n",
                       "STORAGE", "STATE", "TOTAL MB", "FREE MB",
                       "LAST HEARTBEAT", "UPLOADS", "DOWNLDS");
    for (const auto& s : *storages) {
      out << fmt::format("  {:<16} {:<10} {:>10} {:>10} {:<19} {:>8} {:>8}\n",
                         s.ip, StateName(s.status), s.total_mb, s.free_mb,
                         FormatTime(s.counters.v[proto::kLastHeartBeatTime]),
                         s.counters.v[proto::kSuccessUploadCount],
                         s.counters.v[proto::kSuccessDownloadCount]);
    }
  }
  if (json) out << nlohmann::json{{"groups", jgroups}}.dump(2) << "\n";
  return Status::OK();
}

}  // namespace nimbus::cli
