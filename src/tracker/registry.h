// Registry: the tracker's view of the cluster — groups, their storage
// servers, each server's state, disk usage and counters — and the placement
// decisions made from it (where to upload, where to read).
//
// All methods are thread-safe (one mutex; every operation is a short walk
// over in-memory maps, never I/O). Times are wall-clock seconds passed in by
// the caller so policies can be tested without sleeping.
//
// A storage is identified by (group, IP address); with use_storage_id it
// must be listed in storage_ids.conf and is listed by its id. State survives
// restarts through Serialize()/Load(): a reloaded storage starts OFFLINE until
// it joins again.
#ifndef NIMBUS_TRACKER_REGISTRY_H_
#define NIMBUS_TRACKER_REGISTRY_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "proto/constants.h"
#include "proto/server_messages.h"
#include "proto/sync_messages.h"
#include "proto/tracker_messages.h"
#include "tracker/registry_state.h"
#include "tracker/tracker_options.h"

namespace nimbus::tracker {

class Registry {
 public:
  explicit Registry(const TrackerOptions& opts);

  // --- storage-facing ---------------------------------------------------
  // A storage (re)joins from `ip`. A new member of a group that already has
  // members starts in WAIT_SYNC (unless it reports itself as already synced,
  // as after a tracker lost its state); the first member of a group is
  // ACTIVE at once. A group's port, store path count and
  // subdir count are fixed by its first member; a joiner that disagrees is
  // refused with InvalidArgument.
  Result<proto::JoinReply> Join(const proto::JoinRequest& req,
                                const std::string& ip, int64_t now);
  Status Beat(const std::string& group, const std::string& ip,
              const proto::StorageCounters* counters, int64_t now);
  Status ReportDiskUsage(const std::string& group, const std::string& ip,
                         const std::vector<proto::PathUsage>& paths,
                         int64_t now);
  // `ip` (a source) reports how far each peer has caught up with it.
  Status ReportSync(const std::string& group, const std::string& ip,
                    const std::vector<proto::SyncProgress>& progress);
  // `src_ip` finished the full copy to `dest_ip`: the new member is ACTIVE.
  Status SyncDone(const std::string& group, const std::string& src_ip,
                  const std::string& dest_ip);
  // The storage's tracker connection closed: it is OFFLINE until it rejoins.
  void ConnectionLost(const std::string& group, const std::string& ip);
  // Settings storages fetch with PARAMETER_REQ.
  proto::Parameters StorageParameters() const;
  // The storage id of the member of `group` at `ip` (use_storage_id), or
  // empty.
  std::string StorageIdOf(const std::string& group,
                          const std::string& ip) const;

  // --- client-facing ----------------------------------------------------
  // Where to upload. `group` empty means "tracker's choice" (store_lookup).
  // `all` lists every writable server of the chosen group.
  Result<proto::StoreAll> QueryStore(const std::string& group, bool all);
  enum class FetchKind { kOne, kAll, kUpdate };
  // Where to read (or update) `name` of `group`. Only servers that can hold
  // the file are named: its source, or any server once the file is older
  // than storage_sync_file_max_delay, or any peer the source reported as
  // synced past the file's creation time.
  Result<proto::FetchAll> QueryFetch(const std::string& group,
                                     const std::string& name, FetchKind kind,
                                     int64_t now);
  // All groups, or just `group` (NotFound if unknown).
  Result<std::vector<proto::GroupStat>> ListGroups(
      const std::optional<std::string>& group) const;
  Result<std::vector<proto::StorageStat>> ListStorages(
      const std::string& group, const std::optional<std::string>& id) const;

