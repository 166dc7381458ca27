// use_storage_id (FastDFS's storage_ids.conf) with id_type_in_filename =
// id: storages are admitted by the table, listed by their ids, and new file
// names carry the source's id instead of its address; every path that
// finds a file's source (tracker queries, the client's direct route, a
// member forwarding an update, file info) follows the id to the address.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "common/coding.h"
#include "direct_request.h"
#include "proto/command.h"
#include "proto/constants.h"
#include "proto/file_name.h"
#include "proto/storage_ids.h"
#include "proto/tracker_messages.h"
#include "test_cluster.h"

namespace nimbus::test {
namespace {

using client::Source;

const std::map<uint32_t, std::string> kIds = {{100001, "127.0.0.1"},
                                              {100002, "127.0.0.2"}};

class StorageIdTest : public ::testing::Test {
 protected:
  void Start() {
    // Relative to tracker.conf's directory, as in FastDFS.
    std::ofstream(cluster_.dir() + "/storage_ids.conf")
        << "# <id> <group_name> <ip_or_hostname[:port]>\n"
           "100001 group1 127.0.0.1\n"
           "100002 group1 127.0.0.2\n";
    cluster_.StartTracker(
        "use_storage_id = true\nstorage_ids_filename = storage_ids.conf\n"
        "id_type_in_filename = id\n"
        // Small files packed: their trunk files are named by the source
        // field too.
        "use_trunk_file = true\nslot_max_size = 64KB\n"
        "trunk_file_size = 4MB\n");
    port_ = TestCluster::SharedPort();
    cluster_.AddStorage("group1", "port = " + std::to_string(port_) + "\n");
    cluster_.AddStorage("group1", "bind_addr = 127.0.0.2\nport = " +
                                      std::to_string(port_) + "\n");
    cluster_.WaitActive(2);
  }
  client::ClientOptions Opts() const {
    client::ClientOptions o = cluster_.ClientOpts();
    o.upload_target_ttl = std::chrono::milliseconds(0);  // spread sources
    o.use_storage_id = true;
    return o;
  }
  static uint32_t SourceField(const std::string& id) {
    auto fid = proto::ParseFileId(id);
    if (!fid.ok()) return 0;
    auto f = proto::DecodeNameBase(fid->logic.name);
    return f.ok() ? f->source_ip : 0;
  }
  // The tracker's QUERY_UPDATE answer: the file's source.
  std::string UpdateTarget(const std::string& id) {
    auto fid = proto::ParseFileId(id);
    Direct d =
        Ask("127.0.0.1", cluster_.tracker_port(), proto::kQueryUpdate,
            proto::EncodeGroupAndName(fid->group, fid->logic.ToString()));
    if (d.status != 0) return "status " + std::to_string(d.status);
    auto t = proto::DecodeFetchOne(d.body);
    return t.ok() ? t->ip : t.status().ToString();
  }

  TestCluster cluster_{"storage_ids"};
  uint16_t port_ = 0;
};

TEST_F(StorageIdTest, NamesCarryIdsAndEveryRouteFollowsThem) {
  Start();
  client::Client c(Opts());

  auto members = c.ListStorages("group1");
  ASSERT_TRUE(members.ok()) << members.status().ToString();
  ASSERT_EQ(members->size(), 2u);
  for (const proto::StorageStat& m : *members) {
    uint32_t number = 0;
    ASSERT_TRUE(proto::IsNumericId(m.id, &number)) << m.id;
    EXPECT_EQ(kIds.at(number), m.ip);
  }

  std::set<uint32_t> sources;
  for (int i = 0; i < 12 && sources.size() < 2; ++i) {
    const std::string data = "file " + std::to_string(i);
    auto id = c.Upload(Source::FromString(data), "txt");
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    const uint32_t field = SourceField(*id);
    ASSERT_TRUE(kIds.contains(field)) << *id << " names " << field;
    sources.insert(field);
    auto fid = proto::ParseFileId(*id);
    auto fields = proto::DecodeNameBase(fid->logic.name);
    EXPECT_TRUE(fid->logic.IsTrunk(*fields)) << *id;
    const std::string& source = kIds.at(field);

    EXPECT_EQ(UpdateTarget(*id), source) << *id;
    auto back = c.DownloadToString(*id, 0, 0);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, data);
    auto local = c.Info(*id, false);
    ASSERT_TRUE(local.ok());
    EXPECT_EQ(local->source_ip, source);
    auto asked = c.Info(*id, true);
    ASSERT_TRUE(asked.ok()) << asked.status().ToString();
    EXPECT_EQ(asked->source_ip, source);
    EXPECT_TRUE(OnBothStorages([&](const std::string& ip) {
      Direct d = Fetch(ip, port_, *id);
      return d.status == 0 && d.body == data;
    })) << *id;
  }
  EXPECT_EQ(sources.size(), 2u);

