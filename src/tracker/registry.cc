#include "tracker/registry.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>

#include "proto/file_name.h"

namespace nimbus::tracker {

using proto::StorageState;

Registry::Registry(const TrackerOptions& opts) : opts_(opts) {}

Result<proto::JoinReply> Registry::Join(const proto::JoinRequest& req,
                                        const std::string& ip, int64_t now) {
  Status s = proto::ValidateGroupName(req.group);
  if (!s.ok()) return s;
  if (opts_.use_storage_id &&
      opts_.storage_ids.ByAddress(req.group, ip, req.port) == nullptr) {
    // As FastDFS: only the servers storage_ids.conf lists may join.
    return Status::NotFound("storage " + ip + ":" + std::to_string(req.port) +
                            " of " + req.group +
                            " is not in the tracker's storage_ids.conf");
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto [git, created] = groups_.try_emplace(req.group);
  Group& g = git->second;
  if (created || !HasMember(g, "")) {
    g.name = req.group;
    g.port = req.port;
    g.store_path_count = req.store_path_count;
    g.subdir_count_per_path = req.subdir_count_per_path;
  } else if (g.port != req.port) {
    return Status::InvalidArgument("storage " + ip + " joins " + req.group +
                                   " with port " + std::to_string(req.port) +
                                   ", but the group's servers use port " +
                                   std::to_string(g.port));
  } else if (g.store_path_count != req.store_path_count ||
             g.subdir_count_per_path != req.subdir_count_per_path) {
    return Status::InvalidArgument(
        "storage " + ip + " joins " + req.group +
        " with a different store_path_count or subdir_count_per_path");
  }
  bool group_had_members = HasMember(g, ip);
  Node& n = g.nodes[ip];
  bool is_new = n.ip.empty() || n.state == StorageState::kDeleted;
  if (n.state == StorageState::kDeleted) {
    // Its peers forgot what they sent it: it starts over as a new member,
    // whatever it says about itself. What its peers hold of its own files
    // (synced_by) is still true.
    auto synced_by = std::move(n.synced_by);
    n = Node();
    n.synced_by = std::move(synced_by);
    n.initial_sync_done = !group_had_members;
  } else if (is_new) {
    // A storage that says it completed its initial sync earlier (this
    // tracker lost its state, or it was added to another tracker first) is
    // believed; so is the first member of a group.
    n.initial_sync_done =
        !group_had_members ||
        req.status == static_cast<uint8_t>(StorageState::kActive);
  }
  n.ip = ip;
  n.join_time = n.join_time != 0 ? n.join_time : req.join_time;
  n.up_time = req.up_time;
  n.upload_priority = req.upload_priority;
  n.version = req.version;
  n.last_beat = now;
  n.counters.v[proto::kLastHeartBeatTime] = now;
  n.state = SettleState(g, n);
  ++changes_;
  spdlog::info("storage {}:{} {} group {} (now {}{})", ip, req.port,
               is_new ? "joined" : "rejoined", req.group,
               proto::StorageStateName(n.state),
               n.sync_src.empty() ? "" : ", copying from " + n.sync_src);
  proto::JoinReply reply;
  reply.status = static_cast<uint8_t>(n.state);
  reply.src_id = n.sync_src;
  return reply;
}

bool Registry::HasMember(const Group& g, const std::string& except_ip) {
  for (const auto& [ip, n] : g.nodes) {
    if (ip != except_ip && n.state != StorageState::kDeleted) return true;
  }
  return false;
}

Result<Registry::Node*> Registry::LiveNode(std::map<std::string, Group>& groups,
                                           const std::string& group,
                                           const std::string& ip) {
  auto git = groups.find(group);
  if (git == groups.end()) return Status::NotFound("unknown group " + group);
  auto nit = git->second.nodes.find(ip);
  if (nit == git->second.nodes.end()) {
    return Status::NotFound("unknown storage " + ip);
  }
  if (nit->second.state == StorageState::kDeleted) {
    // Its connection predates the deletion: it must join again.
    return Status::NotFound("storage " + ip + " was deleted from " + group);
  }
  return &nit->second;
}

StorageState Registry::SettleState(Group& g, Node& n) {
  if (n.initial_sync_done) {
    n.sync_src.clear();
    return StorageState::kActive;
  }
  auto src = g.nodes.find(n.sync_src);
  if (src == g.nodes.end() || src->second.state != StorageState::kActive) {
    n.sync_src.clear();
    for (const auto& [ip, other] : g.nodes) {
      if (ip != n.ip && other.state == StorageState::kActive) {
        n.sync_src = ip;
        break;
      }
    }
  }
  // With no ACTIVE member to copy from, it waits; CheckActive assigns one.
  return n.state == StorageState::kSyncing && !n.sync_src.empty() &&
                 src != g.nodes.end() && src->first == n.sync_src
             ? StorageState::kSyncing
             : StorageState::kWaitSync;
}

Status Registry::SyncDone(const std::string& group, const std::string& src_ip,
                          const std::string& dest_ip) {
  std::lock_guard<std::mutex> lock(mu_);
  auto git = groups_.find(group);
  if (git == groups_.end()) return Status::NotFound("unknown group " + group);
  auto nit = git->second.nodes.find(dest_ip);
  if (nit == git->second.nodes.end()) {
    return Status::NotFound("unknown storage " + dest_ip);
  }
  Node& n = nit->second;
  if (n.state == StorageState::kDeleted) {
    return Status::Permission(dest_ip + " was deleted from " + group);
  }
  if (n.initial_sync_done) return Status::OK();  // a repeated notice
  if (n.sync_src != src_ip) {
    return Status::Permission(src_ip + " is not the sync source of " + dest_ip);
  }
  n.initial_sync_done = true;
  n.sync_src.clear();
  if (n.state == StorageState::kWaitSync || n.state == StorageState::kSyncing) {
    n.state = StorageState::kActive;
  }
  ++changes_;
  spdlog::info("storage {} of {}: full copy from {} done, now ACTIVE", dest_ip,
               group, src_ip);
  return Status::OK();
}

Status Registry::Beat(const std::string& group, const std::string& ip,
                      const proto::StorageCounters* counters, int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  NIMBUS_LET_OR_RETURN(Node * node, LiveNode(groups_, group, ip));
  Node& n = *node;
  if (counters != nullptr) n.counters = *counters;
  n.last_beat = now;
  n.counters.v[proto::kLastHeartBeatTime] = now;
  if (n.state == StorageState::kOffline) {
    n.state = SettleState(groups_[group], n);
    ++changes_;
    spdlog::info("storage {} of {} is back: {}", ip, group,
                 proto::StorageStateName(n.state));
  }
  return Status::OK();
}

Status Registry::ReportDiskUsage(const std::string& group,
                                 const std::string& ip,
                                 const std::vector<proto::PathUsage>& paths,
                                 int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  NIMBUS_LET_OR_RETURN(Node * n, LiveNode(groups_, group, ip));
  const int64_t expected = groups_[group].store_path_count;
  if (static_cast<int64_t>(paths.size()) != expected) {
    return Status::InvalidArgument(
        "disk usage report has " + std::to_string(paths.size()) +
        " paths, expected " + std::to_string(expected));
  }
  n->paths = paths;
  n->last_beat = now;
  ++changes_;
  return Status::OK();
}

Status Registry::ReportSync(const std::string& group, const std::string& ip,
                            const std::vector<proto::SyncProgress>& progress) {
  std::lock_guard<std::mutex> lock(mu_);
  NIMBUS_LET_OR_RETURN(Node * n, LiveNode(groups_, group, ip));
  Group& g = groups_[group];
  for (const auto& p : progress) {
    auto dest = g.nodes.find(p.peer_ip);
    // A report sent before the source heard of the deletion.
    if (dest != g.nodes.end() && dest->second.state == StorageState::kDeleted) {
      continue;
    }
    int64_t& v = n->synced_by[p.peer_ip];
    v = std::max(v, p.synced_until);
    if (dest != g.nodes.end() &&
        dest->second.state == StorageState::kWaitSync &&
        dest->second.sync_src == ip) {
      dest->second.state = StorageState::kSyncing;
      ++changes_;
    }
  }
  return Status::OK();
}

void Registry::ConnectionLost(const std::string& group, const std::string& ip) {
  std::lock_guard<std::mutex> lock(mu_);
  auto git = groups_.find(group);
  if (git == groups_.end()) return;
  auto nit = git->second.nodes.find(ip);
  if (nit == git->second.nodes.end()) return;
  if (nit->second.state != StorageState::kOffline &&
      nit->second.state != StorageState::kDeleted) {
    nit->second.state = StorageState::kOffline;
    ++changes_;
    spdlog::warn("storage {} of {} disconnected: OFFLINE", ip, group);
  }
}

proto::Parameters Registry::StorageParameters() const {
  proto::Parameters p;
  p["reserved_storage_space"] = opts_.reserved.ToString();
  p["store_path"] = std::to_string(static_cast<int>(opts_.store_path));
  p["use_storage_id"] = opts_.use_storage_id ? "true" : "false";
  p["id_type_in_filename"] = opts_.id_in_filename ? "id" : "ip";
  p["use_trunk_file"] = opts_.use_trunk_file ? "true" : "false";
  p["slot_max_size"] = std::to_string(opts_.slot_max_size);
  p["trunk_file_size"] = std::to_string(opts_.trunk_file_size);
  p["storage_sync_file_max_delay"] =
      std::to_string(opts_.storage_sync_file_max_delay_s);
  return p;
}

std::string Registry::StorageIdOf(const std::string& group,
                                  const std::string& ip) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto git = groups_.find(group);
  if (git == groups_.end()) return "";
  const proto::StorageIdEntry* e =
      opts_.storage_ids.ByAddress(group, ip, git->second.port);
  return e == nullptr ? "" : e->id;
}

int64_t Registry::NodeFreeMb(const Node& n) const {
  int64_t f = 0;
  for (const auto& p : n.paths) f += p.free_mb;
  return f;
}

int64_t Registry::NodeTotalMb(const Node& n) const {
  int64_t t = 0;
  for (const auto& p : n.paths) t += p.total_mb;
  return t;
}

bool Registry::NodeWritable(const Node& n) const {
  if (n.state != StorageState::kActive) return false;
  if (n.paths.empty()) return true;  // usage not reported yet
  for (const auto& p : n.paths) {
    if (!opts_.reserved.Violated(p.total_mb, p.free_mb)) return true;
  }
  return false;
}

std::vector<const Registry::Node*> Registry::WritableNodes(
    const Group& g) const {
  std::vector<const Node*> out;
  for (const auto& [ip, n] : g.nodes) {
    if (NodeWritable(n)) out.push_back(&n);
  }
  return out;
}

Registry::Group* Registry::PickGroup(const std::string& group, Status* why) {
  if (!group.empty()) {
    auto it = groups_.find(group);
    if (it == groups_.end()) {
      *why = Status::NotFound("group " + group + " does not exist");
      return nullptr;
    }
    return &it->second;
  }
  std::vector<Group*> candidates;
  bool any_active = false;
  for (auto& [name, g] : groups_) {
    for (const auto& [ip, n] : g.nodes) {
      if (n.state == StorageState::kActive) any_active = true;
    }
    if (!WritableNodes(g).empty()) candidates.push_back(&g);
  }
  if (candidates.empty()) {
    *why = any_active ? Status::NoSpace(
                            "no storage server has free space "
                            "above reserved_storage_space")
                      : Status::NotFound("no active storage server");
    return nullptr;
  }
  switch (opts_.store_lookup) {
    case StoreLookup::kSpecifiedGroup: {
      auto it = groups_.find(opts_.store_group);
      if (it == groups_.end()) {
        *why = Status::NotFound("store_group " + opts_.store_group +
                                " does not exist");
        return nullptr;
      }
      return &it->second;
    }
    case StoreLookup::kRoundRobin:
      return candidates[next_group_++ % candidates.size()];
    case StoreLookup::kLoadBalance: {
      Group* best = nullptr;
      int64_t best_free = -1;
      for (Group* g : candidates) {
        // A group can take what its fullest writable member can take.
        int64_t free = INT64_MAX;
        for (const Node* n : WritableNodes(*g)) {
          free =
              std::min(free, n->paths.empty() ? INT64_MAX / 2 : NodeFreeMb(*n));
        }
        if (free > best_free) {
          best_free = free;
          best = g;
        }
      }
      return best;
    }
  }
  return candidates.front();
}

uint8_t Registry::PickStorePath(Node& n) const {
  size_t count = n.paths.size();
  if (count == 0) return 0;
  auto has_space = [&](size_t i) {
    return !opts_.reserved.Violated(n.paths[i].total_mb, n.paths[i].free_mb);
  };
  if (opts_.store_path == StorePath::kLoadBalance) {
    size_t best = 0;
    for (size_t i = 1; i < count; ++i) {
      if (n.paths[i].free_mb > n.paths[best].free_mb) best = i;
    }
    return static_cast<uint8_t>(best);
  }
  for (size_t k = 0; k < count; ++k) {
    size_t i = (n.next_path + k) % count;
    if (has_space(i)) {
      n.next_path = static_cast<uint32_t>(i + 1);
      return static_cast<uint8_t>(i);
    }
  }
  return 0;
}

Result<proto::StoreAll> Registry::QueryStore(const std::string& group,
                                             bool all) {
  std::lock_guard<std::mutex> lock(mu_);
  Status why;
  Group* g = PickGroup(group, &why);
  if (g == nullptr) return why;
  std::vector<const Node*> writable = WritableNodes(*g);
  if (writable.empty()) {
    bool any_active = false;
    for (const auto& [ip, n] : g->nodes) {
      any_active |= n.state == StorageState::kActive;
    }
    if (any_active) {
      return Status::NoSpace("group " + g->name +
                             " has no space above reserved_storage_space");
    }
    return Status::NotFound("group " + g->name + " has no active storage");
  }
  const Node* chosen = writable.front();
  switch (opts_.store_server) {
    case StoreServer::kRoundRobin:
      chosen = writable[g->next_write++ % writable.size()];
      break;
    case StoreServer::kFirstByIp:
      break;  // nodes_ is ordered by IP
    case StoreServer::kByPriority:
      for (const Node* n : writable) {
        if (n->upload_priority < chosen->upload_priority) chosen = n;
      }
      break;
  }
  proto::StoreAll out;
  out.group = g->name;
  out.store_path_index = PickStorePath(g->nodes[chosen->ip]);
  out.servers.push_back({chosen->ip, g->port});
  if (all) {
    for (const Node* n : writable) {
      if (n != chosen) out.servers.push_back({n->ip, g->port});
    }
  }
  return out;
}

Result<proto::FetchAll> Registry::QueryFetch(const std::string& group,
                                             const std::string& name,
                                             FetchKind kind, int64_t now) {
  auto logic = proto::ParseLogicName(name);
  if (!logic.ok()) return logic.status();
  auto fields = proto::DecodeNameBase(logic->name);
  if (!fields.ok()) return fields.status();
  std::lock_guard<std::mutex> lock(mu_);
  auto git = groups_.find(group);
  if (git == groups_.end()) {
    return Status::NotFound("group " + group + " does not exist");
  }
  Group& g = git->second;
  std::string source_ip = SourceAddress(g, fields->source_ip);
  // The source may have moved since it named the file (bounded: a chain of
  // renames cannot loop forever).
  for (int hops = 0; hops < 16; ++hops) {
    auto r = g.renamed.find(source_ip);
    if (r == g.renamed.end() || g.nodes.count(source_ip) != 0) break;
    source_ip = r->second;
  }
  const Node* source = nullptr;
  std::vector<const Node*> readable;
  bool old_enough = static_cast<int64_t>(fields->create_time) +
                        opts_.storage_sync_file_max_delay_s <
                    now;
  const Node* src_node = nullptr;
  if (auto it = g.nodes.find(source_ip); it != g.nodes.end()) {
    src_node = &it->second;
  }
  for (const auto& [ip, n] : g.nodes) {
    if (n.state != StorageState::kActive) continue;
    if (ip == source_ip) {
      source = &n;
      readable.push_back(&n);
      continue;
    }
    bool synced = false;
    if (src_node != nullptr) {
      auto it = src_node->synced_by.find(ip);
      synced = it != src_node->synced_by.end() &&
               it->second >= static_cast<int64_t>(fields->create_time);
    }
    if (old_enough || synced || kind == FetchKind::kUpdate) {
      readable.push_back(&n);
    }
  }
  if (readable.empty()) {
    return Status::NotFound("no active storage in " + group +
                            " holds the file yet");
  }
  proto::FetchAll out;
  out.group = g.name;
  out.port = g.port;
  const Node* first = nullptr;
  if (kind == FetchKind::kUpdate) {
    first = source != nullptr ? source : readable.front();
  } else if (opts_.download_server == DownloadServer::kSourceFirst &&
             source != nullptr) {
    first = source;
  } else {
    first = readable[g.next_read++ % readable.size()];
  }
  out.ips.push_back(first->ip);
  if (kind == FetchKind::kAll) {
    for (const Node* n : readable) {
      if (n != first) out.ips.push_back(n->ip);
    }
  }
  return out;
}

proto::GroupStat Registry::MakeGroupStat(const Group& g) const {
  proto::GroupStat s;
  s.group_name = g.name;
  for (const auto& [ip, n] : g.nodes) {
    if (n.state != StorageState::kDeleted) ++s.storage_count;
  }
  s.storage_port = g.port;
  s.store_path_count = g.store_path_count;
  s.subdir_count_per_path = g.subdir_count_per_path;
  s.current_write_server = g.nodes.empty() ? 0 : g.next_write % g.nodes.size();
  bool first = true;
  for (const auto& [ip, n] : g.nodes) {
    if (n.state != StorageState::kActive) continue;
    ++s.readable_server_count;
    if (NodeWritable(n)) ++s.writable_server_count;
    int64_t total = NodeTotalMb(n);
    int64_t free = NodeFreeMb(n);
    if (first || free < s.free_mb) {
      s.free_mb = free;
      s.total_mb = total;
      s.reserved_mb = opts_.reserved.ReservedMb(total);
    }
    first = false;
  }
  return s;
}

Result<std::vector<proto::GroupStat>> Registry::ListGroups(
    const std::optional<std::string>& group) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<proto::GroupStat> out;
  if (group) {
    auto it = groups_.find(*group);
    if (it == groups_.end()) return Status::NotFound("no group " + *group);
    out.push_back(MakeGroupStat(it->second));
    return out;
  }
  for (const auto& [name, g] : groups_) out.push_back(MakeGroupStat(g));
  return out;
}

