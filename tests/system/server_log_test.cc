// FastDFS's log rotation keys on running servers: a tracker whose log
// would pass rotate_error_log_size goes on in a fresh file, the full ones
// kept beside it under dated names; a storage rotating daily (with its periodic
// flusher thread) still stops cleanly on SIGTERM.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "proto/command.h"
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

TEST(AccessLog, OneLinePerClientRequestInFastDfsLayout) {
  TestCluster cluster("access_log");
  cluster.StartTracker();
  cluster.AddStorage("group1", "use_access_log = true\n");
  cluster.WaitActive(1);
  client::Client c(cluster.ClientOpts());
  const std::string data(5000, 'x');
  auto id = c.Upload(client::Source::FromString(data), "bin");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  auto back = c.DownloadToString(*id);
  ASSERT_TRUE(back.ok());
  ASSERT_TRUE(c.Delete(*id).ok());
  EXPECT_FALSE(c.DownloadToString(*id).ok());

  const std::string log =
      ReadAll(cluster.dir() + "/storage0/logs/storage_access.log");
  std::vector<std::string> lines;
  for (size_t at = 0, nl; (nl = log.find('\n', at)) != std::string::npos;
       at = nl + 1) {
    // "[YYYY-MM-DD HH:MM:SS] " then the fields.
    lines.push_back(log.substr(at + 22, nl - at - 22));
  }
  // The header is 10 bytes; an upload request also has its 15-byte prefix,
  // its reply the 16-byte group and the name.
  const std::string name = id->substr(id->find('/') + 1);
  const std::vector<std::string> want = {
      "127.0.0.1 upload " + *id + " 0",
      "127.0.0.1 download " + *id + " 0",
      "127.0.0.1 delete " + *id + " 0",
      "127.0.0.1 download " + *id + " 2",
  };
  ASSERT_GE(lines.size(), want.size()) << log;
  // The client may ask a replica-less group more than once on a failure:
  // the first four lines are these requests, in order.
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(lines[i].rfind(want[i] + " ", 0), 0u) << lines[i];
  }
  auto tail = [](const std::string& line) {
    // "... status ms request response": the last two fields.
    size_t last = line.rfind(' ');
    size_t before = line.rfind(' ', last - 1);
    return std::make_pair(std::stoll(line.substr(before + 1, last - before)),
                          std::stoll(line.substr(last + 1)));
  };
  const auto upload = tail(lines[0]);
  EXPECT_EQ(upload.first, 10 + 15 + 5000);
  EXPECT_EQ(upload.second, static_cast<long long>(10 + 16 + name.size()));
  EXPECT_EQ(tail(lines[1]).second, 10 + 5000);
  EXPECT_EQ(tail(lines[3]).second, 10);
}

}  // namespace
}  // namespace nimbus::test
