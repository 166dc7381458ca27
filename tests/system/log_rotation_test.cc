// FastDFS's log rotation keys on running servers: a tracker whose log
// would pass rotate_error_log_size goes on in a fresh file, the full ones
// kept beside it under dated names; a storage rotating daily (with its periodic
// flusher thread) still stops cleanly on SIGTERM.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "test_cluster.h"

namespace nimbus::test {
namespace {

namespace fs = std::filesystem;

// The rotated copies of `log` in its directory.
std::vector<fs::path> Rotated(const fs::path& log) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(log.parent_path(), ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(log.filename().string() + ".", 0) == 0) {
      out.push_back(e.path());
    }
  }
  return out;
}

TEST(LogRotation, ServersRotateTheirLogsAsFastDfsConfigsAsk) {
  TestCluster cluster("log_rotation");
  // At 1 byte every line after a file's first starts a new file, so the
  // few lines of a start-up already rotate it several times.
  cluster.StartTracker("rotate_error_log_size = 1\n");
  cluster.AddStorage("group1", "rotate_error_log = true\n");
  cluster.WaitActive(1);
  const fs::path log = cluster.dir() + "/tracker/logs/trackerd.log";
  for (int i = 0; i < 100 && Rotated(log).size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const std::vector<fs::path> rotated = Rotated(log);
  ASSERT_GE(rotated.size(), 2u);
  for (const fs::path& p : rotated) {
    const std::string body = ReadAll(p.string());
    EXPECT_EQ(std::count(body.begin(), body.end(), '\n'), 1) << p << body;
    // <log>.YYYYMMDD_HHMMSS[.N]
    EXPECT_GE(p.filename().string().size(), log.filename().string().size() + 16)
        << p;
  }
  EXPECT_TRUE(fs::exists(log));

  cluster.StopStorage(0);  // fails the test unless it stops within 10 s
  const std::string storage_log =
      ReadAll(cluster.dir() + "/storage0/logs/storaged.log");
  EXPECT_NE(storage_log.find("nimbus-storage stopped"), std::string::npos)
      << storage_log.substr(
             storage_log.size() > 2000 ? storage_log.size() - 2000 : 0);
}

}  // namespace
}  // namespace nimbus::test