Result<std::vector<proto::StorageStat>> Registry::ListStorages(
    const std::string& group, const std::optional<std::string>& id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto git = groups_.find(group);
  if (git == groups_.end()) return Status::NotFound("no group " + group);
  const Group& g = git->second;
  std::vector<proto::StorageStat> out;
  for (const auto& [ip, n] : g.nodes) {
    proto::StorageStat s;
    s.id = IdOf(g, ip);
    if (id && *id != ip && *id != s.id) continue;
    s.status = static_cast<uint8_t>(n.state);
    s.rw_mode = n.state == StorageState::kActive ? 3 : 0;
    s.ip = ip;
    s.src_id = n.sync_src.empty() ? "" : IdOf(g, n.sync_src);
    s.version = n.version;
    s.join_time = n.join_time;
    s.up_time = n.up_time;
    s.total_mb = NodeTotalMb(n);
    s.free_mb = NodeFreeMb(n);
    s.reserved_mb = opts_.reserved.ReservedMb(s.total_mb);
    s.upload_priority = n.upload_priority;
    s.store_path_count = g.store_path_count;
    s.subdir_count_per_path = g.subdir_count_per_path;
    s.current_write_path = n.paths.empty() ? 0 : n.next_path % n.paths.size();
    s.storage_port = g.port;
    s.counters = n.counters;
    // As FastDFS: everything that originated on any other member up to this
    // time is here (0 when a member with changes never reported on it).
    int64_t synced = std::numeric_limits<int64_t>::max();
    for (const auto& [other_ip, other] : g.nodes) {
      if (other_ip == ip || other.state == StorageState::kDeleted ||
          other.counters.v[proto::kLastSourceUpdate] <= 0) {
        continue;
      }
      auto it = other.synced_by.find(ip);
      synced = std::min(synced, it == other.synced_by.end() ? 0 : it->second);
    }
    s.counters.v[proto::kLastSyncedTimestamp] =
        synced == std::numeric_limits<int64_t>::max() ? 0 : synced;
    out.push_back(std::move(s));
  }
  if (id && out.empty()) {
    return Status::NotFound("no storage " + *id + " in " + group);
  }
  return out;
}

