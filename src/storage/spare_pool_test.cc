#include "storage/spare_pool.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace nimbus::storage {
namespace {

namespace fs = std::filesystem;

class SparePoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("nimbus_spare_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "data");
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Write(const std::string& name, const std::string& data) {
    std::string p = (root_ / "data" / name).string();
    std::ofstream(p, std::ios::binary) << data;
    return p;
  }
  static ino_t Inode(const std::string& p) {
    struct stat st;
    return ::lstat(p.c_str(), &st) == 0 ? st.st_ino : 0;
  }
  static std::string Read(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string dir() const { return (root_ / "spare").string(); }

  fs::path root_;
};

TEST_F(SparePoolTest, KeepsTheEmptiedInodeAndHandsItOutAfterQuarantine) {
  SparePool pool(Env::Default(), dir(), 10, 1000);
  ASSERT_TRUE(pool.Init(0).ok());
  std::string f = Write("a", "secret bytes");
  ino_t ino = Inode(f);

  ASSERT_TRUE(pool.Recycle(f, 5000).ok());
  EXPECT_FALSE(fs::exists(f));
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.Take(5999), std::nullopt) << "still in quarantine";
  auto spare = pool.Take(6000);
  ASSERT_TRUE(spare.has_value());
  EXPECT_EQ(Inode(*spare), ino);
  EXPECT_EQ(fs::file_size(*spare), 0u) << "emptied when recycled";
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_EQ(pool.Take(1 << 30), std::nullopt);
}

TEST_F(SparePoolTest, HandsOutInDeletionOrder) {
  SparePool pool(Env::Default(), dir(), 10, 0);
  ASSERT_TRUE(pool.Init(0).ok());
  std::string a = Write("a", "1"), b = Write("b", "2");
  ino_t ia = Inode(a), ib = Inode(b);
  ASSERT_TRUE(pool.Recycle(a, 1).ok());
  ASSERT_TRUE(pool.Recycle(b, 2).ok());
  EXPECT_EQ(Inode(*pool.Take(2)), ia);
  EXPECT_EQ(Inode(*pool.Take(2)), ib);
}

TEST_F(SparePoolTest, AFileWithAnotherLinkIsRemovedAndTheOtherLinkUntouched) {
  SparePool pool(Env::Default(), dir(), 10, 0);
  ASSERT_TRUE(pool.Init(0).ok());
  std::string f = Write("a", "shared content");
  std::string other = (root_ / "data" / "b").string();
  ASSERT_EQ(::link(f.c_str(), other.c_str()), 0);
  ASSERT_TRUE(pool.Recycle(f, 0).ok());
  EXPECT_FALSE(fs::exists(f));
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_EQ(Read(other), "shared content");
}

TEST_F(SparePoolTest, ASymlinkIsRemovedAndItsTargetUntouched) {
  SparePool pool(Env::Default(), dir(), 10, 0);
  ASSERT_TRUE(pool.Init(0).ok());
  std::string target = Write("target", "keep me");
  std::string link = (root_ / "data" / "link").string();
  fs::create_symlink(target, link);
  ASSERT_TRUE(pool.Recycle(link, 0).ok());
  EXPECT_FALSE(fs::exists(fs::symlink_status(link)));
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_EQ(Read(target), "keep me");
}

TEST_F(SparePoolTest, LargeFilesAndFilesBeyondCapacityAreRemoved) {
  SparePool pool(Env::Default(), dir(), 1, 0);
  ASSERT_TRUE(pool.Init(0).ok());
  std::string big = Write("big", std::string(SparePool::kMaxBytes + 1, 'x'));
  ASSERT_TRUE(pool.Recycle(big, 0).ok());
  EXPECT_FALSE(fs::exists(big));
  EXPECT_EQ(pool.size(), 0u);
  ASSERT_TRUE(pool.Recycle(Write("a", "1"), 0).ok());
  std::string b = Write("b", "2");
  ASSERT_TRUE(pool.Recycle(b, 0).ok());
  EXPECT_FALSE(fs::exists(b));
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir()), {}), 1);
}

TEST_F(SparePoolTest, RecyclingAMissingFileIsNotFound) {
  SparePool pool(Env::Default(), dir(), 10, 0);
  ASSERT_TRUE(pool.Init(0).ok());
  EXPECT_TRUE(pool.Recycle((root_ / "data" / "nope").string(), 0).IsNotFound());
  EXPECT_EQ(pool.size(), 0u);
}

TEST_F(SparePoolTest, DisabledPoolRemoves) {
  SparePool pool(Env::Default(), dir(), 0, 0);
  ASSERT_TRUE(pool.Init(0).ok());
  std::string f = Write("a", "1");
  ASSERT_TRUE(pool.Recycle(f, 0).ok());
  EXPECT_FALSE(fs::exists(f));
  EXPECT_EQ(pool.Take(0), std::nullopt);
}

TEST_F(SparePoolTest, InitAdoptsEmptiesAndQuarantinesWhatAnEarlierRunLeft) {
  fs::create_directories(dir());
  // A crash between rename and truncate leaves content in a spare.
  std::ofstream(dir() + "/7", std::ios::binary) << "left over";
  std::ofstream(dir() + "/3", std::ios::binary) << "";
  std::ofstream(dir() + "/junk.tmp", std::ios::binary) << "x";
  SparePool pool(Env::Default(), dir(), 10, 100);
  ASSERT_TRUE(pool.Init(1000).ok());
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_FALSE(fs::exists(dir() + "/junk.tmp"));
  EXPECT_EQ(fs::file_size(dir() + "/7"), 0u);
  EXPECT_EQ(pool.Take(1099), std::nullopt);
  EXPECT_EQ(*pool.Take(1100), dir() + "/3");
  EXPECT_EQ(*pool.Take(1100), dir() + "/7");
  // New entries do not collide with adopted ones.
  ASSERT_TRUE(pool.Recycle(Write("a", "1"), 1100).ok());
  EXPECT_TRUE(fs::exists(dir() + "/8"));
}

}  // namespace
}  // namespace nimbus::storage
