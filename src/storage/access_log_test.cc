#include "storage/access_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "proto/command.h"
#include "proto/constants.h"
#include "proto/storage_messages.h"
#include "proto/tracker_messages.h"

namespace nimbus::storage {
namespace {

constexpr char kName[] = "M00/00/00/wKgBZGWnc0eAAAAAAAAAAAAAAAA000001.jpg";

std::string Group16(const std::string& g) {
  std::string s = g;
  s.resize(proto::kGroupNameLen, '\0');
  return s;
}

TEST(AccessLog, FastDfsActionsAndTheFileEachRequestNames) {
  EXPECT_STREQ(AccessLog::Action(proto::kUploadSlaveFile), "upload");
  EXPECT_STREQ(AccessLog::Action(proto::kDownloadFile), "download");
  EXPECT_STREQ(AccessLog::Action(proto::kQueryFileInfo), "status");
  EXPECT_EQ(AccessLog::Action(proto::kActiveTest), nullptr);
  EXPECT_EQ(AccessLog::Action(16), nullptr);  // a peer's replica

  const std::string id = std::string("group1/") + kName;
  // Uploads: the new name in the reply; none on failure.
  EXPECT_EQ(AccessLog::FileOf(proto::kUploadFile, "prefix",
                              Group16("group1") + kName, "group1", ""),
            id);
  EXPECT_EQ(AccessLog::FileOf(proto::kUploadFile, "prefix", "", "group1", ""),
            "-");
  EXPECT_EQ(
      AccessLog::FileOf(proto::kDownloadFile,
                        proto::EncodeDownloadRequest({0, 0, "group1", kName}),
                        "", "group1", ""),
      id);
  EXPECT_EQ(AccessLog::FileOf(proto::kDeleteFile,
                              proto::EncodeGroupAndName("group1", kName), "",
                              "group1", ""),
            id);
  EXPECT_EQ(AccessLog::FileOf(proto::kTruncateFile,
                              proto::EncodeTruncateRequest({5, kName}), "",
                              "group1", ""),
            id);
  // Appends name their file after the body: what the handler read.
  EXPECT_EQ(
      AccessLog::FileOf(proto::kAppendFile, "prefix", "", "group1", kName), id);
  EXPECT_EQ(AccessLog::FileOf(proto::kAppendFile, "prefix", "", "group1", ""),
            "-");
  // A malformed body names nothing.
  EXPECT_EQ(AccessLog::FileOf(proto::kDownloadFile, "junk", "", "group1", ""),
            "-");
}

TEST(AccessLog, LinesInFastDfsLayout) {
  const std::string dir =
      ::testing::TempDir() + "/access_log_" + std::to_string(::getpid());
  ASSERT_EQ(std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str()), 0);
  auto log = AccessLog::Open(dir + "/storage_access.log", LogRotation(),
                             Env::Default());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  (*log)->Write("10.0.0.9", "download", "group1/M00/00/00/x.jpg", 0, 3, 77,
                5010);
  (*log)->Write("10.0.0.9", "delete", "-", 2, 0, 50, 10);
  std::ifstream in(dir + "/storage_access.log");
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  // [YYYY-MM-DD HH:MM:SS] then the fields.
  ASSERT_GT(line.size(), 22u);
  EXPECT_EQ(line[0], '[');
  EXPECT_EQ(line[20], ']');
  EXPECT_EQ(line.substr(22),
            "10.0.0.9 download group1/M00/00/00/x.jpg 0 3 77 5010");
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line.substr(22), "10.0.0.9 delete - 2 0 50 10");
  // Under a regular file no directory can be made.
  EXPECT_FALSE(AccessLog::Open(dir + "/storage_access.log/x.log", LogRotation(),
                               Env::Default())
                   .ok());
}

}  // namespace
}  // namespace nimbus::storage
