#include "common/fault_injection_env.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace nimbus {
namespace {

class FaultInjectionEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("nimbus_fi_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const char* name) { return (dir_ / name).string(); }

  std::filesystem::path dir_;
  FaultInjectionEnv env_{Env::Default()};
};

TEST_F(FaultInjectionEnvTest, WriteBudgetTurnsIntoNoSpace) {
  env_.SetWriteBudget(10);
  auto f = env_.NewWritableFile(Path("a"));
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE((*f)->Append("12345").ok());
  Status s = (*f)->Append("123456");
  EXPECT_EQ(s.code(), Status::Code::kNoSpace);
  EXPECT_EQ((*f)->Size(), 5u);
}

TEST_F(FaultInjectionEnvTest, SyncAndRenameFailures) {
  auto f = env_.NewWritableFile(Path("b"));
  ASSERT_TRUE(f.ok());
  env_.SetSyncFails(true);
  EXPECT_EQ((*f)->Sync().code(), Status::Code::kIOError);
  env_.SetRenameFails(true);
  EXPECT_FALSE(env_.RenameFile(Path("b"), Path("c")).ok());
  EXPECT_TRUE(env_.FileExists(Path("b")));
  EXPECT_FALSE(env_.FileExists(Path("c")));
}

TEST_F(FaultInjectionEnvTest, NewWritableFileRefusesToClobber) {
  ASSERT_TRUE(env_.NewWritableFile(Path("d")).ok());
  EXPECT_EQ(env_.NewWritableFile(Path("d")).status().code(),
            Status::Code::kAlreadyExists);
}

TEST_F(FaultInjectionEnvTest, PowerCutKeepsOnlyWhatWasMadeDurable) {
  std::filesystem::create_directories(dir_ / "d");
  const std::string dir = (dir_ / "d").string();
  // a: data synced, linked into d/, directory synced: survives whole.
  auto a = env_.NewWritableFile(Path("a.tmp"));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE((*a)->Append("durable").ok());
  ASSERT_TRUE((*a)->Sync().ok());
  ASSERT_TRUE((*a)->Close().ok());
  ASSERT_TRUE(env_.RenameNoReplace(Path("a.tmp"), dir + "/a").ok());
  ASSERT_TRUE(env_.SyncPath(dir).ok());
  // b: data synced but its name never made durable: gone.
  auto b = env_.NewWritableFile(Path("b.tmp"));
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE((*b)->Append("lost").ok());
  ASSERT_TRUE((*b)->Sync().ok());
  ASSERT_TRUE((*b)->Close().ok());
  ASSERT_TRUE(env_.RenameNoReplace(Path("b.tmp"), Path("b")).ok());
  // log: an existing file appended to; only the synced prefix survives, and
  // a sync after the cut does not count.
  ASSERT_TRUE(env_.WriteFileAtomic(Path("log"), "head").ok());
  auto log = env_.NewAppendableFile(Path("log"));
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Append("+1").ok());
  ASSERT_TRUE((*log)->Sync().ok());
  ASSERT_TRUE((*log)->Append("+2").ok());
  env_.SimulatePowerCut();
  ASSERT_TRUE((*log)->Sync().ok());
  ASSERT_TRUE((*log)->Close().ok());

  auto changed = env_.DropUnsyncedData();
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(*changed, 2);
  EXPECT_EQ(*env_.ReadSmallFile(dir + "/a", 100), "durable");
  EXPECT_FALSE(env_.FileExists(Path("b")));
  EXPECT_EQ(*env_.ReadSmallFile(Path("log"), 100), "head+1");
}

TEST_F(FaultInjectionEnvTest, SyncFilesystemMakesTheSubtreeDurable) {
  auto a = env_.NewWritableFile(Path("a"));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE((*a)->Append("abc").ok());
  ASSERT_TRUE((*a)->Close().ok());
  ASSERT_TRUE(env_.SyncFilesystem(dir_.string()).ok());
  auto b = env_.NewWritableFile(Path("b"));
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE((*b)->Close().ok());
  env_.SimulatePowerCut();
  ASSERT_TRUE(env_.DropUnsyncedData().ok());
  EXPECT_EQ(*env_.ReadSmallFile(Path("a"), 100), "abc");
  EXPECT_FALSE(env_.FileExists(Path("b")));
}

TEST_F(FaultInjectionEnvTest, AtomicWritesAfterThePowerCutAreUndone) {
  ASSERT_TRUE(env_.WriteFileAtomic(Path("kept"), "before").ok());
  env_.SimulatePowerCut();
  ASSERT_TRUE(env_.WriteFileAtomic(Path("kept"), "after").ok());
  ASSERT_TRUE(env_.WriteFileAtomic(Path("new"), "after").ok());
  EXPECT_EQ(*env_.ReadSmallFile(Path("kept"), 100), "after");
  ASSERT_TRUE(env_.DropUnsyncedData().ok());
  EXPECT_EQ(*env_.ReadSmallFile(Path("kept"), 100), "before");
  EXPECT_FALSE(env_.FileExists(Path("new")));
}

}  // namespace
}  // namespace nimbus
