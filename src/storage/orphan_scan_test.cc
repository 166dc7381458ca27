#include "storage/orphan_scan.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "common/crc32.h"

namespace nimbus::storage {
namespace {

namespace fs = std::filesystem;

class OrphanScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("nimbus_orphan_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "sync");
    opts_.group_name = "group1";
    opts_.base_path = root_.string();
    opts_.store_paths = {(root_ / "p0").string()};
    opts_.subdir_count_per_path = 4;
    opts_.file_distribute_rotate_count = 1;
  }
  void TearDown() override { fs::remove_all(root_); }

  // Places a new file named as created at `when`; returns its logical name.
  std::string Place(FileStore& store, uint32_t when, bool appender = false) {
    std::string temp;
    auto f = store.NewTempFile(0, 3, &temp);
    EXPECT_TRUE(f.ok());
    EXPECT_TRUE((*f)->Append("abc").ok());
    EXPECT_TRUE((*f)->Close().ok());
    auto ln = store.CommitNew(
        0, temp,
        NewFileSpec{1, when, 3, Crc32(kCrc32Init, "abc", 3), appender, ""});
    EXPECT_TRUE(ln.ok());
    return ln->ToString();
  }
  // Where `logic` (Mxx/HH/LL/NAME) is on disk.
  fs::path Full(FileStore& store, const std::string& logic) {
    return fs::path(store.path(0)) / "data" / logic.substr(4);
  }
  void Log(BinlogWriter& w, const std::string& name, int64_t when) {
    BinlogRecord r;
    r.timestamp = when;
    r.op = 'C';
    r.name = name;
    ASSERT_TRUE(w.Append(r).ok());
  }

  fs::path root_;
  StorageOptions opts_;
};

TEST_F(OrphanScanTest, FindsRecentFilesTheBinlogDoesNotName) {
  FileStore store(opts_, Env::Default());
  ASSERT_TRUE(store.Init().ok());
  BinlogWriter binlog(Env::Default(), (root_ / "sync").string(), 1 << 30);
  ASSERT_TRUE(binlog.Open().ok());
  const auto now = static_cast<uint32_t>(std::time(nullptr));
  // Nothing logged yet: nothing to look for.
  auto empty = OrphanScan::ReadTail(Env::Default(), (root_ / "sync").string(),
                                    binlog.end());
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->last_timestamp, -1);
  EXPECT_TRUE(
      OrphanScan::Find(Env::Default(), store, 4, *empty)->whole.empty());

  std::string old_unlogged = Place(store, now - 100);  // before the window
  std::string a = Place(store, now);
  std::string b = Place(store, now);
  std::string orphan = Place(store, now);
  Log(binlog, a, now);
  Log(binlog, b, now);
  // Metadata and temp names are not files of their own.
  std::ofstream(store.path(0) + "/data/" + a.substr(4) + "-m") << "k\x02v";

  auto tail = OrphanScan::ReadTail(Env::Default(), (root_ / "sync").string(),
                                   binlog.end());
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  EXPECT_EQ(tail->last_timestamp, now);
  EXPECT_EQ(tail->names.count(a), 1u);
  auto found = OrphanScan::Find(Env::Default(), store, 4, *tail);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->whole, std::vector<std::string>{orphan});
  EXPECT_TRUE(found->torn.empty());
  (void)old_unlogged;
}

// A crash can cut a small upload short under its own name
// (FileStore::StoreWhole); such a file disagrees with its name.
TEST_F(OrphanScanTest, TellsTornFilesFromWholeOnes) {
  FileStore store(opts_, Env::Default());
  ASSERT_TRUE(store.Init().ok());
  BinlogWriter binlog(Env::Default(), (root_ / "sync").string(), 1 << 30);
  ASSERT_TRUE(binlog.Open().ok());
  const auto now = static_cast<uint32_t>(std::time(nullptr));
  std::string logged = Place(store, now);
  std::string whole = Place(store, now);
  std::string empty = Place(store, now);
  std::string short_one = Place(store, now);
  std::string wrong_bytes = Place(store, now);
  std::string appender = Place(store, now, true);
  fs::resize_file(Full(store, empty), 0);
  fs::resize_file(Full(store, short_one), 2);
  std::ofstream(Full(store, wrong_bytes), std::ios::binary) << "abd";
  fs::resize_file(Full(store, appender), 1);  // no checksum to go by
  Log(binlog, logged, now);

  auto tail = OrphanScan::ReadTail(Env::Default(), (root_ / "sync").string(),
                                   binlog.end());
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  auto found = OrphanScan::Find(Env::Default(), store, 4, *tail);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  std::vector<std::string> want_whole{whole, appender};
  std::vector<std::string> want_torn{empty, short_one, wrong_bytes};
  std::sort(want_whole.begin(), want_whole.end());
  std::sort(want_torn.begin(), want_torn.end());
  std::sort(found->whole.begin(), found->whole.end());
  std::sort(found->torn.begin(), found->torn.end());
  EXPECT_EQ(found->whole, want_whole);
  EXPECT_EQ(found->torn, want_torn);
}

TEST_F(OrphanScanTest, TheTailStartsAtAWholeRecordAndIgnoresATornLine) {
  const std::string sync = (root_ / "sync").string();
  {
    // Enough records that the tail starts inside one.
    std::ofstream out(BinlogFileName(sync, 0), std::ios::binary);
    for (int i = 0; i < 300000; ++i) {
      out << "1700000000 C M00/00/00/AAAAAAAAAAAAAAAAAAAAAAAAAAA" << i
          << ".bin\n";
    }
    out << "1700000099 C M00/00/00/torn";  // no newline: not written
  }
  BinlogPosition end{0, fs::file_size(BinlogFileName(sync, 0))};
  auto tail = OrphanScan::ReadTail(Env::Default(), sync, end);
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  EXPECT_EQ(tail->last_timestamp, 1700000000);
  EXPECT_EQ(
      tail->names.count("M00/00/00/AAAAAAAAAAAAAAAAAAAAAAAAAAA299999.bin"), 1u);
  EXPECT_EQ(tail->names.count("M00/00/00/AAAAAAAAAAAAAAAAAAAAAAAAAAA0.bin"),
            0u);  // before the tail
  EXPECT_LT(tail->names.size(), 300000u);
}

TEST_F(OrphanScanTest, CleanStopMarkerIsTakenOnceAndOnlyForTheSameEnd) {
  const std::string sync = (root_ / "sync").string();
  Env* env = Env::Default();
  const BinlogPosition end{0, 4096};
  // None written: a crash.
  auto none = OrphanScan::TakeCleanStop(env, sync, end);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_FALSE(*none);
  ASSERT_TRUE(OrphanScan::MarkCleanStop(env, sync, end).ok());
  auto clean = OrphanScan::TakeCleanStop(env, sync, end);
  ASSERT_TRUE(clean.ok());
  EXPECT_TRUE(*clean);
  // Taken: the next start after a crash scans again.
  EXPECT_FALSE(
      std::filesystem::exists(root_ / "sync" / OrphanScan::kCleanStopFile));
  EXPECT_FALSE(*OrphanScan::TakeCleanStop(env, sync, end));
  // Written at another end (the binlog grew after it, or was replaced).
  ASSERT_TRUE(
      OrphanScan::MarkCleanStop(env, sync, BinlogPosition{0, 100}).ok());
  EXPECT_FALSE(*OrphanScan::TakeCleanStop(env, sync, end));
  EXPECT_FALSE(
      std::filesystem::exists(root_ / "sync" / OrphanScan::kCleanStopFile));
}

}  // namespace
}  // namespace nimbus::storage
