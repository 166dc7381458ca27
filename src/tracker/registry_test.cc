#include "tracker/registry.h"

#include <gtest/gtest.h>

#include "proto/file_name.h"

namespace nimbus::tracker {
namespace {

proto::JoinRequest Join(const std::string& group, int64_t port = 23000,
                        int64_t paths = 2, int64_t priority = 10) {
  proto::JoinRequest r;
  r.group = group;
  r.port = port;
  r.store_path_count = paths;
  r.subdir_count_per_path = 256;
  r.upload_priority = priority;
  r.version = "6.16";
  return r;
}

// A file name whose source is `ip`, created at `t`.
std::string NameFrom(const std::string& ip, uint32_t t) {
  proto::FileNameFields f;
  f.source_ip = *proto::ParseIpv4(ip);
  f.create_time = t;
  f.masked_size = proto::MaskFileSize(10, false, 1);
  return "M00/00/00/" + proto::EncodeNameBase(f) +
         proto::FormatNameSuffix("", 1);
}

TrackerOptions Opts() {
  TrackerOptions o;
  o.reserved = *ReservedSpace::Parse("10%");
  return o;
}

TEST(Registry, EmptyClusterHasNowhereToStore) {
  Registry r(Opts());
  auto s = r.QueryStore("", false);
  EXPECT_EQ(s.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(r.QueryStore("group1", false).status().code(),
            Status::Code::kNotFound);
}

TEST(Registry, LoadBalancePicksGroupWithMostFreeSpace) {
  TrackerOptions o = Opts();
  o.store_lookup = StoreLookup::kLoadBalance;
  Registry r(o);
  ASSERT_TRUE(r.Join(Join("group1"), "10.0.0.1", 100).ok());
  ASSERT_TRUE(r.Join(Join("group2", 23001), "10.0.0.2", 100).ok());
  ASSERT_TRUE(
      r.ReportDiskUsage("group1", "10.0.0.1", {{1000, 300}, {1000, 300}}, 100)
          .ok());
  ASSERT_TRUE(
      r.ReportDiskUsage("group2", "10.0.0.2", {{1000, 900}, {1000, 100}}, 100)
          .ok());
  auto t = r.QueryStore("", false);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->group, "group2");
  EXPECT_EQ(t->servers[0].ip, "10.0.0.2");
  EXPECT_EQ(t->servers[0].port, 23001);
  // store_path round robin skips path 1, which is inside the 10% reserve.
  EXPECT_EQ(t->store_path_index, 0);
  EXPECT_EQ(r.QueryStore("", false)->store_path_index, 0);
}

TEST(Registry, RoundRobinAlternatesGroupsAndPaths) {
  TrackerOptions o = Opts();
  o.store_lookup = StoreLookup::kRoundRobin;
  Registry r(o);
  ASSERT_TRUE(r.Join(Join("a"), "10.0.0.1", 1).ok());
  ASSERT_TRUE(r.Join(Join("b"), "10.0.0.2", 1).ok());
  std::string g1 = r.QueryStore("", false)->group;
  std::string g2 = r.QueryStore("", false)->group;
  EXPECT_NE(g1, g2);
  ASSERT_TRUE(
      r.ReportDiskUsage("a", "10.0.0.1", {{100, 90}, {100, 90}}, 1).ok());
  auto p1 = r.QueryStore("a", false)->store_path_index;
  auto p2 = r.QueryStore("a", false)->store_path_index;
  EXPECT_NE(p1, p2);
}

TEST(Registry, SpecifiedGroupAndPriority) {
  TrackerOptions o = Opts();
  o.store_lookup = StoreLookup::kSpecifiedGroup;
  o.store_group = "b";
  o.store_server = StoreServer::kByPriority;
  Registry r(o);
  ASSERT_TRUE(r.Join(Join("a"), "10.0.0.1", 1).ok());
  ASSERT_TRUE(r.Join(Join("b", 23000, 2, 5), "10.0.0.2", 1).ok());
  ASSERT_TRUE(r.Join(Join("b", 23000, 2, 1), "10.0.0.3", 1).ok());
  ASSERT_TRUE(r.SyncDone("b", "10.0.0.2", "10.0.0.3").ok());
  auto t = r.QueryStore("", true);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->group, "b");
  EXPECT_EQ(t->servers[0].ip, "10.0.0.3");
  EXPECT_EQ(t->servers.size(), 2u);
}

TEST(Registry, FullDisksGiveNoSpace) {
  Registry r(Opts());
  ASSERT_TRUE(r.Join(Join("g"), "10.0.0.1", 1).ok());
  ASSERT_TRUE(
      r.ReportDiskUsage("g", "10.0.0.1", {{1000, 50}, {1000, 100}}, 1).ok());
  EXPECT_EQ(r.QueryStore("", false).status().code(), Status::Code::kNoSpace);
  EXPECT_EQ(r.QueryStore("g", false).status().code(), Status::Code::kNoSpace);
}

TEST(Registry, JoinWithConflictingPortIsRefused) {
  Registry r(Opts());
  ASSERT_TRUE(r.Join(Join("g", 23000), "10.0.0.1", 1).ok());
  EXPECT_FALSE(r.Join(Join("g", 23001), "10.0.0.2", 1).ok());
  EXPECT_FALSE(r.Join(Join("../g"), "10.0.0.3", 1).ok());
}

TEST(Registry, SilentStorageGoesOfflineAndBackOnBeat) {
  TrackerOptions o = Opts();
  o.check_active_interval_s = 10;
  Registry r(o);
  ASSERT_TRUE(r.Join(Join("g"), "10.0.0.1", 100).ok());
  EXPECT_EQ(r.CheckActive(105), 0);
  EXPECT_EQ(r.CheckActive(111), 1);
  EXPECT_EQ(r.ListStorages("g", std::nullopt)->at(0).status,
            static_cast<uint8_t>(proto::StorageState::kOffline));
  EXPECT_EQ(r.QueryStore("", false).status().code(), Status::Code::kNotFound);
  ASSERT_TRUE(r.Beat("g", "10.0.0.1", nullptr, 112).ok());
  EXPECT_TRUE(r.QueryStore("", false).ok());
  r.ConnectionLost("g", "10.0.0.1");
  EXPECT_FALSE(r.QueryStore("", false).ok());
}

TEST(Registry, FetchGoesToSourceUntilSyncDelayPasses) {
  TrackerOptions o = Opts();
  o.storage_sync_file_max_delay_s = 100;
  Registry r(o);
  ASSERT_TRUE(r.Join(Join("g"), "10.0.0.1", 1000).ok());
  ASSERT_TRUE(r.Join(Join("g"), "10.0.0.2", 1000).ok());
  ASSERT_TRUE(r.SyncDone("g", "10.0.0.1", "10.0.0.2").ok());
  std::string name = NameFrom("10.0.0.2", 1000);
  for (int i = 0; i < 4; ++i) {
    auto f = r.QueryFetch("g", name, Registry::FetchKind::kOne, 1010);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ(f->ips[0], "10.0.0.2");
  }
  auto all = r.QueryFetch("g", name, Registry::FetchKind::kAll, 2000);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->ips.size(), 2u);
  EXPECT_EQ(
      r.QueryFetch("g", "bogus", Registry::FetchKind::kOne, 1).status().code(),
      Status::Code::kInvalidArgument);
  EXPECT_EQ(
      r.QueryFetch("nope", name, Registry::FetchKind::kOne, 1).status().code(),
      Status::Code::kNotFound);
  auto upd = r.QueryFetch("g", name, Registry::FetchKind::kUpdate, 1010);
  ASSERT_TRUE(upd.ok());
  EXPECT_EQ(upd->ips[0], "10.0.0.2");
}