Status Registry::RenameStorage(const std::string& group,
                               const std::string& old_ip,
                               const std::string& new_ip) {
  std::lock_guard<std::mutex> lock(mu_);
  auto git = groups_.find(group);
  if (git == groups_.end()) return Status::NotFound("unknown group " + group);
  Group& g = git->second;
  auto old_it = g.nodes.find(old_ip);
  if (old_it == g.nodes.end() ||
      old_it->second.state == StorageState::kDeleted) {
    return Status::NotFound("no storage " + old_ip + " in " + group);
  }
  if (auto new_it = g.nodes.find(new_ip); new_it != g.nodes.end()) {
    if (new_it->second.state != StorageState::kOffline &&
        new_it->second.state != StorageState::kDeleted) {
      return Status::AlreadyExists(new_ip + " is already a member of " + group);
    }
    g.nodes.erase(new_it);  // a stale entry from an earlier life
  }
  Node n = std::move(old_it->second);
  g.nodes.erase(old_it);
  n.ip = new_ip;
  g.nodes[new_ip] = std::move(n);
  for (auto& [ip, other] : g.nodes) {
    if (other.sync_src == old_ip) other.sync_src = new_ip;
    if (auto it = other.synced_by.find(old_ip); it != other.synced_by.end()) {
      other.synced_by[new_ip] = it->second;
      other.synced_by.erase(it);
    }
  }
  g.renamed[old_ip] = new_ip;
  g.renamed.erase(new_ip);  // it may have had that address before
  ++changes_;
  spdlog::info("storage {} of {} now has address {}", old_ip, group, new_ip);
  return Status::OK();
}

