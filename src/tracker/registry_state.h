// The tracker's view of one storage server and of one group (what Registry
// holds, guarded by its mutex), and the form it is saved in
// (base_path/data/storage_servers.json) so a restarted tracker knows every
// storage before they report.
#ifndef NIMBUS_TRACKER_REGISTRY_STATE_H_
#define NIMBUS_TRACKER_REGISTRY_STATE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "proto/constants.h"
#include "proto/server_messages.h"
#include "proto/tracker_messages.h"

namespace nimbus::tracker {

struct StorageEntry {
  std::string ip;
  proto::StorageState state = proto::StorageState::kInit;
  int64_t join_time = 0;
  int64_t up_time = 0;
  int64_t upload_priority = 0;
  std::string version;
  std::vector<proto::PathUsage> paths;
  proto::StorageCounters counters;
  int64_t last_beat = 0;
  mutable uint32_t next_path = 0;  // store_path round robin
  // Peer IP -> every change that originated here up to this time is there.
  std::map<std::string, int64_t> synced_by;
  // A member that joined a group holding data starts in WAIT_SYNC: the
  // ACTIVE member `sync_src` copies everything to it, then reports done.
  bool initial_sync_done = false;
  std::string sync_src;
};
struct GroupEntry {
  std::string name;
  int64_t port = 0;
  int64_t store_path_count = 0;
  int64_t subdir_count_per_path = 0;
  std::map<std::string, StorageEntry>
      nodes;  // by IP, so "first by IP" is begin()
  uint32_t next_write = 0;
  uint32_t next_read = 0;
  // Old IP -> new IP of members whose address changed: file names keep
  // the old source address, and peers rename their sync marks.
  std::map<std::string, std::string> renamed;
};

// JSON text of every group. Runtime-only fields (round-robin positions,
// heartbeat state) are not saved.
std::string EncodeRegistryState(const std::map<std::string, GroupEntry>& g);
// The groups saved by EncodeRegistryState. Every storage comes back
// OFFLINE (until it joins again), or DELETED if it was. Corruption for text
// that is not such a file.
Result<std::map<std::string, GroupEntry>> DecodeRegistryState(
    const std::string& text);

}  // namespace nimbus::tracker

#endif  // NIMBUS_TRACKER_REGISTRY_STATE_H_