TEST(Registry, StateSurvivesSerializeLoadAsOffline) {
  Registry r(Opts());
  ASSERT_TRUE(r.Join(Join("g", 23005), "10.0.0.1", 1).ok());
  ASSERT_TRUE(
      r.ReportDiskUsage("g", "10.0.0.1", {{100, 50}, {100, 60}}, 1).ok());
  Registry r2(Opts());
  ASSERT_TRUE(r2.Load(r.Serialize()).ok());
  auto groups = r2.ListGroups(std::nullopt);
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ(groups->at(0).storage_port, 23005);
  auto st = r2.ListStorages("g", std::nullopt);
  ASSERT_EQ(st->size(), 1u);
  EXPECT_EQ(st->at(0).status,
            static_cast<uint8_t>(proto::StorageState::kOffline));
  EXPECT_EQ(st->at(0).free_mb, 110);
  EXPECT_FALSE(r2.Load("{not json").ok());
  EXPECT_FALSE(r2.Load("{\"format\":1,\"groups\":[{\"name\":5}]}").ok());
}

}  // namespace
}  // namespace nimbus::tracker

namespace nimbus::tracker {
namespace {

TEST(RegistryJoin, NewMemberOfNonEmptyGroupWaitsForItsCopy) {
  Registry r(Opts());
  ASSERT_EQ(r.Join(Join("g"), "10.0.0.1", 100)->status,
            static_cast<uint8_t>(proto::StorageState::kActive));
  auto b = r.Join(Join("g"), "10.0.0.2", 100);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->status, static_cast<uint8_t>(proto::StorageState::kWaitSync));
  EXPECT_EQ(b->src_id, "10.0.0.1");
  // Uploads never go to a member that is still being filled.
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(r.QueryStore("g", true)->servers.size(), 1u);
  }
  ASSERT_TRUE(r.ReportSync("g", "10.0.0.1", {{"10.0.0.2", 90}}).ok());
  EXPECT_EQ(r.ListStorages("g", "10.0.0.2")->at(0).status,
            static_cast<uint8_t>(proto::StorageState::kSyncing));
  EXPECT_EQ(r.ListStorages("g", "10.0.0.2")->at(0).src_id, "10.0.0.1");
  EXPECT_EQ(r.SyncDone("g", "10.0.0.9", "10.0.0.2").code(),
            Status::Code::kPermission);
  ASSERT_TRUE(r.SyncDone("g", "10.0.0.1", "10.0.0.2").ok());
  EXPECT_EQ(r.ListStorages("g", "10.0.0.2")->at(0).status,
            static_cast<uint8_t>(proto::StorageState::kActive));
  EXPECT_EQ(r.QueryStore("g", true)->servers.size(), 2u);
  // Rejoining later does not start another copy.
  r.ConnectionLost("g", "10.0.0.2");
  EXPECT_EQ(r.Join(Join("g"), "10.0.0.2", 200)->status,
            static_cast<uint8_t>(proto::StorageState::kActive));
}