Status Registry::DeleteStorage(const std::string& group,
                               const std::string& id_or_ip) {
  const std::string& ip = id_or_ip;
  std::lock_guard<std::mutex> lock(mu_);
  auto git = groups_.find(group);
  if (git == groups_.end()) return Status::NotFound("no group " + group);
  Group& g = git->second;
  auto nit = g.nodes.find(AddressOfId(g, ip));
  if (nit == g.nodes.end()) {
    return Status::NotFound("no storage " + ip + " in " + group);
  }
  Node& n = nit->second;
  if (n.state == StorageState::kDeleted) {
    return Status::Already(ip + " was already deleted from " + group);
  }
  if (n.state != StorageState::kOffline) {
    return Status::Busy(ip + " is " + proto::StorageStateName(n.state) +
                        "; only an OFFLINE storage can be deleted");
  }
  MarkDeleted(g, n);
  return Status::OK();
}

void Registry::MarkDeleted(Group& g, Node& n) {
  n.state = StorageState::kDeleted;
  n.paths.clear();
  n.sync_src.clear();
  n.initial_sync_done = false;
  // A member it was copying to gets another source from CheckActive.
  for (auto& [other_ip, other] : g.nodes) {
    other.synced_by.erase(n.ip);
    if (other.sync_src == n.ip) other.sync_src.clear();
  }
  ++changes_;
}

