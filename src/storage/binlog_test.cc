#include "storage/binlog.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/fault_injection_env.h"

namespace nimbus::storage {
namespace {

namespace fs = std::filesystem;

class BinlogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() /
            ("nimbus_binlog_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST(BinlogRecord, EncodeDecodeEveryOp) {
  std::vector<BinlogRecord> recs = {
      {100, 'C', "M00/00/01/abc", 0, 0, ""},
      {101, 'd', "M00/00/01/abc", 0, 0, ""},
      {102, 'A', "M00/00/01/abc", 10, 20, ""},
      {103, 'm', "M00/00/01/abc", 5, 6, ""},
      {104, 'T', "M00/00/01/abc", 7, 0, ""},
      {105, 'R', "M00/00/01/new", 0, 0, "M00/00/01/old"},
      {106, 'U', "M00/00/01/abc", 0, 0, ""},
  };
  for (const auto& r : recs) {
    std::string line = EncodeBinlogRecord(r);
    ASSERT_EQ(line.back(), '\n');
    auto back = DecodeBinlogRecord(line.substr(0, line.size() - 1));
    ASSERT_TRUE(back.ok()) << line;
    EXPECT_EQ(back->timestamp, r.timestamp);
    EXPECT_EQ(back->op, r.op);
    EXPECT_EQ(back->name, r.name);
    EXPECT_EQ(back->a, r.a);
    EXPECT_EQ(back->b, r.b);
    EXPECT_EQ(back->old_name, r.old_name);
  }
  EXPECT_EQ(EncodeBinlogRecord(recs[2]), "102 A M00/00/01/abc 10 20\n");
  EXPECT_TRUE(recs[1].replicated());
  EXPECT_FALSE(recs[0].replicated());
}

TEST(BinlogRecord, RejectsGarbage) {
  for (const char* bad : {"", "x C name", "1 X name", "1 C", "1 A name 1",
                          "1 C name extra", "1 CC name", "1 T name x"}) {
    EXPECT_FALSE(DecodeBinlogRecord(bad).ok()) << bad;
  }
}

TEST_F(BinlogTest, ReaderSeesWhatWriterAppendsAndResumesFromPosition) {
  BinlogWriter w(Env::Default(), dir_, 1 << 20);
  ASSERT_TRUE(w.Open().ok());
  BinlogReader r(Env::Default(), dir_, BinlogPosition{});
  EXPECT_TRUE(r.Next().status().IsNotFound());
  ASSERT_TRUE(w.Append({1, 'C', "M00/00/00/a", 0, 0, ""}).ok());
  ASSERT_TRUE(w.Append({2, 'D', "M00/00/00/a", 0, 0, ""}).ok());
  auto a = r.Next();
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->op, 'C');
  BinlogPosition mid = r.position();
  EXPECT_EQ(r.Next()->op, 'D');
  EXPECT_TRUE(r.Next().status().IsNotFound());
  BinlogReader again(Env::Default(), dir_, mid);
  EXPECT_EQ(again.Next()->op, 'D');
  EXPECT_EQ(r.position().offset, w.end().offset);
}

TEST_F(BinlogTest, RotatesFilesAndReaderFollows) {
  BinlogWriter w(Env::Default(), dir_, 64);
  ASSERT_TRUE(w.Open().ok());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(
        w.Append({i, 'C', "M00/00/00/file" + std::to_string(i), 0, 0, ""})
            .ok());
  }
  EXPECT_GT(w.end().file, 2u);
  BinlogReader r(Env::Default(), dir_, BinlogPosition{});
  for (int i = 0; i < 10; ++i) {
    auto rec = r.Next();
    ASSERT_TRUE(rec.ok()) << i;
    EXPECT_EQ(rec->timestamp, i);
  }
  EXPECT_TRUE(r.Next().status().IsNotFound());
  // A reopened writer continues in the last file.
  BinlogWriter w2(Env::Default(), dir_, 64);
  ASSERT_TRUE(w2.Open().ok());
  EXPECT_EQ(w2.end().file, w.end().file);
}