TEST(RegistryJoin, SourceThatDiesIsReplaced) {
  TrackerOptions o = Opts();
  o.check_active_interval_s = 10;
  Registry r(o);
  ASSERT_TRUE(r.Join(Join("g"), "10.0.0.1", 100).ok());
  ASSERT_TRUE(r.Join(Join("g"), "10.0.0.3", 100).ok());
  ASSERT_TRUE(r.SyncDone("g", "10.0.0.1", "10.0.0.3").ok());
  auto b = r.Join(Join("g"), "10.0.0.2", 100);
  EXPECT_EQ(b->src_id, "10.0.0.1");
  r.ConnectionLost("g", "10.0.0.1");
  ASSERT_TRUE(r.Beat("g", "10.0.0.2", nullptr, 105).ok());
  ASSERT_TRUE(r.Beat("g", "10.0.0.3", nullptr, 105).ok());
  r.CheckActive(106);
  auto st = r.ListStorages("g", "10.0.0.2");
  EXPECT_EQ(st->at(0).status,
            static_cast<uint8_t>(proto::StorageState::kWaitSync));
  EXPECT_EQ(st->at(0).src_id, "10.0.0.3");
}

TEST(RegistryJoin, MemberThatReportsItselfSyncedIsBelieved) {
  Registry r(Opts());
  ASSERT_TRUE(r.Join(Join("g"), "10.0.0.1", 100).ok());
  proto::JoinRequest req = Join("g");
  req.status = static_cast<uint8_t>(proto::StorageState::kActive);
  EXPECT_EQ(r.Join(req, "10.0.0.2", 100)->status,
            static_cast<uint8_t>(proto::StorageState::kActive));
}