std::vector<std::string> Registry::GroupsWithOfflineMembers() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, g] : groups_) {
    for (const auto& [ip, n] : g.nodes) {
      if (n.state == StorageState::kOffline) {
        out.push_back(name);
        break;
      }
    }
  }
  return out;
}

int Registry::AdoptDeletions(const std::string& group,
                             const std::vector<proto::StorageStat>& view) {
  std::lock_guard<std::mutex> lock(mu_);
  auto git = groups_.find(group);
  if (git == groups_.end()) return 0;
  int adopted = 0;
  for (const proto::StorageStat& m : view) {
    if (m.status != static_cast<uint8_t>(StorageState::kDeleted)) continue;
    auto nit = git->second.nodes.find(m.ip);
    if (nit == git->second.nodes.end() ||
        nit->second.state != StorageState::kOffline) {
      continue;
    }
    MarkDeleted(git->second, nit->second);
    spdlog::warn("storage {} of {}: deleted on another tracker; deleted here",
                 m.ip, group);
    ++adopted;
  }
  return adopted;
}

Status Registry::DeleteGroup(const std::string& group) {
  std::lock_guard<std::mutex> lock(mu_);
  auto git = groups_.find(group);
  if (git == groups_.end()) return Status::NotFound("no group " + group);
  if (HasMember(git->second, "")) {
    return Status::Busy(group +
                        " still has members; delete each (stopped) storage "
                        "first");
  }
  groups_.erase(git);
  ++changes_;
  return Status::OK();
}

