#include "tracker/tracker_options.h"

#include "common/env.h"

namespace nimbus::tracker {

Result<TrackerOptions> TrackerOptions::FromConfig(ConfigFile& cf) {
  TrackerOptions o;
  bool disabled = false;
  NIMBUS_ASSIGN_OR_RETURN(disabled, cf.GetBool("disabled", false));
  if (disabled)
    return Status::InvalidArgument("disabled = true in " + cf.source());
  o.bind_addr = cf.GetString("bind_addr");
  int64_t v = 0;
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetInt("port", 22122, 0, 65535));
  o.port = static_cast<uint16_t>(v);
  o.base_path = cf.GetString("base_path");
  if (o.base_path.empty()) {
    return Status::InvalidArgument(cf.source() + ": base_path is required");
  }
  for (const std::string& t : cf.GetAll("tracker_server")) {
    auto hp = ParseHostPort(t);
    if (!hp.ok()) {
      return Status::InvalidArgument(
          cf.source() + ": tracker_server: " + hp.status().message());
    }
    if (hp->host == o.bind_addr && hp->port == o.port) continue;  // self
    o.peers.push_back(*hp);
  }
  if (!o.peers.empty() && o.bind_addr.empty()) {
    return Status::InvalidArgument(
        cf.source() +
        ": bind_addr is required with tracker_server (it is how the other "
        "trackers know this one)");
  }
  NIMBUS_ASSIGN_OR_RETURN(
      o.tracker_ping_interval_ms,
      cf.GetInt("tracker_ping_interval_ms", 1000, 100, 60000));
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetInt("work_threads", 4, 1, 256));
  o.work_threads = static_cast<int>(v);
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetInt("max_connections", 1024, 1, 1000000));
  o.max_connections = static_cast<int>(v);
  NIMBUS_ASSIGN_OR_RETURN(o.allow_hosts, net::HostAllowList::FromConfig(cf));
  o.run_by_group = cf.GetString("run_by_group");
  o.run_by_user = cf.GetString("run_by_user");
  NIMBUS_ASSIGN_OR_RETURN(o.connect_timeout_s,
                          cf.GetSeconds("connect_timeout", 10, 1, 3600));
  NIMBUS_ASSIGN_OR_RETURN(o.network_timeout_s,
                          cf.GetSeconds("network_timeout", 60, 1, 3600));
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetInt("store_lookup", 2, 0, 2));
  o.store_lookup = static_cast<StoreLookup>(v);
  o.store_group = cf.GetString("store_group");
  if (o.store_lookup == StoreLookup::kSpecifiedGroup && o.store_group.empty()) {
    return Status::InvalidArgument(cf.source() +
                                   ": store_lookup = 1 needs store_group");
  }
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetInt("store_server", 0, 0, 2));
  o.store_server = static_cast<StoreServer>(v);
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetInt("store_path", 0, 0, 2));
  if (v == 1) {
    return Status::InvalidArgument(cf.source() + ": store_path must be 0 or 2");
  }
  o.store_path = static_cast<StorePath>(v);
  NIMBUS_ASSIGN_OR_RETURN(v, cf.GetInt("download_server", 0, 0, 1));
  o.download_server = static_cast<DownloadServer>(v);
  std::string reserved = cf.GetString("reserved_storage_space", "20%");
  auto rs = ReservedSpace::Parse(reserved);
  if (!rs.ok()) {
    return Status::InvalidArgument(
        cf.source() + ": reserved_storage_space: " + rs.status().message());
  }
  o.reserved = *rs;
  NIMBUS_ASSIGN_OR_RETURN(
      o.check_active_interval_s,
      cf.GetSeconds("check_active_interval", 120, 1, 86400));
  NIMBUS_ASSIGN_OR_RETURN(
      o.storage_sync_file_max_delay_s,
      cf.GetSeconds("storage_sync_file_max_delay", 86400, 1, 86400 * 365));
  NIMBUS_ASSIGN_OR_RETURN(o.storage_ip_changed_auto_adjust,
                          cf.GetBool("storage_ip_changed_auto_adjust", true));
  NIMBUS_ASSIGN_OR_RETURN(o.use_storage_id,
                          cf.GetBool("use_storage_id", false));
  std::string id_type = cf.GetString("id_type_in_filename", "ip");
  if (id_type != "ip" && id_type != "id") {
    return Status::InvalidArgument(cf.source() +
                                   ": id_type_in_filename must be ip or id");
  }
  o.id_in_filename = o.use_storage_id && id_type == "id";
  std::string ids_file =
      cf.GetString("storage_ids_filename", "storage_ids.conf");
  if (o.use_storage_id) {
    // A relative name is relative to this file's directory, as in FastDFS.
    if (!ids_file.empty() && ids_file.front() != '/') {
      size_t slash = cf.source().rfind('/');
      if (slash != std::string::npos) {
        ids_file = cf.source().substr(0, slash + 1) + ids_file;
      }
    }
    auto text = Env::Default()->ReadSmallFile(ids_file, 1 << 20);
    if (!text.ok()) {
      return Status::InvalidArgument(cf.source() + ": storage_ids_filename " +
                                     ids_file + ": " + text.status().message());
    }
    NIMBUS_ASSIGN_OR_RETURN(
        o.storage_ids,
        proto::StorageIds::Parse(*text, o.id_in_filename, ids_file));
    if (o.storage_ids.empty()) {
      return Status::InvalidArgument(ids_file +
                                     ": use_storage_id needs at least one id");
    }
  }
  NIMBUS_ASSIGN_OR_RETURN(o.use_trunk_file,
                          cf.GetBool("use_trunk_file", false));
  auto slot_max = ParseByteSize(cf.GetString("slot_max_size", "1MB"));
  if (!slot_max.ok() || *slot_max < 4096 || *slot_max > (64 << 20)) {
    return Status::InvalidArgument(
        cf.source() + ": slot_max_size must be between 4KB and 64MB");
  }
  o.slot_max_size = *slot_max;
  auto trunk_size = ParseByteSize(cf.GetString("trunk_file_size", "64MB"));
  if (!trunk_size.ok() || *trunk_size < (4 << 20) ||
      *trunk_size > (int64_t{4} << 30)) {
    return Status::InvalidArgument(
        cf.source() + ": trunk_file_size must be between 4MB and 4GB");
  }
  if (*trunk_size < 2 * o.slot_max_size) {
    return Status::InvalidArgument(
        cf.source() + ": trunk_file_size must be at least twice slot_max_size");
  }
  o.trunk_file_size = *trunk_size;
  o.log_level = cf.GetString("log_level", "info");
  NIMBUS_ASSIGN_OR_RETURN(o.log_rotation, LogRotation::FromConfig(cf));
  NIMBUS_ASSIGN_OR_RETURN(o.metrics,
                          metrics::MetricsOptions::FromConfig(cf, o.bind_addr));
  return o;
}

}  // namespace nimbus::tracker
