#include "common/rotating_log_sink.h"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

namespace nimbus {
namespace {

std::time_t Local(int y, int mon, int d, int h, int min, int s) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = min;
  tm.tm_sec = s;
  tm.tm_isdst = -1;
  return std::mktime(&tm);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class RotatingLogSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One directory per test: ctest runs them in parallel.
    // One directory per test and process: ctest runs tests in parallel,
    // and two build trees may run at once.
    dir_ = ::testing::TempDir() + "/rotating_log_sink_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name() +
           "_" + std::to_string(::getpid());
    ASSERT_EQ(std::system(("rm -rf " + dir_ + " && mkdir -p " + dir_).c_str()),
              0);
    path_ = dir_ + "/storaged.log";
  }
  std::unique_ptr<spdlog::logger> Logger(const LogRotation& r) {
    auto sink = std::make_shared<RotatingLogSink>(path_, r, Env::Default(),
                                                  [this] { return now_; });
    auto logger = std::make_unique<spdlog::logger>("test", sink);
    logger->set_pattern("%v");
    return logger;
  }
  // The directory's files, sorted.
  std::vector<std::string> Files() {
    auto names = Env::Default()->GetChildren(dir_);
    std::vector<std::string> out =
        names.ok() ? *names : std::vector<std::string>{};
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string dir_;
  std::string path_;
  std::time_t now_ = Local(2026, 11, 29, 12, 0, 0);
};

TEST_F(RotatingLogSinkTest, BySizeNothingIsLostAndNoFileGrowsPastTheLimit) {
  LogRotation r;
  r.max_size = 100;
  auto log = Logger(r);
  std::string all;
  for (int i = 0; i < 10; ++i) {
    const std::string line =
        "message " + std::to_string(i) + " 0123456789abcdef";
    log->info(line);
    all += line + "\n";
    ++now_;  // one rotation per second at most in this test
  }
  log->flush();
  std::vector<std::string> files = Files();
  ASSERT_GE(files.size(), 3u);
  EXPECT_EQ(files.front(), "storaged.log");  // then the rotated, oldest first
  std::string joined;
  for (size_t i = 1; i < files.size(); ++i) {
    EXPECT_EQ(files[i].rfind("storaged.log.20261129_1200", 0), 0u) << files[i];
    const std::string body = Slurp(dir_ + "/" + files[i]);
    EXPECT_LE(body.size(), 100u);
    EXPECT_FALSE(body.empty());
    joined += body;
  }
  joined += Slurp(path_);
  EXPECT_EQ(joined, all);
}

TEST_F(RotatingLogSinkTest, TwoRotationsInOneSecondKeepBothFiles) {
  LogRotation r;
  r.max_size = 10;
  auto log = Logger(r);
  log->info("first line");
  log->info("second line");
  log->info("third line");
  log->flush();
  EXPECT_EQ(Files(), (std::vector<std::string>{
                         "storaged.log", "storaged.log.20261129_120000",
                         "storaged.log.20261129_120000.1"}));
  EXPECT_EQ(Slurp(path_ + ".20261129_120000"), "first line\n");
  EXPECT_EQ(Slurp(path_ + ".20261129_120000.1"), "second line\n");
  EXPECT_EQ(Slurp(path_), "third line\n");
}

TEST_F(RotatingLogSinkTest, DailyAtTheConfiguredTimeAlsoWhenIdle) {
  now_ = Local(2026, 11, 29, 23, 59, 58);
  LogRotation r;
  r.daily = true;
  auto log = Logger(r);
  log->info("before midnight");
  now_ = Local(2026, 11, 30, 0, 0, 1);
  log->info("after midnight");
  now_ = Local(2026, 11, 30, 9, 0, 0);
  log->info("same day");
  log->flush();
  EXPECT_EQ(Files(), (std::vector<std::string>{
                         "storaged.log", "storaged.log.20261130_000001"}));
  EXPECT_EQ(Slurp(path_ + ".20261130_000001"), "before midnight\n");
  EXPECT_EQ(Slurp(path_), "after midnight\nsame day\n");
  // No message the next day: a flush turns it over.
  now_ = Local(2026, 12, 1, 0, 0, 30);
  log->flush();
  EXPECT_EQ(Slurp(path_ + ".20261201_000030"), "after midnight\nsame day\n");
  EXPECT_EQ(Slurp(path_), "");
  // An empty file is not rotated.
  now_ = Local(2026, 12, 2, 0, 0, 30);
  log->flush();
  EXPECT_EQ(Files().size(), 3u);
}

TEST_F(RotatingLogSinkTest, DailyAtAnotherTimeOfDay) {
  now_ = Local(2026, 11, 29, 1, 0, 0);
  LogRotation r;
  r.daily = true;
  r.hour = 1;
  r.minute = 30;
  auto log = Logger(r);
  log->info("a");
  now_ = Local(2026, 11, 29, 1, 29, 59);
  log->info("b");
  EXPECT_EQ(Files().size(), 1u);
  now_ = Local(2026, 11, 29, 1, 30, 0);
  log->info("c");
  EXPECT_EQ(Slurp(path_ + ".20261129_013000"), "a\nb\n");
}

TEST_F(RotatingLogSinkTest, OldRotatedFilesArePrunedOthersLeftAlone) {
  for (const char* name :
       {"storaged.log.20261120_000000", "storaged.log.20261127_000000.3",
        "storaged.log.20261128_120000", "storaged.log.bak",
        "storaged.log.2026112x_000000", "trackerd.log.20261101_000000"}) {
    std::ofstream(dir_ + "/" + name) << "old\n";
  }
  LogRotation r;
  r.max_size = 1 << 20;
  r.keep_days = 2;
  now_ = Local(2026, 11, 30, 6, 0, 0);
  auto log = Logger(r);  // prunes at start
  EXPECT_EQ(Files(), (std::vector<std::string>{
                         "storaged.log", "storaged.log.20261128_120000",
                         "storaged.log.2026112x_000000", "storaged.log.bak",
                         "trackerd.log.20261101_000000"}));
}

TEST(LogRotation, FastDfsKeys) {
  auto parse = [](const std::string& text) {
    auto cf = ConfigFile::Parse(text, "storage.conf");
    EXPECT_TRUE(cf.ok());
    return LogRotation::FromConfig(*cf);
  };
  auto off = parse("");
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->enabled());
  auto on = parse(
      "rotate_error_log = true\nerror_log_rotate_time = 1:05\n"
      "rotate_error_log_size = 256MB\nlog_file_keep_days = 7\n");
  ASSERT_TRUE(on.ok()) << on.status().ToString();
  EXPECT_TRUE(on->daily);
  EXPECT_EQ(on->hour, 1);
  EXPECT_EQ(on->minute, 5);
  EXPECT_EQ(on->max_size, 256 << 20);
  EXPECT_EQ(on->keep_days, 7);
  for (const char* bad :
       {"error_log_rotate_time = 24:00\n", "error_log_rotate_time = 7\n",
        "error_log_rotate_time = ab:cd\n", "error_log_rotate_time = 1:60\n",
        "rotate_error_log_size = lots\n", "log_file_keep_days = -1\n",
        "rotate_error_log = maybe\n"}) {
    auto r = parse(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("storage.conf"), std::string::npos);
  }
}

}  // namespace
}  // namespace nimbus