std::string Registry::Changelog(const std::string& group) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  auto git = groups_.find(group);
  if (git == groups_.end()) return out;
  for (const auto& [from, to] : git->second.renamed) {
    out += from + " " + to + "\n";
  }
  return out;
}

std::vector<std::string> Registry::GroupsWithJoiningMembers() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, g] : groups_) {
    for (const auto& [ip, n] : g.nodes) {
      if (!n.initial_sync_done && (n.state == StorageState::kWaitSync ||
                                   n.state == StorageState::kSyncing)) {
        out.push_back(name);
        break;
      }
    }
  }
  return out;
}

void Registry::AdoptSyncSource(const std::string& group, const std::string& ip,
                               const std::string& src_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto git = groups_.find(group);
  if (git == groups_.end()) return;
  Group& g = git->second;
  // Listed by its id under use_storage_id.
  const std::string src = AddressOfId(g, src_id);
  auto nit = g.nodes.find(ip);
  auto sit = g.nodes.find(src);
  if (nit == g.nodes.end() || sit == g.nodes.end() || src == ip) return;
  Node& n = nit->second;
  if (n.state == StorageState::kDeleted || n.initial_sync_done ||
      n.sync_src == src || sit->second.state != StorageState::kActive) {
    return;
  }
  spdlog::info("storage {} of {} copies from {} (the leader's choice, not {})",
               ip, group, src, n.sync_src.empty() ? "none" : n.sync_src);
  n.sync_src = src;
  n.state = SettleState(g, n);
  ++changes_;
}

