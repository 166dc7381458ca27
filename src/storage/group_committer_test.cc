#include "storage/group_committer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/fault_injection_env.h"

namespace nimbus::storage {
namespace {

namespace fs = std::filesystem;

// A power cut right after Commit() returned keeps the binlog record, whether
// the binlog shares the store path's file system (its syncfs covers it) or
// not (it is synced on its own). FaultInjectionEnv treats a directory subtree
// as a file system, so "elsewhere" is a sibling directory.
class GroupCommitterTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    root_ =
        fs::temp_directory_path() / ("nimbus_gc_" + std::to_string(::getpid()) +
                                     "_" + std::to_string(GetParam()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "store");
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_P(GroupCommitterTest, AcknowledgedBinlogRecordsSurviveAPowerCut) {
  const bool inside = GetParam();
  const std::string store = (root_ / "store").string();
  const std::string binlog_dir =
      inside ? store + "/data/sync" : (root_ / "binlog").string();
  FaultInjectionEnv env(Env::Default());
  ASSERT_TRUE(
      env.CreateDirIfMissing(inside ? store + "/data" : binlog_dir).ok());
  ASSERT_TRUE(env.CreateDirIfMissing(binlog_dir).ok());
  {
    BinlogWriter binlog(&env, binlog_dir, 1 << 20);
    ASSERT_TRUE(binlog.Open().ok());
    GroupCommitter committer(&env, {store}, &binlog, binlog_dir);
    BinlogRecord r{1700000000, 'C', "M00/00/00/name", 0, 0, ""};
    ASSERT_TRUE(binlog.Append(r).ok());
    asio::io_context io;
    Status committed = Status::IOError("never ran");
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          committed = co_await committer.Commit(0);
        },
        asio::detached);
    io.run();
    ASSERT_TRUE(committed.ok()) << committed.ToString();
    env.SimulatePowerCut();
    committer.Stop();
  }
  ASSERT_TRUE(env.DropUnsyncedData().ok());
  std::string all;
  for (const auto& e : fs::directory_iterator(binlog_dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    all += std::string(std::istreambuf_iterator<char>(in), {});
  }
  EXPECT_NE(all.find("M00/00/00/name"), std::string::npos) << all;
}

INSTANTIATE_TEST_SUITE_P(BinlogPlace, GroupCommitterTest, ::testing::Bool(),
                         [](const auto& info) {
                           return info.param ? "OnTheStoreFilesystem"
                                             : "Elsewhere";
                         });

}  // namespace
}  // namespace nimbus::storage