TEST_F(BinlogTest, TornTailIsCutOnOpenAndIgnoredByReaders) {
  {
    BinlogWriter w(Env::Default(), dir_, 1 << 20);
    ASSERT_TRUE(w.Open().ok());
    ASSERT_TRUE(w.Append({1, 'C', "M00/00/00/a", 0, 0, ""}).ok());
  }
  std::ofstream(BinlogFileName(dir_, 0), std::ios::app) << "2 C M00/00/0";
  BinlogReader r(Env::Default(), dir_, BinlogPosition{});
  EXPECT_TRUE(r.Next().ok());
  EXPECT_TRUE(r.Next().status().IsNotFound());  // incomplete line: not yet
  BinlogWriter w(Env::Default(), dir_, 1 << 20);
  ASSERT_TRUE(w.Open().ok());
  ASSERT_TRUE(w.Append({3, 'D', "M00/00/00/a", 0, 0, ""}).ok());
  BinlogReader r2(Env::Default(), dir_, BinlogPosition{});
  EXPECT_EQ(r2.Next()->timestamp, 1);
  EXPECT_EQ(r2.Next()->timestamp, 3);
}

TEST_F(BinlogTest, NextIfCachedReadsTheCachedTailAndDefersTheRest) {
  BinlogWriter w(Env::Default(), dir_, 1 << 20);
  ASSERT_TRUE(w.Open().ok());
  ASSERT_TRUE(w.Append({1, 'C', "M00/00/00/a", 0, 0, ""}).ok());
  ASSERT_TRUE(w.Append({2, 'C', "M00/00/00/b", 0, 0, ""}).ok());
  BinlogReader r(Env::Default(), dir_, BinlogPosition{});
  // Opening a binlog file is left to the disk thread.
  EXPECT_EQ(r.NextIfCached().status().code(), Status::Code::kBusy);
  EXPECT_EQ(r.position().offset, 0u);
  EXPECT_EQ(r.Next()->timestamp, 1);
  // The tail the writer just appended is in the page cache.
  EXPECT_EQ(r.NextIfCached()->timestamp, 2);
  EXPECT_TRUE(r.NextIfCached().status().IsNotFound());
  ASSERT_TRUE(w.Append({3, 'D', "M00/00/00/a", 0, 0, ""}).ok());
  EXPECT_EQ(r.NextIfCached()->timestamp, 3);
  EXPECT_EQ(r.position().offset, w.end().offset);
  // An incomplete last line is "nothing yet", as for Next.
  std::ofstream(BinlogFileName(dir_, 0), std::ios::app) << "4 C M00/00/0";
  EXPECT_TRUE(r.NextIfCached().status().IsNotFound());
  EXPECT_EQ(r.position().offset, w.end().offset);
}

TEST_F(BinlogTest, NextIfCachedLeavesANewFileAndUnprobedBytesToNext) {
  BinlogWriter w(Env::Default(), dir_, 64);
  ASSERT_TRUE(w.Open().ok());
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(
        w.Append({i, 'C', "M00/00/00/file" + std::to_string(i), 0, 0, ""})
            .ok());
  }
  ASSERT_GT(w.end().file, 0u);
  BinlogReader r(Env::Default(), dir_, BinlogPosition{});
  EXPECT_EQ(r.Next()->timestamp, 0);
  int seen = 1;
  int busy = 0;
  // Each record is read by one of the two; NextIfCached never skips one,
  // and stops where the next binlog file has to be opened.
  while (seen < 4) {
    auto rec = r.NextIfCached();
    if (rec.status().code() == Status::Code::kBusy) {
      ++busy;
      rec = r.Next();
    }
    ASSERT_TRUE(rec.ok()) << seen << ": " << rec.status().ToString();
    EXPECT_EQ(rec->timestamp, seen++);
  }
  EXPECT_EQ(busy, static_cast<int>(w.end().file));
  EXPECT_TRUE(r.NextIfCached().status().IsNotFound());

  // An environment that cannot tell what is cached: bytes that exist are
  // Busy, never mistaken for the end of the binlog.
  FaultInjectionEnv env(Env::Default());
  BinlogReader slow(&env, dir_, BinlogPosition{});
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(slow.Next().ok()) << i;
  EXPECT_TRUE(slow.NextIfCached().status().IsNotFound());
  ASSERT_TRUE(w.Append({4, 'D', "M00/00/00/file0", 0, 0, ""}).ok());
  EXPECT_EQ(slow.NextIfCached().status().code(), Status::Code::kBusy);
  EXPECT_EQ(slow.Next()->timestamp, 4);
  EXPECT_EQ(r.NextIfCached()->timestamp, 4);
}

TEST(BinlogPosition, ParseAndFormat) {
  auto p = BinlogPosition::Parse(BinlogPosition{3, 1234}.ToString());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->file, 3u);
  EXPECT_EQ(p->offset, 1234u);
  EXPECT_FALSE(BinlogPosition::Parse("x y").ok());
  EXPECT_FALSE(BinlogPosition::Parse("").ok());
}

}  // namespace
}  // namespace nimbus::storage