  // --- maintenance --------------------------------------------------------
  // Marks OFFLINE every storage silent for longer than check_active_interval,
  // and names a new sync source for a joining member whose source is gone.
  // Returns how many storages changed state.
  int CheckActive(int64_t now);
  // Groups with a member still copying its initial data (WAIT_SYNC or
  // SYNCING).
  std::vector<std::string> GroupsWithJoiningMembers() const;
  // The leader tracker names `src` as the sync source of joining member
  // `ip`: adopt it if `src` is an ACTIVE member here too (otherwise keep
  // this tracker's own choice until the views agree).
  void AdoptSyncSource(const std::string& group, const std::string& ip,
                       const std::string& src);
  // A storage of `group` now has address `new_ip` (REPORT_IP_CHANGED): its
  // entry, state and sync progress move to the new address. NotFound if
  // `old_ip` is unknown; AlreadyExists if `new_ip` is already a different
  // live member.
  Status RenameStorage(const std::string& group, const std::string& old_ip,
                       const std::string& new_ip);
  // An administrator removes `ip` from `group` (SERVER_DELETE_STORAGE, as
  // `fdfs_monitor delete`). It stays listed, as DELETED, so that its peers
  // stop replicating to it and drop their progress towards it; it no longer
  // counts in the group, nor in another member's sync state. NotFound for
  // an unknown group or storage; Busy unless it is OFFLINE (stop it first);
  // Already if it was deleted before. A deleted storage that joins again is
  // a new member: it gets a full copy from a peer before it serves.
  // With use_storage_id the storage may be named by its id.
  Status DeleteStorage(const std::string& group, const std::string& id_or_ip);
  // Removes `group` (SERVER_DELETE_GROUP, as `fdfs_monitor delete_group`)
  // once every member was deleted: it is no longer listed and a storage
  // that joins it later starts it afresh. NotFound if unknown; Busy while a
  // member is not deleted.
  Status DeleteGroup(const std::string& group);
  // Groups with a member that is OFFLINE here: the only ones in which
  // another tracker's deletion can be adopted.
  std::vector<std::string> GroupsWithOfflineMembers() const;
  // Another tracker lists the members of `group` as `view`. A member it
  // lists DELETED that is OFFLINE here is deleted here too: clients that
  // send SERVER_DELETE_STORAGE to one tracker only would otherwise leave
  // the others listing it OFFLINE for ever. Returns how many were deleted.
  int AdoptDeletions(const std::string& group,
                     const std::vector<proto::StorageStat>& view);
  // Every address change of `group` as "old new\n" lines (CHANGELOG_REQ).
  std::string Changelog(const std::string& group) const;
  // Bumped on every change worth persisting.
  uint64_t change_count() const;
  std::string Serialize() const;
  Status Load(const std::string& json);

 private:
  using Node = StorageEntry;
  using Group = GroupEntry;

  // Whether `g` has a member other than `except_ip` that was not deleted.
  static bool HasMember(const Group& g, const std::string& except_ip);
  // The node of a storage that is still a member (not deleted), or an error
  // naming why not: for the calls a storage makes on its own behalf.
  static Result<Node*> LiveNode(std::map<std::string, Group>& groups,
                                const std::string& group,
                                const std::string& ip);
  // The id a member at `ip` is listed under: its storage id with
  // use_storage_id, else the address.
  std::string IdOf(const Group& g, const std::string& ip) const;
  // The member address for `id` (a storage id or already an address).
  std::string AddressOfId(const Group& g, const std::string& id) const;
  // The address of the source a file name's 32-bit source field names.
  std::string SourceAddress(const Group& g, uint32_t field) const;
  // Marks `n` of `g` DELETED and drops what refers to it (mu_ held).
  void MarkDeleted(Group& g, Node& n);
  bool NodeWritable(const Node& n) const;
  int64_t NodeFreeMb(const Node& n) const;
  int64_t NodeTotalMb(const Node& n) const;
  std::vector<const Node*> WritableNodes(const Group& g) const;
  Group* PickGroup(const std::string& group, Status* why);
  uint8_t PickStorePath(Node& n) const;  // mutates n.next_path only
  proto::GroupStat MakeGroupStat(const Group& g) const;
  // The state a (re)joining or returning member should be in: ACTIVE once
  // its initial sync is done, else WAIT_SYNC with a source assigned.
  proto::StorageState SettleState(Group& g, Node& n);

  const TrackerOptions opts_;
  mutable std::mutex mu_;
  std::map<std::string, Group> groups_;  // guarded by mu_
  uint32_t next_group_ = 0;              // guarded by mu_
  uint64_t changes_ = 0;                 // guarded by mu_
};

}  // namespace nimbus::tracker

#endif  // NIMBUS_TRACKER_REGISTRY_H_
