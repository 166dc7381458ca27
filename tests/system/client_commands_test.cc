// Every client command through the client library against real servers.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "proto/file_name.h"
#include "test_cluster.h"

namespace nimbus::test {
namespace {

using client::Client;
using client::Source;

class ClientCommands : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new TestCluster("cmds");
    cluster_->StartTracker();
    cluster_->AddStorage("group1");
    cluster_->AddStorage("group2", "store_path_count = 2\nstore_path1 = " +
                                       cluster_->dir() + "/g2p1\n");
    cluster_->WaitActive(2);
    // GoogleTest would report every test of the suite as skipped, and ctest
    // count skips as passes: a cluster that does not start must fail.
    if (::testing::Test::HasFailure()) {
      std::fprintf(stderr, "the shared cluster did not start\n");
      delete cluster_;  // stops what did start
      std::exit(1);
    }
  }
  static void TearDownTestSuite() { delete cluster_; }
  static TestCluster* cluster_;
  Client c_{cluster_->ClientOpts()};
};
TestCluster* ClientCommands::cluster_ = nullptr;

TEST_F(ClientCommands, UploadDownloadInfoDelete) {
  std::string data = "hello, nimbus";
  auto id = c_.Upload(Source::FromString(data), "txt");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_NE(id->find(".txt"), std::string::npos);
  EXPECT_EQ(*c_.DownloadToString(*id), data);
  EXPECT_EQ(*c_.DownloadToString(*id, 7, 0), "nimbus");
  EXPECT_EQ(*c_.DownloadToString(*id, 0, 5), "hello");
  EXPECT_EQ(*c_.DownloadToString(*id, 7, 100), "nimbus");  // clipped
  EXPECT_EQ(*c_.DownloadToString(*id, 13, 0), "");
  EXPECT_EQ(c_.DownloadToString(*id, 14, 0).status().code(),
            Status::Code::kInvalidArgument);
  auto info = c_.Info(*id, true);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size, static_cast<int64_t>(data.size()));
  EXPECT_EQ(info->source_ip, "127.0.0.1");
  EXPECT_EQ(info->crc32,
            crc32(0, reinterpret_cast<const Bytef*>(data.data()), data.size()));
  EXPECT_LE(std::abs(info->create_time - std::time(nullptr)), 5);
  auto local = c_.Info(*id, false);
  EXPECT_FALSE(local->from_server);
  EXPECT_EQ(local->crc32, info->crc32);
  ASSERT_TRUE(c_.Delete(*id).ok());
  EXPECT_EQ(c_.DownloadToString(*id).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(c_.Delete(*id).code(), Status::Code::kNotFound);
}