TEST(Registry, RenamedStorageKeepsItsStateAndItsFiles) {
  Registry r(Opts());
  ASSERT_TRUE(r.Join(Join("g"), "10.0.0.1", 100).ok());
  ASSERT_TRUE(r.Join(Join("g"), "10.0.0.2", 100).ok());
  ASSERT_TRUE(r.SyncDone("g", "10.0.0.1", "10.0.0.2").ok());
  ASSERT_TRUE(r.RenameStorage("g", "10.0.0.2", "10.0.0.9").ok());
  auto st = r.ListStorages("g", std::nullopt);
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(st->size(), 2u);
  EXPECT_EQ((*st)[1].ip, "10.0.0.9");
  EXPECT_EQ((*st)[1].status, 7);  // still ACTIVE: no second full copy
  // A file the storage named under its old address is read from it.
  auto f = r.QueryFetch("g", NameFrom("10.0.0.2", 1000),
                        Registry::FetchKind::kUpdate, 1001);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->ips[0], "10.0.0.9");
  EXPECT_EQ(r.Changelog("g"), "10.0.0.2 10.0.0.9\n");
  EXPECT_EQ(r.RenameStorage("g", "10.0.0.2", "10.0.0.7").code(),
            Status::Code::kNotFound);
  EXPECT_EQ(r.RenameStorage("g", "10.0.0.9", "10.0.0.1").code(),
            Status::Code::kAlreadyExists);
  // The rename survives a tracker restart.
  Registry again(Opts());
  ASSERT_TRUE(again.Load(r.Serialize()).ok());
  EXPECT_EQ(again.Changelog("g"), "10.0.0.2 10.0.0.9\n");
}

}  // namespace
}  // namespace nimbus::tracker

