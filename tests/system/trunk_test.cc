// use_trunk_file = true: small files are packed into trunk files on both
// storages of a group, and every operation on them behaves as on plain
// files: download (whole and ranged, from either storage), info, metadata,
// slaves, delete, replication, restart and scrub repair.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "direct_request.h"
#include "proto/command.h"
#include "proto/constants.h"
#include "proto/file_name.h"
#include "proto/metadata.h"
#include "proto/storage_messages.h"
#include "test_cluster.h"

namespace nimbus::test {
namespace {

namespace fs = std::filesystem;
using client::Source;

constexpr int64_t kSlotMax = 64 * 1024;

class Trunk : public ::testing::Test {
 protected:
  void Start(const std::string& storage_extra = "") {
    cluster_.StartTracker(
        "use_trunk_file = true\nslot_max_size = 64KB\n"
        "trunk_file_size = 4MB\n");
    port_ = cluster_.SharedPort();
    cluster_.AddStorage(
        "group1", storage_extra + "port = " + std::to_string(port_) + "\n");
    cluster_.AddStorage("group1", storage_extra +
                                      "bind_addr = 127.0.0.2\nport = " +
                                      std::to_string(port_) + "\n");
    cluster_.WaitActive(2);
  }
  // Polls until `pred` holds for both storages, for up to 15 s.
  template <typename Pred>
  bool Eventually(Pred pred) {
    return OnBothStorages(pred);
  }
  bool OnBoth(const std::string& id, const std::string& data) {
    return Eventually([&](const std::string& ip) {
      Direct d = Fetch(ip, port_, id);
      return d.status == 0 && d.body == data;
    });
  }
  bool GoneFromBoth(const std::string& id) {
    return Eventually([&](const std::string& ip) {
      return Fetch(ip, port_, id).status == ENOENT;
    });
  }
  static bool IsPacked(const std::string& id) {
    auto fid = proto::ParseFileId(id);
    if (!fid.ok()) return false;
    auto f = proto::DecodeNameBase(fid->logic.name);
    return f.ok() && fid->logic.IsTrunk(*f);
  }
  static std::string Bytes(size_t n, uint32_t seed) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i) {
      s[i] = static_cast<char>((i * 131 + seed * 7919) >> 3);
    }
    return s;
  }
  // Regular files under storage `i`'s trunk/ and data/HH/LL/ directories.
  std::vector<std::string> Files(size_t i, const std::string& under) {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator
             it(cluster_.storage_base(i) + "/" + under, ec),
         end;
         it != end; it.increment(ec)) {
      if (it->is_regular_file()) {
        out.push_back(it->path().lexically_relative(cluster_.storage_base(i) +
                                                    "/" + under));
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  int64_t TrunkBlocks(size_t i) {
    int64_t blocks = 0;
    for (const std::string& f : Files(i, "trunk")) {
      struct stat st;
      std::string p = cluster_.storage_base(i) + "/trunk/" + f;
      if (::stat(p.c_str(), &st) == 0) blocks += st.st_blocks;
    }
    return blocks;
  }

  TestCluster cluster_{"trunk"};
  uint16_t port_ = 0;
};

TEST_F(Trunk, SmallFilesArePackedAndBehaveLikeAnyOtherOnBothStorages) {
  Start();
  client::Client c(cluster_.ClientOpts());
  std::map<std::string, std::string> files;
  const size_t sizes[] = {
      1, 100, 4095, 4096, 4097, 30000, static_cast<size_t>(kSlotMax)};
  for (size_t i = 0; i < std::size(sizes); ++i) {
    std::string data = Bytes(sizes[i], static_cast<uint32_t>(i));
    auto id = c.Upload(Source::FromString(data), i % 2 ? "jpg" : "");
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    EXPECT_TRUE(IsPacked(*id)) << *id;
    EXPECT_EQ(proto::ParseFileId(*id)->logic.name.size(), proto::kTrunkNameLen);
    files[*id] = data;
  }
  // Above slot_max_size, and appender files: plain files as before.
  std::string big = Bytes(kSlotMax + 1, 99);
  auto big_id = c.Upload(Source::FromString(big), "bin");
  ASSERT_TRUE(big_id.ok());
  EXPECT_FALSE(IsPacked(*big_id));
  auto app = c.UploadAppender(Source::FromString("log line\n"), "log");
  ASSERT_TRUE(app.ok());
  EXPECT_FALSE(IsPacked(*app));
  files[*big_id] = big;

  for (const auto& [id, data] : files) EXPECT_TRUE(OnBoth(id, data)) << id;
  // Both storages hold the same trunk files; data/ holds only the plain
  // files (and no trunk file bytes at all).
  EXPECT_FALSE(Files(0, "trunk").empty());
  EXPECT_EQ(Files(0, "trunk"), Files(1, "trunk"));
  size_t plain = 0;
  for (const std::string& f : Files(0, "data")) {
    if (f.size() > 6 && f[2] == '/' && f[5] == '/') ++plain;  // HH/LL/NAME
  }
  EXPECT_EQ(plain, 2u) << ::testing::PrintToString(Files(0, "data"));

  // Ranged reads, info decoded locally and asked of the server.
  const auto& [pid, pdata] = *files.begin();
  const std::string& packed_id = IsPacked(pid) ? pid : files.rbegin()->first;
  const std::string& packed_data = files[packed_id];
  ASSERT_TRUE(IsPacked(packed_id));
  if (packed_data.size() > 20) {
    auto part = c.DownloadToString(packed_id, 5, 10);
    ASSERT_TRUE(part.ok()) << part.status().ToString();
    EXPECT_EQ(*part, packed_data.substr(5, 10));
  }
  for (bool ask : {false, true}) {
    auto info = c.Info(packed_id, ask);
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->size, static_cast<int64_t>(packed_data.size()));
    EXPECT_FALSE(info->slave);
    EXPECT_FALSE(info->appender);
  }

  // Metadata, and a slave of a packed master, reach the peer.
  ASSERT_TRUE(c.SetMetadata(packed_id, {{"w", "640"}}, 'O').ok());
  const std::string want_meta = proto::PackMetadata({{"w", "640"}});
  EXPECT_TRUE(Eventually([&](const std::string& ip) {
    return Meta(ip, port_, packed_id).body == want_meta;
  }));
  auto slave = c.UploadSlave(packed_id, "_thumb", "jpg",
                             Source::FromString("small version"));
  ASSERT_TRUE(slave.ok()) << slave.status().ToString();
  EXPECT_FALSE(IsPacked(*slave));
  EXPECT_TRUE(OnBoth(*slave, "small version"));
  auto sinfo = c.Info(*slave, false);
  ASSERT_TRUE(sinfo.ok());
  EXPECT_TRUE(sinfo->slave);

  // Deleting frees the slot on both storages; a second delete is ENOENT;
  // the other files are untouched.
  auto victim = files.find(packed_id);
  std::string victim_id = victim->first;
  files.erase(victim);
  ASSERT_TRUE(c.Delete(victim_id).ok());
  EXPECT_TRUE(GoneFromBoth(victim_id));
  EXPECT_EQ(c.Delete(victim_id).code(), Status::Code::kNotFound);
  EXPECT_EQ(Meta("127.0.0.1", port_, victim_id).status, ENOENT);
  for (const auto& [id, data] : files) EXPECT_TRUE(OnBoth(id, data)) << id;
}

// A replica at least replica_direct_io_min_size large is written around the
// peer's page cache, its last block padded with zeros inside its slot: the
// files around it keep their bytes, and every copy reads back whole from
// either storage (from the disk on the peer).
TEST_F(Trunk, LargeReplicasWrittenAroundTheCacheReadBackOnBothStorages) {
  Start("replica_direct_io_min_size = 16KB\n");
  client::Client c(cluster_.ClientOpts());
  std::map<std::string, std::string> files;
  const size_t sizes[] = {
      5000,  16384, 100,   16385,
      30000, 7,     65536, static_cast<size_t>(kSlotMax) - 1};
  for (size_t i = 0; i < std::size(sizes); ++i) {
    std::string data = Bytes(sizes[i], static_cast<uint32_t>(i + 40));
    auto id = c.Upload(Source::FromString(data), "bin");
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ASSERT_TRUE(IsPacked(*id)) << *id;
    files[*id] = data;
  }
  for (const auto& [id, data] : files) {
    EXPECT_TRUE(OnBoth(id, data)) << id << " (" << data.size() << " bytes)";
  }
  // A ranged read from the middle of the last block of a padded replica.
  for (const auto& [id, data] : files) {
    if (data.size() != 16385) continue;
    auto part = c.DownloadToString(id, 16380, 5);
    ASSERT_TRUE(part.ok()) << part.status().ToString();
    EXPECT_EQ(*part, data.substr(16380, 5));
  }
}

// A storage is ACTIVE on a tracker, so clients are sent to it, a moment
// before it has the tracker's parameters; an upload that comes in between
// must wait for them rather than be stored under the storage's defaults
// (here: plain instead of packed). The storage restarts while no tracker
// runs, an upload goes straight to it, and the tracker comes back after.
TEST_F(Trunk, AnUploadWaitsForTheTrackersParameters) {
  Start();
  cluster_.StopTracker();
  cluster_.StopStorage(0);
  cluster_.RestartStorage(0);
  const std::string data = Bytes(1000, 3);
  const std::string body =
      proto::EncodeUploadPrefix({0, static_cast<int64_t>(data.size()), "txt"}) +
      data;
  Direct up;
  std::thread uploader([&] {
    // Until the restarted storage listens.
    for (int i = 0;
         i < 100 &&
         (up = Ask("127.0.0.1", port_, proto::kUploadFile, body)).status == -1;
         ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  cluster_.RestartTracker();
  uploader.join();
  ASSERT_EQ(up.status, 0) << up.body;
  ASSERT_GT(up.body.size(), proto::kGroupNameLen);
  const std::string id = up.body.substr(0, up.body.find('\0')) + "/" +
                         up.body.substr(proto::kGroupNameLen);
  EXPECT_TRUE(IsPacked(id)) << id;
  EXPECT_TRUE(OnBoth(id, data)) << id;
}

// With no tracker at all the wait ends: after 5 s the upload is stored
// under the storage's own settings (plain), and later ones do not wait
// again. The bounds are the designed wait's, not a speed.
TEST_F(Trunk, WithNoTrackerUploadsGoOnAfterOneWait) {
  Start();
  cluster_.StopTracker();
  cluster_.StopStorage(0);
  cluster_.RestartStorage(0);
  auto upload = [&](const std::string& data) {
    const std::string body =
        proto::EncodeUploadPrefix(
            {0, static_cast<int64_t>(data.size()), "txt"}) +
        data;
    // The first reply comes after the storage's 5 s wait: the default
    // 5 s reply timeout would race it.
    return Ask("127.0.0.1", port_, proto::kUploadFile, body,
               std::chrono::milliseconds(20000));
  };
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  Direct first = upload(Bytes(1000, 4));
  auto t1 = Clock::now();
  Direct second = upload(Bytes(1000, 5));
  auto t2 = Clock::now();
  ASSERT_EQ(first.status, 0) << first.body;
  ASSERT_EQ(second.status, 0) << second.body;
  EXPECT_GE(t1 - t0, std::chrono::milliseconds(4500));
  EXPECT_LT(t2 - t1, std::chrono::milliseconds(4500));
  const std::string id = "group1/" + first.body.substr(proto::kGroupNameLen);
  EXPECT_FALSE(IsPacked(id)) << id;
  Direct back = Fetch("127.0.0.1", port_, id);
  EXPECT_EQ(back.status, 0);
  EXPECT_TRUE(back.body == Bytes(1000, 4));
}

TEST_F(Trunk, DeletedFilesGiveTheirDiskSpaceBack) {
  Start();
  client::Client c(cluster_.ClientOpts());
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    auto id = c.Upload(Source::FromString(Bytes(60000, i)), "bin");
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  ASSERT_TRUE(OnBoth(ids.back(), Bytes(60000, 39)));
  ::sync();  // blocks are counted once written out
  const int64_t before0 = TrunkBlocks(0), before1 = TrunkBlocks(1);
  for (const std::string& id : ids) ASSERT_TRUE(c.Delete(id).ok());
  ASSERT_TRUE(GoneFromBoth(ids.back()));
  ::sync();
  // 40 x 60 KB = 2.4 MB freed on each storage (blocks of 512 bytes).
  EXPECT_LT(TrunkBlocks(0), before0 - 4000) << before0;
  EXPECT_LT(TrunkBlocks(1), before1 - 4000) << before1;
}

// Under group commit the disk thread hands a small upload or replica to the
// committer, whose thread answers: concurrent uploads, packed and plain, must
// all be acknowledged once and reach both storages intact.
TEST_F(Trunk, GroupCommitAnswersEveryUploadAndReplica) {
  Start("durability = group-commit\n");
  constexpr int kThreads = 4, kPerThread = 20;
  std::mutex mu;
  std::map<std::string, std::string> files;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      client::Client c(cluster_.ClientOpts());
      for (int i = 0; i < kPerThread; ++i) {
        const int seed = t * kPerThread + i;
        // Every fourth file is above slot_max_size: plain, not packed.
        std::string data = Bytes(i % 4 == 3 ? 100000 : 500 + seed * 37, seed);
        auto id = c.Upload(Source::FromString(data), "bin");
        ASSERT_TRUE(id.ok()) << id.status().ToString();
        std::lock_guard<std::mutex> lock(mu);
        files[*id] = std::move(data);
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(files.size(), size_t{kThreads * kPerThread});
  int packed = 0;
  for (const auto& [id, data] : files) {
    packed += IsPacked(id);
    EXPECT_TRUE(OnBoth(id, data)) << id;
  }
  EXPECT_EQ(packed, kThreads * kPerThread * 3 / 4);
}

TEST_F(Trunk, KilledStorageKeepsItsFilesAndNewOnesDoNotOverlap) {
  Start();
  client::Client c(cluster_.ClientOpts());
  std::map<std::string, std::string> files;
  for (int i = 0; i < 30; ++i) {
    std::string data = Bytes(1000 + i * 97, i);
    auto id = c.Upload(Source::FromString(data), "txt");
    ASSERT_TRUE(id.ok());
    files[*id] = data;
  }
  for (const auto& [id, data] : files) ASSERT_TRUE(OnBoth(id, data)) << id;
  cluster_.StopStorage(0, SIGKILL);
  cluster_.RestartStorage(0);
  cluster_.WaitActive(2);
  for (int i = 30; i < 60; ++i) {
    std::string data = Bytes(1000 + i * 97, i);
    auto id = c.Upload(Source::FromString(data), "txt");
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    files[*id] = data;
  }
  for (const auto& [id, data] : files) EXPECT_TRUE(OnBoth(id, data)) << id;
}

TEST_F(Trunk, ScrubRepairsADamagedPackedFileFromThePeer) {
  Start("scrub_interval = 1\nscrub_bytes_per_second = 0\n");
  client::Client c(cluster_.ClientOpts());
  std::string data = Bytes(9000, 7);
  auto id = c.Upload(Source::FromString(data), "bin");
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(OnBoth(*id, data));
  auto fid = proto::ParseFileId(*id);
  auto fields = proto::DecodeNameBase(fid->logic.name);
  auto slot = fid->logic.Slot(*fields);
  ASSERT_TRUE(slot.ok());
  // Flip a byte of the file inside storage 1's copy of the trunk file.
  std::string trunk = cluster_.storage_base(1) + "/trunk/" +
                      fmt::format("{:08X}-{:08X}", fields->source_ip, slot->id);
  {
    std::fstream f(trunk, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.good()) << trunk;
    f.seekp(slot->offset + 1234);
    f.put(static_cast<char>(data[1234] ^ 0x40));
  }
  EXPECT_TRUE(Eventually([&](const std::string& ip) {
    Direct d = Fetch(ip, port_, *id);
    return d.status == 0 && d.body == data;
  })) << "the damaged copy was not repaired";
}

}  // namespace
}  // namespace nimbus::test