int Registry::CheckActive(int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  int changed = 0;
  for (auto& [name, g] : groups_) {
    for (auto& [ip, n] : g.nodes) {
      if (n.state == StorageState::kDeleted) continue;
      if ((n.state == StorageState::kWaitSync ||
           n.state == StorageState::kSyncing) &&
          now - n.last_beat <= opts_.check_active_interval_s) {
        StorageState settled = SettleState(g, n);
        if (settled != n.state) {
          n.state = settled;
          ++changed;
        }
      }
      if (n.state != StorageState::kOffline &&
          now - n.last_beat > opts_.check_active_interval_s) {
        n.state = StorageState::kOffline;
        ++changed;
        spdlog::warn("storage {} of {}: no heartbeat for {} s, OFFLINE", ip,
                     name, now - n.last_beat);
      }
    }
  }
  changes_ += static_cast<uint64_t>(changed);
  return changed;
}

uint64_t Registry::change_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return changes_;
}

std::string Registry::Serialize() const {
  std::lock_guard<std::mutex> lock(mu_);
  return EncodeRegistryState(groups_);
}

Status Registry::Load(const std::string& text) {
  NIMBUS_LET_OR_RETURN(auto groups, DecodeRegistryState(text));
  std::lock_guard<std::mutex> lock(mu_);
  groups_ = std::move(groups);
  return Status::OK();
}

std::string Registry::IdOf(const Group& g, const std::string& ip) const {
  // The table is empty without use_storage_id.
  return opts_.storage_ids.IdOrAddress(g.name, ip, g.port);
}

std::string Registry::AddressOfId(const Group& g, const std::string& id) const {
  if (g.nodes.contains(id)) return id;
  return opts_.storage_ids.AddressOf(
      g.name, id, [&](const std::string& ip) { return g.nodes.contains(ip); });
}

std::string Registry::SourceAddress(const Group& g, uint32_t field) const {
  if (opts_.id_in_filename) {
    // Names made before ids were turned on carry an address: a field that
    // is no id of this group is read as one.
    const proto::StorageIdEntry* e = opts_.storage_ids.ByNumber(field);
    if (e != nullptr && e->group == g.name) return AddressOfId(g, e->id);
  }
  return proto::FormatIpv4(field);
}

}  // namespace nimbus::tracker
