// TrackerServer: what it tells Prometheus (/metrics) and load balancers
// (/healthz). Split from tracker_server.cc; same class. Metric names and
// meanings are listed in docs/operations.md.
#include <map>
#include <optional>

#include "metrics/exposition.h"
#include "proto/command.h"
#include "proto/constants.h"
#include "tracker/tracker_server.h"

namespace nimbus::tracker {

std::string TrackerServer::RenderMetrics() {
  using metrics::Labels;
  metrics::Exposition e;
  requests_.Write(e, "nimbus_tracker", {}, [](uint8_t cmd) {
    return std::string(proto::CommandName(cmd));
  });
  e.Family("nimbus_tracker_connections", "gauge", "Connections open now.");
  e.Sample("nimbus_tracker_connections", {}, server_.live_connections());
  e.Family("nimbus_tracker_connections_refused_total", "counter",
           "Connections closed at once: the peer is not in allow_hosts.");
  e.Sample("nimbus_tracker_connections_refused_total", {},
           static_cast<double>(server_.refused()));
  proto::TrackerStatus st = election_.status();
  e.Family("nimbus_tracker_is_leader", "gauge",
           "1 when this tracker is the leader of its cluster.");
  e.Sample("nimbus_tracker_is_leader", {}, st.is_leader ? 1 : 0);
  e.Family("nimbus_tracker_has_leader", "gauge",
           "1 when this tracker knows a leader (itself or a peer).");
  e.Sample("nimbus_tracker_has_leader", {}, st.leader_port != 0 ? 1 : 0);
  e.Family("nimbus_tracker_start_time_seconds", "gauge",
           "When this tracker started (unix time).");
  e.Sample("nimbus_tracker_start_time_seconds", {},
           static_cast<double>(st.up_since));

  auto groups = registry_.ListGroups(std::nullopt);
  std::vector<proto::GroupStat> gs =
      groups.ok() ? *groups : std::vector<proto::GroupStat>{};
  e.Family("nimbus_tracker_group_total_bytes", "gauge",
           "Capacity of each group (its smallest member), as reported.");
  for (const auto& g : gs) {
    e.Sample("nimbus_tracker_group_total_bytes", {{"group", g.group_name}},
             static_cast<double>(g.total_mb) * 1048576.0);
  }
  e.Family("nimbus_tracker_group_free_bytes", "gauge",
           "Free space of each group (its fullest member), as reported.");
  for (const auto& g : gs) {
    e.Sample("nimbus_tracker_group_free_bytes", {{"group", g.group_name}},
             static_cast<double>(g.free_mb) * 1048576.0);
  }
  e.Family("nimbus_tracker_group_reserved_bytes", "gauge",
           "Space each group keeps free (reserved_storage_space).");
  for (const auto& g : gs) {
    e.Sample("nimbus_tracker_group_reserved_bytes", {{"group", g.group_name}},
             static_cast<double>(g.reserved_mb) * 1048576.0);
  }
  e.Family("nimbus_tracker_group_writable_storages", "gauge",
           "Members of each group that take uploads now.");
  for (const auto& g : gs) {
    e.Sample("nimbus_tracker_group_writable_storages",
             {{"group", g.group_name}},
             static_cast<double>(g.writable_server_count));
  }

  // Every member's state (one series per member, value 1), and the counts
  // per state, so alerts need no joins.
  e.Family("nimbus_tracker_storage_info", "gauge",
           "One series per storage server with its current state.");
  std::map<std::pair<std::string, std::string>, int> by_state;
  std::vector<std::pair<std::string, proto::StorageStat>> members;
  for (const auto& g : gs) {
    auto st_list = registry_.ListStorages(g.group_name, std::nullopt);
    if (!st_list.ok()) continue;
    for (const auto& m : *st_list) {
      std::string state =
          proto::StorageStateName(static_cast<proto::StorageState>(m.status));
      e.Sample("nimbus_tracker_storage_info",
               {{"group", g.group_name}, {"storage", m.ip}, {"state", state}},
               1);
      ++by_state[{g.group_name, state}];
      members.emplace_back(g.group_name, m);
    }
  }
  e.Family("nimbus_tracker_storages", "gauge",
           "Storage servers per group and state.");
  for (const auto& [key, n] : by_state) {
    e.Sample("nimbus_tracker_storages",
             {{"group", key.first}, {"state", key.second}}, n);
  }
  e.Family("nimbus_tracker_storage_free_bytes", "gauge",
           "Free space each storage server reported.");
  for (const auto& [group, m] : members) {
    e.Sample("nimbus_tracker_storage_free_bytes",
             {{"group", group}, {"storage", m.ip}},
             static_cast<double>(m.free_mb) * 1048576.0);
  }
  return e.text();
}

Status TrackerServer::Health() {
  if (stopped_.load()) return Status::Unavailable("stopping");
  return Status::OK();
}

}  // namespace nimbus::tracker