namespace nimbus::tracker {
namespace {

// 10.0.0.1 and 10.0.0.2 in group g, both ACTIVE (the second copied from
// the first).
void TwoSyncedMembers(Registry& r) {
  ASSERT_TRUE(r.Join(Join("g"), "10.0.0.1", 100).ok());
  ASSERT_TRUE(r.Join(Join("g"), "10.0.0.2", 100).ok());
  ASSERT_TRUE(r.SyncDone("g", "10.0.0.1", "10.0.0.2").ok());
}

uint8_t StateOf(const Registry& r, const std::string& ip) {
  auto st = r.ListStorages("g", ip);
  return st.ok() ? st->at(0).status : 0xFF;
}

constexpr uint8_t kDeleted =
    static_cast<uint8_t>(proto::StorageState::kDeleted);
constexpr uint8_t kActive = static_cast<uint8_t>(proto::StorageState::kActive);

TEST(RegistryDelete, OnlyAnOfflineMemberIsDeletedAndThenNoLongerCounts) {
  Registry r(Opts());
  ASSERT_NO_FATAL_FAILURE(TwoSyncedMembers(r));
  ASSERT_TRUE(r.ReportSync("g", "10.0.0.1", {{"10.0.0.2", 150}}).ok());
  EXPECT_EQ(r.DeleteStorage("g", "10.0.0.2").code(), Status::Code::kBusy);
  EXPECT_EQ(r.DeleteStorage("g", "10.0.0.9").code(), Status::Code::kNotFound);
  EXPECT_EQ(r.DeleteStorage("h", "10.0.0.2").code(), Status::Code::kNotFound);
  r.ConnectionLost("g", "10.0.0.2");
  ASSERT_TRUE(r.DeleteStorage("g", "10.0.0.2").ok());
  EXPECT_EQ(r.DeleteStorage("g", "10.0.0.2").code(), Status::Code::kAlready);
  // Listed as DELETED, so that the peers learn of it; not counted.
  EXPECT_EQ(StateOf(r, "10.0.0.2"), kDeleted);
  EXPECT_EQ(r.ListGroups("g")->at(0).storage_count, 1);
  // A late disconnect or silence does not bring it back as OFFLINE, and a
  // connection from before the deletion cannot act for it.
  r.ConnectionLost("g", "10.0.0.2");
  r.CheckActive(100000);
  EXPECT_EQ(StateOf(r, "10.0.0.2"), kDeleted);
  EXPECT_EQ(r.Beat("g", "10.0.0.2", nullptr, 200).code(),
            Status::Code::kNotFound);
  EXPECT_EQ(r.ReportDiskUsage("g", "10.0.0.2", {{1, 1}, {1, 1}}, 200).code(),
            Status::Code::kNotFound);
  // Progress towards it is forgotten, and not recorded again from a report
  // sent before the source heard of the deletion: once it joins again,
  // nothing of the source's is known to be there.
  proto::StorageCounters c;
  c.v[proto::kLastSourceUpdate] = 180;
  ASSERT_TRUE(r.Beat("g", "10.0.0.1", &c, 200).ok());
  ASSERT_TRUE(r.ReportSync("g", "10.0.0.1", {{"10.0.0.2", 190}}).ok());
  ASSERT_TRUE(r.Join(Join("g"), "10.0.0.2", 200).ok());
  EXPECT_EQ(r.ListStorages("g", "10.0.0.2")
                ->at(0)
                .counters.v[proto::kLastSyncedTimestamp],
            0);
  r.ConnectionLost("g", "10.0.0.2");
  ASSERT_TRUE(r.DeleteStorage("g", "10.0.0.2").ok());
  // It survives a restart of the tracker as DELETED.
  Registry r2(Opts());
  ASSERT_TRUE(r2.Load(r.Serialize()).ok());
  EXPECT_EQ(StateOf(r2, "10.0.0.2"), kDeleted);
  EXPECT_EQ(StateOf(r2, "10.0.0.1"),
            static_cast<uint8_t>(proto::StorageState::kOffline));
}

TEST(RegistryDelete, ADeletedStorageThatJoinsAgainIsCopiedAnew) {
  Registry r(Opts());
  ASSERT_NO_FATAL_FAILURE(TwoSyncedMembers(r));
  r.ConnectionLost("g", "10.0.0.2");
  ASSERT_TRUE(r.DeleteStorage("g", "10.0.0.2").ok());
  // It says it is synced; the tracker knows its peers forgot it.
  proto::JoinRequest req = Join("g");
  req.status = kActive;
  auto j = r.Join(req, "10.0.0.2", 300);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(j->status, static_cast<uint8_t>(proto::StorageState::kWaitSync));
  EXPECT_EQ(j->src_id, "10.0.0.1");
  EXPECT_EQ(r.ListGroups("g")->at(0).storage_count, 2);
  EXPECT_EQ(r.QueryStore("g", true)->servers.size(), 1u);
  ASSERT_TRUE(r.SyncDone("g", "10.0.0.1", "10.0.0.2").ok());
  EXPECT_EQ(StateOf(r, "10.0.0.2"), kActive);
}

TEST(RegistryDelete, AJoiningMemberWhoseSourceIsDeletedGetsAnother) {
  TrackerOptions o = Opts();
  o.check_active_interval_s = 10;
  Registry r(o);
  ASSERT_TRUE(r.Join(Join("g"), "10.0.0.1", 100).ok());
  ASSERT_TRUE(r.Join(Join("g"), "10.0.0.3", 100).ok());
  ASSERT_TRUE(r.SyncDone("g", "10.0.0.1", "10.0.0.3").ok());
  ASSERT_EQ(r.Join(Join("g"), "10.0.0.2", 100)->src_id, "10.0.0.1");
  r.ConnectionLost("g", "10.0.0.1");
  ASSERT_TRUE(r.DeleteStorage("g", "10.0.0.1").ok());
  ASSERT_TRUE(r.Beat("g", "10.0.0.2", nullptr, 105).ok());
  ASSERT_TRUE(r.Beat("g", "10.0.0.3", nullptr, 105).ok());
  r.CheckActive(106);
  EXPECT_EQ(r.ListStorages("g", "10.0.0.2")->at(0).src_id, "10.0.0.3");
  // The last members of a group deleted, the group takes a new first member
  // with another layout.
  r.ConnectionLost("g", "10.0.0.2");
  r.ConnectionLost("g", "10.0.0.3");
  ASSERT_TRUE(r.DeleteStorage("g", "10.0.0.2").ok());
  ASSERT_TRUE(r.DeleteStorage("g", "10.0.0.3").ok());
  auto j = r.Join(Join("g", 23010), "10.0.0.4", 200);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ(j->status, kActive);
}

TEST(RegistryDelete, AGroupGoesOnlyOnceEveryMemberWasDeleted) {
  Registry r(Opts());
  ASSERT_TRUE(r.Join(Join("g"), "10.0.0.1", 100).ok());
  ASSERT_TRUE(r.Join(Join("h", 23001), "10.0.0.2", 100).ok());
  EXPECT_EQ(r.DeleteGroup("g").code(), Status::Code::kBusy);
  EXPECT_EQ(r.DeleteGroup("x").code(), Status::Code::kNotFound);
  r.ConnectionLost("g", "10.0.0.1");
  EXPECT_EQ(r.DeleteGroup("g").code(), Status::Code::kBusy);  // OFFLINE
  ASSERT_TRUE(r.DeleteStorage("g", "10.0.0.1").ok());
  ASSERT_TRUE(r.DeleteGroup("g").ok());
  EXPECT_EQ(r.ListGroups("g").status().code(), Status::Code::kNotFound);
  ASSERT_EQ(r.ListGroups(std::nullopt)->size(), 1u);
  Registry r2(Opts());
  ASSERT_TRUE(r2.Load(r.Serialize()).ok());
  EXPECT_EQ(r2.ListGroups(std::nullopt)->size(), 1u);
  // A storage that joins it later starts it afresh, on its own port.
  auto j = r.Join(Join("g", 23010), "10.0.0.1", 200);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ(j->status, kActive);
  EXPECT_EQ(r.ListGroups("g")->at(0).storage_port, 23010);
}

TEST(RegistryDelete, ADeletionMadeOnAnotherTrackerIsAdoptedForOfflineMembers) {
  Registry here(Opts());
  Registry there(Opts());
  for (Registry* r : {&here, &there}) {
    ASSERT_TRUE(r->Join(Join("g"), "10.0.0.1", 100).ok());
    ASSERT_TRUE(r->Join(Join("g"), "10.0.0.2", 100).ok());
    ASSERT_TRUE(r->Join(Join("g"), "10.0.0.3", 100).ok());
    r->ConnectionLost("g", "10.0.0.2");
    r->ConnectionLost("g", "10.0.0.3");
  }
  EXPECT_EQ(here.GroupsWithOfflineMembers(), std::vector<std::string>{"g"});
  ASSERT_TRUE(there.DeleteStorage("g", "10.0.0.2").ok());
  ASSERT_TRUE(there.DeleteStorage("g", "10.0.0.3").ok());
  // 10.0.0.3 came back here in the meantime: it stays.
  ASSERT_TRUE(here.Beat("g", "10.0.0.3", nullptr, 101).ok());
  auto view = there.ListStorages("g", std::nullopt);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(here.AdoptDeletions("g", *view), 1);
  EXPECT_EQ(StateOf(here, "10.0.0.2"), kDeleted);
  EXPECT_NE(StateOf(here, "10.0.0.3"), kDeleted);
  EXPECT_NE(StateOf(here, "10.0.0.1"), kDeleted);
  EXPECT_EQ(here.AdoptDeletions("g", *view), 0);  // nothing more to adopt
  EXPECT_EQ(here.AdoptDeletions("nope", *view), 0);
  EXPECT_TRUE(here.GroupsWithOfflineMembers().empty());
}

}  // namespace
}  // namespace nimbus::tracker

