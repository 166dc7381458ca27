#include "tracker/registry_state.h"

#include <nlohmann/json.hpp>

#include "proto/file_name.h"

namespace nimbus::tracker {

using proto::StorageState;

std::string EncodeRegistryState(
    const std::map<std::string, GroupEntry>& state) {
  nlohmann::json root;
  root["format"] = 1;
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& [name, g] : state) {
    nlohmann::json jg;
    jg["name"] = g.name;
    jg["port"] = g.port;
    jg["store_path_count"] = g.store_path_count;
    jg["subdir_count_per_path"] = g.subdir_count_per_path;
    nlohmann::json nodes = nlohmann::json::array();
    for (const auto& [ip, n] : g.nodes) {
      nlohmann::json jn;
      jn["ip"] = n.ip;
      jn["join_time"] = n.join_time;
      jn["up_time"] = n.up_time;
      jn["upload_priority"] = n.upload_priority;
      jn["version"] = n.version;
      jn["last_beat"] = n.last_beat;
      nlohmann::json paths = nlohmann::json::array();
      for (const auto& p : n.paths) paths.push_back({p.total_mb, p.free_mb});
      jn["paths"] = paths;
      jn["counters"] = n.counters.v;
      jn["initial_sync_done"] = n.initial_sync_done;
      jn["sync_src"] = n.sync_src;
      if (n.state == StorageState::kDeleted) jn["deleted"] = true;
      nodes.push_back(jn);
    }
    jg["storages"] = nodes;
    jg["renamed"] = g.renamed;
    groups.push_back(jg);
  }
  root["groups"] = groups;
  return root.dump(1);
}

Result<std::map<std::string, GroupEntry>> DecodeRegistryState(
    const std::string& text) {
  nlohmann::json root = nlohmann::json::parse(text, nullptr, false);
  if (root.is_discarded() || !root.is_object() ||
      root.value("format", 0) != 1) {
    return Status::Corruption("tracker state file is not valid");
  }
  std::map<std::string, GroupEntry> groups;
  try {
    for (const auto& jg : root.at("groups")) {
      GroupEntry g;
      g.name = jg.at("name").get<std::string>();
      if (!proto::ValidateGroupName(g.name).ok()) {
        return Status::Corruption("bad group name in tracker state");
      }
      g.port = jg.at("port").get<int64_t>();
      g.store_path_count = jg.at("store_path_count").get<int64_t>();
      g.subdir_count_per_path = jg.at("subdir_count_per_path").get<int64_t>();
      if (jg.contains("renamed")) {
        g.renamed = jg.at("renamed").get<std::map<std::string, std::string>>();
      }
      for (const auto& jn : jg.at("storages")) {
        StorageEntry n;
        n.ip = jn.at("ip").get<std::string>();
        n.join_time = jn.at("join_time").get<int64_t>();
        n.up_time = jn.at("up_time").get<int64_t>();
        n.upload_priority = jn.at("upload_priority").get<int64_t>();
        n.version = jn.at("version").get<std::string>();
        n.last_beat = jn.at("last_beat").get<int64_t>();
        for (const auto& p : jn.at("paths")) {
          n.paths.push_back({p.at(0).get<int64_t>(), p.at(1).get<int64_t>()});
        }
        auto counters = jn.at("counters").get<std::vector<int64_t>>();
        for (size_t i = 0; i < counters.size() && i < n.counters.v.size();
             ++i) {
          n.counters.v[i] = counters[i];
        }
        n.initial_sync_done = jn.value("initial_sync_done", true);
        n.sync_src = jn.value("sync_src", std::string());
        n.state = jn.value("deleted", false) ? StorageState::kDeleted
                                             : StorageState::kOffline;
        g.nodes[n.ip] = std::move(n);
      }
      groups[g.name] = std::move(g);
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::Corruption(std::string("tracker state: ") + e.what());
  }
  return groups;
}

}  // namespace nimbus::tracker
