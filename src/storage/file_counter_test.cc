#include "storage/file_counter.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace nimbus::storage {
namespace {

namespace fs = std::filesystem;

TEST(FileCounter, CountsContentFilesOnly) {
  std::string root = ::testing::TempDir() + "/nimbus_file_counter_test";
  fs::remove_all(root);
  for (const char* d : {"data/00/00", "data/0A/FF", "data/sync", "data/ZZ/00",
                        "data/00/zz", "tmp"}) {
    fs::create_directories(root + "/" + d);
  }
  for (const char* f :
       {"data/00/00/a.jpg", "data/00/00/a.jpg-m", "data/0A/FF/b",
        "data/0A/FF/.hidden", "data/sync/127.0.0.2.mark", "data/ZZ/00/c",
        "data/00/zz/d", "data/binlog.000", "tmp/partial.tmp"}) {
    std::ofstream(root + "/" + f) << "x";
  }
  auto n = FileCounter::CountPath(Env::Default(), root);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 2);
  EXPECT_FALSE(FileCounter::CountPath(Env::Default(), root + "/nope").ok());

  FileCounter c(Env::Default(), {root, root + "/nope"},
                std::chrono::seconds(3600));
  EXPECT_TRUE(c.counts().empty());
  c.Start();
  for (int i = 0; i < 200 && c.counts().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(c.counts(), (std::vector<int64_t>{2, -1}));
  EXPECT_GT(c.last_walk(), 0);
  c.Stop();  // returns at once despite the hour-long interval
  fs::remove_all(root);
}

}  // namespace
}  // namespace nimbus::storage