namespace nimbus::tracker {
namespace {

// use_storage_id: only listed storages join; they are listed, found as a
// file's source and deleted by their id, and names from before ids (an
// address in the source field) still find their source.
TEST(RegistryStorageIds, AdmittedListedAndFoundByTheirIds) {
  TrackerOptions o = Opts();
  o.use_storage_id = true;
  o.id_in_filename = true;
  o.storage_ids = *proto::StorageIds::Parse(
      "100001 group1 10.0.0.1\n100002 group1 10.0.0.2,192.168.0.2\n"
      "100003 group2 10.0.0.3\n",
      true, "ids");
  o.download_server = DownloadServer::kSourceFirst;
  Registry r(o);
  EXPECT_EQ(r.Join(Join("group1"), "10.0.0.9", 100).status().code(),
            Status::Code::kNotFound);
  // Listed, but for another group.
  EXPECT_EQ(r.Join(Join("group1"), "10.0.0.3", 100).status().code(),
            Status::Code::kNotFound);
  ASSERT_TRUE(r.Join(Join("group1"), "10.0.0.1", 100).ok());
  ASSERT_TRUE(r.Join(Join("group1"), "192.168.0.2", 100).ok());
  auto copying = r.ListStorages("group1", std::string("192.168.0.2"));
  ASSERT_TRUE(copying.ok());
  EXPECT_EQ(copying->at(0).src_id, "100001");  // its source, by id
  ASSERT_TRUE(r.SyncDone("group1", "10.0.0.1", "192.168.0.2").ok());
  auto g = r.ListGroups("group1");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->at(0).storage_count, 2);

