// Fault scenarios on a multi-host cluster (NetCluster): a client keeps
// uploading during the fault; afterwards every acknowledged upload must be
// readable with the right bytes and the replicas of the group must hold
// identical file sets. Each test prints `acked N, lost M, converged in S s`
// (S counted from the client's last write).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/coding.h"
#include "net/blocking_connection.h"
#include "net_cluster.h"
#include "proto/command.h"
#include "proto/constants.h"
#include "proto/file_name.h"
#include "proto/header.h"
#include "proto/server_messages.h"
#include "proto/tracker_messages.h"

namespace nimbus::test {
namespace {

using client::Source;
using Clock = std::chrono::steady_clock;

// Uploads from `threads` clients until stopped, recording what was acked.
class Workload {
 public:
  Workload(NetCluster& c, client::ClientOptions opts, int threads,
           size_t max_size = 16384)
      : cluster_(c), opts_(std::move(opts)) {
    for (int t = 0; t < threads; ++t) {
      threads_.emplace_back([this, t, max_size] {
        NetCluster::ClientScope in(cluster_);
        client::Client c(opts_);
        std::mt19937 rng(static_cast<uint32_t>(t * 7919 + 1));
        std::vector<std::string> mine;
        while (!stop_.load()) {
          std::string data(1 + rng() % max_size, '\0');
          for (char& ch : data) ch = static_cast<char>(rng());
          auto id = c.Upload(Source::FromString(data), "bin");
          {
            std::lock_guard<std::mutex> lock(mu_);
            if (id.ok()) {
              mine.push_back(*id);
              acked_[*id] = std::move(data);
            } else {
              ++errors_;
              last_error_ = id.status();
            }
          }
          // Every other round, read back one of this client's files: a
          // read may fail while a server is unreachable, but must never
          // return other bytes than were acknowledged.
          if (mine.empty() || rng() % 2 != 0) continue;
          const std::string& pick = mine[rng() % mine.size()];
          auto got = c.DownloadToString(pick);
          std::lock_guard<std::mutex> lock(mu_);
          ++reads_;
          if (!got.ok()) {
            ++read_errors_;
            failed_reads_.insert(pick);
          } else if (*got != acked_[pick]) {
            ++wrong_reads_;
          }
        }
      });
    }
  }
  ~Workload() { Stop(); }
  void Stop() {
    stop_.store(true);
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  size_t acked() {
    std::lock_guard<std::mutex> lock(mu_);
    return acked_.size();
  }
  std::vector<std::string> acked_ids() {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> ids;
    for (const auto& [id, data] : acked_) ids.push_back(id);
    return ids;
  }
  const std::map<std::string, std::string>& files() const { return acked_; }
  int errors() const { return errors_; }
  int reads() const { return reads_; }
  int read_errors() const { return read_errors_; }
  int wrong_reads() const { return wrong_reads_; }
  // The files a read failed for (once or more); call after Stop().
  const std::set<std::string>& failed_reads() const { return failed_reads_; }
  const Status& last_error() const { return last_error_; }

 private:
  NetCluster& cluster_;
  client::ClientOptions opts_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::map<std::string, std::string> acked_;  // guarded by mu_
  int errors_ = 0;                            // guarded by mu_
  Status last_error_;                         // guarded by mu_
  int reads_ = 0;                             // guarded by mu_
  int read_errors_ = 0;                       // guarded by mu_
  int wrong_reads_ = 0;                       // guarded by mu_
  std::set<std::string> failed_reads_;        // guarded by mu_
};

// Acked files that cannot be read back whole through the tracker.
int CountLost(NetCluster& c, const client::ClientOptions& opts,
              const std::map<std::string, std::string>& files) {
  NetCluster::ClientScope in(c);
  client::Client cl(opts);
  int lost = 0;
  for (const auto& [id, data] : files) {
    auto got = cl.DownloadToString(id);
    if (!got.ok() || *got != data) {
      ++lost;
      if (lost <= 5) {
        ADD_FAILURE() << "lost " << id << ": "
                      << (got.ok() ? "wrong bytes" : got.status().ToString());
      }
    }
  }
  return lost;
}

// Seconds until every replica in `procs` holds the same files, or -1.
// Seconds from `since` (the last write; the call by default) until every
// replica holds the same files, or -1 after `timeout_s`. Measured from the
// last write, not from the call, so that the time spent reading every file
// back before the call (CountLost) does not hide part of the catch-up.
double Converge(NetCluster& c, const std::vector<size_t>& procs,
                int timeout_s = 60, Clock::time_point since = Clock::now()) {
  auto start = Clock::now();
  while (Clock::now() - start < std::chrono::seconds(timeout_s)) {
    auto first = c.Files(procs[0]);
    bool same = true;
    for (size_t i = 1; i < procs.size() && same; ++i) {
      same = c.Files(procs[i]) == first;
    }
    if (same) {
      return std::chrono::duration<double>(Clock::now() - since).count();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  auto a = c.Files(procs[0]);
  for (size_t i = 1; i < procs.size(); ++i) {
    auto b = c.Files(procs[i]);
    int only_a = 0, only_b = 0, differ = 0;
    std::string examples;  // a few names, to find them in logs and binlogs
    auto note = [&](const std::string& name, const char* where) {
      if (only_a + only_b + differ <= 3) {
        examples += fmt::format(" {} ({})", name, where);
      }
    };
    for (const auto& [k, v] : a) {
      auto it = b.find(k);
      if (it == b.end()) {
        ++only_a;
        note(k, "only first");
      } else if (it->second != v) {
        ++differ;
        note(k, "differs");
      }
    }
    for (const auto& [k, v] : b) {
      if (a.count(k) == 0) {
        ++only_b;
        note(k, "only other");
      }
    }
    ADD_FAILURE() << "replicas differ: " << only_a << " only on the first, "
                  << only_b << " only on replica " << i << ", " << differ
                  << " with different bytes:" << examples;
  }
  return -1;
}

void Sleep(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

// One request to the storage at ip:23000 (from inside a ClientScope) whose
// answer is a group and a file name (upload, regenerate): the file ID.
Result<std::string> AskForName(const std::string& ip, uint8_t cmd,
                               const std::string& body) {
  auto conn = net::BlockingConnection::Connect(
      ip, 23000, std::chrono::milliseconds(2000),
      std::chrono::milliseconds(10000));
  if (!conn.ok()) return conn.status();
  std::string frame;
  proto::AppendHeader(&frame, static_cast<int64_t>(body.size()), cmd);
  Status s = (*conn)->Write2(frame, body);
  char h[proto::kHeaderSize];
  if (s.ok()) s = (*conn)->ReadExact(h, sizeof h);
  if (!s.ok()) return s;
  proto::Header resp = proto::DecodeHeader(h);
  if (resp.status != 0) return Status::FromErrno(resp.status, "refused");
  if (resp.pkg_len <= static_cast<int64_t>(proto::kGroupNameLen) ||
      resp.pkg_len >= 256) {
    return Status::InvalidArgument("answer is not a group and a name");
  }
  std::string reply(static_cast<size_t>(resp.pkg_len), '\0');
  s = (*conn)->ReadExact(reply.data(), reply.size());
  if (!s.ok()) return s;
  return std::string(GetFixedString(reply.data(), proto::kGroupNameLen)) + "/" +
         reply.substr(proto::kGroupNameLen);
}

// The address in `id`'s name: the storage that created the file.
std::string SourceOf(const std::string& id) {
  auto logic = proto::ParseLogicName(id.substr(id.find('/') + 1));
  if (!logic.ok()) return "";
  auto fields = proto::DecodeNameBase(logic->name);
  return fields.ok() ? proto::FormatIpv4(fields->source_ip) : "";
}

// Polls (from inside a ClientScope, up to 10 s) until group1 has exactly
// two members, both ACTIVE, one matching `first` and one `second`.
bool WaitForTwoActive(
    const client::ClientOptions& opts,
    const std::function<bool(const proto::StorageStat&)>& first,
    const std::function<bool(const proto::StorageStat&)>& second) {
  client::Client c(opts);
  for (int i = 0; i < 100; ++i) {
    auto st = c.ListStorages("group1");
    if (st.ok() && st->size() == 2) {
      bool a = false, b = false;
      for (const auto& m : *st) {
        const bool active = m.status == 7;
        a |= active && first(m);
        b |= active && second(m);
      }
      if (a && b) return true;
    }
    Sleep(100);
  }
  return false;
}

class FaultScenario : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cluster_.available()) {
      std::fprintf(stderr,
                   "\n*** SKIPPING multi-host fault tests: %s (they need root "
                   "and network namespaces) ***\n\n",
                   cluster_.why().c_str());
      GTEST_SKIP() << cluster_.why();
    }
  }
  // One tracker on host 0 and a group of two replicas on hosts 1 and 2.
  void StartGroup(const std::string& extra = "") {
    for (int i = 0; i < 3; ++i) cluster_.AddHost();
    cluster_.StartTracker(0);
    s1_ = cluster_.StartStorage(1, "group1", {0}, extra);
    s2_ = cluster_.StartStorage(2, "group1", {0}, extra);
    ASSERT_TRUE(cluster_.WaitActive(0, 2)) << "storages never became ACTIVE";
    opts_ = cluster_.ClientOpts({0});
  }
  // Prints the scenario's summary line. `w`, when the client kept working
  // through the fault, adds the reads it made meanwhile: a read may fail
  // while a server is unreachable but must never return wrong bytes.
  void Report(const char* what, size_t acked, int lost, double converged,
              const Workload* w = nullptr) {
    std::string reads;
    if (w != nullptr) {
      reads = " (reads during the fault: " + std::to_string(w->reads()) +
              ", errors " + std::to_string(w->read_errors()) +
              ", wrong bytes " + std::to_string(w->wrong_reads()) + ")";
      EXPECT_EQ(w->wrong_reads(), 0);
    }
    std::printf("%s: acked %zu, lost %d, converged in %.1f s%s\n", what, acked,
                lost, converged, reads.c_str());
  }

  NetCluster cluster_{
      ::testing::UnitTest::GetInstance()->current_test_info()->name()};
  client::ClientOptions opts_;
  size_t s1_ = 0, s2_ = 0;
};

TEST_F(FaultScenario, KillStorageDuringUploads) {
  ASSERT_NO_FATAL_FAILURE(StartGroup());
  Workload w(cluster_, opts_, 3);
  Sleep(1500);
  cluster_.Kill(s2_, SIGKILL);
  const std::vector<std::string> acked_at_kill = w.acked_ids();
  const size_t at_kill = acked_at_kill.size();
  Sleep(500);
  // While the killed storage is down the survivor cannot receive its files,
  // so this is every file of the group readable until the restart.
  const std::set<std::string> survivor = cluster_.FileNames(s1_);
  Sleep(1500);
  ASSERT_NO_FATAL_FAILURE(cluster_.Restart(s2_));
  Sleep(2000);
  w.Stop();
  const auto stopped = Clock::now();
  EXPECT_GT(w.acked(), at_kill) << "uploads stopped while a replica was down";
  int lost = CountLost(cluster_, opts_, w.files());
  double t = Converge(cluster_, {s1_, s2_}, 60, stopped);
  Report("kill -9 storage", w.acked(), lost, t, &w);
  // A read may fail only for a file the killed storage had not replicated
  // when it died: the client tries the file's source, then every replica,
  // so a file the survivor held must always be read.
  auto rel = [](const std::string& id) {
    return id.substr(id.find("/M00/") + 5);
  };
  size_t only_on_killed = 0;
  for (const std::string& id : acked_at_kill)
    only_on_killed += !survivor.count(rel(id));
  int held = 0;
  for (const std::string& id : w.failed_reads())
    held += survivor.count(rel(id));
  std::printf(
      "kill -9 storage: %zu files were only on the killed storage; "
      "reads failed for %zu files, %d of them held by the survivor\n",
      only_on_killed, w.failed_reads().size(), held);
  EXPECT_EQ(held, 0) << "a read failed for a file the surviving storage held";
  EXPECT_EQ(lost, 0);
  EXPECT_GE(t, 0);
}

TEST_F(FaultScenario, PartitionStorageThenHeal) {
  ASSERT_NO_FATAL_FAILURE(StartGroup());
  Workload w(cluster_, opts_, 3);
  Sleep(1500);
  cluster_.Cut(2);
  size_t at_cut = w.acked();
  // Longer than the tracker needs to notice (check_active_interval 3 s)
  // plus the client network timeout (5 s) a request to the cut host costs.
  Sleep(8000);
  size_t during = w.acked() - at_cut;
  cluster_.Heal(2);
  Sleep(2000);
  w.Stop();
  const auto stopped = Clock::now();
  EXPECT_GT(during, 0u) << "no upload succeeded during the partition";
  int lost = CountLost(cluster_, opts_, w.files());
  double t = Converge(cluster_, {s1_, s2_}, 60, stopped);
  Report("partition storage", w.acked(), lost, t, &w);
  EXPECT_EQ(lost, 0);
  EXPECT_GE(t, 0);
}

TEST_F(FaultScenario, FreshStorageJoinsGroupHolding10000Files) {
  for (int i = 0; i < 2; ++i) cluster_.AddHost();
  cluster_.StartTracker(0);
  size_t s1 = cluster_.StartStorage(1, "group1", {0});
  ASSERT_TRUE(cluster_.WaitActive(0, 1));
  opts_ = cluster_.ClientOpts({0});
  // NIMBUS_JOIN_FILES sets another count for quick local runs.
  size_t kFiles = 10000;
  if (const char* env = std::getenv("NIMBUS_JOIN_FILES")) {
    kFiles = std::max<size_t>(100, std::strtoull(env, nullptr, 10));
  }
  std::map<std::string, std::string> files;
  {
    Workload w(cluster_, opts_, 4, 512);
    while (w.acked() < kFiles) Sleep(100);
    w.Stop();
    ASSERT_EQ(w.errors(), 0) << w.last_error().ToString();
    files = w.files();
  }
  auto held = cluster_.Files(s1);
  ASSERT_GE(held.size(), kFiles);
  cluster_.AddHost();
  // Clients keep uploading and reading while the new member copies.
  Workload w(cluster_, opts_, 2, 512);
  auto start = Clock::now();
  size_t s2 = cluster_.StartStorage(2, "group1", {0});
  ASSERT_TRUE(cluster_.WaitActive(0, 2, 300)) << "the new storage never "
                                                 "became ACTIVE";
  double active_after =
      std::chrono::duration<double>(Clock::now() - start).count();
  // ACTIVE means complete: everything the group held when the member
  // joined is already there, byte for byte.
  auto copied = cluster_.Files(s2);
  size_t missing = 0;
  for (const auto& [rel, bytes] : held) {
    auto it = copied.find(rel);
    missing += it == copied.end() || it->second != bytes;
  }
  EXPECT_EQ(missing, 0u) << "of " << held.size()
                         << " files, missing when ACTIVE";
  Sleep(1000);  // uploads now also land on the new member
  w.Stop();
  const auto stopped = Clock::now();
  EXPECT_EQ(w.errors(), 0) << w.last_error().ToString();
  files.insert(w.files().begin(), w.files().end());
  int lost = CountLost(cluster_, opts_, files);
  double t = Converge(cluster_, {s1, s2}, 60, stopped);
  std::printf(
      "join: %zu files held when the member joined, %zu on it "
      "when it became ACTIVE after %.1f s\n",
      held.size(), held.size() - missing, active_after);
  Report(fmt::format("join {} files", kFiles).c_str(), files.size(), lost, t,
         &w);
  EXPECT_EQ(lost, 0);
  EXPECT_GE(t, 0);
}

TEST_F(FaultScenario, DiskFullOnOneGroupThenOnAll) {
  for (int i = 0; i < 3; ++i) cluster_.AddHost();
  cluster_.StartTracker(0, "store_lookup = 0\n");
  size_t a = cluster_.StartStorage(1, "group1", {0}, "", 12);
  size_t b = cluster_.StartStorage(2, "group2", {0}, "", 24);
  ASSERT_TRUE(cluster_.WaitActive(0, 2));
  opts_ = cluster_.ClientOpts({0});
  NetCluster::ClientScope in(cluster_);
  client::Client c(opts_);
  std::map<std::string, std::string> acked;
  std::mt19937 rng(5);
  Status last;
  int failures = 0;
  // Space is reported once a second: keep going through a few refusals.
  for (int i = 0; i < 400 && failures < 20; ++i) {
    std::string data(256 * 1024, '\0');
    for (char& ch : data) ch = static_cast<char>(rng());
    auto id = c.Upload(Source::FromString(data), "bin");
    if (id.ok()) {
      acked[*id] = std::move(data);
      failures = 0;
    } else {
      last = id.status();
      ++failures;
      Sleep(100);
    }
  }
  size_t in1 = 0, in2 = 0;
  for (const auto& [id, data] : acked) {
    (id.rfind("group1/", 0) == 0 ? in1 : in2)++;
  }
  // Group 1 filled first and uploads carried on in group 2, until both
  // were full and the client got a clear "no space" error.
  EXPECT_GT(in1, 20u);
  EXPECT_GT(in2, in1);
  EXPECT_EQ(last.code(), Status::Code::kNoSpace) << last.ToString();
  int lost = CountLost(cluster_, opts_, acked);
  std::printf(
      "disk full: acked %zu (group1 %zu, group2 %zu), lost %d, last "
      "error: %s\n",
      acked.size(), in1, in2, lost, last.ToString().c_str());
  EXPECT_EQ(lost, 0);
  // No temp file or partial file left behind.
  for (size_t p : {a, b}) {
    for (const auto& [rel, bytes] : cluster_.Files(p)) {
      EXPECT_TRUE(bytes.size() == 256 * 1024) << rel << " " << bytes.size();
    }
  }
}

TEST_F(FaultScenario, CorruptReplicaIsRepairedFromPeer) {
  ASSERT_NO_FATAL_FAILURE(
      StartGroup("scrub_interval = 1\nscrub_bytes_per_second = 0\n"));
  std::map<std::string, std::string> files;
  {
    Workload w(cluster_, opts_, 2);
    while (w.acked() < 40) Sleep(50);
    w.Stop();
    files = w.files();
  }
  ASSERT_GE(Converge(cluster_, {s1_, s2_}), 0);
  // Damage five files on replica 2: flip bits in four, delete one.
  auto on_disk = cluster_.Files(s2_);
  int damaged = 0;
  for (const auto& [rel, bytes] : on_disk) {
    if (rel.size() > 2 && rel.substr(rel.size() - 2) == "-m") continue;
    std::string path = cluster_.base(s2_) + "/data/" + rel;
    if (damaged == 4) {
      std::filesystem::remove(path);
    } else {
      std::string bad = bytes;
      bad[bad.size() / 2] ^= 0x40;
      std::ofstream(path, std::ios::binary | std::ios::trunc) << bad;
    }
    if (++damaged == 5) break;
  }
  ASSERT_EQ(damaged, 5);
  // Reads right after the damage, before or while the scrubber repairs,
  // still return the acknowledged bytes (the replica refuses a file whose
  // CRC32 does not match and the client reads it from the peer).
  EXPECT_EQ(CountLost(cluster_, opts_, files), 0);
  double t = Converge(cluster_, {s1_, s2_}, 30);
  int lost = CountLost(cluster_, opts_, files);
  Report("corrupt replica", files.size(), lost, t);
  EXPECT_EQ(lost, 0);
  EXPECT_GE(t, 0) << "damage not repaired";
}

// The leader as tracker `ip` sees it ("" when it does not answer).
std::string LeaderSeenBy(NetCluster& c, const std::string& ip) {
  NetCluster::ClientScope in(c);
  auto conn = net::BlockingConnection::Connect(ip, 22122,
                                               std::chrono::milliseconds(1000),
                                               std::chrono::milliseconds(2000));
  if (!conn.ok()) return "";
  std::string frame;
  proto::AppendHeader(&frame, 0, proto::kTrackerGetLeader);
  if (!(*conn)->Write(frame).ok()) return "";
  char h[proto::kHeaderSize];
  if (!(*conn)->ReadExact(h, sizeof(h)).ok()) return "";
  proto::Header hdr = proto::DecodeHeader(h);
  if (hdr.status != 0 || hdr.pkg_len != 24) return "";
  std::string body(24, '\0');
  if (!(*conn)->ReadExact(body.data(), body.size()).ok()) return "";
  auto l = proto::DecodeLeader(body);
  return l.ok() ? l->first : "";
}

TEST_F(FaultScenario, KillLeaderTracker) {
  for (int i = 0; i < 4; ++i) cluster_.AddHost();
  const std::string peers = "tracker_server = " + cluster_.ip(0) +
                            ":22122\ntracker_server = " + cluster_.ip(1) +
                            ":22122\n";
  size_t t0 = cluster_.StartTracker(0, peers);
  Sleep(1100);  // t0 is the older tracker: it should lead
  size_t t1 = cluster_.StartTracker(1, peers);
  s1_ = cluster_.StartStorage(2, "group1", {0, 1});
  s2_ = cluster_.StartStorage(3, "group1", {0, 1});
  ASSERT_TRUE(cluster_.WaitActive(0, 2));
  ASSERT_TRUE(cluster_.WaitActive(1, 2));
  std::string leader;
  for (int i = 0; i < 50; ++i) {
    leader = LeaderSeenBy(cluster_, cluster_.ip(0));
    if (!leader.empty() && leader == LeaderSeenBy(cluster_, cluster_.ip(1))) {
      break;
    }
    Sleep(100);
  }
  ASSERT_EQ(leader, cluster_.ip(0)) << "the trackers do not agree on t0";
  ASSERT_EQ(LeaderSeenBy(cluster_, cluster_.ip(1)), cluster_.ip(0));

  opts_ = cluster_.ClientOpts({0, 1});
  Workload w(cluster_, opts_, 3);
  Sleep(1500);
  cluster_.Kill(t0, SIGKILL);
  size_t at_kill = w.acked();
  auto killed = Clock::now();
  double elected = -1;
  for (int i = 0; i < 100; ++i) {
    if (LeaderSeenBy(cluster_, cluster_.ip(1)) == cluster_.ip(1)) {
      elected = std::chrono::duration<double>(Clock::now() - killed).count();
      break;
    }
    Sleep(100);
  }
  Sleep(2000);
  EXPECT_GT(w.acked(), at_kill) << "uploads stopped with the leader";
  // The old leader comes back as a follower: the lead does not flap.
  ASSERT_NO_FATAL_FAILURE(cluster_.Restart(t0));
  Sleep(2500);
  w.Stop();
  const auto stopped = Clock::now();
  EXPECT_GE(elected, 0) << "no new leader";
  EXPECT_EQ(LeaderSeenBy(cluster_, cluster_.ip(0)), cluster_.ip(1));
  EXPECT_EQ(LeaderSeenBy(cluster_, cluster_.ip(1)), cluster_.ip(1));
  EXPECT_TRUE(cluster_.WaitActive(0, 2)) << "the restarted tracker did not "
                                            "rebuild its view";
  int lost = CountLost(cluster_, opts_, w.files());
  double t = Converge(cluster_, {s1_, s2_}, 60, stopped);
  std::printf("new leader after %.1f s; ", elected);
  Report("kill leader tracker", w.acked(), lost, t, &w);
  EXPECT_EQ(lost, 0);
  EXPECT_GE(t, 0);
  (void)t1;
}

TEST_F(FaultScenario, StorageComesBackWithANewAddress) {
  ASSERT_NO_FATAL_FAILURE(StartGroup());
  const std::string old_ip = cluster_.ip(2);
  std::map<std::string, std::string> files;
  {
    Workload w(cluster_, opts_, 2);
    while (w.acked() < 30) Sleep(50);
    w.Stop();
    files = w.files();
  }
  // An appender file whose source is the storage about to move: uploaded
  // to it directly.
  std::string appender;
  {
    NetCluster::ClientScope in(cluster_);
    const std::string content = "moved:";
    std::string body(1, '\0');  // store path 0
    PutBE64(&body, static_cast<int64_t>(content.size()));
    body += std::string("log\0\0\0", 6) + content;
    auto id = AskForName(old_ip, proto::kUploadAppenderFile, body);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    appender = *id;
  }
  ASSERT_EQ(SourceOf(appender), old_ip) << appender;
  ASSERT_GE(Converge(cluster_, {s1_, s2_}), 0);
  cluster_.Kill(s2_, SIGTERM);
  const std::string new_ip = "10.77.0.42";
  cluster_.ChangeIp(2, new_ip);
  ASSERT_NO_FATAL_FAILURE(cluster_.Restart(s2_));
  // The tracker moves the entry: still two members, the moved one ACTIVE
  // at its new address, no WAIT_SYNC and no full copy.
  bool moved = false;
  {
    NetCluster::ClientScope in(cluster_);
    moved = WaitForTwoActive(
        opts_, [&](const auto& m) { return m.ip == cluster_.ip(1); },
        [&](const auto& m) { return m.ip == new_ip; });
  }
  ASSERT_TRUE(moved) << "the tracker did not move " << old_ip << " to "
                     << new_ip;
  // The member that stayed learns of the move (its sync mark for the peer
  // follows it); then an update of a file named with the old address, sent
  // to it, is applied by the source at its new address: a regenerated name
  // carries the address of the member that applied it.
  const std::string sync = cluster_.base(s1_) + "/data/sync/";
  for (int i = 0; i < 100 && !std::filesystem::exists(sync + new_ip + ".mark");
       ++i) {
    Sleep(100);
  }
  {
    NetCluster::ClientScope in(cluster_);
    auto renamed =
        AskForName(cluster_.ip(1), proto::kRegenerateAppenderFilename,
                   appender.substr(appender.find('/') + 1));
    ASSERT_TRUE(renamed.ok()) << renamed.status().ToString();
    EXPECT_EQ(SourceOf(*renamed), new_ip) << *renamed;
    files[*renamed] = "moved:";
  }
  {
    Workload w(cluster_, opts_, 2);
    size_t before = files.size();
    while (w.acked() < 30) Sleep(50);
    w.Stop();
    files.insert(w.files().begin(), w.files().end());
    ASSERT_GE(files.size(), before + 30);
  }
  // Files named with the old source address are still found.
  int lost = CountLost(cluster_, opts_, files);
  double t = Converge(cluster_, {s1_, s2_});
  // The peer's sync progress moved with the address.
  EXPECT_TRUE(std::filesystem::exists(sync + new_ip + ".mark"));
  EXPECT_FALSE(std::filesystem::exists(sync + old_ip + ".mark"));
  Report("storage address change", files.size(), lost, t);
  EXPECT_EQ(lost, 0);
  EXPECT_GE(t, 0);
}

// With storage ids in file names (use_storage_id, id_type_in_filename =
// id) a storage that moves keeps its id: storage_ids.conf lists both of its
// addresses, names made before and after the move carry the same id, and
// every file stays readable without a full copy.
TEST_F(FaultScenario, StorageWithAnIdComesBackWithANewAddress) {
  for (int i = 0; i < 3; ++i) cluster_.AddHost();
  const std::string new_ip = "10.77.0.43";
  const std::string ids = ::testing::TempDir() + "/fault_storage_ids_" +
                          std::to_string(::getpid()) + ".conf";
  std::ofstream(ids) << "100001 group1 " << cluster_.ip(1) << "\n"
                     << "100002 group1 " << cluster_.ip(2) << "," << new_ip
                     << "\n";
  cluster_.StartTracker(0,
                        "use_storage_id = true\nid_type_in_filename = id\n"
                        "storage_ids_filename = " +
                            ids + "\n");
  s1_ = cluster_.StartStorage(1, "group1", {0});
  s2_ = cluster_.StartStorage(2, "group1", {0});
  ASSERT_TRUE(cluster_.WaitActive(0, 2)) << "storages never became ACTIVE";
  opts_ = cluster_.ClientOpts({0});
  const std::string old_ip = cluster_.ip(2);
  // The id as an address, as SourceOf reads a name.
  const std::string id2 = proto::FormatIpv4(100002);
  std::map<std::string, std::string> files;
  std::string mine;  // a file the moving storage is the source of
  for (int round = 0; round < 2; ++round) {
    {
      Workload w(cluster_, opts_, 2);
      while (w.acked() < 30) Sleep(50);
      w.Stop();
      files.insert(w.files().begin(), w.files().end());
    }
    NetCluster::ClientScope in(cluster_);
    const std::string content = "round " + std::to_string(round);
    std::string body(1, '\0');
    PutBE64(&body, static_cast<int64_t>(content.size()));
    body += std::string("txt\0\0\0", 6) + content;
    auto id =
        AskForName(round == 0 ? old_ip : new_ip, proto::kUploadFile, body);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    EXPECT_EQ(SourceOf(*id), id2) << *id;  // the same id at both addresses
    files[*id] = content;
    if (round == 0) mine = *id;
    if (round == 1) break;
    ASSERT_GE(Converge(cluster_, {s1_, s2_}), 0);
    cluster_.Kill(s2_, SIGTERM);
    cluster_.ChangeIp(2, new_ip);
    ASSERT_NO_FATAL_FAILURE(cluster_.Restart(s2_));
    const bool moved = WaitForTwoActive(
        opts_, [](const auto& m) { return m.id == "100001"; },
        [&](const auto& m) { return m.id == "100002" && m.ip == new_ip; });
    ASSERT_TRUE(moved) << "100002 is not ACTIVE at " << new_ip;
  }
  {
    // The tracker sends a read or update of the moved storage's old file
    // to its new address.
    NetCluster::ClientScope in(cluster_);
    client::Client c(opts_);
    auto info = c.Info(mine, true);
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->source_ip, new_ip);
  }
  int lost = CountLost(cluster_, opts_, files);
  double t = Converge(cluster_, {s1_, s2_});
  Report("storage with an id changes address", files.size(), lost, t);
  EXPECT_EQ(lost, 0);
  EXPECT_GE(t, 0);
}

// The status tracker `ip` answers a SERVER_DELETE_STORAGE of `storage` in
// group1 with (-1 when it does not answer).
int DeleteOn(NetCluster& c, const std::string& ip, const std::string& storage) {
  NetCluster::ClientScope in(c);
  auto conn = net::BlockingConnection::Connect(ip, 22122,
                                               std::chrono::milliseconds(1000),
                                               std::chrono::milliseconds(2000));
  if (!conn.ok()) return -1;
  std::string body = proto::EncodeGroupAndStorageId("group1", storage);
  std::string frame;
  proto::AppendHeader(&frame, static_cast<int64_t>(body.size()),
                      proto::kServerDeleteStorage);
  if (!(*conn)->Write(frame + body).ok()) return -1;
  char h[proto::kHeaderSize];
  if (!(*conn)->ReadExact(h, sizeof(h)).ok()) return -1;
  return proto::DecodeHeader(h).status;
}

// The state tracker `tracker_host` lists for `ip` in group1 (0: not listed).
uint8_t StateOn(NetCluster& c, size_t tracker_host, const std::string& ip) {
  NetCluster::ClientScope in(c);
  client::Client client(c.ClientOpts({tracker_host}));
  auto st = client.ListStorages("group1");
  if (!st.ok()) return 0;
  for (const auto& m : *st) {
    if (m.ip == ip) return m.status;
  }
  return 0;
}

// Some clients (the Java ones among them) send SERVER_DELETE_STORAGE to one
// tracker only. Trackers that know each other (tracker_server in
// tracker.conf) adopt the deletion; one that does not keeps listing the
// storage OFFLINE, and the storage's peer must not start replicating to it
// again from that listing.
void DeleteOnOneTracker(NetCluster& cluster, bool trackers_are_peers) {
  for (int i = 0; i < 4; ++i) cluster.AddHost();
  const std::string peers = "tracker_server = " + cluster.ip(0) +
                            ":22122\ntracker_server = " + cluster.ip(1) +
                            ":22122\n";
  cluster.StartTracker(0, trackers_are_peers ? peers : "");
  cluster.StartTracker(1, trackers_are_peers ? peers : "");
  size_t s1 = cluster.StartStorage(2, "group1", {0, 1});
  size_t s2 = cluster.StartStorage(3, "group1", {0, 1});
  ASSERT_TRUE(cluster.WaitActive(0, 2));
  ASSERT_TRUE(cluster.WaitActive(1, 2));
  client::ClientOptions opts = cluster.ClientOpts({0, 1});
  std::map<std::string, std::string> files;
  {
    Workload w(cluster, opts, 2);
    while (w.acked() < 20) Sleep(50);
    w.Stop();
    files = w.files();
  }
  const double t = Converge(cluster, {s1, s2});
  ASSERT_GE(t, 0);
  const std::string gone = cluster.ip(3);
  const std::string mark = cluster.base(s1) + "/data/sync/" + gone + ".mark";
  for (int i = 0; i < 50 && !std::filesystem::exists(mark); ++i) Sleep(100);
  ASSERT_TRUE(std::filesystem::exists(mark));
  cluster.Kill(s2, SIGKILL);
  for (int i = 0; i < 100 && (StateOn(cluster, 0, gone) != 5 ||
                              StateOn(cluster, 1, gone) != 5);
       ++i) {
    Sleep(100);
  }
  ASSERT_EQ(StateOn(cluster, 1, gone), 5);
  ASSERT_EQ(DeleteOn(cluster, cluster.ip(0), gone), 0);
  const uint8_t deleted = static_cast<uint8_t>(proto::StorageState::kDeleted);
  EXPECT_EQ(StateOn(cluster, 0, gone), deleted);
  if (trackers_are_peers) {
    // Within a few of the trackers' rounds (tracker_ping_interval_ms, 1 s).
    for (int i = 0; i < 50 && StateOn(cluster, 1, gone) != deleted; ++i) {
      Sleep(100);
    }
    EXPECT_EQ(StateOn(cluster, 1, gone), deleted)
        << "the other tracker did not adopt the deletion";
  }
  // Heartbeats go to both trackers every second; the peer hears of the
  // deletion, and from the other tracker, several times over.
  const std::string log = cluster.base(s1) + "/logs/storaged.log";
  const std::string started = "group peer " + gone + " found";
  auto count = [&] {
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    size_t n = 0;
    for (size_t at = text.find(started); at != std::string::npos;
         at = text.find(started, at + 1)) {
      ++n;
    }
    return n;
  };
  for (int i = 0; i < 50 && std::filesystem::exists(mark); ++i) Sleep(100);
  EXPECT_FALSE(std::filesystem::exists(mark));
  const size_t workers_started = count();
  Sleep(5000);
  EXPECT_EQ(count(), workers_started)
      << "a sync worker for the deleted peer was started again";
  EXPECT_FALSE(std::filesystem::exists(mark));
  if (!trackers_are_peers) {
    EXPECT_EQ(StateOn(cluster, 1, gone), 5);
  }
  // The survivor still serves everything, through either tracker.
  int lost = CountLost(cluster, opts, files);
  std::printf(
      "storage deleted on one tracker (%s): acked %zu, lost %d\n",
      trackers_are_peers ? "trackers are peers" : "independent trackers",
      files.size(), lost);
  EXPECT_EQ(lost, 0);
}

TEST_F(FaultScenario, StorageDeletedOnOneTrackerIsDeletedOnItsPeerTracker) {
  DeleteOnOneTracker(cluster_, true);
}

TEST_F(FaultScenario, StorageDeletedOnOneIndependentTrackerStaysForgotten) {
  DeleteOnOneTracker(cluster_, false);
}

}  // namespace
}  // namespace nimbus::test