TEST_F(ClientCommands, UploadToEachGroupAndEmptyFile) {
  for (const char* g : {"group1", "group2"}) {
    auto id = c_.Upload(Source::FromString(""), "", g);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    EXPECT_EQ(id->substr(0, 7), std::string(g) + "/");
    EXPECT_EQ(*c_.DownloadToString(*id), "");
  }
  EXPECT_EQ(c_.Upload(Source::FromString("x"), "", "nosuch").status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(c_.Upload(Source::FromString("x"), "bad.ext").status().code(),
            Status::Code::kInvalidArgument);
}

TEST_F(ClientCommands, MetadataOverwriteAndMerge) {
  auto id = c_.Upload(Source::FromString("m"), "jpg");
  ASSERT_TRUE(id.ok());
  EXPECT_TRUE(c_.GetMetadata(*id)->empty());
  ASSERT_TRUE(
      c_.SetMetadata(*id, {{"width", "100"}, {"height", "50"}}, 'O').ok());
  ASSERT_TRUE(
      c_.SetMetadata(*id, {{"height", "60"}, {"author", "x"}}, 'M').ok());
  proto::Metadata want = {{"width", "100"}, {"height", "60"}, {"author", "x"}};
  EXPECT_EQ(*c_.GetMetadata(*id), want);
  ASSERT_TRUE(c_.SetMetadata(*id, {{"only", "1"}}, 'O').ok());
  EXPECT_EQ(c_.GetMetadata(*id)->size(), 1u);
  EXPECT_EQ(c_.SetMetadata(*id, {{std::string(65, 'k'), "v"}}, 'O').code(),
            Status::Code::kInvalidArgument);
}

TEST_F(ClientCommands, AppenderLifecycle) {
  auto id = c_.UploadAppender(Source::FromString("abc"), "log");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ASSERT_TRUE(c_.Append(*id, Source::FromString("def")).ok());
  EXPECT_EQ(*c_.DownloadToString(*id), "abcdef");
  ASSERT_TRUE(c_.Modify(*id, 1, Source::FromString("XY")).ok());
  EXPECT_EQ(*c_.DownloadToString(*id), "aXYdef");
  ASSERT_TRUE(c_.Modify(*id, 6, Source::FromString("gh")).ok());
  EXPECT_EQ(*c_.DownloadToString(*id), "aXYdefgh");
  EXPECT_EQ(c_.Modify(*id, 9, Source::FromString("z")).code(),
            Status::Code::kInvalidArgument);
  ASSERT_TRUE(c_.Truncate(*id, 4).ok());
  EXPECT_EQ(*c_.DownloadToString(*id), "aXYd");
  EXPECT_EQ(c_.Truncate(*id, 10).code(), Status::Code::kInvalidArgument);
  auto info = c_.Info(*id, false);  // appender: always asks the server
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->appender);
  EXPECT_TRUE(info->from_server);
  EXPECT_EQ(info->size, 4);
  EXPECT_EQ(info->crc32, crc32(0, reinterpret_cast<const Bytef*>("aXYd"), 4));
  auto normal = c_.RegenerateAppenderName(*id);
  ASSERT_TRUE(normal.ok()) << normal.status().ToString();
  EXPECT_NE(*normal, *id);
  EXPECT_EQ(*c_.DownloadToString(*normal), "aXYd");
  EXPECT_EQ(c_.DownloadToString(*id).status().code(), Status::Code::kNotFound);
  auto ninfo = c_.Info(*normal, false);
  EXPECT_FALSE(ninfo->appender);
  EXPECT_EQ(ninfo->size, 4);
  // Appender-only operations on a normal file are refused.
  EXPECT_EQ(c_.Append(*normal, Source::FromString("x")).code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(c_.Truncate(*normal, 0).code(), Status::Code::kInvalidArgument);
}

TEST_F(ClientCommands, SlaveFiles) {
  auto master = c_.Upload(Source::FromString("master"), "jpg");
  ASSERT_TRUE(master.ok());
  auto slave =
      c_.UploadSlave(*master, "_150x150", "", Source::FromString("thumb"));
  ASSERT_TRUE(slave.ok()) << slave.status().ToString();
  EXPECT_NE(slave->find("_150x150.jpg"), std::string::npos);
  EXPECT_EQ(slave->substr(0, master->size() - 4),
            master->substr(0, master->size() - 4));
  EXPECT_EQ(*c_.DownloadToString(*slave), "thumb");
  auto info = c_.Info(*slave, false);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->slave);
  EXPECT_EQ(info->size, 5);
  EXPECT_EQ(c_.UploadSlave(*master, "_150x150", "", Source::FromString("again"))
                .status()
                .code(),
            Status::Code::kAlreadyExists);
  EXPECT_EQ(
      c_.UploadSlave(*master, "", "", Source::FromString("x")).status().code(),
      Status::Code::kInvalidArgument);
}

TEST_F(ClientCommands, ClusterQueries) {
  auto groups = c_.ListGroups();
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ(groups->at(1).group_name, "group2");
  EXPECT_EQ(groups->at(1).store_path_count, 2);
  auto st = c_.ListStorages("group2");
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(st->size(), 1u);
  EXPECT_EQ(st->at(0).status, 7);
  EXPECT_EQ(st->at(0).storage_port, cluster_->storage_port(1));
  auto all = c_.QueryStore("group2", true);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->servers.size(), 1u);
  EXPECT_LT(all->store_path_index, 2);
  EXPECT_TRUE(c_.ActiveTest({"127.0.0.1", cluster_->tracker_port()}).ok());
  EXPECT_TRUE(c_.ActiveTest({"127.0.0.1", cluster_->storage_port(0)}).ok());
  EXPECT_EQ(c_.ListStorages("nosuch").status().code(), Status::Code::kNotFound);
}

TEST_F(ClientCommands, SecondStorePathIsUsed) {
  std::set<std::string> paths;
  for (int i = 0; i < 6; ++i) {
    auto id = c_.Upload(Source::FromString("p"), "", "group2");
    ASSERT_TRUE(id.ok());
    paths.insert(id->substr(7, 3));
    EXPECT_EQ(*c_.DownloadToString(*id), "p");
  }
  EXPECT_EQ(paths, (std::set<std::string>{"M00", "M01"}));
}

}  // namespace
}  // namespace nimbus::test