  auto listed = r.ListStorages("group1", std::nullopt);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed->at(0).id, "100001");
  EXPECT_EQ(listed->at(1).id, "100002");
  EXPECT_EQ(listed->at(1).ip, "192.168.0.2");
  auto one = r.ListStorages("group1", std::string("100002"));
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(one->at(0).ip, "192.168.0.2");
  EXPECT_EQ(r.StorageIdOf("group1", "192.168.0.2"), "100002");
  EXPECT_EQ(r.StorageIdOf("group1", "10.0.0.9"), "");
  EXPECT_EQ(r.StorageParameters()["id_type_in_filename"], "id");
  EXPECT_EQ(r.StorageParameters()["use_storage_id"], "true");

  // A name whose source field is id 100002 (0.1.134.162 read as an
  // address), and one from before ids naming 10.0.0.1.
  for (auto [name, want] :
       {std::pair{NameFrom("0.1.134.162", 90), "192.168.0.2"},
        std::pair{NameFrom("10.0.0.1", 90), "10.0.0.1"}}) {
    auto up = r.QueryFetch("group1", name, Registry::FetchKind::kUpdate, 100);
    ASSERT_TRUE(up.ok()) << up.status().ToString();
    EXPECT_EQ(up->ips[0], want) << name;
    auto read = r.QueryFetch("group1", name, Registry::FetchKind::kOne, 100);
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(read->ips[0], want) << name;
  }

  r.ConnectionLost("group1", "192.168.0.2");
  EXPECT_TRUE(r.DeleteStorage("group1", "100002").ok());
  EXPECT_EQ(r.DeleteStorage("group1", "100002").code(), Status::Code::kAlready);
  EXPECT_EQ(r.DeleteStorage("group1", "100003").code(),
            Status::Code::kNotFound);
}

}  // namespace
}  // namespace nimbus::tracker
