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

}  // namespace
}  // namespace nimbus