  // An append sent to the member that is not the source is applied there.
  auto app = c.UploadAppender(Source::FromString("head:"), "log");
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  const std::string source = kIds.at(SourceField(*app));
  const std::string other = source == "127.0.0.1" ? "127.0.0.2" : "127.0.0.1";
  auto fid = proto::ParseFileId(*app);
  const std::string name = fid->logic.ToString();
  std::string body;
  PutBE64(&body, static_cast<int64_t>(name.size()));
  PutBE64(&body, 5);
  ASSERT_EQ(Ask(other, port_, proto::kAppendFile, body + name + "tail!").status,
            0);
  EXPECT_EQ(Fetch(source, port_, *app).body, "head:tail!");
  EXPECT_TRUE(OnBothStorages([&](const std::string& ip) {
    return Fetch(ip, port_, *app).body == "head:tail!";
  }));

  // FETCH_STORAGE_IDS, as FastDFS clients with use_storage_id ask it.
  std::string start;
  PutBE32(&start, 0);
  Direct ids =
      Ask("127.0.0.1", cluster_.tracker_port(), proto::kFetchStorageIds, start);
  ASSERT_EQ(ids.status, 0);
  std::vector<proto::StorageIdEntry> got;
  auto total = proto::StorageIds::DecodeReply(ids.body, true, &got);
  ASSERT_TRUE(total.ok()) << total.status().ToString();
  EXPECT_EQ(*total, 2u);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].id, "100002");
  EXPECT_EQ(got[1].ips[0], "127.0.0.2");
  EXPECT_EQ(Ask("127.0.0.1", cluster_.tracker_port(), proto::kFetchStorageIds,
                std::string("\0\0\0\2", 4))
                .status,
            EINVAL);

  std::string table;
  ASSERT_EQ(cluster_.RunCli("monitor", &table), 0);
  EXPECT_NE(table.find("127.0.0.2 (100002)"), std::string::npos) << table;

  // An administrator names a storage by its id.
  cluster_.StopStorage(1);
  Status deleted;
  for (int i = 0; i < 100; ++i) {
    deleted = c.DeleteStorage("group1", "100002");
    if (deleted.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(deleted.ok()) << deleted.ToString();
  auto after = c.ListStorages("group1");
  ASSERT_TRUE(after.ok());
  for (const proto::StorageStat& m : *after) {
    EXPECT_EQ(m.status == static_cast<uint8_t>(proto::StorageState::kDeleted),
              m.id == "100002")
        << m.id;
  }
}

// A storage storage_ids.conf does not list is refused, as in FastDFS.
TEST_F(StorageIdTest, AStorageNotInTheTableIsRefused) {
  Start();
  cluster_.AddStorage("group1", "bind_addr = 127.0.0.3\nport = " +
                                    std::to_string(port_) + "\n");
  client::Client c(Opts());
  // It retries its join every second or so; give it a few.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  auto members = c.ListStorages("group1");
  ASSERT_TRUE(members.ok());
  EXPECT_EQ(members->size(), 2u);
  for (const proto::StorageStat& m : *members) EXPECT_NE(m.ip, "127.0.0.3");
}

}  // namespace
}  // namespace nimbus::test
