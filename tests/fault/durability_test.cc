// Durability modes against a simulated power cut: a tracker and a storage
// run in this process, the storage on a FaultInjectionEnv. Clients upload
// concurrently; right after the last acknowledgement the power is "cut"
// (later fsyncs no longer count), the storage is stopped, and everything it
// had not made durable is dropped from disk. Restarted on what remains, it
// must still serve every acknowledged file byte for byte under fsync and
// group-commit. The `none` run is the control: it must lose files, or the
// test could not tell the modes apart. GroupCommitPeer does the same to the
// receiving end of replication.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/config_file.h"
#include "common/fault_injection_env.h"
#include "nimbus/client.h"
#include "proto/constants.h"
#include "proto/file_name.h"
#include "storage/storage_options.h"
#include "storage/storage_server.h"
#include "tracker/tracker_options.h"
#include "tracker/tracker_server.h"

namespace nimbus {
namespace {

template <typename Server>
class Running {
 public:
  Running(std::unique_ptr<Server> s) : server_(std::move(s)) {
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~Running() {
    server_->Stop();
    thread_.join();
  }
  Server& operator*() { return *server_; }
  Server* operator->() { return server_.get(); }

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

template <typename Options>
Options ParseOptions(const std::string& text) {
  auto cf = ConfigFile::Parse(text, "test.conf");
  EXPECT_TRUE(cf.ok()) << cf.status().ToString();
  auto o = Options::FromConfig(*cf);
  EXPECT_TRUE(o.ok()) << o.status().ToString();
  return *o;
}

// A durability mode, and whether small files are packed into trunk files.
struct Mode {
  const char* durability;
  bool trunk;
};

class DurabilityTest : public ::testing::TestWithParam<Mode> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("nimbus_durability_" + std::to_string(::getpid()) + "_" +
            GetParam().durability + (GetParam().trunk ? "_trunk" : ""));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto t = std::make_unique<tracker::TrackerServer>(
        ParseOptions<tracker::TrackerOptions>(
            "port = 0\nbind_addr = 127.0.0.1\nbase_path = " +
            (dir_ / "tracker").string() + "\n" +
            (GetParam().trunk ? "use_trunk_file = true\nslot_max_size = 64KB\n"
                              : "")),
        Env::Default());
    ASSERT_TRUE(t->Start().ok());
    tracker_ = std::make_unique<Running<tracker::TrackerServer>>(std::move(t));
  }
  void TearDown() override {
    storage_.reset();
    tracker_.reset();
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  void StartStorage(uint16_t port) {
    std::string conf =
        "group_name = group1\nbind_addr = 127.0.0.1\nport = " +
        std::to_string(port) + "\nbase_path = " + (dir_ / "storage").string() +
        "\ntracker_server = 127.0.0.1:" + std::to_string((*tracker_)->port()) +
        "\nheart_beat_interval = 1\ndurability = " + GetParam().durability +
        "\n";
    auto s = std::make_unique<storage::StorageServer>(
        ParseOptions<storage::StorageOptions>(conf), &env_);
    ASSERT_TRUE(s->Start().ok());
    storage_ = std::make_unique<Running<storage::StorageServer>>(std::move(s));
    client::Client c(ClientOpts());
    for (int i = 0; i < 200; ++i) {
      auto groups = c.ListGroups();
      if (groups.ok() && !groups->empty() &&
          (*groups)[0].writable_server_count > 0) {
        // With trunk files, the very first upload is packed: a storage that
        // is ACTIVE before it has the tracker's parameters holds uploads
        // until it does (StorageServer::AwaitTrackerParameters).
        if (GetParam().trunk) {
          auto id = c.Upload(client::Source::FromString("probe"), "txt");
          ASSERT_TRUE(id.ok()) << id.status().ToString();
          EXPECT_TRUE(IsPacked(*id)) << *id;
          ASSERT_TRUE(c.Delete(*id).ok());
        }
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "storage never became active";
  }

  static bool IsPacked(const std::string& id) {
    auto fid = proto::ParseFileId(id);
    if (!fid.ok()) return false;
    auto f = proto::DecodeNameBase(fid->logic.name);
    return f.ok() && fid->logic.IsTrunk(*f);
  }

  client::ClientOptions ClientOpts() {
    client::ClientOptions o;
    o.trackers.push_back({"127.0.0.1", (*tracker_)->port()});
    o.network_timeout = std::chrono::milliseconds(20000);
    return o;
  }

  std::filesystem::path dir_;
  FaultInjectionEnv env_{Env::Default()};
  std::unique_ptr<Running<tracker::TrackerServer>> tracker_;
  std::unique_ptr<Running<storage::StorageServer>> storage_;
};

TEST_P(DurabilityTest, PowerCutAfterAcknowledgement) {
  const std::string mode = GetParam().durability;
  const bool trunk = GetParam().trunk;
  ASSERT_NO_FATAL_FAILURE(StartStorage(0));
  const uint16_t port = (*storage_)->port();

  constexpr int kThreads = 6;
  constexpr int kPerThread = 25;
  std::mutex mu;
  std::map<std::string, std::string> acked;  // file ID -> content
  std::atomic<int> errors{0};
  std::vector<std::thread> uploaders;
  for (int t = 0; t < kThreads; ++t) {
    uploaders.emplace_back([&, t] {
      client::Client c(ClientOpts());
      std::mt19937 rng(static_cast<uint32_t>(t));
      for (int i = 0; i < kPerThread; ++i) {
        std::string data(1 + rng() % 20000, '\0');
        for (char& ch : data) ch = static_cast<char>(rng());
        auto id = c.Upload(client::Source::FromString(data), "bin");
        if (!id.ok()) {
          ++errors;
          continue;
        }
        std::lock_guard<std::mutex> lock(mu);
        acked[*id] = std::move(data);
      }
    });
  }
  for (auto& th : uploaders) th.join();
  // The power fails right after the last acknowledgement.
  env_.SimulatePowerCut();
  storage_.reset();
  auto dropped = env_.DropUnsyncedData();
  ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();

  ASSERT_NO_FATAL_FAILURE(StartStorage(port));
  client::Client c(ClientOpts());
  int lost = 0;
  for (const auto& [id, data] : acked) {
    auto got = c.DownloadToString(id, 0, 0);
    if (!got.ok() || *got != data) ++lost;
  }
  std::printf("durability %s%s: acked %zu, lost %d, upload errors %d\n",
              mode.c_str(), trunk ? " (trunk files)" : "", acked.size(), lost,
              errors.load());
  EXPECT_EQ(errors.load(), 0);
  size_t packed = 0;
  for (const auto& [id, data] : acked) packed += IsPacked(id);
  EXPECT_EQ(packed, trunk ? acked.size() : 0u);
  EXPECT_EQ(acked.size(), static_cast<size_t>(kThreads * kPerThread));
  if (mode == "none") {
    // Control: without fsync the cut must cost acknowledged files.
    EXPECT_GT(lost, 0);
  } else {
    EXPECT_EQ(lost, 0);
  }
}

// A flush that fails is never acknowledged as a stored file; the storage
// keeps serving once the disk recovers.
TEST_P(DurabilityTest, FailedFlushIsReportedToTheUploader) {
  const bool flushes = std::string(GetParam().durability) != "none";
  ASSERT_NO_FATAL_FAILURE(StartStorage(0));
  client::Client c(ClientOpts());
  // Before the fault: also creates the trunk file, whose directory entry is
  // synced once whatever the mode.
  auto before = c.Upload(client::Source::FromString("before"), "txt");
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  env_.SetSyncFails(true);
  auto during = c.Upload(client::Source::FromString("during"), "txt");
  env_.SetSyncFails(false);
  if (flushes) {
    ASSERT_FALSE(during.ok()) << "acknowledged " << *during;
    EXPECT_EQ(during.status().code(), Status::Code::kIOError)
        << during.status().ToString();
  } else {
    EXPECT_TRUE(during.ok()) << during.status().ToString();
  }
  auto after = c.Upload(client::Source::FromString("after"), "txt");
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  auto got = c.DownloadToString(*after, 0, 0);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "after");
}

// A clean stop is recorded, so the next start skips looking for files a
// crash left unlogged; that start removes the record at once.
TEST_P(DurabilityTest, CleanStopIsRecordedAndTakenAtTheNextStart) {
  ASSERT_NO_FATAL_FAILURE(StartStorage(0));
  const uint16_t port = (*storage_)->port();
  const auto marker = dir_ / "storage" / "data" / "sync" / "clean_stop";
  {
    client::Client c(ClientOpts());
    ASSERT_TRUE(c.Upload(client::Source::FromString("x"), "txt").ok());
  }
  EXPECT_FALSE(std::filesystem::exists(marker));
  storage_.reset();
  EXPECT_TRUE(std::filesystem::exists(marker));
  ASSERT_NO_FATAL_FAILURE(StartStorage(port));
  EXPECT_FALSE(std::filesystem::exists(marker));
  client::Client c(ClientOpts());
  auto id = c.Upload(client::Source::FromString("after"), "txt");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
}

// A peer under group commit answers a window of replicas after one flush
// (Conn::held). When that flush fails, no replica of the window may be
// acknowledged: the source must send them again. Checked by cutting the
// peer's power after it applied replicas it could not flush: whatever it
// had answered as stored would be lost for good, since the source moves
// past every acknowledged record.
TEST(GroupCommitPeer, AFailedFlushAcknowledgesNoReplica) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("nimbus_held_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto t = std::make_unique<tracker::TrackerServer>(
      ParseOptions<tracker::TrackerOptions>(
          "port = 0\nbind_addr = 127.0.0.1\nbase_path = " +
          (dir / "tracker").string() + "\n"),
      Env::Default());
  ASSERT_TRUE(t->Start().ok());
  Running<tracker::TrackerServer> tracker(std::move(t));
  FaultInjectionEnv peer_env(Env::Default());
  uint16_t port = 0;
  auto start =
      [&](const char* ip, const char* name,
          Env* env) -> std::unique_ptr<Running<storage::StorageServer>> {
    auto s = std::make_unique<storage::StorageServer>(
        ParseOptions<storage::StorageOptions>(
            std::string("group_name = group1\nbind_addr = ") + ip +
            "\nport = " + std::to_string(port) +
            "\nbase_path = " + (dir / name).string() +
            "\ntracker_server = 127.0.0.1:" + std::to_string(tracker->port()) +
            "\nheart_beat_interval = 1\ndurability = group-commit\n"),
        env);
    Status st = s->Start();
    EXPECT_TRUE(st.ok()) << st.ToString();
    if (!st.ok()) return nullptr;
    return std::make_unique<Running<storage::StorageServer>>(std::move(s));
  };
  auto source = start("127.0.0.1", "source", Env::Default());
  ASSERT_TRUE(source);
  port = (*source)->port();
  auto peer = start("127.0.0.2", "peer", &peer_env);
  ASSERT_TRUE(peer);
  client::ClientOptions opts;
  opts.trackers.push_back({"127.0.0.1", tracker->port()});
  opts.network_timeout = std::chrono::milliseconds(20000);
  client::Client c(opts);
  auto both_active = [&] {
    auto st = c.ListStorages("group1");
    if (!st.ok() || st->size() != 2) return false;
    for (const auto& s : *st) {
      if (s.status != static_cast<uint8_t>(proto::StorageState::kActive))
        return false;
    }
    return true;
  };
  for (int i = 0; i < 200 && !both_active(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(both_active());

  // From here the peer stores what it receives but cannot flush it.
  peer_env.SetSyncFails(true);
  std::map<std::string, std::string> acked;  // stored on the source
  for (int i = 0; i < 300; ++i) {
    std::string data = "replica " + std::to_string(i) + std::string(3000, 'q');
    auto id = c.Upload(client::Source::FromString(data), "bin");
    if (id.ok()) acked[*id] = std::move(data);  // the peer's fail: EIO
  }
  ASSERT_GT(acked.size(), 50u);
  auto on_peer = [&](const std::string& id) {
    // group1/M00/HH/LL/NAME is at <peer>/data/HH/LL/NAME.
    std::ifstream in(dir / "peer" / "data" / id.substr(id.find('/') + 5),
                     std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  // Let the source's pushes meet failed flushes for a while.
  size_t applied = 0;
  for (int i = 0; i < 100 && applied < acked.size() / 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    applied = 0;
    for (const auto& [id, data] : acked) applied += on_peer(id) == data;
  }
  EXPECT_GT(applied, 0u) << "no replica reached the peer during the fault";
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  peer_env.SimulatePowerCut();
  peer.reset();
  peer_env.SetSyncFails(false);
  auto dropped = peer_env.DropUnsyncedData();
  ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
  EXPECT_GT(*dropped, 0) << "the cut took nothing: the test proves nothing";

  peer = start("127.0.0.2", "peer", &peer_env);
  ASSERT_TRUE(peer);
  size_t missing = acked.size();
  for (int i = 0; i < 400 && missing > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    missing = 0;
    for (const auto& [id, data] : acked) missing += on_peer(id) != data;
  }
  std::printf(
      "held replies: %zu files acked by the source, %zu on the peer "
      "before the cut, %d names or lengths dropped by it, %zu "
      "missing after\n",
      acked.size(), applied, *dropped, missing);
  EXPECT_EQ(missing, 0u);
  peer.reset();
  source.reset();
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(
    Modes, DurabilityTest,
    ::testing::Values(Mode{"none", false}, Mode{"fsync", false},
                      Mode{"group-commit", false}, Mode{"none", true},
                      Mode{"fsync", true}, Mode{"group-commit", true}),
    [](const auto& info) {
      std::string n = info.param.durability;
      if (n == "group-commit") n = "group_commit";
      return info.param.trunk ? n + "_trunk" : n;
    });

}  // namespace
}  // namespace nimbus
